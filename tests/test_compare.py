"""`evalsum compare` on synthetic clusters, and bootstrap intervals on the leaderboard."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from evalsum.analysis import stats
from evalsum.analysis.leaderboard import cluster_metrics
from evalsum.store import records
from tests.conftest import REFERENCES
from tests.gatekit import cli, make_clusters, register

N = 8


@pytest.fixture
def synthetic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """Eight clusters, one run of lead3, tail3 (clearly worse) and lead-k (k=3: identical to lead3)."""
    register(monkeypatch)
    refs = make_clusters(tmp_path, N)
    res = tmp_path / "results"
    assert cli("run", "-s", "lead3", "-s", "tail3", "-s", "lead-k",
               "--references", str(refs), "--results", str(res)) == 0
    return refs, res


def test_clearly_better_system_gets_a_small_p_value(synthetic: tuple[Path, Path], capsys) -> None:
    _, res = synthetic
    capsys.readouterr()
    assert cli("compare", "lead3", "tail3", "--results", str(res), "--json") == 0
    data = json.loads(capsys.readouterr().out)["comparisons"][0]
    assert data["shared"] == [f"synthetic-{i:02d}" for i in range(N)]
    by = {m["metric"]: m for m in data["metrics"]}
    assert set(by) == {"rouge1_f", "rouge2_f", "rougeLsum_f"}  # no checklist: no facts rows
    for m in by.values():
        t = m["test"]
        assert t["n"] == N and all(d > 0 for d in t["differences"])
        # every difference positive: only the all-plus and all-minus sign patterns reach |sum|
        assert t["p_value"] == 2 / 2**N < 0.05 and t["method"] == "exact sign-flip"
        assert t["difference"]["low"] > 0 and t["difference"]["seed"] == 0
        assert t["difference"]["mean"] == pytest.approx(m["mean_a"] - m["mean_b"])


def test_identical_systems_get_no_small_p_value(synthetic: tuple[Path, Path], capsys) -> None:
    _, res = synthetic
    capsys.readouterr()
    assert cli("compare", "lead3", "lead-k", "--results", str(res), "--json") == 0
    for m in json.loads(capsys.readouterr().out)["comparisons"][0]["metrics"]:
        assert m["test"]["p_value"] == 1.0 and m["test"]["differences"] == [0.0] * N


def test_compare_markdown_table(synthetic: tuple[Path, Path], capsys) -> None:
    _, res = synthetic
    [rec] = records.load_records(res / "runs")
    runs = {r.system.name: r for r in rec.systems}
    a = [cluster_metrics(r)["rouge2_f"] for r in runs["lead3"].results]
    b = [cluster_metrics(r)["rouge2_f"] for r in runs["tail3"].results]
    t = stats.paired(a, b, seed=0)
    assert t.difference.low is not None and t.difference.high is not None
    capsys.readouterr()
    assert cli("compare", "lead3", "tail3", "--results", str(res)) == 0
    out = capsys.readouterr().out
    assert out.startswith("## lead3 vs tail3\n")
    assert "| Metric | n | lead3 | tail3 | A − B | 95% CI | p |" in out
    row = (f"| R-2 | 8 | {stats.mean(a) * 100:.1f} | {stats.mean(b) * 100:.1f} | {t.difference.mean * 100:+.1f} | "
           f"[{t.difference.low * 100:+.1f}, {t.difference.high * 100:+.1f}] | 0.008 |")
    assert row in out
    assert "1000 resamples, seed 0" in out and "exact sign-flip" in out
    assert "### Per-cluster differences (lead3 − tail3)" in out
    first = next(line for line in out.splitlines() if line.startswith("| synthetic-00 |"))
    assert first.split(" | ")[2] == f"{(a[0] - b[0]) * 100:+.1f}"  # columns: cluster, R-1, R-2, R-Lsum
    assert sum(line.startswith("| synthetic-") for line in out.splitlines()) == N


def test_seed_option_changes_only_the_interval(synthetic: tuple[Path, Path], capsys) -> None:
    _, res = synthetic
    runs = []
    for seed in ("0", "0", "1"):
        capsys.readouterr()
        assert cli("compare", "lead3", "tail3", "--results", str(res), "--json", "--seed", seed) == 0
        runs.append(json.loads(capsys.readouterr().out)["comparisons"][0]["metrics"][1]["test"])
    assert runs[0] == runs[1]
    assert runs[2]["p_value"] == runs[0]["p_value"] and runs[2]["differences"] == runs[0]["differences"]
    assert runs[2]["difference"]["seed"] == 1
    assert ((runs[2]["difference"]["low"], runs[2]["difference"]["high"])
            != (runs[0]["difference"]["low"], runs[0]["difference"]["high"]))


def test_too_few_clusters_is_said_explicitly(tmp_path: Path, capsys) -> None:
    res = tmp_path / "results"
    assert cli("run", "-s", "lead3", "-s", "random", "--references", str(REFERENCES), "--results", str(res)) == 0
    capsys.readouterr()
    assert cli("compare", "lead3", "random", "--results", str(res)) == 0
    out = capsys.readouterr().out
    [rec] = records.load_records(res / "runs")
    a, b = (cluster_metrics(s.results[0])["rouge2_f"] * 100 for s in rec.systems)
    assert f"| R-2 | 1 | {a:.1f} | {b:.1f} | {a - b:+.1f} | n=1 | n/a |" in out
    assert "**Too few clusters for a paired test: n=1, need at least 6" in out


def test_compare_unknown_system_exits_2(tmp_path: Path, capsys) -> None:
    res = tmp_path / "results"
    assert cli("run", "-s", "lead3", "--references", str(REFERENCES), "--results", str(res)) == 0
    capsys.readouterr()
    assert cli("compare", "lead3", "textrank", "--results", str(res)) == 2
    assert capsys.readouterr().err == ("error: no record for system 'textrank' (recorded: lead3); "
                                       "run `evalsum run --system textrank` first\n")


def test_leaderboard_shows_seeded_intervals_when_n_above_1(synthetic: tuple[Path, Path]) -> None:
    refs, res = synthetic
    board = json.loads((res / "leaderboard.json").read_text())
    row = next(r for r in board["rows"] if r["system"] == "lead3")
    [rec] = records.load_records(res / "runs")
    values = [cluster_metrics(r)["rouge1_f"] for r in rec.systems[0].results]
    expected = stats.bootstrap(values, seed=0)
    assert row["intervals"]["rouge1_f"] == expected.model_dump(mode="json")
    md = (res / "LEADERBOARD.md").read_text()
    assert (f"| lead3 | 8 | {row['metrics']['rouge1_f'] * 100:.1f} "
            f"[{expected.low * 100:.1f}, {expected.high * 100:.1f}] |") in md
    assert "Intervals: 95% percentile bootstrap over clusters, 1000 resamples, seed 0; intervals and rank-group " \
           "tests need at least 6 clusters." in md
    assert "No interval" not in md

    # The same seed gives identical intervals on a fresh run; the record's seed drives them.
    again = refs.parent / "again"
    assert cli("run", "-s", "lead3", "--references", str(refs), "--results", str(again)) == 0
    row2 = json.loads((again / "leaderboard.json").read_text())["rows"][0]
    assert row2["intervals"] == row["intervals"]
    seeded = refs.parent / "seeded"
    assert cli("run", "-s", "lead3", "--seed", "7", "--references", str(refs), "--results", str(seeded)) == 0
    row3 = json.loads((seeded / "leaderboard.json").read_text())["rows"][0]
    assert row3["intervals"]["rouge1_f"] == stats.bootstrap(values, seed=7).model_dump(mode="json")
    assert "resamples, seed 7; " in (seeded / "LEADERBOARD.md").read_text()


def test_leaderboard_says_n_1_without_interval(tmp_path: Path) -> None:
    res = tmp_path / "results"
    assert cli("run", "-s", "lead3", "--references", str(REFERENCES), "--results", str(res)) == 0
    md = (res / "LEADERBOARD.md").read_text()
    [rec] = records.load_records(res / "runs")
    m = cluster_metrics(rec.systems[0].results[0])
    cells = f"{m['rouge1_f'] * 100:.1f} | {m['rouge2_f'] * 100:.1f} | {m['rougeLsum_f'] * 100:.1f}"
    assert f"| 1 | 1 | lead3 | 1 | {cells} | " in md
    assert "No interval (n=1 cluster, below 6): lead3." in md
    assert json.loads((res / "leaderboard.json").read_text())["rows"][0]["intervals"] == {}
