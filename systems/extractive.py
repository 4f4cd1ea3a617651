"""`textrank`: graph-centrality extraction (continuous LexRank) with a position prior and MMR.

How a summary is built, and why each step is there:

1. **Graph.** Every prepared sentence is a node; edges are TF-IDF cosine similarities (continuous
   LexRank, Erkan & Radev 2004). Terms are rouge-score's stemmed tokens minus English function
   words; IDF is computed over the cluster's own sentences, since a cluster carries no background
   corpus. The similarity matrix is never built: every product with it is two sparse products
   with the term matrix (`X (X^T v)`, `term_matrix.py`), so one iteration costs O(non-zeros) and
   5,000 sentences rank in milliseconds instead of needing a 5,000 x 5,000 matrix.
2. **Centrality with a position prior.** Scores are the stationary distribution of a random walk
   that follows edges with probability `damping` and otherwise jumps to a sentence drawn from a
   mix of the uniform distribution and a position prior (biased LexRank, Otterbacher et al.
   2005). The prior is 1 / (1 + position in the document): news is written lead-first, so early
   sentences state the core, whatever the story.
3. **Candidates.** Everything ranks, but only sentences a reader can take on their own may be
   chosen. Dropped: page furniture (`evalsum.text.is_boilerplate`, a second line of defence behind
   cleaning); fragments shorter than `min_words` (usually half of a quotation or a sentence that
   leans on the previous one); lines with no sentence-final punctuation (headlines, captions and
   datelines, which read as fragments in a summary); sentences that open with a quotation
   (`skip_quotes`: direct speech states what someone said, names the speaker only at its end,
   and often needs the previous sentence; summaries report instead, which is why DUC-era news
   summarisers such as CLASSY and FastSum dropped quotations); and sentences with an odd number
   of quotation marks (one half of a multi-sentence quote, which dangles when cut out).
4. **Selection.** Greedy maximal marginal relevance (Carbonell & Goldstein 1998): each step takes
   the candidate with the best `mmr_lambda * centrality - (1 - mmr_lambda) * max similarity to
   what is already chosen`, skips near-duplicates outright (similarity >= `redundancy`, common
   when several outlets run the same wire copy) and skips sentences that no longer fit the budget,
   so the summary is never cut mid-sentence. When nothing fits, it stops.
5. **Order.** The chosen sentences are printed by document date (undated last), then by position
   in the document, so the summary reads in the order the story unfolded.
"""
from __future__ import annotations

import datetime as dt
import re
from array import array
from collections.abc import Sequence
from typing import ClassVar

import numpy as np
from pydantic import Field

from evalsum.contract import Summariser, SystemOptions
from evalsum.models import Budget, Prepared, Summary
from evalsum.systems.term_matrix import Analyser, TermMatrix, TermMatrixBuilder
from evalsum.text import is_boilerplate, words

# Sentence-final punctuation, optionally followed by closing quotes or brackets.
_FINAL = re.compile(r"[.!?…][\"'”’)\]]*$")
_QUOTES = re.compile(r"[\"“”]")
_OPENING_QUOTES = "\"“‘'"


class TextRankOptions(SystemOptions):
    damping: float = Field(default=0.85, gt=0, lt=1, description="probability of following an edge")
    position_weight: float = Field(default=0.5, ge=0, le=1,
                                   description="share of the teleport mass given by the lead-position prior")
    mmr_lambda: float = Field(default=0.7, ge=0, le=1, description="1 = pure centrality, 0 = pure novelty")
    redundancy: float = Field(default=0.5, gt=0, le=1,
                              description="never pick a sentence this similar (cosine) to a chosen one")
    min_words: int = Field(default=8, ge=1, description="shorter sentences are never chosen")
    skip_quotes: bool = Field(default=True, description="never choose a sentence that opens with a quotation")
    tol: float = Field(default=1e-9, gt=0, description="power-iteration convergence (L1 change)")
    max_iter: int = Field(default=200, ge=1)


def centrality(x: TermMatrix, prior: np.ndarray, damping: float, tol: float, max_iter: int) -> tuple[np.ndarray, int]:
    """Stationary distribution of the cosine-weighted random walk with teleport vector `prior`.

    Edge weights are cosine similarities without self-loops: W = X X^T - diag(X X^T). Sentences
    with no edge (dangling) hand their mass to the prior, so the result is a distribution."""
    self_sim = x.row_sums()
    degree = x.dot(x.tdot(np.ones(x.n))) - self_sim
    linked = degree > 1e-12
    inv = np.where(linked, 1.0 / np.where(linked, degree, 1.0), 0.0)
    p = np.array(prior, dtype=float)  # a fresh vector: the caller keeps its prior
    for it in range(1, max_iter + 1):
        q = p * inv
        walk = x.dot(x.tdot(q)) - self_sim * q
        nxt = damping * (walk + p[~linked].sum() * prior) + (1.0 - damping) * prior
        nxt /= nxt.sum()
        if np.abs(nxt - p).sum() < tol:
            return nxt, it
        p = nxt
    return p, max_iter


def why_not_candidate(text: str, min_words: int, skip_quotes: bool = True) -> str | None:
    """The reason a sentence may rank but never be chosen, or None when it can stand alone.
    (Boilerplate never reaches this point: it is left out of the graph altogether.)"""
    if len(words(text)) < min_words:
        return "fragment"
    if not _FINAL.search(text.strip()):
        return "headline or caption (no final punctuation)"
    if skip_quotes and text.lstrip()[:1] in _OPENING_QUOTES:
        return "direct quotation"
    if len(_QUOTES.findall(text)) % 2:  # parity only: sources mix straight and curly quotes
        return "half of a multi-sentence quotation"
    return None


def position_prior(positions: Sequence[int]) -> np.ndarray:
    """Each sentence's lead prior from its position in its document (`Sentence.index`)."""
    raw = 1.0 / (1.0 + np.asarray(positions, dtype=np.float64))
    prior: np.ndarray = raw / raw.sum()
    return prior


def mmr_select(x: TermMatrix, score: np.ndarray, candidates: np.ndarray, lengths: np.ndarray,
               budget: int, *, lam: float, redundancy: float) -> list[int]:
    """Greedy MMR under a word budget: best marginal relevance among candidates that still fit."""
    rel = score / score.max() if score.max() > 0 else score
    max_sim = np.zeros(x.n)
    open_ = np.array(candidates, dtype=bool)
    chosen: list[int] = []
    left = budget
    while True:
        open_ &= lengths <= left
        open_ &= max_sim < redundancy
        if not open_.any():
            return chosen
        mmr = np.where(open_, lam * rel - (1.0 - lam) * max_sim, -np.inf)
        best = int(np.argmax(mmr))
        chosen.append(best)
        open_[best] = False
        left -= int(lengths[best])
        max_sim = np.maximum(max_sim, x.similarity_to(best))


class TextRank(Summariser[TextRankOptions]):
    name: ClassVar[str] = "textrank"
    version: ClassVar[str] = "1"
    description: ClassVar[str] = "extractive: TF-IDF cosine centrality (LexRank) + lead prior + MMR, readable order"
    Options = TextRankOptions

    def __init__(self, options: TextRankOptions | None = None) -> None:
        super().__init__(options)
        self.analyser = Analyser()

    def summarise(self, cluster: Prepared, budget: Budget) -> Summary:
        opts = self.options
        doc_rank = {d.id: k for k, d in enumerate(cluster.documents)}
        every = cluster.sentences
        # One pass over the texts: each is read from the packed sentences, fed to the graph and
        # measured, then dropped, so no list of every text exists (a large source has hundreds of
        # thousands); a `Sentence` model is built only for the sentences picked.
        builder = TermMatrixBuilder(self.analyser)
        where, positions = array("L"), array("L")
        candidate_flags, word_counts = array("b"), array("q")
        for flat, (position, text) in enumerate(p for d in cluster.documents for p in enumerate(d.sentences.texts())):
            if not is_boilerplate(text):
                builder.add(text)
                where.append(flat)
                positions.append(position)
                candidate_flags.append(why_not_candidate(text, opts.min_words, opts.skip_quotes) is None)
                word_counts.append(len(words(text)))
        if not where:
            return Summary(sentences=[])
        x = builder.build()
        n = x.n
        prior = opts.position_weight * position_prior(positions) + (1.0 - opts.position_weight) / n
        score, iterations = centrality(x, prior, opts.damping, opts.tol, opts.max_iter)
        candidates = np.frombuffer(candidate_flags, dtype=np.int8).astype(bool)
        lengths = np.frombuffer(word_counts, dtype=np.int64)
        chosen = mmr_select(x, score, candidates, lengths, budget.words, lam=opts.mmr_lambda,
                            redundancy=opts.redundancy)
        if not chosen:  # nothing fits whole (a tiny budget): the most central candidate, cut by the harness
            chosen = [int(np.argmax(np.where(candidates, score, -1.0) if candidates.any() else score))]

        sents = {i: every[where[i]] for i in chosen}

        def reading_order(i: int) -> tuple[bool, dt.date, int, int]:
            s = sents[i]
            return (s.doc_date is None, s.doc_date or dt.date.min, doc_rank[s.doc_id], s.index)

        picked = sorted(chosen, key=reading_order)
        return Summary(
            sentences=[sents[i].text for i in picked],
            provenance=[(sents[i].doc_id, sents[i].index) for i in picked],
            metadata={"iterations": iterations, "candidates": int(candidates.sum()), "nodes": n,
                      "centrality": [round(float(score[i]), 6) for i in picked]},
        )
