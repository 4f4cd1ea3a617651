"""Lexical normalisation shared by fact matching and faithfulness checks.

Surface variants of the same thing become one token before comparison: "U.S." = "US" =
"United States", "U.N." = "U.N" = "UN", "Westmere's" = "Westmere", "Feb." = "February", "two" =
"2", "3rd" = "third". Tokens are then Porter-stemmed
so inflections match ("postponed" = "postpones").
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from evalsum.text.stemming import Stemmer
from evalsum.text.words import FUNCTION_WORDS

# (case-sensitive pattern, canonical token). Case matters: "US" is the country, "us" a pronoun.
ALIASES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(?:the\s+)?United\s+States(?:\s+of\s+America)?\b", re.I), " unitedstates "),
    (re.compile(r"(?<![\w.])U\.\s?S\.(?:\s?A\.)?|\bU\.S\b|\bUSA?\b"), " unitedstates "),
    (re.compile(r"(?<![\w.])U\.\s?K\.|\bUK\b|\bUnited\s+Kingdom\b|\bBritain\b"), " unitedkingdom "),
    (re.compile(r"(?<![\w.])U\.\s?N\.|\bUN\b|\bUnited\s+Nations\b"), " unitednations "),
)

MONTHS = {
    "jan": "january", "feb": "february", "mar": "march", "apr": "april", "jun": "june", "jul": "july",
    "aug": "august", "sep": "september", "sept": "september", "oct": "october", "nov": "november",
    "dec": "december",
}
NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    "twenty": "20", "hundred": "100", "thousand": "1000",
}
ORDINALS = {
    "1st": "first", "2nd": "second", "3rd": "third", "4th": "fourth", "5th": "fifth", "6th": "sixth",
    "7th": "seventh", "8th": "eighth", "9th": "ninth", "10th": "tenth",
}
_WORD = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*")


_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def canonical_dates(text: str, dates: Sequence[DateMention] | None = None) -> str:
    """Rewrite day-and-month dates in one order, "3 february [2023]", so "Feb. 3", "February 3rd,
    2023", "3 February" and "2023-02-03" all match a pattern written any of those ways. `dates`,
    when given, are `find_dates(text)` already found (reused unless an ISO date was rewritten)."""
    iso = _ISO_DATE.sub(lambda m: f"{int(m.group(3))} {MONTH_NAMES[int(m.group(2))]} {m.group(1)}"
                        if 1 <= int(m.group(2)) <= 12 else m.group(0), text)
    if dates is None or iso != text:
        dates = find_dates(iso)
    text = iso
    parts, last = [], 0
    for d in dates:
        if d.month is None or d.day is None:
            continue
        year = f" {d.year}" if d.year else ""
        parts += [text[last:d.start], f" {d.day} {MONTH_NAMES[d.month]}{year} "]
        last = d.end
    return "".join(parts) + text[last:]


# Dotted initialisms, with or without the final stop: "U.N." = "U.N" = "UN", "E.U." = "EU".
_INITIALISM = re.compile(r"(?<![\w.])((?:[A-Z]\.){1,}[A-Z])\.?(?!\w)")
_POSSESSIVE = re.compile(r"'s\b")


def canonical_words(text: str, dates: Sequence[DateMention] | None = None) -> list[str]:
    """Lowercase word tokens after alias, date, month, number and ordinal normalisation (unstemmed).

    A possessive is the name it qualifies ("Westmere's" = "Westmere"), so a summary writing
    "Westmere's Harlow Bridge" matches sources that say "Westmere" and "Harlow Bridge"."""
    text = canonical_dates(text, dates)
    text = _INITIALISM.sub(lambda m: m.group(1).replace(".", ""), text)
    for pattern, repl in ALIASES:
        text = pattern.sub(repl, text)
    text = _POSSESSIVE.sub(" ", text.replace("’", "'")).lower()
    text = re.sub(r"(\d),(\d{3})\b", r"\1\2", text)  # 1,400 -> 1400
    out = []
    for w in _WORD.findall(text):
        w = MONTHS.get(w, w)
        w = NUMBER_WORDS.get(w, w)
        w = ORDINALS.get(w, w)
        out.append(w)
    return out


@dataclass(frozen=True)
class Normalised:
    """One sentence analysed once, for every metric that reads it: fact matching takes `tokens`,
    off-topic and redundancy take `content`, faithfulness takes `dates` (found in `text`)."""

    text: str
    tokens: tuple[str, ...]
    content: tuple[str, ...]
    dates: tuple[DateMention, ...]


class Normaliser:
    """Canonical, stemmed tokens; holds its own stem cache (no module-level mutable state).
    `words` and `dates` are the only ways in to the costly work, so a test can count them."""

    def __init__(self) -> None:
        self._stemmer = Stemmer(True)

    def words(self, text: str, dates: Sequence[DateMention] | None = None) -> list[str]:
        return canonical_words(text, dates)

    def dates(self, text: str) -> list[DateMention]:
        return find_dates(text)

    def analyse(self, text: str) -> Normalised:
        """Dates, tokens and content tokens of one sentence, each computed once."""
        dates = self.dates(text)
        words = self.words(text, dates)
        tokens = tuple(self._stem(w) for w in words)
        content = tuple(t for w, t in zip(words, tokens, strict=True) if w not in STOPWORDS)
        return Normalised(text=text, tokens=tokens, content=content, dates=tuple(dates))

    def tokens(self, text: str) -> list[str]:
        return [self._stem(w) for w in self.words(text)]

    def content_tokens(self, text: str) -> list[str]:
        """Stemmed canonical tokens without stopwords: what a sentence is about."""
        return [self._stem(w) for w in self.words(text) if w not in STOPWORDS]

    def _stem(self, w: str) -> str:
        toks = self._stemmer.tokens(w)
        return toks[0] if toks else w


# ---------------------------------------------------------------- content words and dates

# Function words and very common verbs: dropped before measuring topical overlap and redundancy,
# and never taken for a named entity when they open a sentence. Compared before stemming.
STOPWORDS = FUNCTION_WORDS | frozenset(
    """said says say according however meanwhile later earlier yet still already even though although
    since whether upon amid despite""".split()
)

MONTH_NAMES = ("", "january", "february", "march", "april", "may", "june", "july", "august", "september",
               "october", "november", "december")
MONTH_NUMBERS = {m: i for i, m in enumerate(MONTH_NAMES) if m}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# Capitalised month names and their abbreviations ("May" only with a day or a year, since the
# modal verb opens sentences). Case-sensitive on purpose: "march" is a verb.
_MON = (r"(?P<m>January|February|March|April|May|June|July|August|September|October|November|December"
        r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?")
_DATE_PATTERNS = (
    re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MON}(?![A-Za-z])(?:,?\s+(?P<y>\d{{4}})\b)?"),
    re.compile(rf"\b{_MON}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?![\d:])\b(?:,?\s+(?P<y>\d{{4}})\b)?"),
    re.compile(rf"\b{_MON}\s+(?P<y>\d{{4}})\b"),
    re.compile(r"\b(?P<m>January|February|March|April|June|July|August|September|October|November|December)\b"),
    re.compile(r"\b(?P<w>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)s?\b"),
)


@dataclass(frozen=True)
class DateMention:
    """A date as written, with the fields it states; None means the text leaves it open."""

    text: str
    start: int
    end: int
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: str | None = None

    def supported_by(self, other: DateMention) -> bool:
        """True when `other` states every field this mention states, with the same value."""
        return all(mine is None or mine == theirs for mine, theirs in
                   ((self.year, other.year), (self.month, other.month), (self.day, other.day),
                    (self.weekday, other.weekday)))


def _month(name: str) -> int:
    key = name.lower().rstrip(".")
    return MONTH_NUMBERS[MONTHS.get(key, key)]


def find_dates(text: str) -> list[DateMention]:
    """Date mentions in text order: "Feb. 3" = "3 February" = "February 3rd" (month 2, day 3)."""
    found: list[DateMention] = []
    masked = text
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(masked):
            g = m.groupdict()
            day = int(g["d"]) if g.get("d") else None
            if day is not None and not 1 <= day <= 31:
                continue
            found.append(DateMention(
                text=text[m.start():m.end()], start=m.start(), end=m.end(),
                year=int(g["y"]) if g.get("y") else None, month=_month(g["m"]) if g.get("m") else None,
                day=day, weekday=g["w"].lower() if g.get("w") else None))
            masked = masked[:m.start()] + " " * (m.end() - m.start()) + masked[m.end():]
    return sorted(found, key=lambda d: d.start)
