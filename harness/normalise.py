"""Lexical normalisation shared by fact matching and faithfulness checks.

Surface variants of the same thing become one token before comparison: "U.S." = "US" =
"United States", "Feb." = "February", "two" = "2", "3rd" = "third". Tokens are then Porter-stemmed
so inflections match ("postponed" = "postpones").
"""
from __future__ import annotations

import re

from harness.metrics.tokens import Stemmer

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


def canonical_words(text: str) -> list[str]:
    """Lowercase word tokens after alias, month, number and ordinal normalisation (unstemmed)."""
    for pattern, repl in ALIASES:
        text = pattern.sub(repl, text)
    text = text.replace("’", "'").lower()
    text = re.sub(r"(\d),(\d{3})\b", r"\1\2", text)  # 1,400 -> 1400
    out = []
    for w in _WORD.findall(text):
        w = MONTHS.get(w, w)
        w = NUMBER_WORDS.get(w, w)
        w = ORDINALS.get(w, w)
        out.append(w)
    return out


class Normaliser:
    """Canonical, stemmed tokens; holds its own stem cache (no module-level mutable state)."""

    def __init__(self) -> None:
        self._stemmer = Stemmer(True)

    def tokens(self, text: str) -> list[str]:
        return [self._stem(w) for w in canonical_words(text)]

    def _stem(self, w: str) -> str:
        toks = self._stemmer.tokens(w)
        return toks[0] if toks else w
