"""ROUGE-N, ROUGE-L and ROUGE-Lsum, numerically identical to rouge-score, with explicit
multi-reference policies.

Why not call `RougeScorer.score` per pair: it re-tokenises and re-stems both texts for every
pair. We tokenise once (`tokens.py`) and count integer hits here, then apply rouge-score's exact
arithmetic, so per-pair P/R/F are bit-identical (tests compare against RougeScorer).

Multi-reference policies:
- `max`: per ROUGE type, the reference with the highest F (rouge-score's `score_multi`).
- `mean`: the mean of per-reference P, R and F.
- `pooled`: hits summed over references, as ROUGE-1.5.5 `-f A`: R = sum(hits) / sum(ref
  n-grams), P = sum(hits) / (n_refs * peer n-grams), F from those P and R. This is the default,
  because it is what published DUC/TAC tables use; `max` inflates R-1 by several points.

Deviations from ROUGE-1.5.5 (inherited from rouge-score, recorded in the signature): Porter
stemming without WordNet exceptions; no stopword removal; a budget cuts only the system summary,
never the references (1.5.5's `-l` cuts both).
"""
from __future__ import annotations

from typing import Literal, Protocol

from evalsum.metrics import lcs
from evalsum.metrics.tokens import Tokenized
from evalsum.models import PRF

Policy = Literal["pooled", "max", "mean"]
ROUGE_TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")


def _f(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


def _lsum_hits(ref: Tokenized, pred: Tokenized) -> int:
    """Summary-level union-LCS hits, clipped by token counts (rouge-score's _summary_level_lcs)."""
    ref_cnt = dict(ref.counts)  # fresh counts to clip against (the cached ones stay intact)
    pred_cnt = dict(pred.counts)
    hits = 0
    for r, r_masks in zip(ref.sentences, ref.masks[1], strict=False):
        union: set[int] = set()
        for c in pred.sentences:
            union.update(lcs.lcs_indices(r, r_masks, c))
        for tok in (r[i] for i in sorted(union)):
            if ref_cnt.get(tok, 0) > 0 and pred_cnt.get(tok, 0) > 0:
                hits += 1
                ref_cnt[tok] -= 1
                pred_cnt[tok] -= 1
    return hits


def _counts(rtype: str, ref: Tokenized, pred: Tokenized) -> tuple[int, int, int]:
    """(hits, reference size, prediction size) for one pair, with rouge-score's size conventions."""
    if rtype in ("rouge1", "rouge2"):
        n = int(rtype[-1])
        r_ng, p_ng = ref.ngrams(n), pred.ngrams(n)
        hits = sum(min(r_ng[g], p_ng[g]) for g in r_ng.keys() & p_ng.keys())
        return hits, sum(r_ng.values()), sum(p_ng.values())
    if not ref.flat or not pred.flat:
        return 0, 0, 0
    if rtype == "rougeL":
        return lcs.lcs_length(ref.masks[0], len(ref.flat), pred.flat), len(ref.flat), len(pred.flat)
    return _lsum_hits(ref, pred), len(ref.flat), len(pred.flat)


class Engine(Protocol):
    """Computes integer (hits, reference size, prediction size) per ROUGE type for one pair.
    The policy arithmetic below is shared, so every engine gives the same floats."""

    name: str

    def counts(self, ref: Tokenized, pred: Tokenized, types: tuple[str, ...]) -> list[tuple[int, int, int]]: ...


class PythonEngine:
    """The pure-Python engine: bit-parallel LCS, n-gram counts cached per text."""

    name = "python"

    def counts(self, ref: Tokenized, pred: Tokenized, types: tuple[str, ...]) -> list[tuple[int, int, int]]:
        return [_counts(t, ref, pred) for t in types]


PYTHON = PythonEngine()


def _pair(rtype: str, hits: int, n_ref: int, n_pred: int) -> PRF:
    if rtype in ("rougeL", "rougeLsum") and (n_ref == 0 or n_pred == 0):
        return PRF(p=0.0, r=0.0, f=0.0)
    p, r = hits / max(n_pred, 1), hits / max(n_ref, 1)
    return PRF(p=p, r=r, f=_f(p, r))


def score_pair(pred: Tokenized, ref: Tokenized, types: tuple[str, ...] = ROUGE_TYPES,
               engine: Engine = PYTHON) -> dict[str, PRF]:
    """One prediction against one reference: equals `RougeScorer(types).score(ref, pred)`."""
    return {t: _pair(t, *c) for t, c in zip(types, engine.counts(ref, pred, types), strict=False)}


def score(pred: Tokenized, refs: list[Tokenized], policy: Policy = "pooled",
          types: tuple[str, ...] = ROUGE_TYPES, engine: Engine = PYTHON) -> dict[str, PRF]:
    """One prediction against several references under an explicit multi-reference policy."""
    if not refs:
        raise ValueError("ROUGE needs at least one reference")
    per_ref = [engine.counts(r, pred, types) for r in refs]
    out: dict[str, PRF] = {}
    for ti, t in enumerate(types):
        counts = [c[ti] for c in per_ref]
        if policy == "pooled":
            hits = sum(c[0] for c in counts)
            n_ref = sum(c[1] for c in counts)
            size = len(pred.flat) if t.startswith("rougeL") else sum(pred.ngrams(int(t[-1])).values())
            n_pred = len(refs) * size
            p = hits / n_pred if n_pred else 0.0
            r = hits / n_ref if n_ref else 0.0
            out[t] = PRF(p=p, r=r, f=_f(p, r))
            continue
        pairs = [_pair(t, *c) for c in counts]
        if policy == "max":
            # np.argmax semantics: the first reference with the highest F wins ties.
            out[t] = pairs[max(range(len(pairs)), key=lambda i: (pairs[i].f, -i))]
        else:
            k = len(pairs)
            out[t] = PRF(p=sum(s.p for s in pairs) / k, r=sum(s.r for s in pairs) / k, f=sum(s.f for s in pairs) / k)
    return out
