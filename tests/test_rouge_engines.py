"""ROUGE engines against rouge-score itself: the bit-parallel LCS and its readout, the pure-Python
engine, and the optional rouge-score-rs engine must give exactly rouge-score's floats."""
from __future__ import annotations

import os
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rouge_score.rouge_scorer import RougeScorer, _lcs_table, lcs_ind

from evalsum.metrics import engines as fast
from evalsum.metrics import lcs, rouge
from evalsum.metrics.signature import signature
from evalsum.metrics.tokens import Stemmer, Tokenized, tokenize_sentences
from evalsum.models import Settings

TYPES = ["rouge1", "rouge2", "rougeL", "rougeLsum"]
# Few distinct words, inflected forms and punctuation: many ties in the LCS tables, real stemming.
WORDS = ["the", "balloon", "balloons", "flew", "flying", "over", "Montana", "US", "U.S.", "said", "says",
         "officials", "official", "a", "second", "2", "two", "China's", "surveillance", "-", "(", "),"]


def _text(rng: random.Random) -> str:
    sents = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 14))) for _ in range(rng.randint(1, 5))]
    return "\n".join(sents)


def random_pairs(n: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    return [(_text(rng), _text(rng)) for _ in range(n)]


def ours(target: str, prediction: str, engine: rouge.Engine, stem: Stemmer) -> dict[str, rouge.PRF]:
    tok = lambda t: tokenize_sentences([s for s in t.split("\n") if s], stem)  # noqa: E731
    return rouge.score_pair(tok(prediction), tok(target), tuple(TYPES), engine)


def assert_identical(got: dict[str, rouge.PRF], want: dict) -> None:
    for t in TYPES:
        assert (got[t].p, got[t].r, got[t].f) == (want[t].precision, want[t].recall, want[t].fmeasure), t


tokens = st.lists(st.sampled_from("abcde"), max_size=18)


@settings(max_examples=400, deadline=None)
@given(tokens, tokens)
def test_bit_parallel_lcs_equals_rouge_score_table_and_readout(a: list[str], b: list[str]) -> None:
    m = lcs.masks(a)
    assert lcs.lcs_length(m, len(a), b) == _lcs_table(a, b)[-1][-1]
    assert lcs.lcs_indices(a, m, b) == lcs_ind(a, b)


def test_lcs_hand_computed() -> None:
    ref, cand = "a b c b d a b".split(), "b d c a b a".split()
    # The DP table (worked by hand) ends in 4. Reading it back from (7, 6): up past the final "b",
    # take a (5), up past "d", take b (3), left past "a", take c (2), left past "d", take b (1).
    assert lcs.lcs_length(lcs.masks(ref), len(ref), cand) == 4
    assert lcs.lcs_indices(ref, lcs.masks(ref), cand) == [1, 2, 3, 5] == lcs_ind(ref, cand)


def test_python_engine_equals_rouge_score_on_500_random_pairs() -> None:
    scorer = RougeScorer(TYPES, use_stemmer=True)
    stem = Stemmer(True)
    for target, prediction in random_pairs(500, seed=1):
        assert_identical(ours(target, prediction, rouge.PYTHON, stem), scorer.score(target, prediction))


def test_engine_choice_and_signature(monkeypatch: pytest.MonkeyPatch) -> None:
    assert fast.select("python") is rouge.PYTHON
    monkeypatch.setattr(fast, "installed", lambda: False)
    assert fast.select("auto") is rouge.PYTHON  # silent fallback only when it is not installed
    with pytest.raises(fast.BackendUnavailable, match="evalsum\\[fast\\]"):
        fast.select("rs")
    assert "|engine:python|" in signature(Settings(), engine=fast.label(rouge.PYTHON))


def test_python_engine_pooled_hand_computed() -> None:
    # pred "a b c", refs "a b d" and "a c": R-1 hits 2 + 2 over 3 + 2 ref words; P = 4 / (2 * 3).
    pred = Tokenized([["a", "b", "c"]])
    refs = [Tokenized([["a", "b", "d"]]), Tokenized([["a", "c"]])]
    r1 = rouge.score(pred, refs, "pooled", ("rouge1",))["rouge1"]
    assert (r1.p, r1.r) == (4 / 6, 4 / 5)




@pytest.fixture(scope="module")
def rs_engine() -> fast.RsEngine:
    if os.environ.get("EVALSUM_REQUIRE_EXTRAS") == "1":  # CI's extras step: a missing extra fails
        import rouge_score_rs  # noqa: F401
    pytest.importorskip("rouge_score_rs", reason="install evalsum[fast] to test the accelerator")
    engine = fast.select("rs")
    assert isinstance(engine, fast.RsEngine)
    return engine


def test_rs_engine_equals_rouge_score_on_600_random_pairs(rs_engine: fast.RsEngine) -> None:
    scorer = RougeScorer(TYPES, use_stemmer=True)
    stem = Stemmer(True)
    for target, prediction in random_pairs(600, seed=2):
        assert_identical(ours(target, prediction, rs_engine, stem), scorer.score(target, prediction))


def test_rs_engine_counts_equal_python_engine_under_every_policy(rs_engine: fast.RsEngine) -> None:
    rng = random.Random(3)
    stem = Stemmer(True)
    tok = lambda t: tokenize_sentences([s for s in t.split("\n") if s], stem)  # noqa: E731
    for _ in range(150):
        pred = tok(_text(rng))
        refs = [tok(_text(rng)) for _ in range(rng.randint(1, 4))]
        for ref in refs:
            assert rs_engine.counts(ref, pred, tuple(TYPES)) == rouge.PYTHON.counts(ref, pred, tuple(TYPES))
        for policy in ("pooled", "max", "mean"):
            assert rouge.score(pred, refs, policy, engine=rs_engine) == rouge.score(pred, refs, policy)  # type: ignore[arg-type]
    assert fast.label(rs_engine).startswith("rouge-score-rs-")
