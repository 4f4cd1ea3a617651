"""End-to-end CLI checks on the bundled cluster: the README's quick start, as a user runs it."""
from __future__ import annotations

import json
from pathlib import Path

from evalsum.store.records import load_record, record_paths
from tests.conftest import CLUSTER, REFERENCES, cli


def test_run_lead3_writes_record_and_leaderboard(tmp_path: Path, capsys) -> None:
    res = tmp_path / "results"
    assert cli("run", "--system", "lead3", "--references", str(REFERENCES), "--results", str(res)) == 0
    out = capsys.readouterr().out
    assert "lead3" in out and "key: m:" in out and "provenance: " in out
    [path] = record_paths(res / "runs")
    rec = load_record(path)
    assert rec.systems[0].system.name == "lead3"
    assert rec.systems[0].results[0].cluster_id == CLUSTER
    assert (res / "LEADERBOARD.md").read_text().count("| lead3 | 1 |") == 1
    board = json.loads((res / "leaderboard.json").read_text())
    assert [r["system"] for r in board["rows"]] == ["lead3"]


def test_unknown_system_exits_2_with_one_line(tmp_path: Path, capsys) -> None:
    code = cli("run", "--system", "lead4", "--references", str(REFERENCES), "--results", str(tmp_path))
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "Did you mean 'lead3'?" in err and "textrank" in err


def test_inspect_shows_kept_sentences_and_dropped_lines(capsys) -> None:
    assert cli("inspect", CLUSTER, "--references", str(REFERENCES)) == 0
    out = capsys.readouterr().out
    assert "## 002_66babfe2498c2f58  (date: 2023-02-04;" in out
    assert ("DROP line 49: related-content list after navigation heading 'More Latest News': "
            "See more More Latest News") in out
    assert "[ 0] China urges 'calm' as Pentagon says second spy balloon spotted over Latin America" in out


def test_every_command_help_has_an_example(capsys) -> None:
    import typer.main

    from evalsum.cli.app import app

    group = typer.main.get_command(app)
    for name in group.commands:  # type: ignore[attr-defined]
        assert cli(name, "--help") == 0
        assert "Example: evalsum" in capsys.readouterr().out, name
