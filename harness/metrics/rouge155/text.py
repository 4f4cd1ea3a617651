"""How ROUGE-1.5.5 turns a summary file into tokens: the order is cut (`-l`/`-b`, on the raw line),
then ASCII lower-casing and punctuation removal, then stopwords (`-s`), then stemming (`-m`).

A text is a list of lines (one sentence per line, as the script reads its SPL files); it is worked
on as UTF-8 bytes because the script counts bytes and treats every non-ASCII byte as a separator."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from evalsum.metrics.rouge155.options import Options
from evalsum.metrics.rouge155.stemming import Stemmer

_WS = re.compile(rb"[ \t\n\r\f\v]+")  # Perl's \s on bytes
_TOKEN = re.compile(rb"[a-z0-9]+")


@dataclass(frozen=True)
class Text:
    """One peer or model, ready for counting.

    `tokens`: the whole cut text, for n-grams, skip-bigrams and the clipping counts of ROUGE-L.
    `sentences`: the tokens per line for ROUGE-L/W (under `-b` these come from a different cut)."""

    tokens: tuple[str, ...]
    sentences: tuple[tuple[str, ...], ...]


def lines_of(text: str | Sequence[str]) -> list[bytes]:
    """The lines the script reads: split on newlines; zero-length lines are dropped."""
    raw = text.split("\n") if isinstance(text, str) else [p for line in text for p in line.split("\n")]
    return [line.encode("utf-8") for line in raw if line]


def _words(line: bytes) -> list[bytes]:
    """Perl's split(/\\s+/): a leading separator gives an empty first word; trailing ones nothing."""
    parts = _WS.split(line)
    while parts and parts[-1] == b"":
        parts.pop()
    return parts


def cut_words(lines: list[bytes], limit: int) -> list[bytes]:
    """`-l N`: whole lines while the running count stays under N, then the first words of one line."""
    out: list[bytes] = []
    count = 0
    for line in lines:
        words = _words(line)
        if count + len(words) < limit:
            out.append(line)
            count += len(words)
            continue
        out.append(b" ".join(words[: limit - count]))
        break
    return out


def cut_bytes(lines: list[bytes], limit: int) -> list[bytes]:
    """`-b N`: whole lines while the running byte count stays under N, then the rest of N bytes."""
    out: list[bytes] = []
    count = 0
    for line in lines:
        if count + len(line) < limit:
            out.append(line)
            count += len(line)
            continue
        out.append(line[: limit - count])
        break
    return out


def cut_bytes_lcs(lines: list[bytes], limit: int) -> list[bytes]:
    """ROUGE-L's own reading under `-b N`: every line is measured alone; the first line of N bytes
    or more is cut to N bytes and ends the text (probe-15 of the vectors)."""
    out: list[bytes] = []
    for line in lines:
        if len(line) < limit:
            out.append(line)
            continue
        out.append(line[:limit])
        break
    return out


def tokens_of(line: bytes, options: Options, stemmer: Stemmer | None) -> tuple[str, ...]:
    toks = [t.decode("ascii") for t in _TOKEN.findall(line.lower())]
    if options.stopwords is not None:
        stop = frozenset(options.stopwords)
        toks = [t for t in toks if t not in stop]
    if options.stem and stemmer is not None:
        toks = [stemmer.stem(t) for t in toks]
    return tuple(toks)


def prepare(text: str | Sequence[str], options: Options, stemmer: Stemmer | None = None) -> Text:
    """A text as the script sees it under `options`; `stemmer` is needed when `options.stem`."""
    lines = lines_of(text)
    if options.word_limit is not None:
        lines = cut_words(lines, options.word_limit)
    lcs_lines = lines
    if options.byte_limit is not None:
        lcs_lines = cut_bytes_lcs(lines, options.byte_limit)
        lines = cut_bytes(lines, options.byte_limit)
    sents = [tokens_of(line, options, stemmer) for line in lines]
    lcs_sents = sents if lcs_lines is lines else [tokens_of(line, options, stemmer) for line in lcs_lines]
    return Text(tuple(t for s in sents for t in s), tuple(lcs_sents))
