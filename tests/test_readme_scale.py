"""The README's CI matrix is valid YAML, and every evalsum command in it parses against the CLI."""
from __future__ import annotations

import re
import shlex

import typer
import yaml

from evalsum.cli.app import app
from tests.conftest import ROOT


def section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text.split("## Many clusters and sharding", 1)[1].split("\n## ", 1)[0]


def test_ci_matrix_shards_then_merges() -> None:
    [block] = re.findall(r"```yaml\n(.*?)```", section(), re.DOTALL)
    jobs = yaml.safe_load(block)["jobs"]
    assert jobs["shard"]["strategy"]["matrix"]["shard"] == ["1/4", "2/4", "3/4", "4/4"]
    assert jobs["merge"]["needs"] == "shard"
    cli = typer.main.get_command(app)
    commands = [s["run"] for job in jobs.values() for s in job["steps"] if s.get("run", "").startswith("evalsum")]
    assert [c.split()[1] for c in commands] == ["run", "merge"]
    for line in commands:
        args = shlex.split(line.replace("${{ matrix.shard }}", "2/4"))[1:]
        sub = cli.commands[args[0]]  # type: ignore[attr-defined]
        sub.make_context(args[0], args[1:])  # raises on an unknown option or a bad value


def test_readme_import_commands_parse() -> None:
    cli = typer.main.get_command(app)
    lines = [ln.split("#")[0].strip() for ln in section().splitlines() if ln.startswith("evalsum ")]
    assert len(lines) >= 4
    for line in lines:
        args = shlex.split(line)[1:]
        cli.commands[args[0]].make_context(args[0], args[1:])  # type: ignore[attr-defined]
