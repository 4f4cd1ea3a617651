"""Issue 16, stale partial files: a run cleans the hidden `.partial` files of dead runs when it
starts, and never one a live run is writing (the writer holds an fcntl lock on it)."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from evalsum.models import RecordHeader, Settings, SystemInfo
from evalsum.store import records

pytest.importorskip("fcntl")

HEADER = RecordHeader(run_id="20250101T000000Z-live", created="2025-01-01T00:00:00+00:00", signature="sig",
                      settings=Settings(), packages={"evalsum": "0.1.0"},
                      systems=[SystemInfo(name="s", backend="s", version="1", options={})])

WRITER = """
import sys
from pathlib import Path
from evalsum.models import RecordHeader
from evalsum.store.records import RecordWriter
w = RecordWriter(Path(sys.argv[1]), RecordHeader.model_validate_json(sys.argv[2]))
print(w.partial, flush=True)
sys.stdin.read()  # write until the test closes our stdin
"""

OLD = time.time() - 2 * records.STALE_SECONDS


def _old(path: Path) -> Path:
    os.utime(path, (OLD, OLD))
    return path


def test_start_cleans_dead_partials_but_not_a_live_or_a_fresh_one(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    live = subprocess.Popen([sys.executable, "-c", WRITER, str(runs), HEADER.model_dump_json()],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert live.stdout is not None
        live_partial = _old(Path(live.stdout.readline().strip()))
        assert live_partial.name.startswith(f".{HEADER.run_id}.{live.pid}.") and live_partial.name.endswith(".partial")
        dead = runs / ".20240101T000000Z-dead.12345.abcd.partial"  # an old evalsum's or a killed run's
        dead.write_text("{}\n")
        _old(dead)
        fresh = runs / ".20250101T000000Z-fresh.12346.abcd.partial"
        fresh.write_text("{}\n")
        record = runs / "20240101T000000Z-kept.jsonl"  # published records are never touched
        record.write_text("{}\n")
        _old(record)

        mine = records.RecordWriter(runs, HEADER)  # a run starting: cleans as it opens its own partial
        try:
            assert not dead.exists()
            assert live_partial.exists() and fresh.exists() and record.exists() and mine.partial.exists()
            assert records.clean_partials(runs) == []  # nothing else is stale
            _old(mine.partial)
            assert records.clean_partials(runs) == []  # our own partial is locked while we write
        finally:
            mine.abandon()  # flushes the header, so it is fresh again: age it once more
        _old(mine.partial)
        assert records.clean_partials(runs) == [mine.partial]  # abandoned, old and unlocked: gone
    finally:
        assert live.stdin is not None
        live.stdin.close()
        live.wait(timeout=10)
    _old(live_partial)  # its writer flushed on exit
    assert records.clean_partials(runs) == [live_partial]  # its writer has ended: now it is stale
    assert records.clean_partials(runs, older_than=0) == [fresh]


def test_a_published_record_leaves_no_partial(tmp_path: Path) -> None:
    w = records.RecordWriter(tmp_path / "runs", HEADER)
    path = w.close(1.0)
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == [path.name]
