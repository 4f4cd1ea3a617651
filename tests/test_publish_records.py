"""Publishing records where hard links fail, and leaderboards beside a damaged record."""
from __future__ import annotations

import errno
import os
import shlex
from pathlib import Path

import pytest

from evalsum.errors import DataError
from evalsum.models import RecordHeader, Settings, SystemInfo
from evalsum.store import records
from evalsum.store.records import RecordWriter
from tests.conftest import REFERENCES, cli

HEADER = RecordHeader(run_id="20250101T000000Z-aaaaaaaa", created="2025-01-01T00:00:00+00:00", signature="sig",
                      settings=Settings(), packages={},
                      systems=[SystemInfo(name="s", backend="s", version="1", options={})])


def no_links(code: int):  # type: ignore[no-untyped-def]
    def link(src: object, dst: object) -> None:
        raise OSError(code, os.strerror(code), str(src), None, str(dst))
    return link


@pytest.mark.parametrize("code", [errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK])
def test_without_hard_links_a_record_is_renamed_into_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           code: int) -> None:
    runs = tmp_path / "runs"
    monkeypatch.setattr(records.os, "link", no_links(code))
    first = RecordWriter(runs, HEADER).close(1.0)
    second = RecordWriter(runs, HEADER).close(2.0)  # same run id: never overwrites the first
    assert (first.name, second.name) == (f"{HEADER.run_id}.jsonl", f"{HEADER.run_id}-2.jsonl")
    assert [records.load_record(p).seconds for p in (first, second)] == [1.0, 2.0]
    assert sorted(p.name for p in runs.iterdir()) == [f"{HEADER.run_id}-2.jsonl", f"{HEADER.run_id}.jsonl"]


def test_rename_fallback_skips_any_existing_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runs = tmp_path / "runs"
    runs.mkdir()
    (runs / f"{HEADER.run_id}.jsonl").write_text("someone else's\n")
    (runs / f"{HEADER.run_id}-2.jsonl").symlink_to("nowhere")  # even a dangling name is taken
    monkeypatch.setattr(records.os, "link", no_links(errno.EPERM))
    assert RecordWriter(runs, HEADER).close(0.0).name == f"{HEADER.run_id}-3.jsonl"
    assert (runs / f"{HEADER.run_id}.jsonl").read_text() == "someone else's\n"


def test_other_publish_errors_name_the_path_and_keep_the_partial(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    runs = tmp_path / "runs"
    writer = RecordWriter(runs, HEADER)
    monkeypatch.setattr(records.os, "link", no_links(errno.EIO))
    with pytest.raises(DataError) as e:
        writer.close(0.0)
    assert str(e.value) == (f"{runs}/{HEADER.run_id}.jsonl: cannot publish the record: Input/output error "
                            f"(the finished record is kept as {writer.partial})")
    assert writer.partial.is_file()


def test_a_failed_rename_names_the_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runs = tmp_path / "runs"
    writer = RecordWriter(runs, HEADER)
    monkeypatch.setattr(records.os, "link", no_links(errno.EPERM))

    def rename(src: object, dst: object) -> None:
        raise OSError(errno.EACCES, "Permission denied")
    monkeypatch.setattr(records.os, "rename", rename)
    expected = rf"^{runs}/{HEADER.run_id}\.jsonl: cannot publish the record: Permission denied"
    with pytest.raises(DataError, match=expected):
        writer.close(0.0)


def run_twice_and_damage_the_first(results: Path) -> Path:
    for _ in range(2):
        assert cli("run", "-s", "lead3", "--references", str(REFERENCES), "--results", str(results)) == 0
    first = records.record_paths(results / "runs")[0]
    lines = first.read_bytes().splitlines(keepends=True)
    first.write_bytes(lines[0] + b'{"kind": "result", "sys\n' + b"".join(lines[2:]))
    return first


def test_a_damaged_record_is_named_with_the_command_to_move_it_aside(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    results = tmp_path / "results"
    bad = run_twice_and_damage_the_first(results)
    capsys.readouterr()
    assert cli("leaderboard", "--results", str(results)) == 2
    message = capsys.readouterr().err.strip()
    assert message.startswith(f"error: {bad}:line 2: corrupt record (not valid JSON")
    assert message.endswith(f"move it aside with `mv {shlex.quote(str(bad))} {shlex.quote(str(bad) + '.damaged')}`, "
                            "or rebuild from the other records with `evalsum leaderboard --skip-damaged`")


def test_skip_damaged_rebuilds_from_the_rest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    results = tmp_path / "results"
    bad = run_twice_and_damage_the_first(results)
    capsys.readouterr()
    assert cli("leaderboard", "--skip-damaged", "--results", str(results)) == 0
    out, err = capsys.readouterr()
    assert err.startswith(f"warning: skipped damaged record {bad}:line 2: corrupt record (not valid JSON")
    assert err.count("\n") == 1
    assert "| lead3 |" in out and "| lead3 |" in (results / "LEADERBOARD.md").read_text()
    bad.unlink()
    kept = records.record_paths(results / "runs")
    assert cli("leaderboard", "--skip-damaged", "--results", str(results)) == 0
    assert capsys.readouterr().err == "" and records.record_paths(results / "runs") == kept
