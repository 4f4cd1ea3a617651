"""Many comparisons at once: Holm's correction and leaderboard rank groups.

Comparing k systems makes k-1 (or more) paired tests, and at alpha = 0.05 each one alone would
call some chance difference "significant". Holm's step-down method controls the family-wise error
rate with no assumption about how the tests depend on one another, and it is uniformly more
powerful than Bonferroni, so it is the usual choice for a handful of systems.

Rank groups: rows sorted by the key metric, best first. Group 1 holds the best row and every row
not significantly worse than it (paired test over clusters, Holm-corrected over that family of
tests). The best of the remaining rows heads group 2, with every remaining row not significantly
worse than it, and so on. With fewer clusters than a test needs, nothing is significant and every
row is in group 1.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from pydantic import BaseModel, ConfigDict

from evalsum.analysis import stats

ALPHA = 0.05


def holm(p_values: Sequence[float | None]) -> list[float | None]:
    """Holm-adjusted p-values, in the input order (None stays None and is not counted).

    The adjusted p of the i-th smallest of m p-values is max over j <= i of min(1, (m-j+1) p_j)."""
    present = sorted((p, i) for i, p in enumerate(p_values) if p is not None)
    m = len(present)
    out: list[float | None] = [None] * len(p_values)
    running = 0.0
    for rank, (p, i) in enumerate(present):
        running = max(running, min(1.0, (m - rank) * p))
        out[i] = running
    return out


class RankedRow(BaseModel):
    """A row's place: its rank, its group, and the corrected p against its group's head."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    label: str
    rank: int
    group: int
    p_vs_head: float | None = None


def rank_groups(values: Mapping[str, Sequence[float]], seed: int, better: str = "higher",
                alpha: float = ALPHA) -> list[RankedRow]:
    """Rank rows whose per-cluster values are aligned (same clusters, same order) and group them.

    Each group's head is compared with every row below it, one Holm family per head; the first row
    whose corrected p is below `alpha` with a worse mean starts the next group. Ties in the mean
    keep label order, so the result is deterministic."""
    sign = 1.0 if better == "higher" else -1.0
    order = sorted(values, key=lambda k: (-sign * stats.mean(values[k]), k))
    rank = {label: i + 1 for i, label in enumerate(order)}
    n = min((len(v) for v in values.values()), default=0)
    placed: dict[str, RankedRow] = {}
    remaining, group = order, 1
    while remaining:
        head, rest = remaining[0], remaining[1:]
        raw = [_p(values[head], values[r], seed) if n >= stats.MIN_TEST_CLUSTERS else None for r in rest]
        placed[head] = RankedRow(label=head, rank=rank[head], group=group)
        worse = []
        for label, p in zip(rest, holm(raw), strict=True):
            if p is not None and p < alpha:
                worse.append(label)
            else:
                placed[label] = RankedRow(label=label, rank=rank[label], group=group, p_vs_head=p)
        remaining, group = worse, group + 1
    return [placed[label] for label in order]


def _p(a: Sequence[float], b: Sequence[float], seed: int) -> float | None:
    return stats.paired(a, b, seed).p_value
