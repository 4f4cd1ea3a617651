"""Off-topic sentences, redundancy and Newsroom extractiveness, on hand-computed examples."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from evalsum.gold import corpus
from evalsum.metrics import style as S
from evalsum.metrics.scorer import Scorer
from evalsum.models import OffTopicSentence, Settings
from evalsum.text import prepare, split_sentences
from evalsum.text.normalise import Normaliser
from tests.conftest import REFERENCES

NORM = Normaliser()
SIGN_UP = "Sign up to our Evening Headlines email for your daily guide to the latest news"


def ext(summary: str, *docs: str) -> S.Extractiveness:
    return S.extractiveness(summary.split(), S.index_sources([[d] for d in docs]))


# ---------------------------------------------------------------- extractiveness


def test_hand_computed_fragments() -> None:
    # "the cat" (2) and "on the mat" (3) are shared; "lay" is new: 5 of 6 words covered.
    e = ext("the cat lay on the mat", "the cat sat on the mat")
    assert [(f.summary, f.source, f.length) for f in e.fragments] == [(0, 0, 2), (3, 3, 3)]
    assert (e.coverage, e.density, e.compression) == (5 / 6, (4 + 9) / 6, 6 / 6)


def test_greedy_takes_the_longest_run_not_the_first() -> None:
    e = ext("a b c", "a b a b c")
    assert [(f.source, f.length) for f in e.fragments] == [(2, 3)]
    assert (e.coverage, e.density, e.compression) == (1.0, 3.0, 5 / 3)


def test_source_positions_inside_a_compared_run_are_skipped_as_in_newsroom() -> None:
    # Newsroom's _match resumes after the run it just compared, so it never tries "a a b" at 1.
    e = ext("a a b", "a a a b")
    assert [f.length for f in e.fragments] == [2, 1]
    assert e.density == (4 + 1) / 3


def test_fragments_never_span_two_documents() -> None:
    e = ext("c d", "a b c", "d e")
    assert [f.length for f in e.fragments] == [1, 1]
    assert (e.coverage, e.density, e.compression) == (1.0, 1.0, 2.5)


def test_copied_source_sentence_has_coverage_one_and_density_its_length() -> None:
    cluster = corpus.load_clusters(REFERENCES, None)[0]
    prepared = prepare(cluster.id, cluster.title, cluster.documents)
    source = S.index_sources([[s.text for s in d.sentences] for d in prepared.documents])
    copied = ("Pentagon spokesperson brigadier general Patrick Ryder said the US has so far decided against "
              "shooting down the surveillance balloon.")
    assert copied in [s.text for s in prepared.sentences]
    e = S.extractiveness(S.lower_words(copied), source)
    assert len(copied.split()) == len(S.lower_words(copied)) == 19
    assert (e.coverage, e.density) == (1.0, 19.0)


@given(st.lists(st.sampled_from("abcd"), min_size=1, max_size=30), st.data())
def test_copied_span_is_fully_covered(doc: list[str], data: st.DataObject) -> None:
    i = data.draw(st.integers(0, len(doc) - 1))
    j = data.draw(st.integers(i + 1, len(doc)))
    assert S.extractiveness(doc[i:j], S.index_sources([[" ".join(doc)]])).coverage == 1.0


@given(st.lists(st.sampled_from("abcdefghijklmnop"), min_size=1, max_size=16, unique=True), st.data())
def test_copied_span_density_is_its_length(doc: list[str], data: st.DataObject) -> None:
    # Holds whenever the source does not repeat itself around the copy (see the skip test above).
    i = data.draw(st.integers(0, len(doc) - 1))
    j = data.draw(st.integers(i + 1, len(doc)))
    e = S.extractiveness(doc[i:j], S.index_sources([[" ".join(doc)], ["x " + " ".join(doc[:i])]]))
    assert e.density == j - i and len(e.fragments) == 1


@given(st.lists(st.sampled_from("abcxy"), max_size=20), st.lists(st.sampled_from("abcd"), max_size=20))
def test_extractiveness_bounds(summary: list[str], doc: list[str]) -> None:
    e = S.extractiveness(summary, S.index_sources([[" ".join(doc)]]))
    assert 0.0 <= e.coverage <= 1.0
    assert e.coverage <= e.density <= e.coverage * max(len(summary), 1)
    assert sum(f.length for f in e.fragments) <= len(summary)


# ---------------------------------------------------------------- redundancy


def test_same_sentence_twice_has_redundancy_one() -> None:
    s = "Canada said it was tracking a second balloon."
    r = S.redundancy([NORM.content_tokens(x) for x in [s, "China voiced regret.", s]])
    assert (r.score, r.pair) == (1.0, (0, 2))


def test_redundancy_hand_computed_and_single_sentence() -> None:
    # {canada, track, balloon} vs {balloon, flew, canada}: 2 shared of 4.
    r = S.redundancy([NORM.content_tokens("Canada tracked the balloon."),
                      NORM.content_tokens("The balloon flew over Canada.")])
    assert (r.score, r.pair) == (0.5, (0, 1))
    assert S.redundancy([NORM.content_tokens("One sentence only.")]) == S.Redundancy(0.0, None)


# ---------------------------------------------------------------- off-topic


def test_sign_up_line_is_off_topic_end_to_end() -> None:
    cluster = corpus.load_clusters(REFERENCES, None)[0]
    scorer = Scorer(Settings())
    summary = ["Canada said it was monitoring a potential second incident.", SIGN_UP]
    q = scorer.score(summary, scorer.gold(cluster)).quality
    assert q is not None and q.style.off_topic == 1
    assert q.style.off_topic_items == [OffTopicSentence(sentence=SIGN_UP, reason="newsletter or sign-up prompt")]


def test_low_overlap_sentence_is_off_topic_with_its_share() -> None:
    vocab = frozenset(NORM.content_tokens("A Chinese balloon crossed Montana; the Pentagon tracked the balloon."))
    sents = ["The Pentagon tracked the balloon.", "Pope highlights plight of women in South Sudan."]
    got = S.off_topic(sents, [NORM.content_tokens(s) for s in sents], vocab)
    assert [(o.sentence, o.overlap) for o in got] == [(1, 0.0)]
    assert got[0].reason == "content-word overlap with the sources 0.00 < 0.3"


def test_threshold_separates_navigation_headlines_from_reference_sentences() -> None:
    """The measurement behind OFF_TOPIC_MIN_OVERLAP, on the bundled cluster."""
    cluster = corpus.load_clusters(REFERENCES, None)[0]
    prepared = prepare(cluster.id, cluster.title, cluster.documents)
    vocab = frozenset(t for s in prepared.sentences for t in NORM.content_tokens(s.text))
    refs = [s for r in cluster.references for s in split_sentences(r.text)]
    assert min(S.overlap(NORM.content_tokens(s), vocab) or 0 for s in refs) > 0.58
    nav = [d.text for doc in prepared.documents for d in doc.dropped if d.reason.startswith("related-content")]
    shares = [x for x in (S.overlap(NORM.content_tokens(s), vocab) for s in nav) if x is not None]
    # 79 since possessives normalise to their name: the "s" of "China's" no longer counts as a shared word.
    assert (len(shares), sum(x < S.OFF_TOPIC_MIN_OVERLAP for x in shares)) == (97, 79)
