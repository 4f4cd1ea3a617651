"""The printed `Average_R/P/F` and its interval: ROUGE-1.5.5 bootstraps over evaluations with Perl's
rand(), seeded with the sample number, so the numbers are fixed and can be reproduced exactly.

Perl 5.20+ draws with drand48: state x = (seed << 16) | 0x330E, x = (0x5DEECE66D x + 0xB) mod 2^48,
u = x / 2^48. Sample i (seeded with i) draws n indices floor(n u) into the evaluations sorted by
their key `<eval id>.<system>` as byte strings."""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from evalsum.metrics.rouge155.evaluate import Score, f_measure
from evalsum.metrics.rouge155.options import Options

_A, _C, _MASK = 0x5DEECE66D, 0xB, (1 << 48) - 1


def draws(seed: int, n: int) -> list[int]:
    """The n indices `int(rand(n))` that Perl gives after `srand(seed)` (the plain reference form)."""
    x = ((seed << 16) | 0x330E) & _MASK
    out = []
    for _ in range(n):
        x = (_A * x + _C) & _MASK
        out.append(int((x / 2.0 ** 48) * n))
    return out


def draw_matrix(samples: int, n: int) -> np.ndarray:
    """`draws(i, n)` for every i < samples as one (samples, n) array, all seeds stepped at once.
    The 83-bit product is split in 24-bit halves so it never leaves uint64."""
    x = (np.arange(samples, dtype=np.uint64) << np.uint64(16)) | np.uint64(0x330E)
    a, c, low24, mask = np.uint64(_A), np.uint64(_C), np.uint64((1 << 24) - 1), np.uint64(_MASK)
    out = np.empty((samples, n), dtype=np.int64)
    for k in range(n):
        hi, lo = x >> np.uint64(24), x & low24
        x = (a * lo + (((a * hi) & low24) << np.uint64(24)) + c) & mask
        out[:, k] = ((x.astype(np.float64) / 2.0 ** 48) * n).astype(np.int64)
    return out


@dataclass(frozen=True)
class Interval:
    """A printed average and its confidence interval."""

    value: float
    low: float
    high: float


def _interval(samples: list[float], options: Options) -> Interval:
    v = sorted(samples)
    r = len(v)
    delta = r * (100 - options.confidence) / 200
    top = r - delta - 1
    rho = top - math.floor(top)

    def at(x: float) -> float:
        k = math.floor(x)
        nxt = v[k + 1] if k + 1 < r else v[k]
        return v[k] + (nxt - v[k]) * rho

    return Interval(sum(v) / r, at(delta), at(top))


def averages(scores: Mapping[str, Score], options: Options,
             matrices: dict[int, np.ndarray] | None = None) -> dict[str, Interval]:
    """`scores` maps each key `<eval id>.<system>` to one metric's line; returns R, P and F.
    `matrices` (owned by the caller) keeps the draws per number of evaluations across calls."""
    keys = sorted(scores, key=lambda k: k.encode("utf-8"))
    rows = [scores[k] for k in keys]
    n = len(rows)
    if n == 0:
        return {}
    idx = matrices.get(n) if matrices is not None else None
    if idx is None:
        idx = draw_matrix(options.resamples, n)
        if matrices is not None:
            matrices[n] = idx
    idx = idx[: options.resamples]

    def drawn(values: list[float]) -> np.ndarray:  # per sample, the drawn values summed in draw order
        return np.cumsum(np.asarray(values, dtype=np.float64)[idx], axis=1)[:, -1]

    if options.pooling == 1:
        model = drawn([s.counts.model for s in rows])
        peer = drawn([s.counts.peer for s in rows])
        hit = drawn([s.counts.hit for s in rows])
        r_s = [h / m if m > 0 else 0.0 for h, m in zip(hit.tolist(), model.tolist(), strict=True)]
        p_s = [h / p if p > 0 else 0.0 for h, p in zip(hit.tolist(), peer.tolist(), strict=True)]
        f_s = [f_measure(r, p, options.alpha) for r, p in zip(r_s, p_s, strict=True)]
    else:
        r_s, p_s, f_s = ((drawn(v) / n).tolist() for v in
                         ([s.r for s in rows], [s.p for s in rows], [s.f for s in rows]))
    return {"R": _interval(r_s, options), "P": _interval(p_s, options), "F": _interval(f_s, options)}
