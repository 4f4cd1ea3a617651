"""External summaries: the `files` backend (folder and JSONL) and `evalsum score`."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from evalsum.errors import DataError, UsageError
from evalsum.gold import corpus
from evalsum.metrics import signature as sig
from evalsum.metrics.scorer import Scorer
from evalsum.models import Budget, Settings, Summary
from evalsum.run.budget import enforce_budget
from evalsum.run.plan import Paths, RunPlan, SystemSpec
from evalsum.run.runner import evaluate
from evalsum.text import split_sentences
from tests.conftest import CLUSTER, REFERENCES, cli

SUMMARY = ("The Pentagon said on Thursday it was tracking a suspected Chinese spy balloon over Montana.\n"
           "China said it regretted that a civilian weather airship had strayed off course.")


def expected_scores(sentences: list[str]) -> dict:
    scorer = Scorer(Settings())
    shown = enforce_budget(Summary(sentences=sentences), Budget())
    gold = scorer.gold(corpus.load_clusters(REFERENCES, [CLUSTER])[0])
    return scorer.score(shown.sentences, gold).model_dump(mode="json")


def write_jsonl(path: Path, rows: list[object]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path


# ---------------------------------------------------------------- files: folder


def test_folder_summary_is_split_scored_and_traceable(tmp_path: Path, paths: Paths) -> None:
    folder = tmp_path / "prod-llm"
    folder.mkdir()
    (folder / f"{CLUSTER}.txt").write_text(SUMMARY, encoding="utf-8")
    [srun] = evaluate(RunPlan(systems=[SystemSpec(backend="files", options={"path": str(folder)})],
                              paths=paths)).systems
    assert srun.system.name == "files:prod-llm"
    assert srun.system.options == {"path": str(folder), "system": None, "label": None, "lines": False}
    [res] = srun.results
    assert res.status == "ok" and res.summary is not None and res.scores is not None
    assert res.summary.sentences == split_sentences(SUMMARY)
    assert res.summary.metadata == {"source": str(folder / f"{CLUSTER}.txt"),
                                    "sha256": hashlib.sha256(SUMMARY.encode()).hexdigest()}
    assert res.scores.model_dump(mode="json") == expected_scores(split_sentences(SUMMARY))


def test_folder_without_the_cluster_fails_that_cluster_only(tmp_path: Path, paths: Paths) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    rec = evaluate(RunPlan(systems=[SystemSpec(backend="files", options={"path": str(empty), "label": "x"}), "lead3"],
                           paths=paths))
    files, lead = rec.systems
    assert files.system.name == "files:x"
    [res] = files.results
    assert res.status == "failed"
    assert str(res.failure) == f"backend: no summary for cluster '{CLUSTER}': expected {empty / (CLUSTER + '.txt')}"
    assert lead.results[0].status == "ok"


def test_files_are_never_served_from_the_cache(tmp_path: Path, paths: Paths) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / f"{CLUSTER}.txt"
    target.write_text("First version of the summary about a balloon.", encoding="utf-8")
    evaluate(RunPlan(systems=[SystemSpec(backend="files", options={"path": str(folder)})], paths=paths))
    target.write_text("Second version of the summary about a balloon.", encoding="utf-8")
    res = evaluate(RunPlan(systems=[SystemSpec(backend="files", options={"path": str(folder)})],
                           paths=paths)).systems[0].results[0]
    assert res.summary is not None and res.summary.sentences == ["Second version of the summary about a balloon."]
    assert not res.cached


# ---------------------------------------------------------------- files: JSONL


def test_jsonl_picks_the_named_system(tmp_path: Path, paths: Paths) -> None:
    path = write_jsonl(tmp_path / "out.jsonl", [
        {"cluster": CLUSTER, "system": "a", "summary": "Only a short summary about the balloon."},
        "",
        {"cluster": CLUSTER, "system": "b", "summary": [" The Pentagon tracked  a balloon. ", "", "China regrets."],
         "metadata": {"model": "m-1", "line": "ignored"}},
        {"cluster": "another-cluster", "system": "b", "summary": "Not in this run."},
    ])
    with pytest.raises(UsageError, match=r"holds several systems \(a, b\): pick one with -o system=NAME"):
        evaluate(RunPlan(systems=[SystemSpec(backend="files", options={"path": str(path)})], paths=paths))
    with pytest.raises(UsageError, match=r"'c' is not in .*out.jsonl; it holds: a, b"):
        evaluate(RunPlan(systems=[SystemSpec(backend="files", options={"path": str(path), "system": "c"})],
                         paths=paths))
    [srun] = evaluate(RunPlan(systems=[SystemSpec(backend="files", options={"path": str(path), "system": "b"})],
                              paths=paths)).systems
    assert srun.system.name == "files:b"
    [res] = srun.results
    assert res.summary is not None
    assert res.summary.sentences == ["The Pentagon tracked a balloon.", "China regrets."]
    assert res.summary.metadata == {"model": "m-1", "source": str(path), "line": 3, "system": "b",
                                    "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}


def test_jsonl_without_this_cluster_fails_that_cluster(tmp_path: Path, paths: Paths) -> None:
    path = write_jsonl(tmp_path / "s.jsonl", [{"cluster": "elsewhere", "system": "a", "summary": "Text."}])
    [res] = evaluate(RunPlan(systems=[SystemSpec(backend="files", options={"path": str(path)})],
                             paths=paths)).systems[0].results
    assert res.status == "failed"
    assert str(res.failure) == f"backend: no summary for cluster '{CLUSTER}' and system 'a' in {path}"


@pytest.mark.parametrize(("line", "message"), [
    ('{"cluster": "c", "system": "a", "summary": "x"', "line 2: not valid JSON"),
    ('{"cluster": "c", "system": "a", "sumary": "x"}', "line 2, field summary: Field required"),
    ('{"cluster": "c", "system": "a", "summary": 3}', "line 2, field summary.str"),
    ('["c", "a", "x"]', 'line 2: expected an object {"cluster", "system", "summary"}'),
    ('{"cluster": "c1", "system": "a", "summary": "again"}',
     "line 2: second summary for cluster 'c1' and system 'a' (first on line 1)"),
])
def test_bad_jsonl_line_is_a_data_error_naming_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = write_jsonl(tmp_path / "bad.jsonl", [{"cluster": "c1", "system": "a", "summary": "Fine."}, line])
    with pytest.raises(DataError) as e:
        evaluate(RunPlan(systems=[SystemSpec(backend="files", options={"path": str(path)})],
                         paths=Paths(references=REFERENCES, results=tmp_path / "r")))
    assert str(e.value).startswith(f"{path}:{message}")


def test_bad_jsonl_exits_2_from_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_jsonl(tmp_path / "bad.jsonl", ["not json"])
    code = cli("run", "-s", "files", "-o", f"path={path}",
               "--references", str(REFERENCES), "--results", str(tmp_path / "r"))
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert err.startswith(f"error: {path}:line 1: not valid JSON")


def test_missing_path_and_wrong_kind(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ("--references", str(REFERENCES), "--results", str(tmp_path / "r"))
    assert cli("run", "-s", "files", *args) == 2
    assert ("missing option 'path' for system 'files': Field required. Allowed: path, system, label"
            in capsys.readouterr().err)
    assert cli("run", "-s", "files", "-o", f"path={tmp_path / 'nope'}", *args) == 2
    assert f"{tmp_path / 'nope'}: not found" in capsys.readouterr().err
    assert cli("run", "-s", "files", "-o", f"path={tmp_path}", "-o", "system=a", *args) == 2
    assert "applies to JSONL files only" in capsys.readouterr().err


# ---------------------------------------------------------------- evalsum score


def test_score_matches_the_same_summary_in_a_run(tmp_path: Path, paths: Paths,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """An outside summary identical to textrank's gets exactly textrank's scores."""
    record = evaluate(RunPlan(systems=["textrank"], paths=paths))
    res = record.systems[0].results[0]
    assert res.summary is not None and res.scores is not None
    f = tmp_path / "summary.txt"
    f.write_text("\n".join(res.summary.sentences) + "\n", encoding="utf-8")
    assert cli("score", "--cluster", CLUSTER, str(f), "--references", str(REFERENCES), "--json") == 0
    [out] = json.loads(capsys.readouterr().out)
    assert out["scores"] == res.scores.model_dump(mode="json")
    assert out["summary"]["sentences"] == res.summary.sentences
    assert out["cluster"] == CLUSTER and out["source"] == str(f)
    assert out["signature"] == record.signature  # same engine, same settings: comparable numbers
    assert (out["key"], out["provenance"]) == (record.key, record.provenance)


def test_score_enforces_the_budget_and_prints_a_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "long.txt"
    long = SUMMARY + "\n" + " ".join(["Filler words about nothing in particular."] * 20)
    f.write_text(long, encoding="utf-8")
    assert cli("score", "--cluster", CLUSTER, str(f), "--references", str(REFERENCES)) == 0
    out = capsys.readouterr().out
    assert f"{f}: 100 words (budget 100, cut from {len(long.split())})" in out
    budgeted = enforce_budget(Summary(sentences=split_sentences(long)), Budget())
    want = expected_scores(split_sentences(long))
    assert budgeted.words == 100
    r2 = want["rouge"]["rouge2"]
    assert f"R-2 P/R/F {r2['p'] * 100:.1f}/{r2['r'] * 100:.1f}/{r2['f'] * 100:.1f}," in out
    row = next(line for line in out.splitlines() if line.startswith(f"| {f} |"))
    assert row.split(" | ")[4] == f"{want['facts']['recall'] * 100:.1f}"  # Summary, R-1, R-2, R-Lsum, Facts
    assert "facts stated: balloon-over-us, montana, pentagon-tracking" in out
    assert f"key: m:{sig.METRICS_VERSION}|r:pooled|stem:porter|tok:rs|b:100w; provenance: engine:" in out


@pytest.mark.parametrize(("setup", "message"), [
    ("missing", "summary file not found"),
    ("empty", "the summary has no words"),
    ("latin1", ":line 2: "),
    ("cluster", "unknown cluster 'no-such-cluster'"),
])
def test_score_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], setup: str, message: str) -> None:
    f = tmp_path / "s.txt"
    if setup == "empty":
        f.write_text(" \n\n", encoding="utf-8")
    elif setup == "latin1":
        f.write_bytes("ok line\ncaf\xe9 au lait\n".encode("latin-1"))
    elif setup == "cluster":
        f.write_text(SUMMARY, encoding="utf-8")
    cluster = "no-such-cluster" if setup == "cluster" else CLUSTER
    code = cli("score", "--cluster", cluster, str(f), "--references", str(REFERENCES))
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert message in err


def test_jsonl_line_numbers_ignore_unicode_line_separators(tmp_path: Path, paths: Paths) -> None:
    path = tmp_path / "u.jsonl"
    rows = [{"cluster": "x", "system": "a", "summary": "One\u2028two."},
            {"cluster": CLUSTER, "system": "a", "summary": "A balloon was seen over Montana."}]
    path.write_text("\r\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\r\n", encoding="utf-8")
    res = evaluate(RunPlan(systems=[SystemSpec(backend="files", options={"path": str(path)})],
                           paths=paths)).systems[0].results[0]
    assert res.summary is not None and res.summary.metadata["line"] == 2
