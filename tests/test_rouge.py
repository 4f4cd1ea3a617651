"""ROUGE: hand-computed values, bit-identity with rouge-score, and ROUGE-1.5.5 pooled vectors."""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from rouge_score import rouge_scorer

from evalsum.gold import corpus
from evalsum.metrics import rouge
from evalsum.metrics.tokens import Stemmer, tokenize_sentences
from evalsum.models import Settings
from evalsum.run.plan import RunPlan
from evalsum.run.runner import evaluate
from evalsum.text import split_sentences
from tests.conftest import CLUSTER_DIR

# A verbatim copy of shared/rouge155/vectors.json: figures printed by the original ROUGE-1.5.5 Perl script.
VECTORS = Path(__file__).parent / "fixtures" / "rouge155_vectors.json"


def tok(*sentences: str, stem: bool = True):
    return tokenize_sentences(list(sentences), Stemmer(stem))


def approx(prf, p: float, r: float, f: float) -> None:
    assert (prf.p, prf.r, prf.f) == pytest.approx((p, r, f), abs=1e-12)


def test_hand_computed_single_reference() -> None:
    s = rouge.score_pair(tok("the cat lay on the mat"), tok("the cat sat on the mat"))
    approx(s["rouge1"], 5 / 6, 5 / 6, 5 / 6)  # the x2, cat, on, mat
    approx(s["rouge2"], 3 / 5, 3 / 5, 3 / 5)  # the cat, on the, the mat
    approx(s["rougeL"], 5 / 6, 5 / 6, 5 / 6)  # the cat on the mat


def test_lsum_uses_sentence_boundaries() -> None:
    pred, ref = tok("on the mat.", "the cat sat."), tok("the cat sat.", "on the mat.")
    s = rouge.score_pair(pred, ref)
    approx(s["rougeL"], 0.5, 0.5, 0.5)  # flat LCS is only "the cat sat" (3 of 6)
    approx(s["rougeLsum"], 1.0, 1.0, 1.0)  # union LCS per reference sentence recovers all six


def test_stemming() -> None:
    s = rouge.score_pair(tok("running dogs"), tok("the dog runs"))["rouge1"]
    approx(s, 1.0, 2 / 3, 0.8)
    s = rouge.score_pair(tok("running dogs", stem=False), tok("the dog runs", stem=False))["rouge1"]
    approx(s, 0.0, 0.0, 0.0)


def test_multi_reference_policies_by_hand() -> None:
    pred, refs = tok("the cat sat"), [tok("the cat sat"), tok("the dog ran fast")]
    approx(rouge.score(pred, refs, "max", ("rouge1",))["rouge1"], 1.0, 1.0, 1.0)
    # second pair: 1 hit, P = 1/3, R = 1/4, F = 2/7
    approx(rouge.score(pred, refs, "mean", ("rouge1",))["rouge1"], (1 + 1 / 3) / 2, (1 + 1 / 4) / 2, (1 + 2 / 7) / 2)
    # pooled: 4 hits; R = 4 / 7 reference unigrams; P = 4 / (2 references x 3 peer unigrams)
    approx(rouge.score(pred, refs, "pooled", ("rouge1",))["rouge1"], 2 / 3, 4 / 7, 8 / 13)


def test_bit_identical_to_rouge_score_on_random_pairs() -> None:
    scorer = rouge_scorer.RougeScorer(list(rouge.ROUGE_TYPES), use_stemmer=True)
    stem = Stemmer(True)
    rng = random.Random(7)
    vocab = ("the a balloon Chinese U.S. said spying over Pentagon Blinken's state of to and trips "
             "running runs ran 2023 x").split()
    for _ in range(300):
        def text() -> list[str]:
            return [" ".join(rng.choice(vocab) for _ in range(rng.randint(0, 9))) for _ in range(rng.randint(1, 4))]
        a, b = text(), text()
        want = scorer.score("\n".join(b), "\n".join(a))
        got = rouge.score_pair(tokenize_sentences(a, stem), tokenize_sentences(b, stem))
        for t in rouge.ROUGE_TYPES:
            assert (got[t].p, got[t].r, got[t].f) == (want[t].precision, want[t].recall, want[t].fmeasure), (t, a, b)


@pytest.mark.parametrize("policy", ["max", "mean"])
def test_recorded_rouge_equals_rouge_score(paths, policy: str) -> None:
    record = evaluate(RunPlan(systems=["lead3"], settings=Settings(policy=policy),
                              paths=paths))  # type: ignore[arg-type]
    res = record.systems[0].results[0]
    assert res.summary is not None and res.scores is not None
    cluster = corpus.load_cluster(CLUSTER_DIR)
    refs = ["\n".join(split_sentences(r.text)) for r in cluster.references]
    pred = "\n".join(res.summary.sentences)
    scorer = rouge_scorer.RougeScorer(list(rouge.ROUGE_TYPES), use_stemmer=True)
    if policy == "max":
        want = {t: (s.precision, s.recall, s.fmeasure) for t, s in scorer.score_multi(refs, pred).items()}
    else:
        each = [scorer.score(r, pred) for r in refs]
        want = {t: tuple(sum(getattr(e[t], k) for e in each) / len(each) for k in ("precision", "recall", "fmeasure"))
                for t in rouge.ROUGE_TYPES}
    for t in rouge.ROUGE_TYPES:
        got = res.scores.rouge[t]
        assert (got.p, got.r, got.f) == pytest.approx(want[t], abs=1e-15)


def _vectors() -> dict:
    return json.loads(VECTORS.read_text(encoding="utf-8"))


@pytest.mark.parametrize("peer", ["lead3-000", "lead3-002", "mixed", "irregular", "long140", "one-word"])
def test_pooled_matches_rouge155(peer: str) -> None:
    """ROUGE-1.5.5 `-f A` without stemming: R and P for ROUGE-1 and -2 agree to the 5 printed decimals."""
    v = _vectors()
    stem = Stemmer(False)
    refs = [tokenize_sentences(m, stem) for m in v["models"].values()]
    got = rouge.score(tokenize_sentences(v["peers"][peer], stem), refs, "pooled")
    want = v["runs"]["pooled"]["per_eval"][peer]
    for ours, theirs in (("rouge1", "ROUGE-1"), ("rouge2", "ROUGE-2"), ("rougeLsum", "ROUGE-L")):
        assert round(got[ours].r, 5) == want[theirs]["R"]
        assert round(got[ours].p, 5) == want[theirs]["P"]
