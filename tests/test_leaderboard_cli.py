"""The leaderboard from real runs: quiet git, the signature command, tables per settings, the header."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from evalsum.metrics import signature as sig
from evalsum.models import Settings
from evalsum.store.records import load_record, record_paths
from tests.conftest import REFERENCES, ROOT, cli


def test_identical_inputs_give_identical_leaderboard_files(tmp_path: Path) -> None:
    outs = []
    for name in ("a", "b"):
        res = tmp_path / name
        assert cli("run", "-s", "lead3", "-s", "textrank", "--references", str(REFERENCES), "--results", str(res)) == 0
        outs.append([(res / f).read_bytes() for f in ("leaderboard.json", "LEADERBOARD.md")])
        assert b"run_id\": null" in outs[-1][0] and b"2026" not in outs[-1][0] and b"created" not in outs[-1][0]
    assert outs[0] == outs[1]
    res = tmp_path / "a"
    [path] = record_paths(res / "runs")
    assert cli("leaderboard", "--provenance", "--results", str(res)) == 0
    rows = json.loads((res / "leaderboard.json").read_text(encoding="utf-8"))["rows"]
    assert {r["run_id"] for r in rows} == {load_record(path).run_id}


def test_header_holds_key_and_provenance(tmp_path: Path) -> None:
    assert cli("run", "-s", "lead3", "--seed", "3", "--references", str(REFERENCES), "--results", str(tmp_path)) == 0
    rec = load_record(record_paths(tmp_path / "runs")[0])
    assert rec.key == sig.settings_key(Settings(seed=3))
    assert rec.key == f"m:{sig.METRICS_VERSION}|r:pooled|stem:porter|tok:rs|b:100w"
    assert rec.provenance is not None and rec.provenance.startswith("engine:python|evalsum:")
    assert rec.provenance.endswith("|seed:3")
    board = json.loads((tmp_path / "leaderboard.json").read_text(encoding="utf-8"))
    [table] = board["tables"]
    assert table["key"].startswith(rec.key + "|refs:4|gold:") and table["provenance"] == [rec.provenance]


def test_budget_50_max_row_is_a_separate_table(tmp_path: Path) -> None:
    base = ("--references", str(REFERENCES), "--results", str(tmp_path))
    assert cli("run", "-s", "lead3", "-s", "textrank", *base) == 0
    assert cli("run", "-s", "lead3", "--budget", "50", "--policy", "max", *base) == 0
    board = json.loads((tmp_path / "leaderboard.json").read_text(encoding="utf-8"))
    assert [(r["system"], r["table"], r["rank"]) for r in board["rows"]] == [("textrank", 0, 1), ("lead3", 0, 2),
                                                                             ("lead3", 1, 1)]
    assert "|r:max|stem:porter|tok:rs|b:50w|refs:4|" in board["tables"][1]["key"]


def test_signature_command_explains_each_field(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("signature", "m:4|r:pooled|b:50w|gold:1a2b3c4d") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"{f + ':' + v:<13}  {sig.LEGEND[f]}" for f, v in
                     (("m", "4"), ("r", "pooled"), ("b", "50w"), ("gold", "1a2b3c4d"))]
    assert cli("signature") == 0
    out = capsys.readouterr().out
    assert out.startswith(f"m:{sig.METRICS_VERSION} ") and "seed:0" in out and "engine:python" in out
    assert cli("signature", "--json", "b:100w") == 0
    assert json.loads(capsys.readouterr().out) == [{"field": "b", "value": "100w", "meaning": sig.LEGEND["b"]}]


def test_quick_start_leaves_a_fresh_clone_clean(tmp_path: Path) -> None:
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("needs git and a checkout")
    tracked = subprocess.run([git, "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout.split(b"\0")
    clone = tmp_path / "clone"
    for name in (t.decode() for t in tracked if t):
        src = ROOT / name
        if src.is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, clone / name)
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t",
           "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "clone"]):
        subprocess.run([git, *args], cwd=clone, env=env, check=True)
    done = subprocess.run([sys.executable, "-m", "evalsum", "run"], cwd=clone, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert list((clone / "results" / "runs").glob("*.jsonl")) and (clone / "results" / "cache").is_dir()
    status = subprocess.run([git, "status", "--porcelain"], cwd=clone, env=env, capture_output=True, text=True)
    assert status.stdout == ""  # regenerate results/ with `evalsum run` when this fails after a metric change


def test_report_rows_carry_rank_groups(tmp_path: Path) -> None:
    from evalsum.analysis import views

    assert cli("run", "-s", "lead3", "-s", "textrank", "-s", "oracle", "--references", str(REFERENCES),
               "--results", str(tmp_path)) == 0
    view = views.report_view(record_paths(tmp_path / "runs"), {})
    assert [[(r.system, r.position, r.group) for r in t.rows] for t in view.tables] == [
        [("textrank", 1, 1), ("lead3", 2, 1)], [("oracle", 1, None)]]
    assert view.signatures[0].startswith(f"m:{sig.METRICS_VERSION}|r:pooled|")
