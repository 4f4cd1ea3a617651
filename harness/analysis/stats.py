"""Aggregation over clusters: exact means, seeded bootstrap intervals and a paired test.

Clusters are the unit of sampling: one story is one observation, whatever its length. Every
random draw comes from a numpy Generator built from an explicit seed, and the seed travels with
the result, so the same inputs and seed give the same interval on every machine.

Pure functions: nothing here prints, reads or writes.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from evalsum.metrics.aggregate import mean as mean  # the one mean, re-exported for analysis

RESAMPLES = 1000
CONFIDENCE = 0.95
PERMUTATIONS = 10_000
# Up to 2^16 sign patterns the paired test enumerates them all (exact p); above, it samples.
EXACT_MAX_N = 16
# Below this many shared clusters no two-sided sign-flip p-value can fall under 0.05
# (the smallest attainable p is 2 / 2^n), so a test would only ever say "not significant".
MIN_TEST_CLUSTERS = 6
# Cells per generated block: bounds memory however many clusters there are.
_BLOCK = 1 << 20


class Interval(BaseModel):
    """A mean over clusters with its percentile-bootstrap interval (low/high None when n < 2)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    mean: float
    n: int
    low: float | None = None
    high: float | None = None
    confidence: float = CONFIDENCE
    resamples: int = RESAMPLES
    seed: int


class PairedTest(BaseModel):
    """System A minus system B over the clusters both scored: differences, their mean with an
    interval, and a two-sided sign-flip permutation p-value (None with too few clusters)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    n: int
    differences: list[float]
    difference: Interval
    p_value: float | None
    method: Literal["exact sign-flip", "monte-carlo sign-flip"] | None
    permutations: int
    note: str | None = None


def _rows_per_block(n: int) -> int:
    return max(1, _BLOCK // max(n, 1))


def bootstrap(values: Sequence[float], seed: int, resamples: int = RESAMPLES,
              confidence: float = CONFIDENCE) -> Interval:
    """Percentile bootstrap of the mean: resample clusters with replacement `resamples` times.

    With one cluster there is nothing to resample, so the interval is left out (callers say n=1).
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    if resamples < 1:
        raise ValueError(f"resamples must be positive, got {resamples}")
    x = np.asarray(values, dtype=np.float64)
    n = len(x)
    m = mean(list(values))
    if n < 2:
        return Interval(mean=m, n=n, confidence=confidence, resamples=resamples, seed=seed)
    rng = np.random.default_rng(seed)
    means = np.empty(resamples, dtype=np.float64)
    step = _rows_per_block(n)
    for start in range(0, resamples, step):
        rows = min(step, resamples - start)
        idx = rng.integers(0, n, size=(rows, n))
        means[start:start + rows] = x[idx].mean(axis=1)
    alpha = (1.0 - confidence) / 2.0
    low, high = np.quantile(means, [alpha, 1.0 - alpha])
    return Interval(mean=m, n=n, low=float(low), high=float(high), confidence=confidence,
                    resamples=resamples, seed=seed)


def _tolerance(d: np.ndarray) -> float:
    # Sums of the same numbers in another order may differ in the last bits; a permuted sum
    # that equals the observed one must count as "at least as extreme".
    return 1e-9 * max(1.0, float(np.abs(d).sum()))


PermutationMethod = Literal["exact sign-flip", "monte-carlo sign-flip"]


def sign_flip_p(differences: Sequence[float], seed: int, permutations: int = PERMUTATIONS,
                exact_max_n: int = EXACT_MAX_N) -> tuple[float, PermutationMethod, int]:
    """Two-sided paired permutation test of "mean difference is zero".

    Under the null each cluster's difference is as likely to have either sign, so the p-value is
    the share of sign patterns whose |sum| reaches the observed |sum|. With n <= exact_max_n
    every pattern is enumerated (exact p); otherwise `permutations` seeded random patterns are
    drawn and p = (1 + hits) / (1 + permutations), which never reports 0.
    Returns (p, method, number of patterns used).
    """
    d = np.asarray(differences, dtype=np.float64)
    n = len(d)
    if n == 0:
        raise ValueError("a paired test needs at least one shared cluster")
    observed = abs(float(d.sum())) - _tolerance(d)
    bits = np.arange(n, dtype=np.int64)
    if n <= exact_max_n:
        total = 1 << n
        hits = 0
        step = _rows_per_block(n)
        for start in range(0, total, step):
            codes = np.arange(start, min(total, start + step), dtype=np.int64)
            signs = 1.0 - 2.0 * ((codes[:, None] >> bits) & 1)
            hits += int(np.count_nonzero(np.abs(signs @ d) >= observed))
        return hits / total, "exact sign-flip", total
    if permutations < 1:
        raise ValueError(f"permutations must be positive, got {permutations}")
    rng = np.random.default_rng(seed)
    hits = 0
    step = _rows_per_block(n)
    for start in range(0, permutations, step):
        rows = min(step, permutations - start)
        signs = 1.0 - 2.0 * rng.integers(0, 2, size=(rows, n))
        hits += int(np.count_nonzero(np.abs(signs @ d) >= observed))
    return (1 + hits) / (1 + permutations), "monte-carlo sign-flip", permutations


def paired(a: Sequence[float], b: Sequence[float], seed: int, resamples: int = RESAMPLES,
           permutations: int = PERMUTATIONS, confidence: float = CONFIDENCE) -> PairedTest:
    """Compare two systems on the same clusters (a[i] and b[i] belong to one cluster)."""
    if len(a) != len(b):
        raise ValueError(f"paired scores need equal lengths, got {len(a)} and {len(b)}")
    if not a:
        raise ValueError("a paired comparison needs at least one shared cluster")
    diffs = [float(x) - float(y) for x, y in zip(a, b, strict=False)]
    n = len(diffs)
    interval = bootstrap(diffs, seed, resamples, confidence)
    if n < MIN_TEST_CLUSTERS:
        return PairedTest(n=n, differences=diffs, difference=interval, p_value=None, method=None, permutations=0,
                          note=f"too few clusters for a paired test: n={n}, need at least {MIN_TEST_CLUSTERS} "
                               f"(with fewer, no p-value can fall below 0.05)")
    p, method, used = sign_flip_p(diffs, seed, permutations)
    return PairedTest(n=n, differences=diffs, difference=interval, p_value=p, method=method, permutations=used)
