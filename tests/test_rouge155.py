"""The ROUGE-1.5.5 profile: hand-computed tiny cases, then properties. (Every Perl-printed vector is
checked in test_rouge155_vectors.py.)"""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evalsum.metrics.rouge155 import bootstrap, ngrams, porter
from evalsum.metrics.rouge155.corpus import Evaluation, Rouge155, jackknife
from evalsum.metrics.rouge155.evaluate import f_measure
from evalsum.metrics.rouge155.options import Options, parse_flags
from evalsum.metrics.rouge155.text import cut_bytes, cut_words, lines_of, prepare


def run(flags: str, peer: list[str], *models: list[str], stop: list[str] | None = None):
    return Rouge155(parse_flags(flags.split(), stop)).evaluate(peer, list(models))


# ---------------------------------------------------------------- hand-computed


def test_tokens_follow_the_script() -> None:
    t = prepare(["The U.S.-led  café's $100 3.5% Москва ..."], Options())
    assert t.tokens == ("the", "u", "s", "led", "caf", "s", "100", "3", "5")


def test_word_cut_counts_raw_whitespace_words_and_a_leading_blank() -> None:
    lines = lines_of(["  one two", "three — four", "five six"])
    # "  one two" is 3 words for -l (the empty piece before the leading space counts), and the
    # dash is a word: 3 + 3 is not under 5, so two pieces of the second line are kept
    assert cut_words(lines, 5) == [b"  one two", "three \u2014".encode()]
    assert cut_words(lines_of(["a\u00a0b c"]), 1) == ["a\u00a0b".encode()]  # NBSP joins words for -l


def test_byte_cut_splits_words_and_characters() -> None:
    assert cut_bytes(lines_of(["abc", "défg"]), 5) == [b"abc", b"d" + "é".encode()[:1]]


def test_rouge1_pooled_by_hand() -> None:
    # peer: a b c d; models: "a b x" (2 hits of 3) and "a a" (1 hit of 2)
    s = run("-n 1", ["a b c d"], ["a b x"], ["a a"])["ROUGE-1"]
    assert (s.r, s.p) == (0.6, 0.375)  # R = 3/5; P = 3 / (2 models x 4 peer unigrams)
    assert s.f == round(f_measure(0.6, 0.375, 0.5), 5) == 0.46154


def test_f_is_computed_from_the_printed_r_and_p() -> None:
    s = run("-n 1", ["a b c d e f"], ["a"])["ROUGE-1"]
    assert (s.r, s.p, s.f) == (1.0, 0.16667, 0.28572)  # exact 2/7 would print 0.28571


def test_best_model_ties_go_to_the_first() -> None:
    s = run("-n 1 -f B", ["a b"], ["a x"], ["b y"])["ROUGE-1"]  # both recalls 0.5
    assert (s.r, s.p, s.counts.model) == (0.5, 0.5, 2.0)


def test_su4_gives_the_last_token_no_unigram_and_skips_at_most_four() -> None:
    units = ngrams.skip_bigrams(["a", "b", "c", "d", "e", "f", "g"], 4, True)
    assert ("g",) not in units and ("a",) in units
    assert ("a", "f") in units and ("a", "g") not in units  # f is 4 words after b..e; g is 5
    assert ngrams.skip_bigrams(["solo"], 4, True) == {}
    assert run("-n 1 -2 4 -u", ["solo"], ["solo"])["ROUGE-SU4"].r == 0.0


def test_rouge_l_union_and_clipping_by_hand() -> None:
    # model sentence "a b c d"; peer sentences "a b" and "c d": union LCS marks all four
    s = run("-n 1", ["a b", "c d"], ["a b c d"])["ROUGE-L"]
    assert (s.r, s.p) == (1.0, 1.0)
    # model sentences "a" and "a" both mark their token against a peer with one "a": the second
    # mark is refused, because the peer's count is used up
    s = run("-n 1", ["a b"], ["a", "a"])["ROUGE-L"]
    assert (s.r, s.p) == (0.5, 0.5)


def test_rouge_w_identical_one_sentence_text() -> None:
    s = run("-n 1 -w 1.2", ["a b c d e f g h i"], ["a b c d e f g h i"])["ROUGE-W-1.2"]
    assert (s.r, s.p) == (round(9 ** -0.2, 5), 1.0)  # the model normaliser is raised to w twice


def test_stemming_short_tokens_exceptions_then_porter() -> None:
    toks = prepare(["was mice mouse teeth tooth ponies 1990s"], Options(stem=True), None)
    assert toks.tokens == ("was", "mice", "mouse", "teeth", "tooth", "ponies", "1990s")  # no stemmer given
    r = Rouge155(Options(stem=True, max_n=1))
    assert r.text(["was mice mouse teeth tooth ponies 1990s"]).tokens == (
        "was", "mouse", "mous", "tooth", "tooth", "poni", "1990")


def test_stopwords_after_the_cut_before_stemming() -> None:
    # probe-29's rule, with our own list: the -l 4 cut keeps "Reuters said the ponies"
    s = run("-n 1 -m -s -l 4", ["Reuters said the ponies were running"], ["ponies running"],
            stop=["reuters", "said", "the", "were"])["ROUGE-1"]
    assert (s.r, s.p) == (0.5, 1.0)


def test_porter_departures_from_the_1980_paper() -> None:
    assert porter.stem("agreement") == "agreem"  # -ement refused (m=1), then -ent taken
    assert porter.stem("accidental") == "accid"  # -al, then -ent
    assert porter.stem("abbey") == "abbei"
    assert porter.stem("archaeology") == "archaeolog"  # logi -> log (the revised step 2)


def test_bootstrap_draws_are_perls_drand48() -> None:
    # srand(0); rand() in Perl 5.20+ is 0.170828036106 (drand48 after seeding with 0)
    assert bootstrap.draws(0, 1_000_000)[0] == 170828
    assert bootstrap.draw_matrix(5, 7).tolist() == [bootstrap.draws(i, 7) for i in range(5)]


def test_jackknife_folds_by_hand() -> None:
    ev = Evaluation("d1", {"sys": ["x"]}, {"A": ["a"], "B": ["b"], "C": ["c"]})
    folds = jackknife([ev, Evaluation("d2", {"sys": ["x"]}, {"A": ["a"]})])
    assert [(f.id, list(f.peers), list(f.models)) for f in folds] == [
        ("d1-A", ["sys", "A"], ["B", "C"]), ("d1-B", ["sys", "B"], ["A", "C"]),
        ("d1-C", ["sys", "C"], ["A", "B"]), ("d2", ["sys"], ["A"])]


def test_flags_parse_and_refuse() -> None:
    o = parse_flags("-n 4 -m -a -l 100 -2 4 -u -w 1.2 -f A -p 0.5 -t 0 -c 95 -r 1000 -d".split())
    assert o.metrics() == ["ROUGE-1", "ROUGE-2", "ROUGE-3", "ROUGE-4", "ROUGE-L", "ROUGE-W-1.2", "ROUGE-SU4"]
    with pytest.raises(ValueError, match="unsupported"):
        parse_flags(["-z"])
    with pytest.raises(ValueError, match="not both"):
        parse_flags("-l 10 -b 10".split())


# ---------------------------------------------------------------- properties

words = st.lists(st.sampled_from(["a", "b", "c", "the", "cat", "sat", "runs", "running"]), min_size=1, max_size=12)
texts = st.lists(words.map(" ".join), min_size=1, max_size=4)


@settings(max_examples=60, deadline=None)
@given(texts, texts, texts)
def test_scores_are_bounded_and_pooling_is_symmetric_in_model_order(peer, m1, m2) -> None:
    r = Rouge155(parse_flags("-n 2 -m -2 4 -u -w 1.2".split()))
    one, two = r.evaluate(peer, [m1, m2]), r.evaluate(peer, [m2, m1])
    for metric, s in one.items():
        assert 0.0 <= s.r <= 1.0 and 0.0 <= s.p <= 1.0 and 0.0 <= s.f <= 1.0
        assert (s.r, s.p, s.f) == (two[metric].r, two[metric].p, two[metric].f)


@settings(max_examples=60, deadline=None)
@given(texts)
def test_a_text_against_itself(text) -> None:
    s = run("-n 2", text, text)
    assert s["ROUGE-1"].r == 1.0 and s["ROUGE-1"].p == 1.0
    assert s["ROUGE-L"].r == 1.0


@settings(max_examples=40, deadline=None)
@given(texts, st.integers(min_value=1, max_value=30))
def test_word_cut_keeps_at_most_n_words(text, n) -> None:
    kept = cut_words(lines_of(text), n)
    assert sum(len(line.split()) for line in kept) <= n
    assert kept == lines_of(text) or sum(len(line.split()) for line in kept) == n


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=4, max_size=14))
def test_porter_never_lengthens_by_more_than_one_and_is_stable_on_short(word) -> None:
    out = porter.stem(word)
    assert len(out) <= len(word) + 1 and out[:1] == word[:1]
