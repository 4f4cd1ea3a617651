"""Holm's correction (hand-computed) and rank groups on synthetic clusters."""
from __future__ import annotations

import random

import pytest

from evalsum.analysis.significance import holm, rank_groups


def test_holm_matches_a_hand_computation() -> None:
    # m = 4: sorted 0.01, 0.02, 0.03, 0.5 -> 0.04, max(0.04, 0.06), max(0.06, 0.06), max(0.06, 0.5)
    assert holm([0.03, 0.01, 0.5, 0.02]) == pytest.approx([0.06, 0.04, 0.5, 0.06])
    assert holm([0.3, None, 0.9]) == pytest.approx([0.6, None, 0.9])
    assert holm([0.8, 0.9]) == pytest.approx([1.0, 1.0])  # capped at 1
    assert holm([]) == []


def test_adjusted_never_below_raw_and_order_preserving() -> None:
    rng = random.Random(3)
    for _ in range(200):
        ps = [rng.random() for _ in range(rng.randint(1, 8))]
        adj = holm(ps)
        assert all(a is not None and a >= p for a, p in zip(adj, ps, strict=True))
        by_raw = [a for _, a in sorted(zip(ps, adj, strict=True))]
        assert by_raw == sorted(by_raw)  # type: ignore[type-var]


def test_a_clearly_better_system_is_alone_in_group_one() -> None:
    rng = random.Random(0)
    base = [rng.uniform(0.2, 0.4) for _ in range(20)]
    values = {
        "A": [x + 0.10 + rng.uniform(-0.005, 0.005) for x in base],
        "B": [x + rng.uniform(-0.005, 0.005) for x in base],
        "C": [x + rng.uniform(-0.005, 0.005) for x in base],
    }
    rows = rank_groups(values, seed=0)
    groups = {r.label: r.group for r in rows}
    assert rows[0].label == "A" and groups == {"A": 1, "B": 2, "C": 2}
    assert [r.rank for r in rows] == [1, 2, 3]


def test_below_the_test_minimum_every_row_shares_group_one() -> None:
    values = {"A": [0.9, 0.9, 0.9], "B": [0.1, 0.1, 0.1]}
    assert {r.group for r in rank_groups(values, seed=0)} == {1}


def test_lower_is_better_reverses_the_order() -> None:
    rng = random.Random(1)
    values = {"few": [rng.uniform(0, 0.1) for _ in range(12)], "many": [rng.uniform(0.8, 1) for _ in range(12)]}
    rows = rank_groups(values, seed=0, better="lower")
    assert [(r.label, r.group) for r in rows] == [("few", 1), ("many", 2)]
