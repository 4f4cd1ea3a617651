"""A full disk or a file-size limit: the error names the file, says what to do, and leaves the
earlier version of the file (and no temp file) behind."""
from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from evalsum.errors import DataError
from evalsum.files import describe, write_atomic
from tests.conftest import ROOT
from tests.faults import cli, make_env

ENOSPC = "No space left on device; free some space and rerun"
EFBIG = "File too large; the file-size limit (ulimit -f) was reached"


def fail_with(code: int) -> Callable[..., int]:
    def raiser(*args: object) -> int:
        raise OSError(code, os.strerror(code))
    return raiser


@pytest.mark.parametrize(("call", "code", "words"), [
    ("write", errno.ENOSPC, ENOSPC),
    ("write", errno.EFBIG, EFBIG),
    ("fsync", errno.ENOSPC, ENOSPC),
    ("fsync", errno.EFBIG, EFBIG),
    ("replace", errno.EROFS, "Read-only file system; the file system is read-only"),
    ("write", errno.EIO, "Input/output error"),
])
def test_failed_write_names_the_file_and_keeps_the_old_one(call: str, code: int, words: str, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "results" / "leaderboard.json"
    write_atomic(target, "old\n")
    monkeypatch.setattr(os, call, fail_with(code))
    with pytest.raises(DataError) as info:
        write_atomic(target, "new and longer\n" * 1000)
    assert str(info.value) == f"{target}: cannot write: {words}"
    monkeypatch.undo()
    assert target.read_text() == "old\n"
    assert [p.name for p in target.parent.iterdir()] == ["leaderboard.json"]  # no temp file left


def test_short_writes_are_completed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """os.write may write less than asked (a signal, a pipe-like file system): the rest follows."""
    real = os.write
    sizes: list[int] = []

    def dribble(fd: int, data: bytes) -> int:
        sizes.append(real(fd, bytes(data[:7])))
        return sizes[-1]

    monkeypatch.setattr(os, "write", dribble)
    text = "caf\u00e9 line\n" * 20
    write_atomic(tmp_path / "f.txt", text)
    monkeypatch.undo()
    assert (tmp_path / "f.txt").read_bytes() == text.encode("utf-8") and len(sizes) == -(-len(text.encode()) // 7)


def test_real_file_size_limit(tmp_path: Path) -> None:
    """A child process under `ulimit -f` (RLIMIT_FSIZE of 4 kB): the write fails with EFBIG, named."""
    target = tmp_path / "leaderboard.json"
    code = ("import resource, sys; from pathlib import Path; from evalsum.files import write_atomic; "
            "from evalsum.errors import DataError\n"
            "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))\n"
            "try:\n    write_atomic(Path(sys.argv[1]), 'x' * 100_000)\n"
            "except DataError as e:\n    print(e)\n")
    proc = subprocess.run([sys.executable, "-c", code, str(target)], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert (proc.stdout, proc.stderr) == (f"{target}: cannot write: {EFBIG}\n", "")
    assert list(tmp_path.iterdir()) == []


def test_full_disk_at_the_cli_is_one_line_naming_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    env = make_env(tmp_path)
    assert cli("run", "-s", "lead3", "--references", str(env.refs), "--results", str(env.results)) == 0
    board = json.loads((env.results / "leaderboard.json").read_text(encoding="utf-8"))
    capsys.readouterr()
    monkeypatch.setattr(os, "write", fail_with(errno.ENOSPC))
    code = cli("leaderboard", "--results", str(env.results))
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert (code, err) == (2, f"error: {env.results}/leaderboard.json: cannot write: {ENOSPC}\n")
    assert json.loads((env.results / "leaderboard.json").read_text(encoding="utf-8")) == board


def test_describe_without_a_hint_is_the_system_message() -> None:
    assert describe(OSError(errno.EACCES, "Permission denied")) == "Permission denied"
    assert describe(OSError("odd")) == "odd"
