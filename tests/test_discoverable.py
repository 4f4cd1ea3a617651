"""What a new user finds from the command line: `evalsum systems` (core marks, `--options`),
`--debug` in `--help`, and `--dataset` on validate, inspect, score and show."""
from __future__ import annotations

import json
from pathlib import Path
from typing import ClassVar, Literal, Optional

import pytest
from pydantic import Field

from evalsum.cli import main, systems, take_debug
from evalsum.contract import Summariser, SystemOptions
from evalsum.errors import DataError
from evalsum.run import registry
from evalsum.systems.llm import LLMOptions
from tests.conftest import REFERENCES, cli

FIXTURE = Path(__file__).parent / "fixtures" / "dataset" / "clusters.jsonl"


def test_systems_marks_the_core_ones(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("systems", "--json") == 0
    got = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert {n for n, r in got.items() if r["core"]} == set(registry.CORE) == {"lead3", "textrank", "random",
                                                                                "oracle", "human"}
    assert all("options" not in r for r in got.values())  # only with --options
    assert cli("systems") == 0
    lines = {ln.split()[0]: ln for ln in capsys.readouterr().out.splitlines() if ln and not ln.startswith(" ")}
    assert lines["lead3"].split()[3] == "core" and "core" not in lines["lead-k"].split()
    assert lines["core:"] == ("core: run by `evalsum run --all` and in CI (no extra package, server or input "
                              "files): lead3, textrank, random, oracle, human")


def test_systems_options_lists_type_default_and_description(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("systems", "--options") == 0
    out = capsys.readouterr().out
    assert "    -o k: int = 3  [ge=1]  number of sentences\n" in out
    assert "    -o path: Path (required)  folder of <cluster-id>.txt files, or a .jsonl file\n" in out
    assert "    -o label: str | None = null  leaderboard name suffix" in out
    assert '    -o base_url: str = "http://localhost:11434/v1"  (transport)  OpenAI-compatible API root' in out
    assert "    -o temperature: float = 0.0  [ge=0.0, le=2.0]\n" in out
    human = out.split("\nhuman ", 1)[1].splitlines()
    assert human[1] == "    options: none"


def test_systems_options_json_reads_the_options_model(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("systems", "--options", "--json") == 0
    got = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    llm = {o["name"]: o for o in got["llm"]["options"]}
    assert list(llm) == list(LLMOptions.model_fields)
    assert {n for n, o in llm.items() if o["transport"]} == LLMOptions.TRANSPORT
    assert llm["stop"] == {"name": "stop", "type": "list[str] | None", "required": False, "default": None,
                           "constraints": [], "transport": False,
                           "description": 'stop sequence, or a JSON list: ["\\n\\n", "Note:"]'}
    assert got["files"]["options"][0] == {"name": "path", "type": "Path", "required": True, "default": None,
                                          "constraints": [], "transport": False,
                                          "description": "folder of <cluster-id>.txt files, or a .jsonl file"}
    assert got["oracle"]["options"][0]["type"] == "Literal['rouge1', 'rouge2']"
    assert got["human"]["options"] == []


def test_systems_options_of_a_backend_that_does_not_load(monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(registry.BUILTINS, "embed", "evalsum.systems.no_such_module:Embed")
    assert cli("systems", "--options", "--json") == 0
    got = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert got["embed"]["options"] is None and not got["embed"]["available"]
    assert cli("systems", "--options") == 0
    lines = capsys.readouterr().out.splitlines()
    at = next(i for i, ln in enumerate(lines) if ln.startswith("embed "))
    assert lines[at + 1].strip().startswith("-> not installed: module evalsum.systems.no_such_module not found")
    assert lines[at + 2] == "    options: cannot be listed (the backend does not load here)"


class _Opts(SystemOptions):
    when: Optional[int] = Field(default=None, description="an old-style optional")  # noqa: UP045
    mode: Literal["a", "b"] = "a"
    names: list[str] = Field(default_factory=lambda: ["x"])


class _OnClass(Summariser[_Opts]):
    name: ClassVar[str] = "t"
    version: ClassVar[str] = "1"
    Options = _Opts

    @classmethod
    def transport(cls) -> set[str]:
        return {"when"}


class _Plain(Summariser[_Opts]):
    name: ClassVar[str] = "p"
    version: ClassVar[str] = "1"
    Options = _Opts


def test_transport_is_read_wherever_it_is_declared() -> None:
    assert systems.transport_of(_OnClass) == frozenset({"when"})
    assert systems.transport_of(_Plain) == frozenset()
    rows = {o.name: o for o in systems.options_of(_OnClass)}
    assert (rows["when"].type, rows["when"].transport) == ("int | None", True)
    assert rows["mode"].type == "Literal['a', 'b']" and rows["names"].default == ["x"]
    assert systems.option_line(rows["names"]) == 'names: list[str] = ["x"]'


def test_debug_is_in_help_and_shows_the_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("--help") == 0
    assert "--debug" in capsys.readouterr().out
    missing = str(tmp_path / "missing.txt")
    assert cli("score", "-c", "x", missing, "--references", str(REFERENCES)) == 2
    assert capsys.readouterr().err == f"error: {missing}: summary file not found\n"
    for args in (["--debug", "score", "-c", "x", missing], ["score", "-c", "x", missing, "--debug"]):
        with pytest.raises(DataError, match="summary file not found"):
            main([*args, "--references", str(REFERENCES)])


def test_take_debug_leaves_arguments_after_double_dash() -> None:
    assert take_debug(["--debug", "run", "-s", "lead3"]) == (["run", "-s", "lead3"], True)
    assert take_debug(["score", "-c", "x", "--", "--debug"]) == (["score", "-c", "x", "--", "--debug"], False)
    assert take_debug(["systems"]) == (["systems"], False)


@pytest.mark.parametrize("command", ["validate", "inspect", "score", "show", "run"])
def test_gold_reading_commands_take_dataset(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(command, "--help") == 0
    assert "--dataset" in capsys.readouterr().out


def test_validate_a_dataset(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("validate", "--dataset", str(FIXTURE)) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "flood-2024-03: 3 sources, 2 references"
    assert ("strike-2024-05: 2 sources, 2 references\n  imported (not marked hand_made: true): the annotation rules "
            "are warnings\n  reference ref-01: 22 words\n") in out


def test_validate_a_dataset_reports_problems_by_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = json.loads(FIXTURE.read_text(encoding="utf-8").splitlines()[0])
    line["checklist"]["facts"].append({"id": "volcano", "statement": "A volcano erupted.", "patterns": [["volcano"]]})
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n" + json.dumps(line) + "\n", encoding="utf-8")
    assert cli("validate", "--dataset", str(bad), "--json") == 2
    got = json.loads(capsys.readouterr().out)
    assert got["problems"] == [f"{bad}:line 2/checklist.yaml: fact volcano matches no source sentence (unsupported, "
                               "or its patterns are wrong)",
                               f"{bad}:line 2/checklist.yaml: fact volcano is stated by no reference (fix the "
                               "patterns or the references)"]
    bad.write_text('{"id": "x"\n', encoding="utf-8")
    assert cli("validate", "--dataset", str(bad)) == 2
    assert capsys.readouterr().err.startswith(f"error: {bad}:line 1: not valid JSON")


def test_inspect_a_dataset_cluster(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("inspect", "strike-2024-05", "--dataset", str(FIXTURE), "--json") == 0
    got = json.loads(capsys.readouterr().out)
    assert got["cluster_id"] == "strike-2024-05" and len(got["documents"]) == 2
    assert cli("inspect", "strike-2024-05", "--dataset", str(FIXTURE)) == 0
    assert "  [ 0] Bus drivers in Calder walked out on Tuesday in a dispute over pay.\n" in capsys.readouterr().out
    assert cli("inspect", "nope", "--dataset", str(FIXTURE)) == 2
    assert capsys.readouterr().err == (f"error: {FIXTURE}: unknown cluster 'nope'; available: flood-2024-03, "
                                       "strike-2024-05\n")
