"""The rouge155 profile inside evalsum: Settings -> flags, the Scorer hook, jackknifing, the human
row, the signature and the CLI switches."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from evalsum.gold import corpus
from evalsum.metrics.rouge155 import profile
from evalsum.metrics.rouge155.corpus import Rouge155
from evalsum.metrics.rouge155.options import parse_flags
from evalsum.metrics.scorer import Scorer
from evalsum.metrics.signature import signature
from evalsum.models import Settings
from evalsum.store.records import load_record, record_paths
from evalsum.systems.files import as_lines
from tests.conftest import CLUSTER_DIR, REFERENCES, cli

SUMMARY = ["China urges calm as Pentagon says second spy balloon spotted over Latin America.",
           "The US postponed a trip by Antony Blinken to Beijing."]
DUC = Settings(rouge="rouge155", cut_references=True, rouge_variants=("rouge1", "rouge2", "rougeLsum", "rougeSU4"))


def test_settings_map_to_the_duc_flags() -> None:
    assert profile.flags(DUC) == "-n 2 -m -l 100 -2 4 -u -f A -p 0.5"
    assert profile.flags(Settings(rouge="rouge155", stemmer=False, policy="max", rouge_bytes=665,
                                  rouge_variants=("rouge4", "rougeW"))) == "-n 4 -b 665 -w 1.2 -x -f B -p 0.5"


def test_scorer_equals_the_perl_flags_on_the_bundled_cluster() -> None:
    cluster = corpus.load_cluster(CLUSTER_DIR)
    scorer = Scorer(DUC)
    got = scorer.score(SUMMARY, scorer.gold(cluster)).rouge
    direct = Rouge155(parse_flags("-n 2 -m -l 100 -2 4 -u".split())).evaluate(
        SUMMARY, [r.text for r in cluster.references])
    assert set(got) == {"rouge1", "rouge2", "rougeLsum", "rougeSU4"}
    pairs = (("rouge1", "ROUGE-1"), ("rouge2", "ROUGE-2"), ("rougeLsum", "ROUGE-L"), ("rougeSU4", "ROUGE-SU4"))
    for key, name in pairs:
        assert (got[key].r, got[key].p, got[key].f) == (direct[name].r, direct[name].p, direct[name].f)
    assert 0 < got["rouge1"].r < 1


def test_jackknife_is_the_mean_over_every_n_minus_1_subset() -> None:
    cluster = corpus.load_cluster(CLUSTER_DIR)
    refs = [r.text for r in cluster.references]
    scorer = Scorer(DUC.model_copy(update={"jackknife": True}))
    got = scorer.score(SUMMARY, scorer.gold(cluster)).rouge["rouge2"]
    r155 = Rouge155(parse_flags("-n 2 -m -l 100".split()))
    folds = [r155.evaluate(SUMMARY, refs[:i] + refs[i + 1:])["ROUGE-2"] for i in range(len(refs))]
    assert len(folds) == 4
    assert got.r == pytest.approx(sum(f.r for f in folds) / 4, abs=1e-12)
    assert got.f == pytest.approx(sum(f.f for f in folds) / 4, abs=1e-12)


def test_human_row_scores_each_reference_against_the_others() -> None:
    cluster = corpus.load_cluster(CLUSTER_DIR)
    scorer = Scorer(DUC.model_copy(update={"jackknife": True}))
    gold = scorer.gold(cluster)
    refs = [r.text for r in cluster.references]
    per = scorer.leave_one_out(gold, [as_lines(t) for t in refs]).leave_one_out
    assert per is not None
    r155 = Rouge155(parse_flags("-n 2 -m -l 100".split()))
    want = r155.evaluate(refs[0], refs[1:])["ROUGE-1"]
    got = per[cluster.references[0].author].rouge["rouge1"]
    assert (got.r, got.p, got.f) == (want.r, want.p, want.f)


def test_signature_records_every_rouge_setting_and_keeps_the_default() -> None:
    pk = {"evalsum": "0.1.0", "rouge-score": "0.1.2", "nltk": "3.9"}
    default = signature(Settings(), pk)
    assert "|rouge:rouge-score-0.1.2|engine:python|tok:rouge-score|stem:porter-nltk-3.9|refs:pooled|" in default
    assert "|budget:100w-system-only|" in default and "rouge-show" not in default
    sig = signature(DUC.model_copy(update={"jackknife": True, "rouge_show": "r"}), pk)
    for part in ("rouge:rouge155-1.5.5-evalsum-0.1.0", "stem:wordnet2.0-exc+porter-rouge155", "split:lines-as-given",
                 "flags:-n=2,-m,-l=100,-2=4,-u,-f=A,-p=0.5", "jackknife:yes", "budget:100w-system+refs",
                 "rouge-variants:rouge1+rouge2+rougeLsum+rougeSU4", "rouge-show:r"):
        assert f"|{part}|" in sig
    assert "stem:none" in signature(Settings(stemmer=False), pk)


def test_settings_refuse_what_an_engine_cannot_do() -> None:
    with pytest.raises(ValidationError, match="rouge3 not available with rouge=rouge-score"):
        Settings(rouge_variants=("rouge3",))
    with pytest.raises(ValidationError, match="need rouge=rouge155"):
        Settings(jackknife=True)
    with pytest.raises(ValidationError, match="pools the references"):
        Settings(rouge="rouge155", policy="mean")


def test_cut_references_cuts_the_rouge_score_path_too() -> None:
    cluster = corpus.load_cluster(CLUSTER_DIR)
    cut = Scorer(Settings(budget=20, cut_references=True)).gold(cluster)
    assert all(len(t.flat) <= 25 for t in cut.ref_rouge)  # 20 words; a word may give two tokens
    whole = Scorer(Settings(budget=20)).gold(cluster)
    assert all(len(t.flat) > 60 for t in whole.ref_rouge)


def test_cli_run_with_the_profile(tmp_path: Path, capsys) -> None:
    res = tmp_path / "results"
    assert cli("run", "-s", "lead3", "--rouge", "rouge155", "--cut-references", "--rouge-variants", "rouge2,rougeSU4",
               "--rouge-show", "r", "--references", str(REFERENCES), "--results", str(res)) == 0
    out = capsys.readouterr().out
    assert "flags:-n=2,-m,-l=100,-2=4,-u,-x,-f=A,-p=0.5" in out
    [path] = record_paths(res / "runs")
    rec = load_record(path)
    assert rec.settings.rouge == "rouge155" and rec.settings.rouge_show == "r"
    scores = rec.systems[0].results[0].scores
    assert scores is not None and set(scores.rouge) == {"rouge2", "rougeSU4"}
    # the profile and its flags are part of the comparability key, so these rows never rank with default ones
    [key] = json.loads((res / "leaderboard.json").read_text())["signatures"]
    assert "|tok:155|b:100w+refs|flags:-n=2,-m,-l=100,-2=4,-u,-x,-f=A,-p=0.5|var:rouge2+rougeSU4|show:r|" in key


@pytest.mark.parametrize("args, message", [
    (("--rouge-variants", "rouge3"), "rouge3 not available with rouge=rouge-score"),
    (("--jackknife",), "need rouge=rouge155"),
    (("--rouge", "perl"), "--rouge:"),
])
def test_cli_refuses_bad_rouge_switches(tmp_path: Path, capsys, args: tuple[str, ...], message: str) -> None:
    code = cli("run", "-s", "lead3", *args, "--references", str(REFERENCES), "--results", str(tmp_path))
    err = capsys.readouterr().err
    assert code == 2 and message in err and err.count("\n") == 1


def test_files_lines_option_keeps_lines_as_sentences() -> None:
    assert as_lines("  One. Two.\n\nThree??\r\n") == ["  One. Two.", "Three??"]


def test_files_backend_reads_lines_as_given(tmp_path: Path) -> None:
    from evalsum.models import Budget
    from evalsum.run.cluster import prepare_cluster
    from evalsum.systems.files import Files, FilesOptions
    (tmp_path / "balloon-2023-02.txt").write_text("The U.S. said so. Then it left.\nA second line\n", "utf-8")
    prepared = prepare_cluster(corpus.load_cluster(CLUSTER_DIR))
    as_given = Files(FilesOptions(path=tmp_path, lines=True)).summarise(prepared, Budget())
    split = Files(FilesOptions(path=tmp_path)).summarise(prepared, Budget())
    assert as_given.sentences == ["The U.S. said so. Then it left.", "A second line"]
    assert split.sentences == ["The U.S. said so.", "Then it left.", "A second line"]


def test_the_run_table_shows_the_requested_variants(tmp_path: Path, capsys) -> None:
    res = tmp_path / "results"
    assert cli("run", "-s", "lead3", "--rouge", "rouge155", "--rouge-variants", "rouge3,rougeSU4,rougeW",
               "--references", str(REFERENCES), "--results", str(res)) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "| System | Cluster | R-3 | R-SU4 | R-W-1.2 | Facts | Words | Status |"
    [path] = record_paths(res / "runs")
    scores = load_record(path).systems[0].results[0].scores
    assert scores is not None
    want = [f"{scores.rouge[v].f * 100:.1f}" for v in ("rouge3", "rougeSU4", "rougeW")]
    assert lines[2].startswith(f"| lead3 | balloon-2023-02 | {' | '.join(want)} | ")


def test_the_leaderboard_shows_the_requested_variants_and_ranks_by_one_every_row_has(tmp_path: Path) -> None:
    """A table whose runs report no R-2 is sorted by the first ROUGE F they all report, says so,
    and shows those variants' columns: no column of dashes, no rank made from a missing score."""
    res = tmp_path / "results"
    for system in ("lead3", "random"):
        assert cli("run", "-s", system, "--rouge", "rouge155", "--rouge-variants", "rougeSU4,rouge3",
                   "--references", str(REFERENCES), "--results", str(res)) == 0
    board = json.loads((res / "leaderboard.json").read_text())
    assert board["tables"][0]["sort_key"] == "rouge3_f"
    su4 = {r["system"]: r["metrics"]["rougeSU4_f"] for r in board["rows"]}
    r3 = {r["system"]: r["metrics"]["rouge3_f"] for r in board["rows"]}
    assert [r["system"] for r in board["rows"]] == sorted(r3, key=lambda s: -r3[s])
    md = (res / "LEADERBOARD.md").read_text().splitlines()
    assert "Sorted and tested by R-3 F: these runs report no R-2 (`--rouge-variants`)." in md
    head = next(i for i, line in enumerate(md) if line.startswith("| # | Group | System |"))
    assert md[head] == ("| # | Group | System | Clusters | R-3 | R-SU4 | Facts | Contra. | Unsupp. | Off-topic | "
                        "Redund. | Density | Words |")
    best = max(r3, key=lambda s: r3[s])
    assert md[head + 2].startswith(f"| 1 | 1 | {best} | 1 | {r3[best] * 100:.1f} | {su4[best] * 100:.1f} | ")
    assert "| System | R-3 R | R-SU4 R |" in md


def test_the_gate_guards_the_variants_a_run_reports(tmp_path: Path, capsys) -> None:
    """A `--rouge-variants rouge3` run has no R-1/R-2/R-Lsum: the gate checks its R-3 instead of
    passing on facts alone."""
    res = tmp_path / "results"
    assert cli("run", "-s", "lead3", "--rouge", "rouge155", "--rouge-variants", "rouge3",
               "--references", str(REFERENCES), "--results", str(res)) == 0
    assert cli("bless", "--results", str(res)) == 0
    base = json.loads((res / "baseline.json").read_text())
    now = base["systems"]["lead3"]["means"]["rouge3_f"]
    base["systems"]["lead3"]["means"]["rouge3_f"] = round(now + 0.01, 6)  # the baseline was better by 0.01
    base["systems"]["lead3"]["clusters"]["balloon-2023-02"]["rouge3_f"] = round(now + 0.01, 6)
    (res / "baseline.json").write_text(json.dumps(base))
    capsys.readouterr()
    assert cli("check", "--results", str(res)) == 1
    row = next(line for line in capsys.readouterr().out.splitlines() if "| rouge3_f |" in line)
    assert row.split(" | ")[-3:-1] == ["0.0050", "**regression**"]


def test_the_report_shows_the_variants_too(tmp_path: Path) -> None:
    from evalsum.analysis import views

    res = tmp_path / "results"
    assert cli("run", "-s", "lead3", "--rouge", "rouge155", "--rouge-variants", "rouge3,rougeSU4",
               "--references", str(REFERENCES), "--results", str(res)) == 0
    view = views.report_view(record_paths(res / "runs"), {})
    assert [c.label for c in view.columns][:3] == ["R-3", "R-SU4", "Facts"]
    assert view.tables[0].note.startswith("Ordered by mean R-3 F over clusters (these runs report no R-2), highest")
    [row] = view.tables[0].rows
    assert row.cells["rouge3_f"].mean == json.loads((res / "leaderboard.json").read_text())["rows"][0]["metrics"][
        "rouge3_f"]


def test_a_run_of_r_l_alone_shows_and_ranks_by_r_l(tmp_path: Path) -> None:
    """The sort key is always a column: `--rouge-variants rougeL` shows R-L, not three columns of dashes."""
    res = tmp_path / "results"
    assert cli("run", "-s", "lead3", "--rouge-variants", "rougeL", "--references", str(REFERENCES),
               "--results", str(res)) == 0
    board = json.loads((res / "leaderboard.json").read_text())
    assert board["tables"][0]["sort_key"] == "rougeL_f"
    md = (res / "LEADERBOARD.md").read_text().splitlines()
    head = next(line for line in md if line.startswith("| # | Group | System |"))
    assert head.startswith("| # | Group | System | Clusters | R-L | Facts |")
    assert "| System | R-L R |" in md
