"""End-to-end CLI checks on the bundled cluster: the README's quick start, as a user runs it."""
from __future__ import annotations

import json
from pathlib import Path

from harness.cli import main
from harness.records import load_record, record_paths
from tests.conftest import CLUSTER, REFERENCES


def cli(*args: str) -> int:
    try:
        main(list(args))
    except SystemExit as e:
        return int(e.code or 0)
    return 0


def test_run_lead3_writes_record_and_leaderboard(tmp_path: Path, capsys) -> None:
    res = tmp_path / "results"
    assert cli("run", "--system", "lead3", "--references", str(REFERENCES), "--results", str(res)) == 0
    out = capsys.readouterr().out
    assert "lead3" in out and "signature:" in out
    [path] = record_paths(res / "runs")
    rec = load_record(path)
    assert rec.systems[0].system.name == "lead3"
    assert rec.systems[0].results[0].cluster_id == CLUSTER
    board_md = (res / "LEADERBOARD.md").read_text().splitlines()
    assert sum(line.startswith("| lead3 |") for line in board_md) == 1  # one row (the fact matrix names it too)
    board = json.loads((res / "leaderboard.json").read_text())
    assert [r["system"] for r in board["rows"]] == ["lead3"]


def test_unknown_system_exits_2_with_one_line(tmp_path: Path, capsys) -> None:
    code = cli("run", "--system", "lead4", "--references", str(REFERENCES), "--results", str(tmp_path))
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "Did you mean 'lead3'?" in err and "textrank" in err
