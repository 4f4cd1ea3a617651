"""Faithfulness and style on the leaderboard: columns, the per-system detail, JSON and signature."""
from __future__ import annotations

from pathlib import Path

from evalsum.analysis import leaderboard as report
from evalsum.metrics import quality
from evalsum.metrics.signature import signature
from evalsum.models import Settings, UnsupportedClaim
from evalsum.run import runner
from evalsum.run.plan import Paths, RunPlan

HEAD = "| System | Clusters | R-1 | R-2 | R-Lsum | Facts | Contra. | Unsupp. | Off-topic | Redund. | Density | Words |"


def test_leaderboard_columns_and_detail_for_lead3_and_human(paths: Paths) -> None:
    rec = runner.evaluate(RunPlan(systems=["lead3", "human"], paths=paths, use_cache=False))
    board = report.build([rec])
    md = report.render_markdown(board)
    assert md.count(HEAD) == 2
    # lead3 copies its three sentences in one run of 76 words; the human row is abstractive.
    assert "| lead3 | 1 | 34.1 | 8.0 | 29.1 | 7.6 | 0.00 | 0.00 | 0.00 | 0.21 | 76.0 | 76 |" in md
    assert "| human † | 1 | 60.3 | 38.5 | 58.4 | 79.4 | 0.00 | 0.00 | 0.00 | 0.17 | 2.5 | 99 |" in md
    assert "## Why: details by system" in md
    assert md.count("- Contradictions: none") == 2
    rows = {r.system: r for r in board.rows}
    lead = rows["lead3"].metrics
    assert (lead["coverage"], lead["density"], lead["claims_checked"]) == (1.0, 76.0, 5.0)
    assert lead["compression"] == rows["lead3"].details.quality["balloon-2023-02"].extractiveness.compression
    assert rows["human"].details.quality["balloon-2023-02"].faithfulness.items == []


def test_human_detail_names_the_reference_with_an_unsupported_date(refs_copy: Path, tmp_path: Path) -> None:
    ref = refs_copy / "balloon-2023-02" / "summaries" / "annotator-b.txt"
    lines = ref.read_text(encoding="utf-8").splitlines()
    lines[0] = "On 2 February 2023 the Pentagon said it was tracking a suspected Chinese surveillance balloon."
    ref.write_text("\n".join(lines) + "\n", encoding="utf-8")
    paths = Paths(references=refs_copy, results=tmp_path / "results")
    board = report.build([runner.evaluate(RunPlan(systems=["human"], paths=paths, use_cache=False))])
    assert "- Unsupported: date “2 February 2023” [annotator-b]" in report.render_markdown(board)
    [row] = board.rows
    assert row.details.quality["balloon-2023-02"].faithfulness.items == [
        UnsupportedClaim(kind="date", text="2 February 2023", author="annotator-b", sentence=lines[0])]
    assert row.metrics["unsupported"] == 0.25  # one item, in one of four references


def test_detail_explains_a_contradiction_that_unsupported_cannot_see(paths: Paths) -> None:
    # random copies source 001's claim that the second balloon entered US territory: a source
    # states it, so it is not "unsupported", but the checklist probe catches it.
    md = report.render_markdown(report.build([runner.evaluate(RunPlan(systems=["random"], paths=paths,
                                                                      use_cache=False))]))
    assert "| random | 1 | 38.6 | 11.5 | 36.3 | 36.7 | 1.00 | 0.00 | 0.00 | 0.09 | 32.0 | 100 |" in md
    assert ("- Contradictions: latin-america-balloon-over-us: “The Pentagon has claimed that a second Chinese "
            "espionage balloon was allegedly overflying Latin America at the same time the US Secretary of State, "
            "Antony Blin…”") in md


def test_detail_says_when_a_cluster_has_no_checklist(refs_copy: Path, tmp_path: Path) -> None:
    (refs_copy / "balloon-2023-02" / "checklist.yaml").unlink()
    paths = Paths(references=refs_copy, results=tmp_path / "results")
    md = report.render_markdown(report.build([runner.evaluate(RunPlan(systems=["lead3"], paths=paths,
                                                                      use_cache=False))]))
    assert "- Contradictions: no checklist" in md


def test_scores_are_deterministic(paths: Paths) -> None:
    a = runner.evaluate(RunPlan(systems=["random", "human"], paths=paths, use_cache=False))
    b = runner.evaluate(RunPlan(systems=["random", "human"], paths=paths, use_cache=False))
    assert [r.scores.model_dump() for s in a.systems for r in s.results] == \
        [r.scores.model_dump() for s in b.systems for r in s.results]


def test_signature_names_the_new_settings() -> None:
    sig = signature(Settings(), packages={})
    assert "|metrics:4|" in sig
    assert ("|faith:lex-num+date+ent,offtopic:rules+overlap<0.3,redund:max-jaccard-content,"
            "extract:newsroom-lowerwords|") in sig
    assert quality.SIGNATURE in sig
