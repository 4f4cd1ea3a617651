"""The metric catalogue: one entry per metric, read by the leaderboard, `compare` and the gate, so
a metric prints the same way everywhere; and one mean, so every view prints the same numbers."""
from __future__ import annotations

import json
import math
import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evalsum.analysis import compare, gate, stats
from evalsum.analysis import leaderboard as report
from evalsum.analysis.gate_config import MetricGate, default_metrics
from evalsum.errors import UsageError
from evalsum.metrics import catalogue
from evalsum.metrics.aggregate import RunningMean
from evalsum.store import records
from tests.conftest import REFERENCES, cli
from tests.gatekit import make_clusters


@pytest.mark.parametrize(("name", "key"), [
    ("R-1", "rouge1_f"), ("rouge1_f", "rouge1_f"), ("rouge1", "rouge1_f"), ("r-2", "rouge2_f"), (" R-2 R ", "rouge2_r"),
    ("R-Lsum", "rougeLsum_f"), ("Facts", "facts"), ("facts", "facts"), ("Contra.", "contradictions"),
    ("density", "density"), ("Density", "density"), ("Unsupp.", "unsupported"), ("off_topic", "off_topic"),
])
def test_lookup_takes_keys_labels_and_rouge_types(name: str, key: str) -> None:
    assert catalogue.lookup(name).key == key


def test_unknown_metric_lists_every_valid_name() -> None:
    with pytest.raises(UsageError) as e:
        catalogue.lookup("rouge5")
    msg = str(e.value)
    assert msg.startswith("unknown metric 'rouge5'; valid metrics: R-1 (rouge1_f), R-1 P (rouge1_p), ")
    assert all(m.key in msg for m in catalogue.METRICS)


def test_entries_are_unique_and_formats_are_the_documented_ones() -> None:
    assert len({m.key for m in catalogue.METRICS}) == len(catalogue.METRICS)
    assert len({m.label.lower() for m in catalogue.METRICS}) == len(catalogue.METRICS)
    assert catalogue.lookup("density").format(34.3456) == "34.3"
    assert catalogue.lookup("R-2").format(0.343456) == "34.3"
    assert catalogue.lookup("R-2").format(-0.0123, signed=True) == "-1.2"
    assert catalogue.lookup("Contra.").format(0.5, signed=True) == "+0.50"
    assert catalogue.lookup("words").format(99.4) == "99"
    assert catalogue.lookup("facts").format(None) == "–"
    assert catalogue.GATED == ("rouge1_f", "rouge2_f", "rouge3_f", "rouge4_f", "rougeL_f", "rougeLsum_f", "rougeW_f",
                               "rougeSU4_f", "facts", "contradictions")
    assert catalogue.INTERVALS == ("rouge1_f", "rouge2_f", "rougeLsum_f", "facts")


def test_gate_defaults_come_from_the_catalogue() -> None:
    assert default_metrics() == {
        "rouge1_f": MetricGate(tolerance=0.005), "rouge2_f": MetricGate(tolerance=0.005),
        "rougeLsum_f": MetricGate(tolerance=0.005), "facts": MetricGate(tolerance=0.005),
        **{f"{v}_f": MetricGate(tolerance=0.005) for v in ("rouge3", "rouge4", "rougeL", "rougeW", "rougeSU4")},
        "contradictions": MetricGate(tolerance=0.0, better="lower"),
    }


def test_density_prints_the_same_in_compare_and_on_the_leaderboard(tmp_path: Path, capsys) -> None:
    res = tmp_path / "results"
    assert cli("run", "-s", "lead3", "-s", "textrank", "--references", str(REFERENCES), "--results", str(res)) == 0
    capsys.readouterr()
    assert cli("compare", "lead3", "textrank", "-m", "Density", "-m", "rouge2_f", "--results", str(res)) == 0
    out = capsys.readouterr().out
    # lead3 copies one 76-word run: density 76.0 (it used to print 7600.0 here).
    assert "| Density | 1 | 76.0 | " in out and "| R-2 | 1 | 8.0 | " in out
    md = (res / "LEADERBOARD.md").read_text(encoding="utf-8")
    assert "| lead3 | 1 | 34.1 | 8.0 | 29.1 | 7.6 | 0.00 | 0.00 | 0.00 | 0.21 | 76.0 | 76 |" in md
    board = json.loads((res / "leaderboard.json").read_text(encoding="utf-8"))
    assert [m["key"] for m in board["catalogue"]] == [m.key for m in catalogue.METRICS]
    # every number a record yields is in the catalogue
    assert {k for row in board["rows"] for k in row["metrics"]} <= set(catalogue.BY_KEY)


def test_compare_rejects_an_unknown_metric_naming_the_valid_ones(tmp_path: Path, capsys) -> None:
    res = tmp_path / "results"
    assert cli("run", "-s", "lead3", "--references", str(REFERENCES), "--results", str(res)) == 0
    capsys.readouterr()
    assert cli("compare", "lead3", "lead3", "-m", "densty", "--results", str(res)) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "unknown metric 'densty'; valid metrics: R-1 (rouge1_f)" in err[0] and "density" in err[0]


def test_leaderboard_compare_and_gate_print_the_same_means(tmp_path: Path) -> None:
    refs = make_clusters(tmp_path, 9)
    res = tmp_path / "results"
    systems = ("-s", "lead3", "-s", "random", "-s", "human")
    assert cli("run", *systems, "--references", str(refs), "--results", str(res)) == 0
    recs = records.load_records(res / "runs")
    board = {r.system: r for r in report.build_from_paths(records.record_paths(res / "runs")).rows}
    base = gate.build_baseline(recs)
    for run in recs[0].systems:
        name = run.system.name
        per = [catalogue.values(r) for r in run.results]
        keys = sorted({k for p in per for k in p})
        expected = {k: stats.mean([p[k] for p in per if k in p]) for k in keys}
        assert board[name].metrics == expected  # streamed, to the last bit
        assert report.mean_metrics(run) == expected
        assert base.systems[name].means == {k: round(v, gate.ROUND) + 0.0 for k, v in expected.items()}
        c = compare.compare(recs, name, "lead3", ["R-1", "density"])
        assert [m.mean_a for m in c.metrics] == [expected["rouge1_f"], expected["density"]]


@given(st.lists(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=1, max_size=60), st.randoms())
def test_running_mean_is_fsum_in_any_order(values: list[float], rng: random.Random) -> None:
    shuffled = values[:]
    rng.shuffle(shuffled)
    acc = RunningMean()
    for v in shuffled:
        acc.add(v)
    assert acc.mean() == stats.mean(values) == math.fsum(values) / len(values)
