"""Terminal safety: text from data (sources, paths, server replies) is printed as is, never read
as rich markup or emoji, never sends control sequences to the terminal, and never fails on a
console that cannot encode it."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import pytest

from evalsum.cli.app import emit_json, printable
from evalsum.contract import Summariser
from evalsum.errors import BackendUnavailable
from evalsum.models import Budget, Prepared, Summary
from tests.conftest import ROOT
from tests.faults import Env, cli, make_env

NASTY = "Officials said [/x] and [bold]loud[/bold] :smile: at the Caf\u00e9 \u2014 \x1b[31mred\x1b[0m here."
SHOWN = "Officials said [/x] and [bold]loud[/bold] :smile: at the Caf\u00e9 \u2014 \\x1b[31mred\\x1b[0m here."


class MarkupDown(Summariser):
    """A backend whose server reply (as an error) holds markup, an escape and non-ASCII text."""

    name: ClassVar[str] = "markup-down"
    version: ClassVar[str] = "1"

    def summarise(self, cluster: Prepared, budget: Budget, references: Sequence[str] = ()) -> Summary:
        raise BackendUnavailable("server said: [/x] [bold]busy\x1b[2J \u00e9t\u00e9")


def nasty_source(env: Env) -> None:
    src = env.source(0)
    lines = src.read_text(encoding="utf-8").splitlines(keepends=True)
    src.write_text(lines[0] + NASTY + "\n" + "".join(lines[1:]), encoding="utf-8")


def test_inspect_prints_markup_emoji_codes_and_escapes_as_text(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    env = make_env(tmp_path)
    nasty_source(env)
    assert cli("inspect", "balloon-2023-02", "--references", str(env.refs)) == 0
    out, err = capsys.readouterr()
    assert err == "" and "\x1b" not in out
    assert f"  [ 1] {SHOWN}\n" in out


def test_results_folder_with_markup_in_its_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    env = make_env(tmp_path)
    results = tmp_path / "out[/x]"
    assert cli("run", "-s", "lead3", "--references", str(env.refs), "--results", str(results)) == 0
    out, err = capsys.readouterr()
    assert err == "" and f"leaderboard: {results}/LEADERBOARD.md\n" in out
    assert len(list((results / "runs").glob("*.jsonl"))) == 1


def test_server_reply_with_markup_is_one_line_and_exit_3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    from evalsum.run import registry

    monkeypatch.setitem(registry.BUILTINS, "markup-down", "tests.test_reliability_terminal:MarkupDown")
    env = make_env(tmp_path)
    code = cli("run", "-s", "markup-down", "--references", str(env.refs), "--results", str(env.results))
    out, err = capsys.readouterr()
    assert code == 3, err
    [line] = err.splitlines()
    assert line.startswith("error: ") and "internal error" not in line and "\x1b" not in line
    assert line.endswith("backend unavailable: markup-down on balloon-2023-02: "
                         "server said: [/x] [bold]busy\\x1b[2J \u00e9t\u00e9")


def ascii_console(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m evalsum ARGS` on a console that can only encode ASCII."""
    return subprocess.run([sys.executable, "-m", "evalsum", *args], capture_output=True, timeout=120,
                          cwd=tmp_path, encoding="utf-8", errors="strict",
                          env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "ascii"})


def test_ascii_console_gets_escapes_not_a_crash(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    nasty_source(env)
    proc = ascii_console(tmp_path, "inspect", "balloon-2023-02", "--references", str(env.refs))
    assert (proc.returncode, proc.stderr) == (0, "")
    shown = "  [ 1] Officials said [/x] and [bold]loud[/bold] :smile: at the Caf\\xe9 \\u2014 \\x1b[31mred"
    assert shown in proc.stdout
    assert proc.stdout.isascii()


def test_ascii_console_json_stays_valid_and_lossless(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    nasty_source(env)
    proc = ascii_console(tmp_path, "inspect", "balloon-2023-02", "--json", "--references", str(env.refs))
    assert proc.returncode == 0 and proc.stdout.isascii()
    data = json.loads(proc.stdout)
    texts = [s["text"] for d in data["documents"] for s in d["sentences"]]
    assert NASTY in texts


def test_ascii_console_error_line_with_markup_and_non_ascii_path(tmp_path: Path) -> None:
    missing = tmp_path / "r\u00e9f[/x]"
    proc = ascii_console(tmp_path, "run", "-s", "lead3", "--references", str(missing), "--results", str(tmp_path / "r"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    [line] = proc.stderr.splitlines()
    assert line.startswith("error: ") and "references folder not found" in line and "[/x]" in line


def test_printable_escapes_controls_but_keeps_text() -> None:
    assert printable("a\tb\nc") == "a\tb\nc"
    assert printable("bell\x07 esc\x1b] csi\x9b del\x7f nul\x00 cr\r") == \
        "bell\\x07 esc\\x1b] csi\\x9b del\\x7f nul\\x00 cr\\r"
    assert printable("[/x] Caf\u00e9 \u2014 \U0001f600") == "[/x] Caf\u00e9 \u2014 \U0001f600"


def test_emit_json_falls_back_to_ascii_escapes(monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    class Ascii:
        encoding = "ascii"

    monkeypatch.setattr(sys, "stdout", Ascii())
    # typer.echo resolves sys.stdout at call time: capture what it would write.
    written: list[str] = []
    monkeypatch.setattr("typer.echo", lambda text: written.append(text))
    emit_json({"t": "Caf\u00e9"})
    assert written == ['{\n "t": "Caf\\u00e9"\n}']
