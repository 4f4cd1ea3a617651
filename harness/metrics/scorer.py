"""Scores one summary against one cluster's gold. Gold is tokenised once per cluster, never per
pair, and every metric is a pure function of (summary, gold)."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from evalsum.errors import DataError
from evalsum.metrics import facts as factsm
from evalsum.metrics import quality, rouge
from evalsum.metrics.aggregate import mean as fmean
from evalsum.metrics.rouge155 import profile as r155
from evalsum.metrics.tokens import Stemmer, Tokenized, tokenize_sentences
from evalsum.models import PRF, Cluster, ClusterScore, FactHit, FactScore, Prepared, Settings
from evalsum.text import prepare, split_sentences
from evalsum.text.normalise import Normalised, Normaliser


@dataclass
class Gold:
    """A cluster's references and checklist, prepared for scoring."""

    cluster_id: str
    authors: list[str]
    ref_sentences: list[list[str]]
    ref_rouge: list[Tokenized]
    ref_facts: list[factsm.Tokenised]
    checklist: factsm.CompiledChecklist | None
    weights: dict[str, float]
    ref_counts: dict[str, int]
    sources: quality.SourceGold | None = None  # cleaned sources, for faithfulness and style
    ref_155: list[r155.Text] | None = None  # the references as the rouge155 profile reads them


@dataclass
class Scorer:
    """Holds the tokenisers (and their stem caches) for one run: no global state."""

    settings: Settings
    engine: rouge.Engine = field(default=rouge.PYTHON)

    def __post_init__(self) -> None:
        self.stemmer = Stemmer(self.settings.stemmer)
        self.norm = Normaliser()
        self.profile = r155.Profile(self.settings) if self.settings.rouge == "rouge155" else None
        self.types = self.settings.rouge_variants or rouge.ROUGE_TYPES

    def gold(self, cluster: Cluster, prepared: Prepared | None = None) -> Gold:
        """Everything scoring needs from a cluster, built once; pass `prepared` to reuse its cleaning."""
        if not cluster.references:
            raise DataError(cluster.path, "summaries/", "cluster has no reference summaries")
        cut = self.settings.cut_references and self.profile is None
        sents = [split_sentences(r155.cut_reference_text(r.text, self.settings.budget) if cut else r.text)
                 for r in cluster.references]
        compiled = None
        if cluster.checklist is not None:
            try:
                compiled = factsm.compile_checklist(cluster.checklist, self.norm, f"{cluster.path}/checklist.yaml")
            except factsm.PatternError as e:
                raise DataError(f"{cluster.path}/checklist.yaml", f"item {e.item_id}", str(e)) from None
        # Fact tokens are only needed to match a checklist; without one, skip the work.
        ref_facts = [factsm.tokenise(s, self.norm) for s in sents] if compiled is not None else []
        weights = factsm.default_weights(compiled, ref_facts) if compiled else {}
        counts = factsm.reference_counts(compiled, ref_facts) if compiled else {}
        prepared = prepared or prepare(cluster.id, cluster.title, cluster.documents)
        return Gold(cluster.id, [r.author for r in cluster.references], sents,
                    [tokenize_sentences(s, self.stemmer) for s in sents], ref_facts, compiled, weights, counts,
                    quality.prepare_sources(prepared, self.norm),
                    self.profile.gold([r.text for r in cluster.references]) if self.profile else None)

    def score(self, sentences: Sequence[str], gold: Gold) -> ClusterScore:
        pred = tokenize_sentences(list(sentences), self.stemmer)
        scores = (self.profile.score(sentences, gold.ref_155 or []) if self.profile else
                  rouge.score(pred, gold.ref_rouge, self.settings.policy, self.types, self.engine))
        return self._score(scores, self._analyse(sentences, gold), gold, gold.weights, gold.ref_counts)

    def _analyse(self, sentences: Sequence[str], gold: Gold) -> list[Normalised]:
        """Each summary sentence normalised once, shared by facts, faithfulness and style."""
        if gold.checklist is None and gold.sources is None:
            return []
        return [self.norm.analyse(s) for s in sentences]

    def _score(self, scores: dict[str, PRF], analysed: list[Normalised], gold: Gold, weights: dict[str, float],
               ref_counts: dict[str, int] | None) -> ClusterScore:
        fact = None
        if gold.checklist is not None:
            text = factsm.Tokenised(tuple(a.text for a in analysed), tuple(a.tokens for a in analysed))
            fact = factsm.score_facts(text, gold.checklist, weights, ref_counts)
        qual = quality.score(analysed, gold.sources, self.norm) if gold.sources is not None else None
        return ClusterScore(rouge=scores, facts=fact, quality=qual)

    def leave_one_out(self, gold: Gold, sentences_of: Sequence[Sequence[str]]) -> ClusterScore:
        """Each reference (budgeted as given) against the others, pyramid weights from the others;
        the returned score holds their means, and every reference's own score in `leave_one_out`."""
        per: dict[str, ClusterScore] = {}
        n = len(gold.authors)
        if n < 2:
            raise DataError(gold.cluster_id, "summaries/", "the human row needs at least two references")
        for i, author in enumerate(gold.authors):
            others = [j for j in range(n) if j != i]
            pred = tokenize_sentences(list(sentences_of[i]), self.stemmer)
            scores = (self.profile.score(sentences_of[i], [(gold.ref_155 or [])[j] for j in others], False)
                      if self.profile else rouge.score(pred, [gold.ref_rouge[j] for j in others],
                                                       self.settings.policy, self.types, self.engine))
            w = factsm.default_weights(gold.checklist, [gold.ref_facts[j] for j in others]) if gold.checklist else {}
            per[author] = self._score(scores, self._analyse(sentences_of[i], gold), gold, w, None)
        mean = _mean_scores(list(per.values()))
        if mean.facts is not None:  # report the cluster's full pyramid weights, not one fold's
            full = mean.facts.model_copy(update={"weights": gold.weights, "ref_counts": gold.ref_counts})
            mean = mean.model_copy(update={"facts": full})
        qual = quality.mean({a: s.quality for a, s in per.items() if s.quality is not None}) if gold.sources else None
        return mean.model_copy(update={"quality": qual, "leave_one_out": per})


def _mean_scores(scores: list[ClusterScore]) -> ClusterScore:
    rouge_mean = {
        t: PRF(p=fmean(s.rouge[t].p for s in scores), r=fmean(s.rouge[t].r for s in scores),
               f=fmean(s.rouge[t].f for s in scores))
        for t in scores[0].rouge
    }
    fact = None
    if all(s.facts is not None for s in scores):
        fs = [s.facts for s in scores if s.facts is not None]
        fact = FactScore(
            recall=fmean(f.recall for f in fs), total_weight=fmean(f.total_weight for f in fs),
            hit_weight=fmean(f.hit_weight for f in fs), weights=fs[0].weights,
            hits=_union(f.hits for f in fs), contradictions=_union(f.contradictions for f in fs),
        )
    return ClusterScore(rouge=rouge_mean, facts=fact)


def _union(groups: Iterable[Sequence[FactHit]]) -> list[FactHit]:
    seen: dict[str, FactHit] = {}
    for g in groups:
        for h in g:
            seen.setdefault(h.id, h)
    return list(seen.values())
