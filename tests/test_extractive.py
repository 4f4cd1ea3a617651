"""textrank: the vectorised walk equals the dense textbook computation, clean candidates, readable
order, determinism, and the quality bar against lead3 on the bundled cluster."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evalsum.analysis import leaderboard as report
from evalsum.models import Budget, Prepared, PreparedDocument, Sentence
from evalsum.run.plan import RunPlan
from evalsum.run.runner import evaluate
from evalsum.systems.extractive import TextRank, centrality, why_not_candidate
from evalsum.systems.term_matrix import Analyser, term_matrix
from evalsum.text import is_boilerplate, words


def cluster_of(docs: list[list[str]], dates: Sequence[dt.date | None] | None = None) -> Prepared:
    dates = dates or [None] * len(docs)
    documents = [
        PreparedDocument(id=f"d{k}", date=dates[k], dropped=[],
                         sentences=[Sentence(text=t, doc_id=f"d{k}", index=i, doc_date=dates[k])
                                    for i, t in enumerate(d)])
        for k, d in enumerate(docs)
    ]
    return Prepared(cluster_id="c", title="t", documents=documents)


def dense_pagerank(texts: list[str], prior: np.ndarray, damping: float) -> np.ndarray:
    """The textbook computation with an explicit n x n matrix, to check the matrix-free walk."""
    x = term_matrix(texts, Analyser())
    dense = np.zeros((x.n, x.v))
    dense[x.row_index(), x.cols] = x.vals
    w = dense @ dense.T
    np.fill_diagonal(w, 0.0)
    deg = w.sum(axis=1)
    p = np.where(deg[:, None] > 1e-12, w / np.where(deg > 1e-12, deg, 1.0)[:, None], prior[None, :])
    m = damping * p + (1 - damping) * prior[None, :]
    v = prior.copy()
    for _ in range(2000):
        v = v @ m
    return v / v.sum()


VOCAB = ["balloon", "pentagon", "china", "canada", "spy", "montana", "blinken", "trip", "weather", "airship",
         "latin", "america", "tracking", "regret", "calm", "silo", "nuclear", "ryder", "threat", "sovereignty"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.sampled_from(VOCAB), min_size=0, max_size=8), min_size=2, max_size=12),
       st.floats(min_value=0.5, max_value=0.95), st.integers(min_value=0, max_value=10**6))
def test_matrix_free_walk_equals_dense_pagerank(sents: list[list[str]], damping: float, seed: int) -> None:
    texts = [" ".join(s) + "." for s in sents]
    prior = np.random.default_rng(seed).random(len(texts)) + 0.05
    prior /= prior.sum()
    got, _ = centrality(term_matrix(texts, Analyser()), prior, damping, tol=1e-13, max_iter=5000)
    assert got.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(got, dense_pagerank(texts, prior, damping), atol=1e-9)


def test_hub_sentence_is_most_central() -> None:
    texts = ["balloon pentagon china canada.", "balloon spy.", "pentagon montana.", "china blinken.", "canada trip."]
    score, _ = centrality(term_matrix(texts, Analyser()), np.full(5, 0.2), 0.85, 1e-12, 1000)
    assert int(np.argmax(score)) == 0
    # the four leaves are symmetric apart from idf, which is equal for all their words
    assert np.allclose(score[1:], score[1])


def test_stopwords_and_stemming_in_terms() -> None:
    assert Analyser().terms("The balloons were tracked by the Pentagon, it said.") == ["balloon", "track", "pentagon"]


@pytest.mark.parametrize(("text", "reason"), [
    ("Short fragment of a quote.", "fragment"),
    ("China urges 'calm' as Pentagon says second spy balloon spotted over Latin America",
     "headline or caption (no final punctuation)"),
    ("“The first step is getting the surveillance asset out of our airspace.", "direct quotation"),
    ("“We now assess it is another Chinese surveillance balloon,” said Pentagon spokesman Pat Ryder.",
     "direct quotation"),
    ("That is what we are focused on right now,” he told reporters.", "half of a multi-sentence quotation"),
    ("Canada said it was monitoring a “potential second incident.\"", None),  # mixed quote styles still balance
    ("The Pentagon said on Thursday it was tracking a Chinese balloon over Montana.", None),
])
def test_candidate_rules(text: str, reason: str | None) -> None:
    assert why_not_candidate(text, 8) == reason
    if reason == "direct quotation":  # without skip_quotes, only an unbalanced quotation is refused
        balanced = text.count("“") == text.count("”")
        assert why_not_candidate(text, 8, skip_quotes=False) == (
            None if balanced else "half of a multi-sentence quotation")


def test_never_picks_boilerplate_even_when_it_is_central() -> None:
    """Page furniture repeated in every document is the most 'central' text there is."""
    furniture = ["Sign up to our newsletter for the latest headlines by email every day.",
                 "Listen to this article", "Read more: balloon tracked over Montana by the Pentagon today"]
    body = ["The Pentagon said it was tracking a Chinese spy balloon over Montana on Thursday.",
            "China said the balloon was a civilian weather airship blown off course by winds.",
            "Blinken postponed his trip to Beijing after the balloon was spotted over the US."]
    docs = [furniture + body[k:] + body[:k] for k in range(3)]
    out = TextRank().summarise(cluster_of(docs), Budget(words=100))
    assert out.sentences, "a summary was produced"
    assert all(is_boilerplate(s) is None for s in out.sentences)
    assert set(out.sentences) <= set(body)


def test_readable_order_budget_and_determinism() -> None:
    docs = [["Blinken postponed his trip to Beijing after the Chinese balloon was spotted over the US.",
             "China said the balloon was a civilian weather airship blown off course by strong winds."],
            ["The Pentagon said it was tracking a Chinese spy balloon over Montana on Thursday morning.",
             "A second Chinese balloon was later reported over Latin America by the Pentagon."]]
    dates = [dt.date(2023, 2, 4), dt.date(2023, 2, 2)]
    cluster = cluster_of(docs, dates)
    a = TextRank().summarise(cluster, Budget(words=40))
    b = TextRank().summarise(cluster, Budget(words=40))
    assert a == b
    assert sum(len(words(s)) for s in a.sentences) <= 40  # whole sentences only: nothing for the harness to cut
    # d1 is dated earlier, so its sentences come first, then by position
    order = [(dates[int(p[0][1:])], p[1]) for p in a.provenance or [] if p is not None]
    assert order == sorted(order) and len(order) >= 2


def test_options_change_output_only_through_the_model() -> None:
    with pytest.raises(ValueError):
        TextRank.Options(damping=1.0)
    with pytest.raises(ValueError):
        TextRank.Options(unknown=1)  # type: ignore[call-arg]


def test_on_bundled_cluster_beats_lead3_on_rouge2_and_facts(paths) -> None:
    rec = evaluate(RunPlan(systems=["lead3", "textrank"], paths=paths))
    lead, tr = (report.mean_metrics(s) for s in rec.systems)
    assert tr["rouge2_f"] > lead["rouge2_f"] + 0.05
    assert tr["facts"] > lead["facts"] + 0.15
    res = rec.systems[1].results[0]
    assert res.status == "ok" and res.summary is not None
    assert not res.summary.truncated  # whole sentences within the budget
    assert all(is_boilerplate(s) is None for s in res.summary.sentences)
    assert all(why_not_candidate(s, 8) is None for s in res.summary.sentences)


def test_wire_copy_is_picked_once() -> None:
    """The same agency sentence in every outlet is the most central, and must appear only once."""
    wire = "The Pentagon said it was tracking a Chinese surveillance balloon over Montana on Thursday."
    docs = [[wire, "China said the balloon was a civilian weather airship that had strayed off course."],
            [wire, "Blinken postponed his trip to Beijing, calling the balloon a clear violation of sovereignty."],
            [wire, "Canada said it was monitoring a potential second incident involving another balloon."]]
    out = TextRank().summarise(cluster_of(docs), Budget(words=100))
    assert out.sentences.count(wire) == 1
    assert len(out.sentences) == 4


def test_tiny_budget_falls_back_to_the_most_central_candidate() -> None:
    docs = [["Balloon news", "The Pentagon said it was tracking a Chinese spy balloon over Montana on Thursday."],
            ["Balloon update", "China said the balloon was a civilian weather airship that had strayed off course."]]
    out = TextRank().summarise(cluster_of(docs), Budget(words=5))
    assert len(out.sentences) == 1 and out.sentences[0] not in ("Balloon news", "Balloon update")
