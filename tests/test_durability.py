"""Nothing lost: atomic writes, runs killed mid-way, two runs at once on one results folder.

The subprocess tests run `python -m evalsum run` with the `slow` test backend, found through a
throwaway `evalsum.systems` entry point (tests/plugins.py), over synthetic clusters.
"""
from __future__ import annotations

import ast
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from evalsum import files as store
from evalsum.analysis import publish
from evalsum.analysis.leaderboard import Leaderboard
from evalsum.errors import DataError
from evalsum.run import runner
from evalsum.run.cache import CacheEntry
from evalsum.run.plan import Paths, RunPlan
from evalsum.store.index import RecordIndex
from evalsum.store.records import load_record, record_paths
from tests.conftest import ROOT
from tests.faults import cli, synthetic_corpus
from tests.plugins import plugin_site

N = 6
posix_only = pytest.mark.skipif(os.name != "posix", reason="signals and flock are POSIX")


# ---------------------------------------------------------------- every durable write is atomic

# The only places allowed to open files for writing: write_atomic itself, the record writer's
# hidden partial file (published by hard link), and the lock file (opened, never written).
ALLOWED = {"harness/files.py", "harness/store/records.py", "harness/store/lock.py"}
WRITE_CALLS = {"write_text", "write_bytes", "touch", "dump", "copy", "copyfile", "copy2", "copytree", "move",
               "rename", "symlink_to", "hardlink_to"}


def direct_writes(path: Path) -> list[str]:
    """Calls in one module that write a file other than through write_atomic."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name in WRITE_CALLS:
            found.append(f"{path.name}:{node.lineno} {name}()")
        if name in ("open", "fdopen"):
            mode = (node.args[1] if len(node.args) > 1
                    else next((k.value for k in node.keywords if k.arg == "mode"), None))
            if isinstance(mode, ast.Constant) and any(c in str(mode.value) for c in "wax+"):
                found.append(f"{path.name}:{node.lineno} open({mode.value!r})")
            elif mode is not None and not isinstance(mode, ast.Constant):
                found.append(f"{path.name}:{node.lineno} open(<computed mode>)")
    return found


def test_no_direct_writes_outside_the_atomic_writers() -> None:
    """Records, leaderboard, baseline and cache entries all go through write_atomic (temp file,
    fsync, rename) or the record writer's link-publish; anything new that writes directly fails here."""
    offenders = []
    for py in sorted([*(ROOT / "harness").rglob("*.py"), *(ROOT / "systems").rglob("*.py")]):
        rel = py.relative_to(ROOT).as_posix()
        if rel not in ALLOWED:
            offenders += direct_writes(py)
    assert offenders == []
    # and the checker does catch a direct write
    assert direct_writes(ROOT / "tests" / "plugins.py") != []


def test_write_atomic_keeps_the_old_file_when_the_write_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "leaderboard.json"
    store.write_atomic(target, "old\n")

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(DataError, match="leaderboard.json: cannot write: No space left on device"):
        store.write_atomic(target, "new and longer\n")
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["leaderboard.json"]  # no temp file left behind


# ---------------------------------------------------------------- subprocess helpers


def evalsum(tmp: Path, *args: str, log: Path | None = None, delay: float = 0.0) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(plugin_site(tmp / "site"))]),
           "EVALSUM_TEST_DELAY": str(delay), "EVALSUM_TEST_LOG": str(log or tmp / "calls.log")}
    return subprocess.Popen([sys.executable, "-m", "evalsum", "run", *args, "--references", str(tmp / "references"),
                             "--results", str(tmp / "results")], cwd=tmp, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def earlier_run(tmp: Path) -> int:
    """A quick lead3 run in process: the earlier results a later, killed run must not touch."""
    return cli("run", "-s", "lead3", "--references", str(tmp / "references"), "--results", str(tmp / "results"))


def finish(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


def calls(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


def wait_for(cond: Callable[[], bool], proc: subprocess.Popen[str], limit: float = 60.0) -> None:
    end = time.monotonic() + limit
    while not cond():
        assert proc.poll() is None or cond(), "the run ended before the kill point"
        assert time.monotonic() < end, "kill point never reached"
        time.sleep(0.01)


def check_results(results: Path) -> list[Path]:
    """Every published record loads in full and the leaderboard is valid: returns the records."""
    published = record_paths(results / "runs")
    for p in published:
        load_record(p)
    Leaderboard.model_validate(json.loads((results / "leaderboard.json").read_text(encoding="utf-8")))
    assert (results / "LEADERBOARD.md").read_text(encoding="utf-8").startswith("# Leaderboard\n")
    return published


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    synthetic_corpus(tmp_path / "references", N)
    return tmp_path


# ---------------------------------------------------------------- killed mid-run


def partial_exists(runs: Path) -> Callable[[], bool]:
    return lambda: runs.is_dir() and any(runs.glob(".*.partial"))


@posix_only
@pytest.mark.parametrize("kill_after", [0, 3, N], ids=["during-first-call", "mid-run", "after-last-call"])
def test_sigkill_mid_run_loses_nothing_and_the_next_run_resumes(corpus: Path, kill_after: int) -> None:
    tmp, results, log = corpus, corpus / "results", corpus / "calls.log"
    assert earlier_run(tmp) == 0
    [earlier] = check_results(results)
    before = {p: p.read_bytes() for p in (earlier, results / "leaderboard.json", results / "LEADERBOARD.md")}

    proc = evalsum(tmp, "-s", "slow", log=log, delay=0.3)
    if kill_after == 0:
        wait_for(partial_exists(results / "runs"), proc)
    else:
        wait_for(lambda: len(calls(log)) >= kill_after, proc)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    made = len(calls(log))

    published = check_results(results)
    assert earlier.read_bytes() == before[earlier]  # the earlier record is untouched
    if kill_after < N:  # killed before it could publish: nothing new, leaderboard unchanged
        assert published == [earlier]
        assert all(p.read_bytes() == b for p, b in before.items())
    else:  # killed while publishing, or just after: the new record is whole or absent
        assert earlier in published and len(published) in (1, 2)

    code, out, err = finish(evalsum(tmp, "-s", "slow", log=log, delay=0.0))
    assert code == 0, err
    resumed = calls(log)[made:]
    rec = load_record(record_paths(results / "runs")[-1])
    [srun] = rec.systems
    hits = sum(r.cached for r in srun.results)
    assert srun.system.name == "slow" and len(srun.results) == N and all(r.status == "ok" for r in srun.results)
    assert hits >= max(kill_after - 1, 0) and len(resumed) == N - hits  # every cached cluster skipped its call
    if kill_after >= 3:
        assert hits > 0 and len(resumed) < N
    assert f"cache hits: {hits};" in out
    board = json.loads((results / "leaderboard.json").read_text(encoding="utf-8"))
    assert sorted(r["system"] for r in board["rows"]) == ["lead3", "slow"]


@posix_only
def test_ctrl_c_keeps_earlier_results_and_says_so_in_one_line(corpus: Path) -> None:
    tmp, results, log = corpus, corpus / "results", corpus / "calls.log"
    assert earlier_run(tmp) == 0
    [earlier] = check_results(results)
    proc = evalsum(tmp, "-s", "slow", log=log, delay=0.3)
    wait_for(lambda: len(calls(log)) >= 2, proc)
    proc.send_signal(signal.SIGINT)
    code, _, err = finish(proc)
    assert code == 130
    assert err == "interrupted: results written so far are kept; rerun to resume from the cache\n"
    assert check_results(results) == [earlier]


# ---------------------------------------------------------------- two runs at once


@posix_only
def test_two_runs_at_once_corrupt_nothing(corpus: Path) -> None:
    tmp, results = corpus, corpus / "results"
    a = evalsum(tmp, "-s", "slow", delay=0.15)
    b = evalsum(tmp, "-s", "slow-b", "-s", "lead3", delay=0.15)
    (ca, _, ea), (cb, _, eb) = finish(a), finish(b)
    assert (ca, cb) == (0, 0), ea + eb
    published = check_results(results)
    assert len(published) == 2
    systems = sorted(s.system.name for p in published for s in load_record(p).systems)
    assert systems == ["lead3", "slow", "slow-b"]
    board = json.loads((results / "leaderboard.json").read_text(encoding="utf-8"))
    assert sorted(r["system"] for r in board["rows"]) == systems  # the last refresh saw both records
    saved, fresh = RecordIndex(results), RecordIndex(None)  # indexed both, under the lock, and the second
    fresh.update(published)  # merged its record into the first's summary: the same as one made from scratch
    assert sorted(saved.stamps) == sorted(p.name for p in published) and saved.unchanged(published) == []
    assert (saved.runs, saved.labels) == (fresh.runs, fresh.labels) and len(saved.runs) == 3  # a class each
    for entry in (results / "cache").rglob("*"):
        if entry.is_file():
            assert entry.suffix == ".json", entry  # no temp file left
            CacheEntry.model_validate_json(entry.read_text(encoding="utf-8"))
    assert not list((results / "runs").glob(".*"))  # both partial files were published


@posix_only
def test_the_same_run_twice_at_once_gets_two_records(corpus: Path) -> None:
    tmp, results = corpus, corpus / "results"
    procs = [evalsum(tmp, "-s", "slow", delay=0.1) for _ in range(2)]
    assert [finish(p)[0] for p in procs] == [0, 0]
    published = check_results(results)
    assert len(published) == 2 and len({p.name for p in published}) == 2
    a, b = (load_record(p) for p in published)
    assert [r.summary for r in a.systems[0].results] == [r.summary for r in b.systems[0].results]


@posix_only
def test_leaderboard_refresh_waits_for_the_results_lock(tmp_path: Path) -> None:
    """Deterministic check of the lock itself: a refresh blocks while another holder has it."""
    import fcntl

    from tests.conftest import REFERENCES

    paths = Paths(references=REFERENCES, results=tmp_path / "results")
    runner.run_to_disk(RunPlan(systems=["lead3"], paths=paths))
    board = paths.results / "leaderboard.json"
    assert not board.exists()
    with open(paths.results / ".lock", "a") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        worker = threading.Thread(target=publish.refresh_leaderboard, args=(paths.results,), daemon=True)
        worker.start()
        worker.join(0.5)
        assert worker.is_alive() and not board.exists()
        fcntl.flock(held.fileno(), fcntl.LOCK_UN)
    worker.join(30)
    assert not worker.is_alive() and board.exists()
