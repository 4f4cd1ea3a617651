"""Synthetic records with chosen per-cluster scores, for the leaderboard tests: no backend runs."""
from __future__ import annotations

from typing import Any

from evalsum.models import (
    PRF,
    BudgetedSummary,
    ClusterResult,
    ClusterScore,
    FactHit,
    FactScore,
    Failure,
    Record,
    Settings,
    SystemInfo,
    SystemRun,
)


def result(cluster: str, r2: float, *, failed: bool = False, facts: dict[str, bool] | None = None,
           metadata: dict[str, Any] | None = None) -> ClusterResult:
    """One cluster's result with R-2 (P = R = F) set to `r2`; `facts`: fact id -> stated."""
    if failed:
        return ClusterResult(cluster_id=cluster, status="failed", failure=Failure(kind="backend", message="no summary"))
    fs = None
    if facts is not None:
        hits = [FactHit(id=f, weight=1, sentence="x") for f, hit in facts.items() if hit]
        fs = FactScore(recall=len(hits) / max(len(facts), 1), total_weight=len(facts), hit_weight=len(hits),
                       weights={f: 1.0 for f in facts}, ref_counts={f: 2 for f in facts}, hits=hits, contradictions=[])
    return ClusterResult(cluster_id=cluster, status="ok",
                         summary=BudgetedSummary(sentences=["x"], words=1, original_words=1, truncated=False,
                                                 metadata=metadata or {}),
                         scores=ClusterScore(rouge={"rouge2": PRF(p=r2, r=r2, f=r2)}, facts=fs))


def gold(clusters: list[str], edited: str | None = None) -> dict[str, dict[str, str]]:
    """Gold file hashes per cluster (two references each); `edited`: that cluster's first reference changed."""
    return {c: {"sources/a.txt": "s" + c, "summaries/a.txt": ("EDITED" if c == edited else "a") + c,
                "summaries/b.txt": "b" + c} for c in clusters}


def record(runs: dict[str, list[ClusterResult]], *, n: int = 1, settings: Settings | None = None,
           files: dict[str, dict[str, str]] | None = None, ceiling: set[str] = frozenset(),  # type: ignore[assignment]
           provenance: str | None = None) -> Record:
    """A record holding these runs; `n` orders records in time (run id and created)."""
    ids = sorted({r.cluster_id for rs in runs.values() for r in rs})
    return Record(run_id=f"2025010{n}T000000Z-{n:08d}", created=f"2025-01-0{n}T00:00:00+00:00", signature="metrics:4",
                  settings=settings or Settings(), packages={"evalsum": "0.1.0"}, provenance=provenance,
                  clusters=files or gold(ids),
                  systems=[SystemRun(system=SystemInfo(name=name, backend=name, version="1", options={},
                                                       uses_references=name in ceiling), results=rs)
                           for name, rs in runs.items()])
