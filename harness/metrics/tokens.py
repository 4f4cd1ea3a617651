"""rouge-score's tokenisation, computed once per text and memoised per word.

We reproduce `rouge_score.tokenize.tokenize` exactly (lowercase, non-alphanumerics to spaces,
Porter stem words longer than three characters) but stem each distinct word once. Stemming
dominates ROUGE's cost, and texts in a cluster share most of their words, so this is where the
speed-up over a naive `RougeScorer.score` loop comes from. Tests pin bit-identity.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from nltk.stem import porter

from harness.metrics.lcs import Masks, masks

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_VALID = re.compile(r"^[a-z0-9]+$")


class Stemmer:
    """Porter stemming (nltk, as rouge-score uses it) with a per-instance cache, no global state."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._porter = porter.PorterStemmer() if enabled else None
        self._cache: dict[str, str] = {}

    def tokens(self, text: str) -> list[str]:
        raw = _NON_ALNUM.sub(" ", text.lower()).split()
        if self._porter is None:
            return [t for t in raw if _VALID.match(t)]
        out = []
        cache = self._cache
        for w in raw:
            s = cache.get(w)
            if s is None:
                s = self._porter.stem(w) if len(w) > 3 else w
                cache[w] = s
            if _VALID.match(s):
                out.append(s)
        return out


@dataclass
class Tokenized:
    """One text as ROUGE sees it: tokens per sentence (for Lsum) and n-gram counts, built once."""

    sentences: list[list[str]]
    flat: list[str] = field(init=False)
    _ngrams: dict[int, Counter[tuple[str, ...]]] = field(default_factory=dict, init=False, repr=False)
    _masks: tuple[Masks, list[Masks]] | None = field(default=None, init=False, repr=False)
    _counts: Counter[str] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.flat = [t for s in self.sentences for t in s]

    @property
    def masks(self) -> tuple[Masks, list[Masks]]:
        """LCS bit masks of the whole text and of each sentence: built once, reused for every
        prediction scored against this text (references are scored many times)."""
        if self._masks is None:
            self._masks = (masks(self.flat), [masks(s) for s in self.sentences])
        return self._masks

    @property
    def counts(self) -> Counter[str]:
        """Token counts (ROUGE-Lsum clips its hits by them)."""
        got = self._counts
        if got is None:
            got = self._counts = Counter(self.flat)
        return got

    def ngrams(self, n: int) -> Counter[tuple[str, ...]]:
        got = self._ngrams.get(n)
        if got is None:
            toks = self.flat
            got = Counter(zip(*(toks[i:] for i in range(n))))  # the n-gram tuples, built in C
            self._ngrams[n] = got
        return got


def tokenize_sentences(sentences: list[str], stemmer: Stemmer) -> Tokenized:
    """Sentences in, as rouge-score would see them joined by newlines (empty lines dropped)."""
    return Tokenized([stemmer.tokens(s) for s in sentences if s])
