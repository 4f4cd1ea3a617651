"""One evaluation (a peer against its models) for every metric the options ask for, with the
script's arithmetic: `-f A` pools the models, `-f B` keeps the best one, R and P are printed to 5
decimals and F is computed from those printed values (probe-06)."""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from evalsum.errors import EvalsumError
from evalsum.metrics.rouge155 import lcs, ngrams
from evalsum.metrics.rouge155.options import Options
from evalsum.metrics.rouge155.text import Text


class Rouge155Error(EvalsumError):
    """A case the Perl script itself cannot score (it dies): say so rather than invent a number."""


@dataclass(frozen=True)
class Counts:
    """The three numbers `-t 1` prints: model units (all models), peer units (once per model), hits."""

    model: float
    peer: float
    hit: float


@dataclass(frozen=True)
class Score:
    """One printed line: R, P and F as the script rounds them, and the counts behind them."""

    r: float
    p: float
    f: float
    counts: Counts


def rounded(x: float) -> float:
    """The script's `%7.5f`, read back as a number."""
    return float(f"{x:.5f}")


def f_measure(r: float, p: float, alpha: float) -> float:
    den = (1 - alpha) * p + alpha * r
    return r * p / den if den > 0 else 0.0


def _ratio(a: float, b: float) -> float:
    return a / b if b > 0 else 0.0


def _combine(per_model: list[Counts], options: Options, round_for_best: bool, weight: float | None) -> Score:
    """`per_model` holds (model units, peer units, hits) for each model. ROUGE-N and skip-bigrams
    choose the best model on rounded recall, ROUGE-L/W on the unrounded one (probe-31)."""
    if options.scoring == "B" and per_model:
        def recall(c: Counts) -> float:
            raw = _ratio(c.hit, c.model)
            return rounded(raw) if round_for_best else raw
        best = max(range(len(per_model)), key=lambda k: (recall(per_model[k]), -k))
        per_model = [per_model[best]]
    tot = Counts(sum(c.model for c in per_model), sum(c.peer for c in per_model), sum(c.hit for c in per_model))
    r, p = _ratio(tot.hit, tot.model), _ratio(tot.hit, tot.peer)
    if weight is not None:
        r, p = r ** (1 / weight), p ** (1 / weight)
    r, p = rounded(r), rounded(p)
    return Score(r, p, rounded(f_measure(r, p, options.alpha)), tot)


def _lcs_counts(peer: Text, model: Text, weight: float | None, cache: lcs.MarkCache | None) -> Counts:
    hit = lcs.lcs_hits(model.sentences, peer.sentences, Counter(model.tokens), Counter(peer.tokens), weight, cache)
    if weight is None:
        return Counts(float(sum(len(s) for s in model.sentences)), float(len(peer.tokens)), hit)
    if not any(model.sentences):
        raise Rouge155Error("ROUGE-W is undefined for a model without tokens (ROUGE-1.5.5 dies here)")
    norm = sum(len(s) ** weight for s in model.sentences) ** weight
    return Counts(norm, float(len(peer.tokens)) ** weight, hit)


def evaluate(peer: Text, models: Sequence[Text], options: Options,
             cache: lcs.MarkCache | None = None) -> dict[str, Score]:
    """Every metric of `options.metrics()` for one peer against its models (in config order).
    `cache`, a dict the caller keeps for one set of options, saves repeated LCS tables."""
    out: dict[str, Score] = {}
    names = options.metrics()
    for n in range(1, options.max_n + 1):
        p_ng = ngrams.ngrams(peer.tokens, n)
        per = [Counts(float(sum(m_ng.values())), float(sum(p_ng.values())), float(ngrams.hits(p_ng, m_ng)))
               for m_ng in (ngrams.ngrams(m.tokens, n) for m in models)]
        out[names[n - 1]] = _combine(per, options, True, None)
    if options.lcs:
        out["ROUGE-L"] = _combine([_lcs_counts(peer, m, None, cache) for m in models], options, False, None)
    w = options.wlcs_weight
    if w is not None:
        out[names[options.max_n + int(options.lcs)]] = _combine(
            [_lcs_counts(peer, m, w, cache) for m in models], options, False, w)
    d = options.skip_distance
    if d is not None:
        p_sk = ngrams.skip_bigrams(peer.tokens, d, options.skip_unigrams)
        per = [Counts(float(sum(m_sk.values())), float(sum(p_sk.values())), float(ngrams.hits(p_sk, m_sk)))
               for m_sk in (ngrams.skip_bigrams(m.tokens, d, options.skip_unigrams) for m in models)]
        out[names[-1]] = _combine(per, options, True, None)
    return out
