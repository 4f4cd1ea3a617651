"""`evalsum score`: the leaderboard's columns, several files, stdin, `--dataset`, a JSON list.

The hand-checked cases use a one-cluster dataset whose two references are the same sentence as
the source, so every number can be worked out on paper (comments give the arithmetic)."""
from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from evalsum.metrics import catalogue
from evalsum.run.plan import Paths, RunPlan
from evalsum.run.runner import evaluate
from tests.conftest import CLUSTER, REFERENCES, cli

SENTENCE = "The river flooded the valley road on Monday."
TINY = {"id": "river", "title": "River",
        "documents": [{"id": "wire", "date": "2024-03-04", "text": f"{SENTENCE}\nCrews closed the bridge.\n"}],
        "references": [{"author": "ann-a", "text": SENTENCE}, {"author": "ann-b", "text": SENTENCE}],
        "checklist": {"facts": [{"id": "flooded", "statement": "The river flooded.", "patterns": [["flooded"]]},
                                {"id": "road", "statement": "The valley road was hit.", "patterns": [["valley road"]]}],
                      "probes": [{"id": "dry", "statement": "The river ran dry.", "patterns": [["ran dry"]],
                                  "external": True}]}}
HEAD = "| Summary | R-1 | R-2 | R-Lsum | Facts | Contra. | Unsupp. | Off-topic | Redund. | Density | Words |"


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.jsonl"
    path.write_text(json.dumps(TINY) + "\n", encoding="utf-8")
    return path


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def rows(out: str) -> dict[str, str]:
    return {line.split(" | ")[0].removeprefix("| "): line for line in out.splitlines() if line.startswith("| ")}


def test_hand_checked_rows_in_the_leaderboard_columns(tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    full = write(tmp_path / "full.txt", SENTENCE + "\n")
    half = write(tmp_path / "half.txt", "The river flooded.\n")
    stdin(monkeypatch, b"The river ran dry on Tuesday, 9 people said.\n")
    assert cli("score", "-c", "river", "--dataset", str(tiny), str(full), str(half), "-") == 0
    out = capsys.readouterr().out
    assert out.startswith(f"river: budget 100 words, policy pooled\n{HEAD}\n")
    got = rows(out)
    # the summary is the reference: every ROUGE 100; both facts (weight 2 each); one 8-word copied
    # fragment, density 8^2/8 = 8.0
    assert got[str(full)] == f"| {full} | 100.0 | 100.0 | 100.0 | 100.0 | 0.00 | 0.00 | 0.00 | 0.00 | 8.0 | 8 |"
    # 3 of 8 reference tokens: R-1 P 1, R 3/8, F 6/11 = 54.5; R-2 2 of 7 bigrams, F 4/9 = 44.4;
    # one fact of weight 2 of 4 = 50.0; one 3-word fragment, density 9/3 = 3.0
    assert got[str(half)] == f"| {half} | 54.5 | 44.4 | 54.5 | 50.0 | 0.00 | 0.00 | 0.00 | 0.00 | 3.0 | 3 |"
    # the, river, on match: P 3/9, R 3/8, F 6/17 = 35.3; "the river" of 8 and 7 bigrams: F 2/15 = 13.3;
    # the probe fires; Tuesday and 9 are in no source; the sentence shares too little with the
    # sources (off topic); fragments "the river" and "on": (4 + 1) / 9 = 0.6
    assert got["<stdin>"] == "| <stdin> | 35.3 | 13.3 | 35.3 | 0.0 | 1.00 | 2.00 | 1.00 | 0.00 | 0.6 | 9 |"
    assert f"{half}: 3 words (budget 100)\n  ROUGE: R-1 P/R/F 100.0/37.5/54.5, R-2 P/R/F 100.0/28.6/44.4," in out
    assert "  facts stated: flooded\n  contradiction probes hit: none\n  unsupported: none\n" in out
    assert "  contradiction probes hit: dry\n  unsupported: Tuesday (date), 9 (number)\n  off-topic: " in out


def test_columns_are_the_leaderboard_table_and_match_a_run(tmp_path: Path, paths: Paths,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """lead3's own summary, scored from outside, prints the numbers its run result has."""
    res = evaluate(RunPlan(systems=["lead3"], paths=paths)).systems[0].results[0]
    assert res.summary is not None
    f = write(tmp_path / "lead3.txt", "\n".join(res.summary.sentences))
    assert cli("score", "-c", CLUSTER, "--references", str(REFERENCES), str(f)) == 0
    out = capsys.readouterr().out
    values = catalogue.values(res)
    want = [catalogue.get(k).format(values[k]) for k in catalogue.TABLE]
    assert rows(out)["Summary"] == "| Summary | " + " | ".join(catalogue.get(k).label for k in catalogue.TABLE) + " |"
    assert rows(out)[str(f)] == f"| {f} | " + " | ".join(want) + " |"
    assert {"unsupported", "off_topic", "redundancy", "density"} <= set(catalogue.TABLE)  # faithfulness and style


def test_json_is_a_list_in_argument_order(tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    full = write(tmp_path / "full.txt", SENTENCE)
    half = write(tmp_path / "half.txt", "The river flooded.")
    assert cli("score", "-c", "river", "--dataset", str(tiny), str(half), str(full), "--json") == 0
    got = json.loads(capsys.readouterr().out)
    assert [g["source"] for g in got] == [str(half), str(full)]
    assert [g["scores"]["rouge"]["rouge1"]["r"] for g in got] == [3 / 8, 1.0]
    assert got[1]["scores"]["quality"]["extractiveness"]["density"] == 8.0
    assert got[0]["signature"] == got[1]["signature"]


def test_stdin_bytes_are_decoded_strictly(tiny: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    stdin(monkeypatch, "ok line\ncaf\xe9\n".encode("latin-1"))
    assert cli("score", "-c", "river", "--dataset", str(tiny), "-") == 2
    assert capsys.readouterr().err == ("error: <stdin>:line 2: not valid UTF-8 (byte 11); re-save the file as "
                                       "UTF-8\n")


@pytest.mark.parametrize(("setup", "message"), [
    ("missing", "{bad}: summary file not found"),
    ("empty", "{bad}: the summary has no words"),
    ("twice", "'-' (stdin) can be given only once"),
])
def test_errors_name_the_file(tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str], setup: str, message: str) -> None:
    good = write(tmp_path / "good.txt", SENTENCE)
    bad = tmp_path / "bad.txt"
    if setup == "empty":
        write(bad, "  \n")
    stdin(monkeypatch, SENTENCE.encode())
    extra = ["-", "-"] if setup == "twice" else [str(bad)]
    assert cli("score", "-c", "river", "--dataset", str(tiny), str(good), *extra) == 2
    assert capsys.readouterr().err == f"error: {message.format(bad=bad)}\n"


def test_unknown_cluster_in_a_dataset(tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = write(tmp_path / "s.txt", SENTENCE)
    assert cli("score", "-c", "lake", "--dataset", str(tiny), str(f)) == 2
    assert capsys.readouterr().err == f"error: {tiny}: unknown cluster 'lake'; available: river\n"
