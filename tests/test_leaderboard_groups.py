"""The leaderboard never ranks rows that are not comparable: rank groups, incomplete rows, keys."""
from __future__ import annotations

import random
from pathlib import Path

from evalsum.analysis import leaderboard as board_
from evalsum.analysis import leaderboard_render
from evalsum.metrics import signature as sig
from evalsum.models import Settings
from tests.boardkit import gold, record, result

TWENTY = [f"c{i:02d}" for i in range(20)]


def test_clearly_better_system_is_alone_in_group_1_and_twins_share_group_2() -> None:
    rng = random.Random(3)
    base = [0.10 + 0.01 * rng.random() for _ in TWENTY]
    a = [b + 0.10 for b in base]                                   # clearly better on every cluster
    c = [b + (0.002 if i % 2 else -0.002) for i, b in enumerate(base)]  # B and C indistinguishable
    rec = record({"B": [result(k, v) for k, v in zip(TWENTY, base, strict=True)],
                  "A": [result(k, v) for k, v in zip(TWENTY, a, strict=True)],
                  "C": [result(k, v) for k, v in zip(TWENTY, c, strict=True)]})
    board = board_.build([rec])
    got = {r.system: (r.rank, r.group) for r in board.rows}
    assert got["A"] == (1, 1)
    assert got["B"][1] == got["C"][1] == 2 and {got["B"][0], got["C"][0]} == {2, 3}
    second = next(r for r in board.rows if r.rank == 3)  # compared with group 2's head, not significantly worse
    assert second.p_vs_head is not None and second.p_vs_head > 0.05
    md = leaderboard_render.render_markdown(board)
    assert "| 1 | 1 | A | 20 |" in md
    assert "Rows are sorted by mean R-2 F over clusters, best first. Group:" in md.replace("\n", " ")
    assert all(r.intervals for r in board.rows)  # 20 >= 6 clusters: intervals


def test_below_six_clusters_everyone_is_group_1_and_has_no_interval() -> None:
    rec = record({"A": [result(f"c{i}", 0.5) for i in range(5)], "B": [result(f"c{i}", 0.1) for i in range(5)]})
    rows = board_.build([rec]).rows
    assert [(r.system, r.rank, r.group, r.p_vs_head, r.intervals) for r in rows] == [
        ("A", 1, 1, None, {}), ("B", 2, 1, None, {})]


def test_partial_files_system_is_incomplete_not_ranked() -> None:
    rec = record({"lead3": [result("c1", 0.2), result("c2", 0.2)],
                  "files:sumdir": [result("c1", 0.6), result("c2", 0, failed=True)]})
    board = board_.build([rec])
    by = {r.system: r for r in board.rows}
    assert (by["lead3"].section, by["lead3"].rank) == ("ranked", 1)
    f = by["files:sumdir"]
    assert (f.section, f.rank, f.group, f.coverage) == ("incomplete", None, None, "1/2")
    assert f.reason == "1 failed (first: c2: backend: no summary)"
    md = leaderboard_render.render_markdown(board)
    assert "| 1 | 1 | files:sumdir" not in md and "| files:sumdir | 1/2 | 60.0 | 1 failed" in md
    assert "No interval (all 2 clusters failed)" not in md


def test_one_cluster_rerun_does_not_replace_the_complete_row() -> None:
    first = record({"textrank": [result("c1", 0.3), result("c2", 0.3)],
                    "lead3": [result("c1", 0.2), result("c2", 0.2)]})
    rerun = record({"textrank": [result("c1", 0.9)]}, n=2)
    board = board_.build([first, rerun])
    ranked = [(r.system, r.metrics["rouge2_f"], r.clusters) for r in board.rows if r.section == "ranked"]
    assert ranked == [("textrank", 0.3, 2), ("lead3", 0.2, 2)]  # the two-cluster run still ranks
    [inc] = [r for r in board.rows if r.section == "incomplete"]
    assert (inc.system, inc.coverage) == ("textrank", "1/2")
    assert inc.reason == "ran 1 of 2 clusters; newer than its ranked run"
    # A failed rerun is shown next to its last good result, and does not replace it.
    failed = record({"textrank": [result("c1", 0, failed=True), result("c2", 0.1)]}, n=3)
    rows = board_.build([first, failed]).rows
    assert [(r.system, r.section) for r in rows] == [("textrank", "ranked"), ("lead3", "ranked"),
                                                     ("textrank", "incomplete")]


def test_other_settings_get_their_own_table_and_key() -> None:
    main = record({"lead3": [result("c1", 0.2)], "textrank": [result("c1", 0.3)]})
    short = record({"lead3": [result("c1", 0.5)]}, n=2, settings=Settings(budget=50, policy="max"))
    board = board_.build([main, short])
    assert [t.key.split("|refs")[0] for t in board.tables] == ["m:4|r:pooled|stem:porter|tok:rs|b:100w",
                                                               "m:4|r:max|stem:porter|tok:rs|b:50w"]
    assert [(r.system, r.table, r.rank) for r in board.rows] == [("textrank", 0, 1), ("lead3", 0, 2), ("lead3", 1, 1)]
    md = leaderboard_render.render_markdown(board)
    assert md.count("## Key `") == 2 and "## Key `m:4|r:max|stem:porter|tok:rs|b:50w|refs:2|gold:" in md


def test_edited_reference_changes_the_key_and_marks_old_runs() -> None:
    before = record({"lead3": [result("c1", 0.2), result("c2", 0.2)]})
    after = record({"textrank": [result("c1", 0.3), result("c2", 0.3)]}, n=2, files=gold(["c1", "c2"], edited="c2"))
    one = board_.build([before])
    two = board_.build([before, after])
    assert one.tables[0].key != two.tables[0].key
    by = {r.system: r for r in two.rows}
    assert by["textrank"].section == "ranked"
    assert (by["lead3"].section, by["lead3"].reason) == ("incomplete", "1 scored against older gold data")


def test_engine_and_seed_do_not_split_a_table() -> None:
    a = record({"lead3": [result("c1", 0.2)]}, provenance="engine:python|seed:0")
    b = record({"textrank": [result("c1", 0.3)]}, n=2, settings=Settings(seed=7),
               provenance="engine:rouge-score-rs-0.1.0|seed:7")
    board = board_.build([a, b])
    assert len(board.tables) == 1 and [r.section for r in board.rows] == ["ranked", "ranked"]
    assert board.tables[0].provenance == ["engine:python|seed:0", "engine:rouge-score-rs-0.1.0|seed:7"]
    assert sig.settings_key(Settings(seed=0)) == sig.settings_key(Settings(seed=7))
    pk = {"evalsum": "0.1.0", "rouge-score": "0.1.2"}
    assert sig.provenance(Settings(), pk, "python") != sig.provenance(Settings(), pk, "rouge-score-rs-0.1.0")


def test_key_fields_digest_and_legend() -> None:
    files = gold(["c1", "c2"])
    key = sig.comparability_key(sig.settings_key(Settings()), files)
    assert key == f"m:{sig.METRICS_VERSION}|r:pooled|stem:porter|tok:rs|b:100w|refs:2|gold:{sig.gold_digest(files)}"
    assert len(key) < 60 and len(sig.gold_digest(files)) == 8
    assert sig.gold_digest(gold(["c1", "c2"], edited="c1")) != sig.gold_digest(files)
    files["c2"]["summaries/c.txt"] = "c"
    assert sig.reference_counts(files) == "2-3"
    assert [f for f, _, _ in sig.explain(key)] == ["m", "r", "stem", "tok", "b", "refs", "gold"]
    assert sig.explain("b:50w|zz:1")[0] == ("b", "50w", sig.LEGEND["b"])
    assert sig.explain("zz:1")[0][2].startswith("not a field")


def test_model_cost_columns_from_summary_metadata() -> None:
    meta = [{"usage": {"prompt_tokens": 1000, "completion_tokens": 80}, "latency_seconds": 2.0, "attempts": 1},
            {"usage": {"prompt_tokens": 1200, "completion_tokens": 120}, "latency_seconds": 4.0, "attempts": 2}]
    rec = record({"llm": [result(f"c{i}", 0.2, metadata=m) for i, m in enumerate(meta)], "lead3": [
        result("c0", 0.1), result("c1", 0.1)]})
    board = board_.build([rec])
    by = {r.system: r for r in board.rows}
    assert by["llm"].cost == {"tokens_in": 1100.0, "tokens_out": 100.0, "latency": 3.0, "attempts": 1.5}
    assert by["lead3"].cost == {}
    md = leaderboard_render.render_markdown(board)
    assert "| System | Tokens in | Tokens out | Latency (s) | Attempts |" in md
    assert "| llm | 1100 | 100 | 3.00 | 1.50 |" in md and "| lead3 | 1100" not in md


def test_recall_table_is_shown() -> None:
    md = leaderboard_render.render_markdown(board_.build([record({"s": [result("c1", 0.25)]})]))
    assert "| System | R-1 R | R-2 R | R-Lsum R |" in md and "| s | – | 25.0 | – |" in md


def test_fact_matrix_is_capped_and_rates_cover_every_cluster() -> None:
    clusters = [f"c{i:03d}" for i in range(200)]
    facts = {f"f{j}": True for j in range(6)}
    rec = record({"A": [result(c, 0.2, facts={f: (i + j) % 2 == 0 for j, f in enumerate(facts)})
                        for i, c in enumerate(clusters)],
                  "B": [result(c, 0.1, facts={f: False for f in facts}) for c in clusters]})
    board = board_.build([rec])
    assert len({fr["cluster"] for fr in board.fact_matrix}) == board_.MATRIX_CLUSTERS and board.fact_clusters == 200
    assert {fr.fact: (fr.clusters, fr.rates) for fr in board.fact_rates}["f0"] == (200, {"A": 0.5, "B": 0.0})
    md = leaderboard_render.render_markdown(board)
    assert len(md.splitlines()) < 150
    assert f"first {board_.MATRIX_CLUSTERS} clusters by id ({board_.MATRIX_CLUSTERS} of 200 shown" in md
    assert "| f0 | 200 | 200 | 50 | 0 |" in md


def test_readme_legend_names_every_key_field() -> None:
    from tests.conftest import ROOT

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    text = text.split("### The comparability key and provenance")[1].split("\n## ")[0]
    fields = [line.split("|")[1].strip(" `") for line in text.splitlines() if line.startswith("| `")
              and line.split("|")[1].strip(" `") in sig.LEGEND]
    assert fields == ["m", "r", "stem", "tok", "b", "flags", "jk", "var", "show", "refs", "gold"]
    assert set(fields) | {"engine", "evalsum", "pkgs", "seed"} == set(sig.LEGEND)
    assert all(f"`{f}`" in text for f in ("engine", "evalsum", "pkgs", "seed"))


def test_footnote_says_all_clusters_failed_not_a_single_cluster() -> None:
    rec = record({"ok": [result("c1", 0.2), result("c2", 0.2), result("c3", 0.2)],
                  "broken": [result(c, 0, failed=True) for c in ("c1", "c2", "c3")]})
    md = leaderboard_render.render_markdown(board_.build([rec]))
    assert "No interval (n=3 clusters, below 6): ok. No interval (all 3 clusters failed): broken." in md
    assert "| broken | 0/3 | – | 3 failed (first: c1: backend: no summary) |" in md
    assert "single cluster" not in md


def test_two_datasets_in_one_results_folder_are_two_ranked_tables(tmp_path: Path) -> None:
    """Runs whose clusters never meet are not one table with everything incomplete."""
    from tests.conftest import REFERENCES, ROOT, cli

    res = tmp_path / "results"
    assert cli("run", "-s", "lead3", "-s", "textrank", "--references", str(REFERENCES), "--results", str(res)) == 0
    data = ROOT / "tests" / "fixtures" / "dataset" / "clusters.jsonl"
    assert cli("run", "-s", "lead3", "-s", "textrank", "--dataset", str(data), "--results", str(res)) == 0
    md = (res / "LEADERBOARD.md").read_text(encoding="utf-8")
    heads = [line for line in md.splitlines() if line.startswith("## Key ")]
    assert len(heads) == 2 and "(1 cluster)" in heads[0] + heads[1] and "(2 clusters)" in heads[0] + heads[1]
    assert "Incomplete" not in md.split("## Fact")[0].split("Rows are sorted")[1]
