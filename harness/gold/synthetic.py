"""Seeded synthetic story clusters, for the benchmark and for tests that need many clusters.

The text is not English, but it has what matters for cost and for ROUGE: Zipf-distributed
words with inflected variants (so stemming matters), per-story topic words shared by the
sources, dated sources, and references that reuse and reorder source material (so ROUGE-2 and
the LCS scores are neither zero nor trivial). Same (n, seed) -> same clusters, on any machine.
"""
from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from itertools import accumulate

from evalsum.gold.dataset import DatasetCluster

ONSETS = ("b", "br", "c", "d", "dr", "f", "g", "gr", "h", "k", "l", "m", "n", "p", "pr", "r", "s", "st", "t", "tr",
          "v", "w")
VOWELS = ("a", "e", "i", "o", "u", "ai", "ea", "ou")
CODAS = ("", "n", "r", "l", "s", "t", "nd", "rk", "st")
SUFFIXES = ("", "", "", "s", "ed", "ing", "ation", "ly", "er")


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(rng.randint(1, 3))) + rng.choice(CODAS)


class Generator:
    """Holds the shared vocabulary; `cluster(i)` depends only on (seed, i)."""

    def __init__(self, seed: int = 0, vocabulary: int = 4000) -> None:
        self.seed = seed
        rng = random.Random(f"vocab-{seed}")
        words: dict[str, None] = {}
        while len(words) < vocabulary:
            words[_word(rng)] = None
        self.words = list(words)
        # Zipf weights: the r-th word is drawn with probability proportional to 1/r.
        self.cum = list(accumulate(1.0 / (r + 1) for r in range(len(self.words))))

    def _sentence(self, rng: random.Random, topic: list[str]) -> list[str]:
        n = rng.randint(8, 24)
        common = rng.choices(self.words, cum_weights=self.cum, k=n)
        out = [rng.choice(topic) if rng.random() < 0.25 else w for w in common]
        return [w + rng.choice(SUFFIXES) if rng.random() < 0.3 else w for w in out]

    @staticmethod
    def _text(words: list[str]) -> str:
        s = " ".join(words)
        return s[:1].upper() + s[1:] + "."

    def cluster(self, i: int) -> DatasetCluster:
        rng = random.Random(f"cluster-{self.seed}-{i}")
        topic = rng.sample(self.words[200:], 10)
        start = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(1500))
        docs, pool = [], []
        for d in range(rng.randint(3, 5)):
            sents = [self._sentence(rng, topic) for _ in range(rng.randint(6, 12))]
            pool.extend(sents)
            paras = [" ".join(self._text(s) for s in sents[k:k + 3]) for k in range(0, len(sents), 3)]
            docs.append({"id": f"doc{d}", "date": (start + dt.timedelta(days=d)).isoformat(),
                         "text": "\n\n".join(paras) + "\n"})
        refs = []
        for a in range(rng.randint(3, 4)):
            lines, words = [], 0
            while words < 100:
                src = rng.choice(pool)
                cut = rng.randint(0, max(0, len(src) - 6))
                part = src[cut:cut + rng.randint(6, 16)]
                part = [rng.choices(self.words, cum_weights=self.cum)[0] if rng.random() < 0.3 else w for w in part]
                lines.append(self._text(part))
                words += len(part)
            refs.append({"author": f"ann-{chr(97 + a)}", "text": "\n".join(lines) + "\n"})
        return DatasetCluster.model_validate({"id": f"syn-{self.seed}-{i:06d}", "title": " ".join(topic[:4]),
                                              "documents": docs, "references": refs})


def clusters(n: int, seed: int = 0) -> Iterator[DatasetCluster]:
    """The first n synthetic clusters for this seed, one at a time."""
    gen = Generator(seed)
    for i in range(n):
        yield gen.cluster(i)
