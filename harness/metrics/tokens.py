"""rouge-score's tokenisation, computed once per text and memoised per word.

We reproduce `rouge_score.tokenize.tokenize` exactly (lowercase, non-alphanumerics to spaces,
Porter stem words longer than three characters) but stem each distinct word once. Stemming
dominates ROUGE's cost, and texts in a cluster share most of their words, so this is where the
speed-up over a naive `RougeScorer.score` loop comes from. Tests pin bit-identity.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from evalsum.metrics.lcs import Masks, masks
from evalsum.text.stemming import Stemmer

__all__ = ["Stemmer", "Tokenized", "tokenize_sentences"]

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
            got = Counter(zip(*(toks[i:] for i in range(n)), strict=False))  # the n-gram tuples, built in C
            self._ngrams[n] = got
        return got


def tokenize_sentences(sentences: list[str], stemmer: Stemmer) -> Tokenized:
    """Sentences in, as rouge-score would see them joined by newlines (empty lines dropped)."""
    return Tokenized([stemmer.tokens(s) for s in sentences if s])
