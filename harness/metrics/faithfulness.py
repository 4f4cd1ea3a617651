"""Faithfulness without models: numbers, dates and named entities a summary states that no source
contains.

ROUGE cannot see an invented number, so we check the claims that are cheap to check lexically and
costly to get wrong. Both sides are normalised the same way first (`evalsum.text.normalise`): "U.S." =
"US" = "United States", "Feb. 3" = "3 February", "two" = "2". Sources are the cluster's cleaned
sentences, so page furniture never counts as support.

- Dates: a summary date is supported when one source date states every field it states. A source's
  `date` header (its dateline) counts as a date it states, and lends its year to a day-and-month
  date written without one ("4 February").
- Numbers: digits and cardinal number words outside dates ("one" is left out: it is a pronoun far
  more often than a count). A source supports a number it states outside a date, or a year it
  dates (so "3 February" does not support "three balloons").
- Entities: maximal runs of capitalised words (joined by "of", "de"...), minus dates and numbers.
  A capitalised sentence opener counts only when it is an acronym or is capitalised mid-sentence
  somewhere in the summary or the sources, so "Spokesman Brigadier General Pat Ryder" checks
  "Brigadier General Pat Ryder"; the price is that a name seen only as an opener goes unchecked.
  Supported when the normalised, stemmed run occurs contiguously in one source sentence,
  case-insensitively.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Literal

from evalsum.text.normalise import NUMBER_WORDS, STOPWORDS, DateMention, Normalised, Normaliser

Kind = Literal["number", "date", "entity"]

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9&]*(?:['’.\-][A-Za-z0-9&]+)*\.?")
_NUMBER = re.compile(r"(?<![A-Za-z])\d+(?:[.,]\d+)*(?:st|nd|rd|th|s)?(?![A-Za-z0-9])")
CLAIM_NUMBER_WORDS = {w: n for w, n in NUMBER_WORDS.items() if w not in ("one", "zero")} | {
    "million": "1000000", "billion": "1000000000", "dozen": "12"}
SOURCE_ORDINALS = {"first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5", "sixth": "6",
                   "seventh": "7", "eighth": "8", "ninth": "9", "tenth": "10"}
CONNECTORS = frozenset({"of", "de", "del", "la", "le", "du", "da", "van", "von", "bin", "al"})
_OPENERS = "\"“‘':"  # a capital after these may just open a quote or a clause


@dataclass(frozen=True)
class Claim:
    """One checkable item of a summary: where it is, what it says, and its comparison key."""

    kind: Kind
    text: str
    key: str
    sentence: int
    date: DateMention | None = None


@dataclass(frozen=True)
class SourceFacts:
    """What the cleaned sources state, indexed once per cluster. `stream` is the UTF-8 bytes the
    index grew in place: decoding them would hold a second copy of the sources' size at once, and a
    substring of valid UTF-8 matches in the bytes exactly where it matches in the text. Read-only."""

    stream: bytearray
    numbers: frozenset[str]
    dates: tuple[DateMention, ...]
    capitalised: frozenset[str]  # words written capitalised mid-sentence: names, not openers


@dataclass(frozen=True)
class Unsupported:
    checked: int
    items: list[Claim]


def number_key(token: str) -> str:
    """Canonical form of a written number: "1,400" -> "1400", "3rd" -> "3", "F-22s" -> "22"."""
    t = token.lower().replace(",", "")
    t = re.sub(r"(st|nd|rd|th|s)$", "", t)
    return t.rstrip(".") or token


def _mask(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """Blank spans out with NUL, keeping offsets; a blank never joins the words around it."""
    for a, b in spans:
        text = text[:a] + "\0" * (b - a) + text[b:]
    return text


def _numbers(text: str, number_words: dict[str, str]) -> list[tuple[int, int, str]]:
    out = [(m.start(), m.end(), number_key(m.group(0))) for m in _NUMBER.finditer(text)]
    for m in re.finditer(r"[A-Za-z]+", text):
        n = number_words.get(m.group(0).lower())
        if n is not None:
            out.append((m.start(), m.end(), n))
    return sorted(out)


def index_sources(documents: Iterable[tuple[dt.date | None, Iterable[Normalised]]]) -> SourceFacts:
    """Index each document's cleaned sentences (with its header date) for support lookups, reading
    them one at a time (the caller may analyse them lazily)."""
    # " " + " | ".join(tokens of each sentence) + " " as UTF-8, grown in place rather than from a
    # list of every sentence's string.
    stream = bytearray(b" ")
    joined = 0
    numbers: set[str] = set()
    # Support needs only the fields a source date states, so each distinct one is kept once (its
    # first mention): a large source repeats the same few dates thousands of times.
    dates: dict[tuple[int | None, int | None, int | None, str | None], DateMention] = {}
    capital: set[str] = set()
    words_of_numbers = CLAIM_NUMBER_WORDS | {"one": "1", "zero": "0"} | SOURCE_ORDINALS
    for header, sentences in documents:
        if header is not None:
            dates.setdefault((header.year, header.month, header.day, None), DateMention(
                text=header.isoformat(), start=0, end=0, year=header.year, month=header.month, day=header.day))
            numbers.add(str(header.year))  # "in 2023" is as supported as "February 2023"
        for sent in sentences:
            s, found = sent.text, sent.dates
            stream += b" | " if joined else b""
            stream += " ".join(sent.tokens).encode()
            joined += 1
            for d in found:
                year = d.year if d.year is not None or header is None or d.day is None else header.year
                dates.setdefault((year, d.month, d.day, d.weekday), DateMention(
                    text=d.text, start=d.start, end=d.end, year=year, month=d.month, day=d.day, weekday=d.weekday))
                if d.year is not None:
                    numbers.add(str(d.year))
            numbers.update(k for _, _, k in _numbers(_mask(s, [(d.start, d.end) for d in found]), words_of_numbers))
            capital.update(_mid_sentence_capitals(s))
    stream += b" "
    return SourceFacts(stream=stream, numbers=frozenset(numbers), dates=tuple(dates.values()),
                       capitalised=frozenset(capital))


def _is_initial(sentence: str, start: int) -> bool:
    """The first word of the sentence, or the first word after an opening quote or a colon."""
    before = sentence[:start].rstrip()
    return not before or before[-1] in _OPENERS


def _bare(token: str) -> str:
    """A word without a trailing full stop or possessive: "Canada’s" -> "Canada"."""
    return re.sub(r"['’]s?$", "", token.rstrip("."))


def _mid_sentence_capitals(sentence: str) -> list[str]:
    return [w for m in _TOKEN.finditer(sentence) if (w := _bare(m.group(0)))[:1].isupper()
            and not _is_initial(sentence, m.start())]


def _common_opener(word: str, capitalised: AbstractSet[str]) -> bool:
    """A capitalised sentence opener is taken for an ordinary word unless it is an acronym or is
    capitalised mid-sentence somewhere in the summary or the sources ("Beijing", not "Spokesman")."""
    if len(word) > 1 and word.isupper():
        return False
    return word.lower() in STOPWORDS or word not in capitalised


def _entities(sentence: str, masked: str, capitalised: AbstractSet[str]) -> list[tuple[int, int]]:
    """Spans of capitalised runs in `masked` (dates and numbers blanked out)."""
    toks = [(m.start(), m.end(), m.group(0).rstrip(".")) for m in _TOKEN.finditer(masked)]
    spans: list[tuple[int, int]] = []
    run: list[tuple[int, int, str]] = []

    def close() -> None:
        while run and run[-1][2] in CONNECTORS:
            run.pop()
        if run:
            spans.append((run[0][0], run[-1][0] + len(run[-1][2])))
        run.clear()

    for a, b, w in toks:
        cap = w[0].isupper() and not any(c.isdigit() for c in w) and w != "I"
        if cap and _is_initial(sentence, a) and _common_opener(_bare(w), capitalised):
            close()
            continue
        joined = bool(run) and masked[run[-1][1]:a].strip() == ""
        if cap:
            if not joined:
                close()
            run.append((a, b, w))
            if w.endswith(("'s", "’s")):  # a possessive ends a name: "Westmere's Harlow Bridge" is two
                close()
        elif w in CONNECTORS and joined:
            run.append((a, b, w))
        else:
            close()
    close()
    return spans


def claims(sentences: Sequence[Normalised], source: SourceFacts, norm: Normaliser) -> list[Claim]:
    """Every date, number and entity the summary states, once each (first mention), in order."""
    out: dict[tuple[str, str], Claim] = {}
    capitalised = set(source.capitalised)
    for sent in sentences:
        capitalised.update(_mid_sentence_capitals(sent.text))
    for si, sent in enumerate(sentences):
        s, dates = sent.text, sent.dates
        found: list[tuple[int, Claim]] = []
        for d in dates:
            key = f"{d.year or '?'}-{d.month or '?'}-{d.day or '?'}-{d.weekday or '?'}"
            found.append((d.start, Claim("date", d.text.rstrip(".,"), key, si, d)))
        masked = _mask(s, [(d.start, d.end) for d in dates])
        nums = _numbers(masked, CLAIM_NUMBER_WORDS)
        for a, b, key in nums:
            found.append((a, Claim("number", s[a:b], key, si)))
        masked = _mask(masked, [(a, b) for a, b, _ in nums])
        for a, b in _entities(s, masked, capitalised):
            text = _bare(s[a:b])
            toks = norm.tokens(text)
            if toks:
                found.append((a, Claim("entity", text, " ".join(toks), si)))
        for _, c in sorted(found, key=lambda x: x[0]):
            out.setdefault((c.kind, c.key), c)
    return list(out.values())


def is_supported(claim: Claim, source: SourceFacts) -> bool:
    if claim.kind == "number":
        return claim.key in source.numbers
    if claim.date is not None:
        return any(claim.date.supported_by(d) for d in source.dates)
    return f" {claim.key} ".encode() in source.stream


def unsupported(sentences: Sequence[Normalised], source: SourceFacts, norm: Normaliser) -> Unsupported:
    """The summary's claims that no source supports, and how many claims were checked."""
    found = claims(sentences, source, norm)
    return Unsupported(checked=len(found), items=[c for c in found if not is_supported(c, source)])
