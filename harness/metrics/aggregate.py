"""The one mean every number goes through: the scorer's leave-one-out rows, the leaderboard,
`compare` and the gate, so all of them print the same digits for the same values."""
from __future__ import annotations

import math
from collections.abc import Iterable


def mean(values: Iterable[float]) -> float:
    """The correctly rounded mean (math.fsum), so the order of clusters never changes a digit."""
    xs = list(values)
    if not xs:
        raise ValueError("mean of no values")
    return math.fsum(xs) / len(xs)


class RunningMean:
    """An exact running sum (Shewchuk's partials, as `math.fsum` keeps them), so a mean folded one
    value at a time equals `mean` of the whole list to the last bit, in constant memory."""

    def __init__(self) -> None:
        self.partials: list[float] = []
        self.n = 0

    def add(self, x: float) -> None:
        self.n += 1
        i = 0
        for y in self.partials:
            if abs(x) < abs(y):
                x, y = y, x
            hi = x + y
            lo = y - (hi - x)
            if lo:
                self.partials[i] = lo
                i += 1
            x = hi
        self.partials[i:] = [x]

    def mean(self) -> float:
        if not self.n:
            raise ValueError("mean of no values")
        return math.fsum(self.partials) / self.n
