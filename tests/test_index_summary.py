"""Issue 16, history that stays cheap: the record index's derived summary (`store.index_summary`)
is merged run by run, so it must always equal the summary recomputed from scratch over the same
records, whatever happened in between: records added in any order (also among the old ones),
deleted or edited by hand, the index saved and read back. And `check_folder`, which reads only
the records the summary names, refuses exactly what reading every header refuses."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evalsum.analysis import leaderboard, publish
from evalsum.errors import UsageError
from evalsum.models import RecordHeader, ResultLine
from evalsum.run import runner
from evalsum.store import records
from evalsum.store.index import RecordIndex
from tests.test_history_select import _write, runs
from tests.test_history_select import base as base

# One step of a history: publish a record (its number decides where it sorts), delete one, edit one.
steps = st.lists(st.one_of(st.tuples(st.just("add"), st.integers(0, 40), runs),
                           st.tuples(st.just("delete"), st.integers(0, 40), st.none()),
                           st.tuples(st.just("edit"), st.integers(0, 40), st.none())), min_size=1, max_size=9)


def _scratch(res: Path) -> RecordIndex:
    fresh = RecordIndex(None)
    fresh.update(records.scan_records(res / "runs"))
    return fresh


@settings(max_examples=25, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps)
def test_the_merged_summary_equals_one_made_from_scratch(base: tuple[RecordHeader, list[ResultLine]],
                                                         tmp_path_factory: pytest.TempPathFactory,
                                                         history: list[tuple[str, int, object]]) -> None:
    res = tmp_path_factory.mktemp("s")
    (res / "runs").mkdir()
    for what, n, spec in history:
        present = records.record_paths(res / "runs")
        if what == "add":
            assert isinstance(spec, dict)
            _write(res / "runs", n, spec, base, {})
        elif what == "delete" and present:
            present[n % len(present)].unlink()
        elif what == "edit" and present:
            path = present[n % len(present)]
            path.write_text(path.read_text(encoding="utf-8").replace('"seconds": 0.0', '"seconds": 1.0'),
                            encoding="utf-8")
        publish.refresh_leaderboard(res)  # merges into (or recomputes) the saved summary, under the lock
        saved, fresh = RecordIndex(res), _scratch(res)
        paths = records.scan_records(res / "runs")
        assert saved.unchanged(paths) == []
        assert (saved.runs, saved.labels) == (fresh.runs, fresh.labels)
        assert leaderboard.build_from_paths(paths, index=saved) == leaderboard.build(records.load_records(res / "runs"))
        assert saved.reads == 0  # the saved index answered for every record


def _brute_check(runs: Path, name: str, backend: str) -> str | None:
    """What check_folder refuses, from every record's header, newest first."""
    for path in reversed(records.record_paths(runs)):
        for old in records.read_header(path).systems:
            if old.name == name and old.backend != backend:
                return str(path)
    return None


@pytest.mark.parametrize("delete", [False, True])
def test_check_folder_reads_the_label_holders_only_and_refuses_the_same(
        base: tuple[RecordHeader, list[ResultLine]], tmp_path: Path, delete: bool) -> None:
    res = tmp_path / "results"
    (res / "runs").mkdir(parents=True)
    one = {"systems": {"lead3", "random"}, "clusters": {0, 1}, "failed": set(), "gold": set(), "key": None,
           "shard": False}
    for n in range(30):
        _write(res / "runs", n, one, base, {})
    publish.refresh_leaderboard(res)
    paths = records.record_paths(res / "runs")
    if delete:
        paths[-1].unlink()  # the latest holder of both labels: check_folder must read the others again
        paths = paths[:-1]
    index = RecordIndex(res)
    found = records.scan_records(res / "runs")
    unindexed = index.unchanged(found)
    assert unindexed == (None if delete else [])
    assert set(index.labels.values()) == {paths[-1].name} or delete
    header = records.read_header(paths[0])
    lead3 = next(s for s in header.systems if s.name == "lead3")
    runner.check_folder(res / "runs", [lead3])  # the same system: no conflict
    other = lead3.model_copy(update={"backend": "textrank"})
    with pytest.raises(UsageError) as e:
        runner.check_folder(res / "runs", [other])
    assert f"in {_brute_check(res / 'runs', 'lead3', 'textrank')};" in str(e.value)
    assert str(paths[-1]) in str(e.value)


def test_an_index_entry_line_damaged_by_hand_is_read_again_from_its_record(
        base: tuple[RecordHeader, list[ResultLine]], tmp_path: Path) -> None:
    res = tmp_path / "results"
    (res / "runs").mkdir(parents=True)
    one = {"systems": {"lead3"}, "clusters": {0, 1, 2}, "failed": set(), "gold": set(), "key": None, "shard": False}
    for n in range(3):
        _write(res / "runs", n, one, base, {})
    publish.refresh_leaderboard(res)
    index_file = res / ".index.json"
    lines = index_file.read_text(encoding="utf-8").splitlines()
    lines[-1] = lines[-1].replace('"run_id"', '"run_idx"')  # the newest record's entry, which the summary names
    index_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    st_before = os.stat(index_file)
    index = RecordIndex(res)
    paths = records.scan_records(res / "runs")
    board = leaderboard.build_from_paths(paths, index=index)
    assert board == leaderboard.build(records.load_records(res / "runs"))
    assert index.reads == 1 and index.dirty  # that record alone, and the index is rewritten on save
    assert (index.runs, index.labels) == (_scratch(res).runs, _scratch(res).labels)
    assert os.stat(index_file).st_mtime_ns == st_before.st_mtime_ns  # nothing written without the lock
