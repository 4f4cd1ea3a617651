"""One system's run folded into a leaderboard row, one result at a time.

A 10,000-cluster run is folded without holding its records: exact running sums for the means,
per-cluster values only of the metrics that get an interval or rank the table, the gold file
hashes per cluster (for the comparability key), model cost from summary metadata, and small audit
details (those of the "why" section capped)."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from evalsum.analysis import stats
from evalsum.analysis.leaderboard_details import RowDetails, quality_details
from evalsum.metrics import catalogue
from evalsum.metrics.aggregate import RunningMean
from evalsum.models import ClusterResult, FactHit, Quality, SystemInfo

# Flat per-cluster numbers: the unit that means, intervals and the CI gate work on.
cluster_metrics = catalogue.values

SORT_KEY = "rouge2_f"  # the tables' sort key and the rank groups' test metric
# Per system, the leaderboard's "why" details cover at most this many clusters; the rest are
# counted, and the records keep everything.
DETAIL_CLUSTERS = 50
# Model cost read from summary metadata (the llm backend writes usage, latency_seconds, attempts).
COST_KEYS = ("tokens_in", "tokens_out", "latency", "attempts")

Section = Literal["ranked", "ceiling", "incomplete"]


class Row(BaseModel):
    model_config = ConfigDict(extra="forbid")
    system: str
    version: str
    options: dict[str, Any]
    uses_references: bool
    table: int = Field(default=0, description="index into Leaderboard.tables")
    section: Section = "ranked"
    rank: int | None = Field(default=None, description="place among the table's ranked systems, by the sort key")
    group: int | None = Field(default=None, description="rank group: 1 = not significantly worse than the best")
    p_vs_head: float | None = Field(default=None, description="Holm-corrected p against the group's head")
    clusters: int = Field(description="clusters this run attempted")
    failed: int
    coverage: str = Field(default="", description="clusters scored under the table's key / its cluster count")
    reason: str | None = Field(default=None, description="why an incomplete row is not ranked")
    metrics: dict[str, float]
    cost: dict[str, float] = Field(default_factory=dict, description="per summary, when the system called a model")
    details: RowDetails
    seed: int = 0
    intervals: dict[str, stats.Interval] = Field(
        default_factory=dict, description=f"only at n >= {stats.MIN_TEST_CLUSTERS} clusters")
    run_id: str | None = Field(default=None, description="only with `evalsum leaderboard --provenance`")


def _cost(metadata: dict[str, Any]) -> dict[str, float]:
    out: dict[str, float] = {}
    usage = metadata.get("usage")
    if isinstance(usage, dict):
        for key, name in (("prompt_tokens", "tokens_in"), ("completion_tokens", "tokens_out")):
            if isinstance(usage.get(key), int | float):
                out[name] = float(usage[key])
    for key, name in (("latency_seconds", "latency"), ("attempts", "attempts")):
        if isinstance(metadata.get(key), int | float):
            out[name] = float(metadata[key])
    return out


class SystemAccumulator:
    """One system's run, folded one result at a time (see the module docstring)."""

    def __init__(self, system: SystemInfo, run_id: str, signature: str, seed: int = 0, details: bool = True) -> None:
        self.system, self.run_id, self.signature, self.seed, self.details = system, run_id, signature, seed, details
        self.provenance = ""  # engine, package versions, seed (the header's provenance)
        self.sums: dict[str, RunningMean] = {}
        self.costs: dict[str, RunningMean] = {}
        # per cluster: the interval metrics, and every ROUGE F (any of them can be a table's sort key)
        self.per_cluster: dict[str, dict[str, float]] = {k: {} for k in {*catalogue.INTERVALS, *catalogue.ROUGE_F}}
        self.files: dict[str, dict[str, str]] = {}
        self.clusters = 0
        self.failures: dict[str, str | None] = {}
        self.hits: dict[str, list[str]] = {}
        self.contradictions: dict[str, list[FactHit]] = {}
        self.quality: dict[str, Quality] = {}
        self.quality_omitted = 0
        self.facts: list[tuple[str, str, float, int | None, bool]] = []  # (cluster, fact, weight, refs, hit)

    def add(self, r: ClusterResult, files: dict[str, str] | None = None) -> None:
        self.clusters += 1
        self.files[r.cluster_id] = dict(files or {})
        if r.status == "failed":
            self.failures[r.cluster_id] = str(r.failure)
        else:
            m = cluster_metrics(r)
            for k, v in m.items():
                self.sums.setdefault(k, RunningMean()).add(v)
            for k, values in self.per_cluster.items():
                if k in m:
                    values[r.cluster_id] = m[k]
            if r.summary is not None:
                for k, v in _cost(r.summary.metadata).items():
                    self.costs.setdefault(k, RunningMean()).add(v)
            if self.details:
                q = quality_details([r])
                if q and len(self.quality) >= DETAIL_CLUSTERS:
                    self.quality_omitted += len(q)
                else:
                    self.quality.update(q)
        if self.details and r.scores and r.scores.facts:
            f = r.scores.facts
            self.hits[r.cluster_id] = [h.id for h in f.hits]
            if f.contradictions:
                self.contradictions[r.cluster_id] = list(f.contradictions)
            hit = {h.id for h in f.hits}
            self.facts.extend((r.cluster_id, fid, w, f.ref_counts.get(fid), fid in hit) for fid, w in f.weights.items())

    def metrics(self) -> dict[str, float]:
        return {k: self.sums[k].mean() for k in sorted(self.sums)}

    def ok_clusters(self) -> int:
        return self.clusters - len(self.failures)

    def row(self, provenance: bool = False) -> Row:
        s = self.system
        details = RowDetails(fact_hits=self.hits, failures=self.failures, contradictions=self.contradictions,
                             quality=self.quality, quality_omitted=self.quality_omitted)
        ivs = {k: stats.bootstrap([v[c] for c in sorted(v)], self.seed) for k, v in self.per_cluster.items()
               if k in catalogue.INTERVALS and len(v) >= stats.MIN_TEST_CLUSTERS}
        return Row(system=s.name, version=s.version, options=s.options, uses_references=s.uses_references,
                   run_id=self.run_id if provenance else None, clusters=self.clusters, failed=len(self.failures),
                   coverage=f"{self.ok_clusters()}/{self.clusters}", metrics=self.metrics(),
                   cost={k: self.costs[k].mean() for k in COST_KEYS if k in self.costs},
                   details=details, seed=self.seed, intervals=ivs)
