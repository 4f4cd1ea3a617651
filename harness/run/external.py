"""Score one summary produced elsewhere against one cluster's gold (`evalsum score`).

The summary goes through the same steps as a run's output: sentence splitting
(`evalsum.text.split_sentences`), the word budget (`evalsum.run.budget.enforce_budget`) and the
run's scorer, so its numbers are comparable with the leaderboard under the same signature.
"""
from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict

from evalsum.errors import DataError
from evalsum.gold import corpus
from evalsum.metrics import engines as fast
from evalsum.metrics.scorer import Scorer
from evalsum.metrics.signature import package_versions, signature
from evalsum.models import Budget, BudgetedSummary, ClusterScore, Settings, Summary
from evalsum.run.budget import enforce_budget
from evalsum.text import split_sentences


class SingleScore(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    cluster: str
    source: str
    signature: str
    summary: BudgetedSummary
    scores: ClusterScore


def score_text(text: str, cluster_id: str, settings: Settings, references: Path, source: str = "<text>") -> SingleScore:
    """Budget and score `text` (one summary) against the gold of cluster `cluster_id`."""
    sentences = split_sentences(text)
    if not sentences:
        raise DataError(source, None, "the summary has no words")
    cluster = corpus.load_clusters(references, [cluster_id])[0]
    engine = fast.select("auto")  # the engine a run picks, so the signatures (and numbers) agree
    scorer = Scorer(settings, engine)
    shown = enforce_budget(Summary(sentences=sentences, metadata={"source": source}), Budget(words=settings.budget))
    sig = signature(settings, package_versions(), fast.label(engine))
    return SingleScore(cluster=cluster.id, source=source, signature=sig, summary=shown,
                       scores=scorer.score(shown.sentences, scorer.gold(cluster)))


def score_file(path: Path, cluster_id: str, settings: Settings, references: Path) -> SingleScore:
    """As `score_text`, reading strict UTF-8 from `path` (errors name the file and line)."""
    path = Path(path)
    if not path.is_file():
        raise DataError(path, None, "summary file not found")
    return score_text(corpus.read_text(path), cluster_id, settings, references, source=str(path))
