"""Sentence splitting: line breaks are hard boundaries, NLTK Punkt splits within a line.

Punkt is built with an explicit abbreviation list rather than trained parameters, so nothing is
downloaded (no `punkt_tab`).

Punkt's cost grows with the text it is handed, and NLTK (3.10+) aborts any regex scan that runs
over 5 s of wall clock, so one long line (a 10 MB summary, a source with no line breaks) used to
fail with an error that depended on machine speed and named no file. A long line is therefore
fed to Punkt in windows of at most `WINDOW` characters, cut only where Punkt itself put a sentence
break whose evidence lies wholly inside the window (see `_split_long`): the result is the same
as one Punkt call on the whole line, and the work is linear in the line's length.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Protocol

from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

# Abbreviations that end in a period but rarely end a sentence in news text. Punkt normally
# learns these from trained data (punkt_tab); we give them explicitly so no download is needed.
ABBREVIATIONS = frozenset(
    """u.s u.k u.n e.u u.s.a d.c a.m p.m e.g i.e etc vs no nos jr sr st mr mrs ms dr prof
    gen brig col lt maj capt cmdr adm sgt cpl pvt gov sen rep rev hon pres supt insp det
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    inc corp co ltd plc dept est approx fig ft mt ave blvd rd no. al""".split()
)

# The most text Punkt is ever handed at once: about 0.1 s of work, far below NLTK's 5 s guard.
# Text between two sentence breaks that is longer than a quarter of this (a "sentence" of over
# 5,000 characters, or a word of over 10,000) may be cut at a space instead (see `_split_long`).
WINDOW = 20_000

_HAS_WORD = re.compile(r"[^\W_]")  # a letter or digit


class SpanTokenizer(Protocol):
    """What the splitter needs of Punkt (a protocol, so tests can count what it is handed)."""

    def span_tokenize(self, text: str) -> Iterator[tuple[int, int]]: ...


@lru_cache(maxsize=1)
def _punkt() -> PunktSentenceTokenizer:
    params = PunktParameters()
    params.abbrev_types = set(ABBREVIATIONS)
    return PunktSentenceTokenizer(params)


def split_sentences(text: str) -> list[str]:
    """Split text into sentences: line breaks are hard boundaries, Punkt splits within a line."""
    out: list[str] = []
    tok = _punkt()
    for line in text.replace("\r\n", "\n").split("\n"):
        line = line.strip()
        if not line:
            continue
        spans: list[tuple[int, int]] = []
        for start, end in line_spans(line, tok):
            # Punkt cuts "true??" into "true?" and "?": a piece with no letter or digit is no
            # sentence (and no budget word); it stays with the sentence before it.
            if spans and not _HAS_WORD.search(line[start:end]):
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
        if spans and not _HAS_WORD.search(line[spans[0][0]:spans[0][1]]):
            if len(spans) == 1:
                continue  # a line of punctuation only ("***", "--") holds no sentence
            spans[:2] = [(spans[0][0], spans[1][1])]
        out.extend(p for p in (line[a:b].strip() for a, b in spans) if p)
    return out


def split_line(line: str, tok: SpanTokenizer, window: int = WINDOW) -> list[str]:
    """Punkt's sentences of one line, never handing Punkt more than `window` characters."""
    return [line[a:b] for a, b in line_spans(line, tok, window)]


def line_spans(line: str, tok: SpanTokenizer, window: int = WINDOW) -> list[tuple[int, int]]:
    """Punkt's sentence spans in one line (offsets into it), never handing Punkt more than
    `window` characters at once."""
    if len(line) <= window:
        return list(tok.span_tokenize(line))
    return _split_long(line, tok, window)


def _split_long(line: str, tok: SpanTokenizer, window: int) -> list[tuple[int, int]]:
    """Walk a long line window by window, keeping only the breaks a window decides as the whole
    line would.

    Punkt decides a break from local evidence: the word before the end mark (back to the last
    space), the next whitespace-delimited token, and the closing punctuation and spaces after it.
    So a window that ends just before a space, and a break whose following sentence starts after
    a space and no later than the start of the window's second-to-last token, has all its evidence
    inside the window; the next window starts at that sentence. If a window holds no such break
    in its last three quarters, the text is not sentence-like (one run of over `window / 4`
    characters with no break): the window is taken whole and the line cut at the space after it.
    Each window advances by at least a quarter of its size, so Punkt sees under 4x the line.
    """
    out: list[tuple[int, int]] = []
    pos, n = 0, len(line)
    while n - pos > window:
        end = _window_end(line, pos, window)
        chunk = line[pos:end]
        spans = list(tok.span_tokenize(chunk))
        cut = _safe_cut(chunk, spans, window // 4)
        if cut is None:  # no usable break: take the window whole, cut at the space after it
            out.extend((pos + a, pos + b) for a, b in spans)
            pos = _skip_space(line, end)
        else:
            out.extend((pos + a, pos + b) for a, b in spans if b <= cut)
            pos += cut
    if pos < n:
        out.extend((pos + a, pos + b) for a, b in tok.span_tokenize(line[pos:]))
    return out


def _window_end(line: str, pos: int, window: int) -> int:
    """Where a window from `pos` ends: just before the last space in its second half, so its last
    token is whole; mid-word only if that half holds no space at all."""
    limit = pos + window
    for i in range(limit, pos + window // 2, -1):
        if line[i].isspace():
            return i
    return limit


def _safe_cut(chunk: str, spans: list[tuple[int, int]], least: int) -> int | None:
    """The latest sentence start in `chunk`, at or after `least`, whose break has all its evidence
    inside the chunk (see `_split_long`); None if there is none."""
    last_token = _token_start(chunk, len(chunk))
    limit = _token_start(chunk, last_token)
    for start, _ in reversed(spans[1:]):
        if start < least:
            return None
        if start <= limit and chunk[start - 1].isspace():
            return start
    return None


def _token_start(text: str, end: int) -> int:
    """Start of the whitespace-delimited token ending at or before `end` (spaces before `end` are
    skipped first)."""
    i = end
    while i > 0 and text[i - 1].isspace():
        i -= 1
    while i > 0 and not text[i - 1].isspace():
        i -= 1
    return i


def _skip_space(line: str, i: int) -> int:
    while i < len(line) and line[i].isspace():
        i += 1
    return i
