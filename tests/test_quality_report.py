"""Faithfulness and style on the leaderboard: columns, the per-system detail, JSON and signature."""
from __future__ import annotations

from pathlib import Path

from harness import report, runner
from harness.metrics import quality
from harness.models import Settings
from harness.signature import signature

HEAD = "| System | Clusters | R-1 | R-2 | R-Lsum | Facts | Contra. | Unsupp. | Off-topic | Redund. | Density | Words |"


def test_leaderboard_columns_and_detail_for_lead3_and_human(paths: runner.Paths) -> None:
    rec = runner.evaluate([("lead3", {}), ("human", {})], paths=paths, use_cache=False)
    board = report.build([rec])
    md = report.render_markdown(board)
    assert md.count(HEAD) == 2
    # lead3 copies its three sentences in one run of 76 words; the human row is abstractive and one
    # reference (annotator-b) dates an event no source dates.
    assert "| lead3 | 1 | 35.4 | 7.1 | 30.0 | 7.6 | 0.00 | 0.00 | 0.00 | 0.20 | 76.0 | 76 |" in md
    assert "| human † | 1 | 62.3 | 39.0 | 59.4 | 76.0 | 0.00 | 0.25 | 0.00 | 0.12 | 2.4 | 100 |" in md
    assert "## Why: details by system" in md
    assert "- Unsupported: date “2 February 2023” [annotator-b]" in md
    assert md.count("- Contradictions: none") == 2
    rows = {r.system: r for r in board.rows}
    lead = rows["lead3"].metrics
    assert (lead["coverage"], lead["density"], lead["claims_checked"]) == (1.0, 76.0, 5.0)
    assert lead["compression"] == rows["lead3"].details["quality"]["balloon-2023-02"]["figures"]["compression"]
    human = rows["human"].details["quality"]["balloon-2023-02"]
    assert human["unsupported"] == [{"kind": "date", "text": "2 February 2023", "author": "annotator-b",
                                     "sentence": "On 2 February 2023 the Pentagon said it was tracking a suspected Chinese surveillance balloon over Montana."}]
    assert rows["human"].metrics["unsupported"] == 0.25


def test_detail_explains_a_contradiction_that_unsupported_cannot_see(paths: runner.Paths) -> None:
    # random copies source 001's claim that the second balloon entered US territory: a source
    # states it, so it is not "unsupported", but the checklist probe catches it.
    md = report.render_markdown(report.build([runner.evaluate([("random", {})], paths=paths, use_cache=False)]))
    assert "| random | 1 | 38.6 | 10.3 | 35.0 | 36.7 | 1.00 | 0.00 | 0.00 | 0.09 | 32.0 | 100 |" in md
    assert ("- Contradictions: latin-america-balloon-over-us: “The Pentagon has claimed that a second Chinese "
            "espionage balloon was allegedly overflying Latin America at the same time the US Secretary of State, "
            "Antony Blin…”") in md


def test_detail_says_when_a_cluster_has_no_checklist(refs_copy: Path, tmp_path: Path) -> None:
    (refs_copy / "balloon-2023-02" / "checklist.yaml").unlink()
    paths = runner.Paths(references=refs_copy, results=tmp_path / "results")
    md = report.render_markdown(report.build([runner.evaluate([("lead3", {})], paths=paths, use_cache=False)]))
    assert "- Contradictions: no checklist" in md


def test_scores_are_deterministic(paths: runner.Paths) -> None:
    a = runner.evaluate([("random", {}), ("human", {})], paths=paths, use_cache=False)
    b = runner.evaluate([("random", {}), ("human", {})], paths=paths, use_cache=False)
    assert [r.scores.model_dump() for s in a.systems for r in s.results] == \
        [r.scores.model_dump() for s in b.systems for r in s.results]


def test_signature_names_the_new_settings() -> None:
    sig = signature(Settings(), packages={})
    assert "|metrics:2|" in sig
    assert "|faith:lex-num+date+ent,offtopic:rules+overlap<0.5,redund:max-jaccard-content,extract:newsroom-lowerwords|" in sig
    assert quality.SIGNATURE in sig
