"""Means, bootstrap intervals and the paired sign-flip test: hand-computed values and properties."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evalsum.analysis import stats

scores = st.lists(st.floats(min_value=0.0, max_value=1.0, allow_nan=False), min_size=2, max_size=30)


def test_mean_is_exact_and_order_free() -> None:
    values = [0.1] * 10 + [1e16, -1e16]
    assert stats.mean(values) == pytest.approx(1.0 / 12)
    assert stats.mean(values) == stats.mean(list(reversed(values)))
    assert stats.mean([0.25, 0.5, 0.75]) == 0.5
    with pytest.raises(ValueError):
        stats.mean([])


def test_single_cluster_has_no_interval() -> None:
    iv = stats.bootstrap([0.42], seed=0)
    assert (iv.mean, iv.n, iv.low, iv.high, iv.seed) == (0.42, 1, None, None, 0)


def test_constant_values_give_a_point_interval() -> None:
    iv = stats.bootstrap([0.3] * 7, seed=5)
    assert iv.low == pytest.approx(0.3) and iv.high == pytest.approx(0.3)


def test_two_values_interval_matches_the_resampled_means() -> None:
    # With n=2 each resample mean is 0.1, 0.2 or 0.3 (probabilities 1/4, 1/2, 1/4): the 2.5% and
    # 97.5% quantiles of 1,000 such means are 0.1 and 0.3.
    iv = stats.bootstrap([0.1, 0.3], seed=0)
    assert iv.low == pytest.approx(0.1) and iv.high == pytest.approx(0.3)
    assert iv.mean == pytest.approx(0.2) and iv.resamples == 1000 and iv.confidence == 0.95


def test_same_seed_identical_interval_other_seed_differs() -> None:
    values = list(np.random.default_rng(7).uniform(0.2, 0.5, size=25))
    a, b = stats.bootstrap(values, seed=3), stats.bootstrap(values, seed=3)
    assert a == b
    c = stats.bootstrap(values, seed=4)
    assert (c.low, c.high) != (a.low, a.high)


def test_interval_is_the_percentile_of_the_documented_draws() -> None:
    """Reimplements the method from its description: resample indices with default_rng(seed)."""
    values = np.random.default_rng(11).uniform(size=9)
    rng = np.random.default_rng(42)
    means = values[rng.integers(0, 9, size=(1000, 9))].mean(axis=1)
    low, high = np.quantile(means, [0.025, 0.975])
    iv = stats.bootstrap(list(values), seed=42)
    assert (iv.low, iv.high) == (float(low), float(high))


@settings(max_examples=60, deadline=None)
@given(scores, st.integers(min_value=0, max_value=2**32))
def test_interval_lies_within_the_data(values: list[float], seed: int) -> None:
    iv = stats.bootstrap(values, seed)
    assert iv.low is not None and iv.high is not None
    assert min(values) - 1e-12 <= iv.low <= iv.high <= max(values) + 1e-12


def test_sign_flip_exact_hand_computed() -> None:
    # d = (1, 2, 3): the 8 signed sums are ±6, ±4, ±2, 0, 0; |sum| >= 6 for 2 of 8 patterns.
    assert stats.sign_flip_p([1.0, 2.0, 3.0], seed=0) == (0.25, "exact sign-flip", 8)
    # d = (1, -1, 2): |sum| = 2; sums ±4, ±2, ±2, 0, 0 -> 6 of 8 reach 2.
    assert stats.sign_flip_p([1.0, -1.0, 2.0], seed=0)[0] == 0.75
    assert stats.sign_flip_p([0.0, 0.0, 0.0, 0.0], seed=0)[0] == 1.0


def test_sign_flip_counts_ties_despite_float_rounding() -> None:
    # 0.1 + 0.2 + 0.3 summed in other orders differs in the last bit; both extreme patterns count.
    assert stats.sign_flip_p([0.1, 0.2, 0.3], seed=0)[0] == 0.25


def test_sign_flip_exact_matches_brute_force() -> None:
    d = [0.03, -0.01, 0.02, 0.05, -0.04, 0.01, 0.02]
    obs = abs(sum(d))
    hits = sum(abs(sum(s * x for s, x in zip(signs, d, strict=True))) >= obs - 1e-12
               for signs in itertools.product((1, -1), repeat=7))
    assert stats.sign_flip_p(d, seed=0)[0] == hits / 128


def test_monte_carlo_is_seeded_and_close_to_exact() -> None:
    d = list(np.random.default_rng(1).normal(0.1, 1.0, size=17))
    exact, method, total = stats.sign_flip_p(d, seed=0, exact_max_n=17)
    assert (method, total) == ("exact sign-flip", 2**17)
    mc = stats.sign_flip_p(d, seed=9)
    assert mc == stats.sign_flip_p(d, seed=9)
    assert mc[1:] == ("monte-carlo sign-flip", 10_000)
    # 10,000 draws: standard error sqrt(p(1-p)/10000) < 0.005; allow 4 of them.
    assert abs(mc[0] - exact) < 0.02
    assert stats.sign_flip_p([1.0] * 20, seed=0)[0] == pytest.approx(1 / 10_001)  # never 0


def test_paired_clearly_better_small_p_identical_p_one() -> None:
    a = [0.40, 0.42, 0.38, 0.45, 0.41, 0.39, 0.44, 0.43]
    b = [x - 0.05 - 0.01 * i for i, x in enumerate(a)]
    t = stats.paired(a, b, seed=0)
    assert t.p_value == 2 / 256 and t.method == "exact sign-flip"
    assert t.difference.low is not None and t.difference.low > 0
    same = stats.paired(a, a, seed=0)
    assert same.p_value == 1.0 and same.differences == [0.0] * 8
    assert (same.difference.low, same.difference.high) == (0.0, 0.0)


def test_paired_too_few_clusters_says_so() -> None:
    t = stats.paired([0.5, 0.6, 0.7], [0.1, 0.2, 0.3], seed=0)
    assert t.p_value is None and t.method is None
    assert t.note is not None and "too few clusters" in t.note and "n=3" in t.note
    assert t.difference.mean == pytest.approx(0.4)
    one = stats.paired([0.5], [0.1], seed=0)
    assert one.difference.low is None and one.p_value is None
    # 2 / 2^5 > 0.05 >= 2 / 2^6: the threshold is the smallest n that can reach significance.
    assert 2 / 2 ** (stats.MIN_TEST_CLUSTERS - 1) > 0.05 >= 2 / 2 ** stats.MIN_TEST_CLUSTERS


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(min_value=-1.0, max_value=1.0, allow_nan=False), min_size=1, max_size=12))
def test_sign_flip_is_a_probability_symmetric_in_sign(d: list[float]) -> None:
    p = stats.sign_flip_p(d, seed=0)[0]
    assert 0 < p <= 1
    assert p >= 2 / 2 ** len(d) or math.isclose(p, 2 / 2 ** len(d))
    assert stats.sign_flip_p([-x for x in d], seed=0)[0] == p


def test_paired_rejects_unequal_lengths() -> None:
    with pytest.raises(ValueError):
        stats.paired([0.1, 0.2], [0.1], seed=0)
