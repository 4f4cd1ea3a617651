"""Score summaries produced elsewhere: files or stdin against one cluster's gold (`evalsum score`), or
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

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from evalsum.errors import DataError, from_validation
from evalsum.files import read_text
from evalsum.gold import collection, dataset
from evalsum.metrics import catalogue
from evalsum.metrics import engines as fast
from evalsum.metrics.scorer import Scorer
from evalsum.metrics.signature import package_versions, provenance, settings_key, signature
from evalsum.models import Budget, BudgetedSummary, Checklist, Cluster, ClusterResult, ClusterScore, Settings, Summary
from evalsum.run.budget import enforce_budget
from evalsum.text import split_sentences

IN_MEMORY = "<memory>"


class SingleScore(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    cluster: str
    source: str
    key: str = Field(description="settings part of the comparability key, as a run's header has it")
    provenance: str = Field(description="engine, package versions and seed, as a run's header has it")
    signature: str = Field(description="the legacy one-string signature")
    summary: BudgetedSummary
    scores: ClusterScore

    def values(self) -> dict[str, float]:
        """The flat per-cluster numbers a run's result gives (catalogue keys), so a table of
        outside summaries shows the leaderboard's columns by the leaderboard's rules."""
        return catalogue.values(ClusterResult(cluster_id=self.cluster, status="ok", summary=self.summary,
                                              scores=self.scores))


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


def load_gold(cluster_id: str, references: Path, dataset: Path | None = None) -> Cluster:
    """One cluster's gold from a JSONL dataset, or else from the references folder, as a run reads it."""
    source: collection.ClusterSource = (collection.DatasetSource(dataset) if dataset is not None
                                        else collection.FolderSource(references))
    [cluster] = source.load(collection.choose(source, [cluster_id]))
    return cluster


def read_summary(path: Path) -> str:
    """A summary file as strict UTF-8 (errors name the file and line)."""
    path = Path(path)
    if not path.is_file():
        raise DataError(path, None, "summary file not found")
    return read_text(path)


def score_many(cluster: Cluster, texts: Sequence[tuple[str, str]], settings: Settings) -> list[SingleScore]:
    """Budget and score each (source, text) against `cluster`: one summary each, in order. A text
    with no words is an error naming its source."""
    summaries = [_summary(text, source) for source, text in texts]
    sig, scored = score_summaries(cluster, summaries, settings)
    key, made = settings_key(settings), provenance(settings, package_versions(), fast.label(fast.select("auto")))
    return [SingleScore(cluster=cluster.id, source=source, key=key, provenance=made, signature=sig, summary=shown,
                        scores=scores) for (source, _), (shown, scores) in zip(texts, scored, strict=True)]


def score_text(text: str, cluster_id: str, settings: Settings, references: Path, source: str = "<text>", *,
               dataset: Path | None = None) -> SingleScore:
    """Budget and score `text` (one summary) against the gold of cluster `cluster_id`."""
    return score_many(load_gold(cluster_id, references, dataset), [(source, text)], settings)[0]


def score_file(path: Path, cluster_id: str, settings: Settings, references: Path, *,
               dataset: Path | None = None) -> SingleScore:
    """As `score_text`, reading strict UTF-8 from `path` (errors name the file and line)."""
    return score_text(read_summary(path), cluster_id, settings, references, source=str(path), dataset=dataset)


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
        raise from_validation(e, IN_MEMORY) from None
    shown = [_summary(t, f"{IN_MEMORY}:summaries.{i}") for i, t in enumerate(texts)]
    _, scored = score_summaries(cluster, shown, settings or Settings(), sources=bool(docs))
    return [scores for _, scores in scored]
