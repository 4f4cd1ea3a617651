"""Negation and refusal cues next to matched words: "did not fly over Montana" states no flight.

Fact patterns are phrases, so without this a sentence that denies a fact would be credited with
it ("Blinken refused to postpone his trip" has "Blinken" and "postpone"). A cue vetoes a match
when it ends at most `BEFORE` tokens before the matched words, or, in its copular form ("was
not", "isn't"), directly follows them ("collapse was not imminent"; other cue words in between
are read through, so adding a cue never lifts a veto). A cue inside the matched
words never counts: a pattern may itself be negative ("posed no threat").

The rule is lexical and deliberately near-sighted: it cannot see a negation three clauses away,
and a cue after a subject also negates what follows it ("the Montana balloon was not shot down"
vetoes `montana`). `evalsum validate` shows such cases, since a vetoed reference no longer states
the fact.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from evalsum.text.normalise import Normaliser

BEFORE = 3  # tokens: "did not fly over Montana" has the cue three tokens before the match

# Cues that negate what follows them (normalised like patterns, so "refused" = "refuses").
LEADING = (
    "not", "no", "never", "cannot", "nor", "without", "none", "nobody", "neither",
    "didn't", "doesn't", "don't", "wasn't", "isn't", "weren't", "aren't", "hasn't", "haven't", "hadn't",
    "won't", "wouldn't", "couldn't", "can't", "shouldn't",
    "did not", "does not", "was not", "is not", "were not", "has not", "will not", "would not",
    "denied", "deny", "denies", "denying", "refused to", "refuses to", "refusing to", "declined to",
    "failed to", "ruled out", "no plans to",
)
# Cues that negate the words before them: a copula or auxiliary with "not".
TRAILING = (
    "was not", "is not", "were not", "are not", "has not", "have not", "had not", "did not", "does not",
    "will not", "would not", "wasn't", "isn't", "weren't", "aren't", "hasn't", "haven't", "didn't",
    "won't", "was never", "is never", "never",
)


@dataclass(frozen=True)
class Cue:
    text: str
    tokens: tuple[str, ...]


@dataclass(frozen=True)
class Cues:
    """The cue lists in normalised form, longest first, so the audit names "did not", not "not"."""

    leading: tuple[Cue, ...]
    trailing: tuple[Cue, ...]
    words: frozenset[str]  # every token of every cue


def compile_cues(norm: Normaliser) -> Cues:
    def build(words: Sequence[str]) -> tuple[Cue, ...]:
        cues = {Cue(w, tuple(norm.tokens(w))) for w in words}
        return tuple(sorted(cues, key=lambda c: (-len(c.tokens), c.text)))
    leading, trailing = build(LEADING), build(TRAILING)
    return Cues(leading, trailing, frozenset(t for c in leading + trailing for t in c.tokens))


def _occurs(cue: tuple[str, ...], tokens: Sequence[str], start: int, stop: int) -> bool:
    """True when cue occurs in tokens[start:stop] and its last token lies within tokens[stop-BEFORE:stop]."""
    n = len(cue)
    lo = max(start, 0)
    return any(tuple(tokens[i:i + n]) == cue for i in range(max(lo, stop - BEFORE - n + 1), stop - n + 1))


def cue_near(tokens: Sequence[str], start: int, end: int, cues: Cues) -> str | None:
    """The cue that negates tokens[start:end] (the matched words), or None."""
    for c in cues.leading:
        if _occurs(c.tokens, tokens, 0, start):
            return c.text
    # A trailing cue may follow other cue words ("collapse, never, was not"): read through them.
    stop = end
    while stop < len(tokens) and tokens[stop] in cues.words:
        stop += 1
    for at in range(end, stop):
        for c in cues.trailing:
            if tuple(tokens[at:at + len(c.tokens)]) == c.tokens:
                return c.text
    return None
