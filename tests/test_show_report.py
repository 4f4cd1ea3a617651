"""`evalsum show` and `evalsum report` on the bundled cluster after `evalsum run --all`, and the
adapter's views, HTML escaping and determinism (no matplotlib needed except where marked)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from evalsum.analysis import report_html, views
from evalsum.analysis.report_charts import Charts
from evalsum.analysis.view_models import ClusterView, Mark, SentenceView
from evalsum.models import (
    BudgetedSummary,
    ClusterResult,
    ClusterScore,
    Extractiveness,
    FactHit,
    FactScore,
    Failure,
    Faithfulness,
    OffTopicSentence,
    Quality,
    Style,
    SystemInfo,
    UnsupportedClaim,
)
from evalsum.store.records import record_paths
from tests.conftest import CLUSTER, REFERENCES, cli

CORE = ["lead3", "random", "textrank", "human", "oracle"]  # show's order: systems by name, then ceilings
HOSTILE_SYSTEM = "<script>alert('x')</script>&[/b]"
HOSTILE = "The Pentagon [/b] said 17 balloons [bold red]crossed[/] <img src=x onerror=alert(1)> Ohio :smile:."
STUB = Charts(scores="<svg id='s'></svg>", heatmap="<svg id='h'></svg>", rouge_unsupported="<svg id='r'></svg>")


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every core system, then a hostile external system, on the bundled cluster."""
    root = tmp_path_factory.mktemp("show")
    res = root / "results"
    assert cli("run", "--all", "--references", str(REFERENCES), "--results", str(res)) == 0
    jsonl = root / "hostile.jsonl"
    jsonl.write_text(json.dumps({"cluster": CLUSTER, "system": HOSTILE_SYSTEM,
                                 "summary": [HOSTILE, "Sign up for our newsletter to get the latest news."]}) + "\n")
    assert cli("run", "-s", "files", "-o", f"path={jsonl}", "--references", str(REFERENCES), "--results", str(res)) == 0
    return res


def _show(results: Path, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    assert cli("show", CLUSTER, "--references", str(REFERENCES), "--results", str(results), *args) == 0
    return capsys.readouterr().out


def test_show_prints_references_and_every_core_summary_with_marks(results: Path, capsys) -> None:
    out = _show(results, capsys)
    for author, words in (("annotator-a", 99), ("annotator-b", 99), ("annotator-c", 99), ("annotator-d", 98)):
        assert f"── {author} ({words} words)" in out
    heads = [line.split("  (")[0] for line in out.splitlines() if line.startswith("── ") and "run 2" in line]
    assert heads == ["── " + s for s in ("files:" + HOSTILE_SYSTEM, "lead3", "random", "textrank")] + [
        "── human †", "── oracle †"]
    assert ("NORAD,” the national defence said in a statement. [✓ fact norad]\n") in out
    assert "into US territory. [✓ fact balloon-over-us] [✓ fact second-balloon-latin-america]" in out
    assert "[✓ fact blinken-secretary-of-state] [✗ probe latin-america-balloon-over-us]" in out
    assert "elsewhere: [✓ fact norad] “Canada's defence department said NORAD" in out  # human: another reference


def test_show_prints_markup_literally_with_unsupported_and_off_topic_marks(results: Path, capsys) -> None:
    out = _show(results, capsys, "-s", "files:" + HOSTILE_SYSTEM)
    assert (f"   1. {HOSTILE} [? unsupported number “17”] [? unsupported entity “Ohio”] [∅ off-topic (content-word "
            "overlap with the sources 0.27 < 0.3)]\n") in out
    assert ("   2. Sign up for our newsletter to get the latest news. [∅ off-topic (newsletter or sign-up prompt)]\n"
            in out)
    assert "── lead3" not in out and "── files:<script>alert('x')</script>&[/b]  (run " in out


def test_show_json_is_the_view(results: Path, capsys) -> None:
    view = ClusterView.model_validate(json.loads(_show(results, capsys, "--json", "-s", "lead3", "-s", "random")))
    assert [s.system for s in view.summaries] == ["lead3", "random"]
    lead3 = view.summaries[0]
    assert lead3.facts_hit == ["canada-second-incident", "canada-monitoring", "norad"] and lead3.probes_hit == []
    assert [[m.label for m in s.marks] for s in lead3.sentences] == [["canada-second-incident", "canada-monitoring"],
                                                                     ["norad"], []]
    assert lead3.words == 76 and round(lead3.scores["rouge1_f"] * 100, 1) == 34.1
    assert view.summaries[1].probes_hit == ["latin-america-balloon-over-us"]
    assert len(view.facts) == 26 and view.facts[1].id == "montana" and view.facts[1].weight == 4.0
    assert len(view.probes) == 4 and [r.author for r in view.references][0] == "annotator-a"


def test_show_unknown_system_and_cluster_exit_2_with_one_line(results: Path, capsys) -> None:
    capsys.readouterr()
    base = ("--references", str(REFERENCES), "--results", str(results))
    assert cli("show", CLUSTER, "-s", "lead4", *base) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "lead4" in err and "recorded: files:" in err and "textrank" in err
    assert cli("show", "no-such-cluster", *base) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown cluster 'no-such-cluster'" in err


def test_summary_view_places_marks_on_their_sentences() -> None:
    sentences = ["A one.", "B two.", "C three."]
    facts = FactScore(recall=0.5, total_weight=2, hit_weight=1, weights={"f": 1.0, "g": 1.0},
                      hits=[FactHit(id="f", weight=1, sentence="A one. / C three.")],
                      contradictions=[FactHit(id="p", weight=1, sentence="B two.")])
    quality = Quality(
        faithfulness=Faithfulness(unsupported=2, claims_checked=3, items=[
            UnsupportedClaim(kind="number", text="two", sentence="B two."),
            UnsupportedClaim(kind="date", text="1 May", sentence="Other.", author="ann")]),
        style=Style(off_topic=1, redundancy=0.0,
                    off_topic_items=[OffTopicSentence(sentence="C three.", reason="negligible overlap")]),
        extractiveness=Extractiveness(coverage=1.0, density=1.0, compression=1.0, longest_fragment=2))
    res = ClusterResult(cluster_id="c", status="ok", scores=ClusterScore(rouge={}, facts=facts, quality=quality),
                        summary=BudgetedSummary(sentences=sentences, words=6, original_words=6, truncated=False))
    v = views.summary_view("run1", SystemInfo(name="s", backend="s", version="1", options={}), res)
    assert [[(m.kind, m.label) for m in s.marks] for s in v.sentences] == [
        [("fact", "f")], [("probe", "p"), ("unsupported", "number")],
        [("fact", "f"), ("off_topic", "negligible overlap")]]
    assert [(m.kind, m.text, m.author) for m in v.elsewhere] == [("unsupported", "1 May", "ann")]
    assert v.scores["unsupported"] == 2.0 and v.facts_hit == ["f"] and v.probes_hit == ["p"]
    failed = views.summary_view("run1", SystemInfo(name="s", backend="s", version="1", options={}),
                                ClusterResult(cluster_id="c", status="failed",
                                              failure=Failure(kind="backend", message="boom\nsecond line")))
    assert failed.failure == "backend: boom second line" and failed.sentences == []


def test_report_view_from_the_run(results: Path) -> None:
    paths = record_paths(results / "runs")
    view = views.report_view(paths, {})
    assert [[r.system for r in t.rows] for t in view.tables] == [
        ["textrank", "random", "lead3", "files:" + HOSTILE_SYSTEM], ["human", "oracle"]]
    first = view.tables[0].rows[0]
    assert first.position == 1 and round((first.cells["rouge2_f"].mean or 0) * 100, 1) == 21.8
    assert first.cells["rouge2_f"].low is None  # one cluster: no interval
    h = view.heatmap
    assert h.shown_of == 26 and len(h.facts) == 26 and h.systems[-2:] == ["human", "oracle"]
    assert h.rates[h.systems.index("lead3")][h.facts.index("norad")] == 1.0
    assert h.rates[h.systems.index("lead3")][h.facts.index("montana")] == 0.0
    assert [c.cluster_id for c in view.clusters] == [CLUSTER] and view.clusters_total == 1
    assert not view.clusters[0].gold and len(view.clusters[0].summaries) == 6


def test_report_html_escapes_every_data_string(results: Path) -> None:
    html = report_html.render(views.report_view(record_paths(results / "runs"), {}), STUB)
    assert "<script" not in html and "<img" not in html and "onerror=alert(1)>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&amp;[/b]" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "[bold red]crossed[/]" in html
    assert '<mark class="unsupported">17</mark>' in html and '<mark class="unsupported">Ohio</mark>' in html


def test_report_is_deterministic(results: Path) -> None:
    paths = record_paths(results / "runs")
    a = report_html.render(views.report_view(paths, {}), STUB)
    b = report_html.render(views.report_view(list(paths), {}), STUB)
    assert a == b


def test_report_cli_is_byte_identical_twice_and_self_contained(results: Path, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    base = ("--references", str(REFERENCES), "--results", str(results))
    assert cli("report", "--out", str(tmp_path / "a.html"), *base) == 0
    assert cli("report", "--out", str(tmp_path / "b.html"), *base) == 0
    a = (tmp_path / "a.html").read_bytes()
    assert a == (tmp_path / "b.html").read_bytes()
    text = a.decode()
    assert text.count("<svg") == 3 and "<script" not in text and "<link" not in text and "@import" not in text
    assert "src=" not in text.replace("&lt;img src=x", "") and "annotator-a (99 words)" in text


def test_report_without_matplotlib_exits_3_with_the_install_hint(results: Path, tmp_path: Path, capsys,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if not installed
    capsys.readouterr()
    assert cli("report", "--out", str(tmp_path / "r.html"), "--results", str(results)) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install 'evalsum[report]'" in err
    assert not (tmp_path / "r.html").exists()


def test_rich_sentence_keeps_markup_as_text() -> None:
    from evalsum.analysis.show_render import sentence_text

    marks = [Mark(kind="unsupported", label="number", text="17", sentence="x")]
    line = sentence_text(1, "[/b] 17 [red]", SentenceView(text="", marks=marks).marks)
    assert line.plain == "   1. [/b] 17 [red] [? unsupported number “17”]"


def test_heatmap_keeps_the_heaviest_facts_and_states_the_cap(results: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views, "HEATMAP_FACTS", 5)
    view = views.report_view(record_paths(results / "runs"), {})
    h = view.heatmap
    # weight 4 facts first, ties by id
    assert h.facts == ["balloon-over-us", "blinken-postponed", "blinken-secretary-of-state", "blown-off-course",
                       "china-regret"] and h.shown_of == 26
    assert "Showing the 5 heaviest of 26 facts." in report_html.render(view, STUB)
