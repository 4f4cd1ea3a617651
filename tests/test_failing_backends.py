"""A backend that fails on one cluster: recorded there with its error, the rest goes on, and the
leaderboard shows the failure count instead of quietly averaging fewer clusters."""
from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from evalsum.analysis.leaderboard import cluster_metrics
from evalsum.errors import BackendError
from evalsum.models import Failure
from evalsum.run import runner
from evalsum.run import timeout as guard
from evalsum.run.plan import Paths, RunPlan, SystemSpec
from evalsum.store.records import load_record, record_paths
from tests import plugins
from tests.faults import cli, synthetic_corpus


@pytest.fixture
def two(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    plugins.register(monkeypatch)
    synthetic_corpus(tmp_path / "references", 2)
    return tmp_path


def args(tmp: Path, *extra: str) -> list[str]:
    return ["run", *extra, "--references", str(tmp / "references"), "--results", str(tmp / "results")]


def test_failure_on_one_cluster_is_recorded_and_counted(two: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli(*args(two, "-s", "raises=raises", "-s", "lead3", "-o", "raises.only=synthetic-000"))
    out, err = capsys.readouterr()
    assert code == 2
    [path] = record_paths(two / "results" / "runs")
    assert err == (f"error: {path}: 1 of 4 results failed (recorded; other clusters went on); first: raises on "
                   "synthetic-000: bug: RuntimeError: backend exploded on two lines\n")
    assert "| raises | synthetic-000 | – | – | – | – | – | FAILED: bug: RuntimeError: backend exploded" in out
    rec = load_record(path)
    by = {s.system.name: {r.cluster_id: r for r in s.results} for s in rec.systems}
    assert by["raises"]["synthetic-000"].status == "failed"
    assert by["raises"]["synthetic-000"].failure == Failure(kind="bug",
                                                            message="RuntimeError: backend exploded\non two lines")
    assert by["raises"]["synthetic-001"].status == "ok"  # the next cluster went on
    assert all(r.status == "ok" for r in by["lead3"].values())  # and so did the other system

    board = json.loads((two / "results" / "leaderboard.json").read_text(encoding="utf-8"))
    row = next(r for r in board["rows"] if r["system"] == "raises")
    assert (row["clusters"], row["failed"]) == (2, 1)
    assert row["details"]["failures"] == {"synthetic-000": "bug: RuntimeError: backend exploded\non two lines"}
    ok = cluster_metrics(by["raises"]["synthetic-001"])
    assert row["metrics"]["rouge1_f"] == ok["rouge1_f"]  # the mean of the one cluster that succeeded
    md = (two / "results" / "LEADERBOARD.md").read_text(encoding="utf-8")
    assert (row["section"], row["coverage"], row["rank"], row["intervals"]) == ("incomplete", "1/2", None, {})
    assert f"| raises | 1/2 | {ok['rouge2_f'] * 100:.1f} | 1 failed (first: synthetic-000: bug: RuntimeError: " \
           "backend exploded on two lines) |" in md  # listed apart, never ranked
    assert "| 1 | 1 | lead3 | 2 |" in md


def test_hung_cluster_times_out_and_the_run_goes_on(two: Path) -> None:
    paths = Paths(references=two / "references", results=two / "results")
    events = runner.RunEvents()
    t0 = time.monotonic()
    hangs = SystemSpec(backend="hangs", options={"only": "synthetic-000", "seconds": 20})
    rec = runner.evaluate(RunPlan(systems=[hangs], paths=paths, timeout=0.3), events)
    assert time.monotonic() - t0 < 10
    first, second = rec.systems[0].results
    assert (first.status, first.failure) == ("failed", Failure(kind="timeout", message="timed out after 0.3 s"))
    assert second.status == "ok" and second.summary is not None
    assert len(list((two / "results" / "cache").rglob("*.json"))) == 1  # nothing cached for the hung call
    again = runner.evaluate(RunPlan(systems=[hangs], paths=paths, timeout=0.3))
    assert [r.cached for r in again.systems[0].results] == [False, True]  # the hung cluster is retried


def test_guard_returns_raises_and_times_out() -> None:
    assert guard.call_with_timeout(lambda x: x * 2, 5, 21) == 42
    with pytest.raises(KeyError, match="boom"):
        guard.call_with_timeout(lambda: {}["boom"], 5)
    release = threading.Event()
    with pytest.raises(guard.TimedOut, match=r"^timed out after 0\.2 s$") as info:
        guard.call_with_timeout(release.wait, 0.2)
    assert isinstance(info.value, BackendError) and info.value.exit_code == 2
    release.set()  # let the abandoned worker finish


@pytest.mark.parametrize("limit", [None, 0, float("inf")])
def test_guard_without_a_limit_runs_in_the_calling_thread(limit: float | None) -> None:
    assert guard.call_with_timeout(threading.current_thread, limit) is threading.current_thread()
    assert guard.call_with_timeout(threading.current_thread, 5) is not threading.current_thread()


def test_timeout_option_reaches_the_runner(two: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(*args(two, "-s", "hangs=hangs", "-o", "only=synthetic-001", "-o", "seconds=20",
                     "--timeout", "0.25")) == 2
    err = capsys.readouterr().err
    assert err.endswith("1 of 2 results failed (recorded; other clusters went on); first: hangs on synthetic-001: "
                        "timeout: timed out after 0.25 s\n")
