"""Validation of imported data: our annotation rules warn on imported clusters and fail only
hand-made ones; single-reference data validates and runs (`human` not applicable); and no token
made only of punctuation becomes a sentence or a budget word."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from evalsum.gold import corpus, validation
from evalsum.models import Budget, Summary
from evalsum.run.budget import enforce_budget
from evalsum.store.records import load_record, record_paths
from evalsum.text import split_sentences
from tests.conftest import CLUSTER_DIR, cli

FIXTURES = Path(__file__).parent / "fixtures"


def _import_multinews(tmp_path: Path) -> Path:
    out = tmp_path / "refs"
    assert cli("import", str(FIXTURES / "multinews" / "test.src.cleaned"), "--format", "multi-news",
               "--summaries", str(FIXTURES / "multinews" / "test.tgt"), "--out", str(out)) == 0
    return out


def test_single_reference_dataset_validates_with_warnings(tmp_path: Path, capsys) -> None:
    out = _import_multinews(tmp_path)
    capsys.readouterr()
    assert cli("validate", "--references", str(out)) == 0
    captured = capsys.readouterr()
    assert "imported (not marked hand_made: true): the annotation rules are warnings" in captured.out
    assert "warning: " in captured.err and "needs at least two references (has 1)" in captured.err
    assert "words (our references have 90 to 110)" in captured.err
    assert "error:" not in captured.err
    assert cli("validate", "--references", str(out), "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["problems"] == []
    assert sum("needs at least two references" in w for w in data["warnings"]) == 2  # both clusters
    assert sum("words (our references have 90 to 110)" in w for w in data["warnings"]) == 2


def test_run_all_on_single_reference_data_marks_human_not_applicable(tmp_path: Path, capsys) -> None:
    out = _import_multinews(tmp_path)
    res = tmp_path / "results"
    assert cli("run", "--all", "--references", str(out), "--results", str(res)) == 0
    printed = capsys.readouterr().out
    assert "| human | test-000001 |" in printed and "n/a (needs two or more references)" in printed
    [path] = record_paths(res / "runs")
    human = next(s for s in load_record(path).systems if s.system.name == "human")
    assert {r.status for r in human.results} == {"not_applicable"}
    lead = next(s for s in load_record(path).systems if s.system.name == "lead3")
    assert {r.status for r in lead.results} == {"ok"}


def test_annotation_rules_are_errors_only_for_hand_made_clusters(tmp_path: Path) -> None:
    root = tmp_path / "refs"
    shutil.copytree(CLUSTER_DIR, root / CLUSTER_DIR.name)
    cluster_dir = root / CLUSTER_DIR.name
    source = next((cluster_dir / "sources").glob("*.txt")).read_text("utf-8").split("\n")
    copied = " ".join(next(line for line in source if len(line.split()) > 16 and "Latin" not in line).split()[:15])
    ref = cluster_dir / "summaries" / "annotator-a.txt"
    ref.write_text(copied + ".\n" + ref.read_text("utf-8"), "utf-8")
    problems, warnings, _ = validation.validate_all(root)
    assert any("copies a run of more than 8 words" in p for p in problems)  # hand_made: true
    meta = cluster_dir / "cluster.yaml"
    meta.write_text(meta.read_text("utf-8").replace("hand_made: true\n", ""), "utf-8")
    problems, warnings, info = validation.validate_all(root)
    assert problems == []
    assert any("copies a run of more than 8 words" in w for w in warnings)
    assert any("words (our references have 90 to 110)" in w for w in warnings)  # the copy made it longer


def test_bundled_cluster_is_hand_made() -> None:
    assert corpus.load_cluster(CLUSTER_DIR).hand_made


def test_no_phantom_word_or_sentence_from_punctuation() -> None:
    assert split_sentences("Is it true??") == ["Is it true??"]
    assert split_sentences("Really?! Yes.") == ["Really?!", "Yes."]
    assert split_sentences("***\n?? Then it left.") == ["?? Then it left."]
    budgeted = enforce_budget(Summary(sentences=split_sentences("Is it true??\nIt is.")), Budget(words=4))
    assert budgeted.sentences == ["Is it true??", "It"] and budgeted.words == 4
    # a dash or a lone "??" is kept in the text but is no budget word; a "sentence" of them is dropped
    budgeted = enforce_budget(Summary(sentences=["The balloon — a spy craft — flew ??", "--", "Then more."]),
                              Budget(words=7))
    assert budgeted.sentences == ["The balloon — a spy craft — flew ??", "Then"]
    assert (budgeted.words, budgeted.original_words) == (7, 8)


def test_jsonl_import_of_any_dataset_with_plain_strings(tmp_path: Path, capsys) -> None:
    data = tmp_path / "any.jsonl"
    data.write_text(json.dumps({"id": "ex-1", "documents": ["First article text.", "Second article text."],
                                "references": ["A reference summary."]}) + "\n", "utf-8")
    out = tmp_path / "refs"
    assert cli("import", str(data), "--out", str(out)) == 0
    cluster = corpus.load_cluster(out / "ex-1")
    assert [d.text.strip() for d in cluster.documents] == ["First article text.", "Second article text."]
    assert [r.text.strip() for r in cluster.references] == ["A reference summary."]
    assert not cluster.hand_made
