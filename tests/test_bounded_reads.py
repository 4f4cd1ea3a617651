"""Issue 16, bounded everything: every read of a file, line or stream has a bound
(`files.MAX_READ_BYTES`, 256 MB), and past it the input is one line naming the file (and line),
exit 2, instead of memory running out. Here the bound is lowered so small inputs cross it."""
from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from evalsum import files
from evalsum.errors import DataError
from evalsum.gold import dataset, synthetic
from tests.conftest import CLUSTER_DIR
from tests.surfaces import invoke

LIMIT = 9200  # bytes: above every bundled gold file (the checklist has 9,048) but the longest source (9,598)


@pytest.fixture()
def low_bound(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(files, "MAX_READ_BYTES", LIMIT)
    monkeypatch.chdir(tmp_path)  # no run file of the repository's (it is larger than the bound)


def _message(path: Path, where: str | None = None, limit: int = LIMIT) -> str:
    at = f"{path}:{where}: " if where else f"{path}: "
    return f"error: {at}longer than the {limit} bytes evalsum reads from one file, line or stream; split it"


def test_the_readers_stop_at_the_bound(tmp_path: Path, low_bound: None) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * (LIMIT + 1))
    (tmp_path / "ok.txt").write_bytes(b"x" * LIMIT)
    assert len(files.read_bytes(tmp_path / "ok.txt")) == LIMIT  # exactly the bound is fine
    with pytest.raises(DataError, match=f"longer than the {LIMIT} bytes"):
        files.read_bytes(big)
    with pytest.raises(DataError, match=f"longer than the {LIMIT} bytes"):
        files.read_stream(io.BytesIO(b"y" * (LIMIT + 1)), "<stdin>")
    lines = io.StringIO("short\n" + "z" * LIMIT + "\nnever read\n")
    it = files.bounded_lines(lines, "f.jsonl")
    assert next(it) == (1, "short\n")
    with pytest.raises(DataError) as e:
        next(it)
    assert (e.value.path, e.value.where) == ("f.jsonl", "line 2")


def test_a_source_past_the_bound_is_one_line_naming_it(tmp_path: Path, low_bound: None) -> None:
    refs = tmp_path / "refs"
    shutil.copytree(CLUSTER_DIR, refs / CLUSTER_DIR.name)
    longest = max((refs / CLUSTER_DIR.name / "sources").iterdir(), key=lambda p: p.stat().st_size)
    assert longest.stat().st_size > LIMIT
    commands: list[list[object]] = [["run", "-s", "lead3", "--results", tmp_path / "results"], ["validate"],
                                    ["inspect", CLUSTER_DIR.name]]
    for command in commands:
        o = invoke(*command, "--references", refs)
        assert (o.code, o.err.splitlines()[-1]) == (2, _message(longest)), str(o)
    assert not list((tmp_path / "results" / "runs").glob("*.jsonl"))  # nothing published


def test_a_dataset_line_and_a_record_line_past_the_bound(tmp_path: Path, low_bound: None,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data.jsonl"
    first = dataset.dumps_line(next(iter(synthetic.clusters(1, seed=1))))
    limit = len(first) + 100
    monkeypatch.setattr(files, "MAX_READ_BYTES", limit)
    cluster = json.loads(first)
    cluster["id"], cluster["title"] = "padded", "t" * limit
    data.write_text(first + json.dumps(cluster) + "\n", encoding="utf-8")
    o = invoke("validate", "--dataset", data)
    assert (o.code, o.err.splitlines()[-1]) == (2, _message(data, "line 2", limit)), str(o)
    monkeypatch.setattr(files, "MAX_READ_BYTES", 2**28)  # the bundled cluster runs under the real bound
    res = tmp_path / "results"
    assert invoke("run", "-s", "lead3", "--results", res, "--references", CLUSTER_DIR.parent).code == 0
    monkeypatch.setattr(files, "MAX_READ_BYTES", LIMIT)
    [record] = (res / "runs").glob("*.jsonl")
    lines = record.read_text(encoding="utf-8").splitlines(keepends=True)
    result = json.loads(lines[1])
    result["result"]["summary"]["metadata"] = {"pad": "p" * LIMIT}
    record.write_text(lines[0] + json.dumps(result) + "\n" + "".join(lines[2:]), encoding="utf-8")
    o = invoke("leaderboard", "--results", res)
    assert o.code == 2 and o.err.splitlines()[-1].startswith(f"error: {record}:line 2: longer than the {LIMIT} bytes")


def test_a_summary_on_stdin_past_the_bound(tmp_path: Path, low_bound: None) -> None:
    o = invoke("score", "-c", CLUSTER_DIR.name, "-", "--references", CLUSTER_DIR.parent,
               stdin=b"Words. " * LIMIT)
    assert (o.code, o.err.splitlines()[-1]) == (2, _message(Path("<stdin>"))), str(o)
