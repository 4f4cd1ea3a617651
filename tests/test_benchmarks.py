"""The benchmark scripts stay runnable: the synthetic cluster has the promised shape, and the sumy
comparison skips cleanly where sumy is not installed (it is not a dependency)."""
from __future__ import annotations

import sys

import pytest

from benchmarks import bench_textrank, compare_sumy
from evalsum.models import Budget
from evalsum.systems.extractive import TextRank
from evalsum.text import words


def test_synthetic_cluster_shape_and_seed() -> None:
    big = bench_textrank.synthetic_cluster(100, 5000, seed=0)
    assert len(big.documents) == 100 and len(big.sentences) == 5000
    small = bench_textrank.synthetic_cluster(7, 150, seed=3)
    assert [len(d.sentences) for d in small.documents] == [22, 22, 22, 21, 21, 21, 21]
    assert small == bench_textrank.synthetic_cluster(7, 150, seed=3)
    assert small != bench_textrank.synthetic_cluster(7, 150, seed=4)
    out = TextRank().summarise(small, Budget(words=100))
    assert 0 < sum(len(words(s)) for s in out.sentences) <= 100


def test_compare_sumy_skips_without_sumy(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "sumy", None)  # makes `import sumy` raise ImportError
    monkeypatch.setattr(sys, "argv", ["compare_sumy.py"])
    assert compare_sumy.main() == 0
    assert capsys.readouterr().out.startswith("skipped: sumy is not installed (it is not an evalsum dependency)")
