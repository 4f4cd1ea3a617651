"""Score summaries produced elsewhere: one file against a cluster's gold (`evalsum score`), or
texts held in memory against references given as strings (`evalsum.score_texts`).

Both go through the same steps as a run's output: sentence splitting
(`evalsum.text.split_sentences`), the word budget (`evalsum.run.budget.enforce_budget`) and the
run's scorer, so their numbers are comparable with the leaderboard under the same signature.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from evalsum.errors import DataError
from evalsum.gold import corpus, dataset
from evalsum.metrics import engines as fast
from evalsum.metrics.scorer import Scorer
from evalsum.metrics.signature import package_versions, signature
from evalsum.models import Budget, BudgetedSummary, Checklist, Cluster, ClusterScore, Settings, Summary
from evalsum.run.budget import enforce_budget
from evalsum.text import split_sentences

IN_MEMORY = "<memory>"


class SingleScore(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    cluster: str
    source: str
    signature: str
    summary: BudgetedSummary
    scores: ClusterScore


def _summary(text: str, source: str) -> Summary:
    sentences = split_sentences(text)
    if not sentences:
        raise DataError(source, None, "the summary has no words")
    return Summary(sentences=sentences, metadata={"source": source})


def score_summaries(cluster: Cluster, summaries: Sequence[Summary], settings: Settings, *,
                    sources: bool = True) -> tuple[str, list[tuple[BudgetedSummary, ClusterScore]]]:
    """The one scoring path for outside summaries: each budgeted and scored against `cluster`'s
    gold; returns the signature and (shown summary, scores) per summary. `sources=False` leaves
    out the metrics that compare against the sources (there are none to compare with)."""
    engine = fast.select("auto")  # the engine a run picks, so the signatures (and numbers) agree
    scorer = Scorer(settings, engine)
    gold = scorer.gold(cluster)
    if not sources:
        gold = dataclasses.replace(gold, sources=None)
    budget = Budget(words=settings.budget)
    shown = [enforce_budget(s, budget) for s in summaries]
    return signature(settings, package_versions(), fast.label(engine)), [(s, scorer.score(s.sentences, gold))
                                                                         for s in shown]


def score_text(text: str, cluster_id: str, settings: Settings, references: Path, source: str = "<text>") -> SingleScore:
    """Budget and score `text` (one summary) against the gold of cluster `cluster_id`."""
    summary = _summary(text, source)
    cluster = corpus.load_clusters(references, [cluster_id])[0]
    sig, [(shown, scores)] = score_summaries(cluster, [summary], settings)
    return SingleScore(cluster=cluster.id, source=source, signature=sig, summary=shown, scores=scores)


def score_file(path: Path, cluster_id: str, settings: Settings, references: Path) -> SingleScore:
    """As `score_text`, reading strict UTF-8 from `path` (errors name the file and line)."""
    path = Path(path)
    if not path.is_file():
        raise DataError(path, None, "summary file not found")
    return score_text(corpus.read_text(path), cluster_id, settings, references, source=str(path))


def _texts(value: str | Sequence[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def score_texts(summaries: str | Sequence[str], references: str | Sequence[str],
                checklist: Checklist | dict[str, Any] | None = None, settings: Settings | None = None,
                sources: str | Sequence[str] = ()) -> list[ClusterScore]:
    """Score each summary (a string) against the references (strings), as a run scores a system's
    output on one cluster: the same budget, ROUGE policy, checklist matching and, when `sources`
    (the articles, as strings) are given, faithfulness and style. A bare string counts as one text.
    Bad input is a DataError naming the field, e.g. `<memory>:references.0.text`."""
    texts, refs, docs = _texts(summaries), _texts(references), _texts(sources)
    data = {"id": "in-memory", "title": "in-memory", "references": [{"text": r} for r in refs],
            # a cluster needs one document; without sources its text is never scored against
            "documents": [{"text": d} for d in docs] or [{"text": "(no sources given)"}],
            "checklist": checklist.model_dump(mode="json") if isinstance(checklist, Checklist) else checklist}
    try:
        cluster = dataset.to_cluster(dataset.DatasetCluster.model_validate(data), IN_MEMORY)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or None
        raise DataError(IN_MEMORY, where, first["msg"]) from None
    shown = [_summary(t, f"{IN_MEMORY}:summaries.{i}") for i, t in enumerate(texts)]
    _, scored = score_summaries(cluster, shown, settings or Settings(), sources=bool(docs))
    return [scores for _, scores in scored]
