"""Issue 16, clean stops under fault injection: `evalsum run --jobs 2` killed (SIGKILL or SIGTERM)
at seeded random moments leaves no process of its own alive 5 s later, every published record
parses, and a rerun reuses what the killed runs cached."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from evalsum.store.records import load_record, record_paths
from tests import plugins
from tests.faults import synthetic_corpus

ROOT = Path(__file__).resolve().parent.parent
KILLS = 6
CLUSTERS = 8


def _group(pgid: int) -> list[int]:
    """Live processes in process group `pgid` (the run was started in a session of its own, so
    the group holds it and everything it started: workers, forkserver, resource tracker)."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z" and int(fields[2]) == pgid:
            out.append(int(entry.name))
    return out


def _left_after(pgid: int, seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while True:
        left = _group(pgid)
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.1)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_killed_jobs_runs_leave_no_process_and_a_rerun_reuses_the_cache(tmp_path: Path) -> None:
    refs = tmp_path / "refs"
    synthetic_corpus(refs, CLUSTERS, seed=7)
    results = tmp_path / "results"
    log = tmp_path / "calls.log"
    site = plugins.plugin_site(tmp_path / "site")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)]), "EVALSUM_TEST_DELAY": "0.4",
           "EVALSUM_TEST_LOG": str(log)}
    cmd = [sys.executable, "-m", "evalsum", "run", "-s", "slow", "--references", str(refs), "--results", str(results),
           "--jobs", "2", "--rouge-engine", "python"]
    rng = random.Random(16)
    for i in range(KILLS):
        proc = subprocess.Popen(cmd, env=env, cwd=tmp_path, start_new_session=True, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.5, 4.0))
        sig = signal.SIGKILL if i % 2 == 0 else signal.SIGTERM
        try:
            os.kill(proc.pid, sig)
        except ProcessLookupError:
            pass
        proc.wait(timeout=30)
        left = _left_after(proc.pid, 5.0)
        for pid in left:  # never leave them behind for the rest of the suite
            os.kill(pid, signal.SIGKILL)
        assert left == [], f"kill {i} ({sig.name}): processes still alive after 5 s: {left}"
    for path in record_paths(results / "runs"):
        load_record(path)  # raises on a damaged record
    cached = len(list((results / "cache").glob("??/*.json")))
    before = log.read_text().count("\n") if log.exists() else 0
    done = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    calls = log.read_text().count("\n") - before
    assert calls == CLUSTERS - cached  # every summary a killed run cached is reused, none regenerated
    [latest] = [p for p in record_paths(results / "runs")][-1:]
    assert sum(r.cached for r in load_record(latest).systems[0].results) == cached
