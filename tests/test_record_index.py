"""Issue 16, history that stays cheap: the record index lets a leaderboard refresh read only new or
changed records, gives the same leaderboard as reading everything, and never hides damage."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from evalsum.analysis import leaderboard, publish
from evalsum.errors import DataError
from evalsum.metrics import signature as sig
from evalsum.store.index import INDEX_NAME, RecordIndex
from evalsum.store.records import record_paths
from tests.conftest import cli


def _head(res: Path) -> dict[str, Any]:
    """The index's first line: stamps, tables and summary (one line per record follows)."""
    head: dict[str, Any] = json.loads((res / INDEX_NAME).read_text().split("\n", 1)[0])
    return head


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three records: lead3, then random, then lead3 again (so the first is superseded)."""
    res = tmp_path_factory.mktemp("index") / "results"
    for system in ("lead3", "random", "lead3"):
        assert cli("run", "-s", system, "--results", str(res), "--rouge-engine", "python") == 0
    return res


def _copy(history: Path, tmp: Path) -> Path:
    res = tmp / "results"
    shutil.copytree(history, res)
    for a, b in zip(sorted((history / "runs").iterdir()), sorted((res / "runs").iterdir()), strict=True):
        st = a.stat()
        os.utime(b, ns=(st.st_atime_ns, st.st_mtime_ns))  # copytree keeps mtimes only to the microsecond
    return res


def test_the_index_answers_headers_of_unchanged_records_and_the_board_is_the_same(history: Path,
                                                                                  tmp_path: Path) -> None:
    res = _copy(history, tmp_path)
    (res / INDEX_NAME).unlink()
    paths = record_paths(res / "runs")
    full = leaderboard.build_from_paths(paths)
    index = RecordIndex(res)
    assert leaderboard.build_from_paths(paths, index=index) == full
    assert index.reads == 3
    index.save()
    again = RecordIndex(res)
    assert leaderboard.build_from_paths(paths, index=again) == full
    assert again.reads == 0 and not again.dirty
    assert sorted(_head(res)["records"]) == sorted(p.name for p in paths)


def test_a_run_writes_the_index_and_the_next_run_reads_only_its_own_record(history: Path, tmp_path: Path) -> None:
    res = _copy(history, tmp_path)
    publish.refresh_leaderboard(res)  # copies are other files (inode, ctime): indexed again, once
    before = (res / INDEX_NAME).read_text().splitlines()
    assert len(before) == 4
    assert cli("run", "-s", "lead3", "--results", str(res), "--rouge-engine", "python") == 0
    after = (res / INDEX_NAME).read_text().splitlines()
    assert len(after) == 5 and set(before[1:]) < set(after[1:])  # old entry lines written back as they were
    assert all(_head(res)["records"][k] == v for k, v in json.loads(before[0])["records"].items())


def test_a_changed_record_is_read_again_and_its_damage_is_an_error(history: Path, tmp_path: Path) -> None:
    res = _copy(history, tmp_path)
    first = record_paths(res / "runs")[0]  # superseded, so a refresh would not read it without the index
    with first.open("a", encoding="utf-8") as fh:
        fh.write("{not json\n")
    with pytest.raises(DataError) as e:
        publish.refresh_leaderboard(res)
    assert (e.value.path, e.value.where) == (str(first), "line 4")


def test_a_deleted_record_leaves_the_index_and_a_damaged_index_is_rebuilt(history: Path, tmp_path: Path) -> None:
    res = _copy(history, tmp_path)
    gone = record_paths(res / "runs")[0]
    gone.unlink()
    publish.refresh_leaderboard(res)
    assert gone.name not in _head(res)["records"]
    (res / INDEX_NAME).write_text('{"version": 1, "records": NaN}')
    index = RecordIndex(res)
    assert index.stamps == {} and index.dirty
    publish.refresh_leaderboard(res)
    assert len(_head(res)["records"]) == 2


def test_an_index_of_other_metrics_code_is_rebuilt(history: Path, tmp_path: Path) -> None:
    """Entries keep each run's settings key as this code computes it: another metrics version's
    index is not trusted."""
    res = _copy(history, tmp_path)
    head, rest = (res / INDEX_NAME).read_text().split("\n", 1)
    data = json.loads(head)
    assert data["metrics_version"] == sig.METRICS_VERSION and len(data["records"]) == 3
    data["metrics_version"] = "0"
    (res / INDEX_NAME).write_text(json.dumps(data) + "\n" + rest)
    index = RecordIndex(res)
    assert index.stamps == {} and index.dirty


def test_an_edit_that_restores_size_and_mtime_is_still_seen(history: Path, tmp_path: Path) -> None:
    """`touch -r` can put an edited record's mtime back, but not its ctime: it is read again."""
    res = _copy(history, tmp_path)
    publish.refresh_leaderboard(res)
    first = record_paths(res / "runs")[0]
    st = first.stat()
    text = first.read_text(encoding="utf-8")
    digest = text.split('"cluster.yaml": "', 1)[1][:64]
    edited = text.replace(digest, digest[::-1], 1)  # same size: the gold hash of one result
    assert edited != text and len(edited) == len(text)
    first.write_text(edited, encoding="utf-8")
    os.utime(first, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (first.stat().st_size, first.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    index = RecordIndex(res)
    index.update(record_paths(res / "runs"))
    assert index.reads == 1
