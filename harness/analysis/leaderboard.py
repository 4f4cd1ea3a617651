"""Leaderboard and fact matrix, derived from records alone, as markdown and JSON."""
from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from evalsum.analysis import stats
from evalsum.analysis.leaderboard_details import RowDetails, quality_details, render_details
from evalsum.errors import DataError
from evalsum.metrics import catalogue
from evalsum.metrics.aggregate import RunningMean
from evalsum.metrics.catalogue import Metric
from evalsum.models import (ClusterResult, FactHit, Quality, Record, RecordHeader, ResultLine, Settings, SystemInfo,
                            SystemRun)
from evalsum.store.index import RecordIndex
from evalsum.store.records import iter_record, read_header
from evalsum.text.markdown import cell

# Flat per-cluster numbers: the unit that means, intervals and the CI gate work on.
cluster_metrics = catalogue.values


class Row(BaseModel):
    model_config = ConfigDict(extra="forbid")
    system: str
    version: str
    options: dict[str, Any]
    uses_references: bool
    run_id: str
    signature: str
    clusters: int
    failed: int
    metrics: dict[str, float]
    details: RowDetails
    seed: int = 0
    intervals: dict[str, stats.Interval] = Field(default_factory=dict, description="only when n > 1 clusters")


class Leaderboard(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rows: list[Row]
    signatures: list[str]
    fact_matrix: list[dict[str, Any]]
    catalogue: list[Metric] = Field(default_factory=lambda: list(catalogue.METRICS),
                                              description="what every metric key means and how it is shown")


def mean_metrics(run: SystemRun) -> dict[str, float]:
    """Exact means of per-cluster scores over the clusters that succeeded."""
    return _means([cluster_metrics(r) for r in run.results if r.status == "ok"])


def _means(per: Sequence[dict[str, float]]) -> dict[str, float]:
    keys = sorted({k for p in per for k in p})
    return {k: stats.mean([p[k] for p in per if k in p]) for k in keys}


def intervals(run: SystemRun, seed: int) -> dict[str, stats.Interval]:
    """Seeded bootstrap intervals over the clusters that succeeded; none with a single cluster."""
    return _intervals([cluster_metrics(r) for r in run.results if r.status == "ok"], seed)


def _intervals(per: Sequence[dict[str, float]], seed: int) -> dict[str, stats.Interval]:
    out = {}
    for k in catalogue.INTERVALS:
        values = [p[k] for p in per if k in p]
        if len(values) > 1:
            out[k] = stats.bootstrap(values, seed)
    return out


def latest_runs(records: Sequence[Record]) -> list[tuple[Record, SystemRun]]:
    """Each system's latest run: later records replace earlier ones. A shard record is part of a run,
    not a run: it counts only once `evalsum merge` has combined the shards (as on the leaderboard)."""
    latest: dict[str, tuple[Record, SystemRun]] = {}
    for rec in records:
        if rec.shard is not None:
            continue
        for run in rec.systems:
            latest[run.system.name] = (rec, run)
    return [latest[k] for k in sorted(latest)]


# Per system, the leaderboard's "why" details (unsupported claims, off-topic sentences) cover at
# most this many clusters; the rest are counted, and the records keep everything.
DETAIL_CLUSTERS = 50


class SystemAccumulator:
    """One system's run, folded one result at a time, so the leaderboard of a 10,000-cluster run is
    built without holding its records: exact running sums for the means (equal to `stats.mean` of
    the materialised values), per-cluster values only of the metrics that get a bootstrap
    interval, and small audit details (those of the "why" section capped)."""

    def __init__(self, system: SystemInfo, run_id: str, signature: str, seed: int = 0, details: bool = True) -> None:
        self.system, self.run_id, self.signature, self.seed, self.details = system, run_id, signature, seed, details
        self.sums: dict[str, RunningMean] = {}
        self.values: dict[str, list[float]] = {k: [] for k in catalogue.INTERVALS}
        self.clusters = 0
        self.failures: dict[str, str | None] = {}
        self.hits: dict[str, list[str]] = {}
        self.contradictions: dict[str, list[FactHit]] = {}
        self.quality: dict[str, Quality] = {}
        self.quality_omitted = 0
        self.facts: list[tuple[str, str, float, int | None, bool]] = []  # (cluster, fact, weight, refs, hit)

    def add(self, r: ClusterResult) -> None:
        self.clusters += 1
        if r.status == "failed":
            self.failures[r.cluster_id] = str(r.failure)
        else:
            m = cluster_metrics(r)
            for k, v in m.items():
                self.sums.setdefault(k, RunningMean()).add(v)
            for k, values in self.values.items():
                if k in m:
                    values.append(m[k])
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

    def row(self) -> Row:
        s = self.system
        details = RowDetails(fact_hits=self.hits, failures=self.failures, contradictions=self.contradictions,
                             quality=self.quality, quality_omitted=self.quality_omitted)
        ivs = {k: stats.bootstrap(v, self.seed) for k, v in self.values.items() if len(v) > 1}
        return Row(system=s.name, version=s.version, options=s.options, uses_references=s.uses_references,
                   run_id=self.run_id, signature=self.signature, clusters=self.clusters, failed=len(self.failures),
                   metrics=self.metrics(), details=details, seed=self.seed, intervals=ivs)


def _board(accs: Sequence[SystemAccumulator]) -> Leaderboard:
    accs = sorted(accs, key=lambda a: a.system.name)
    rows = [a.row() for a in accs]
    rows.sort(key=lambda r: (r.uses_references, -r.metrics.get("rouge2_f", -1.0), r.system))
    matrix: dict[tuple[str, str], dict[str, Any]] = {}
    for a in accs:
        for cluster, fid, w, refs, hit in a.facts:
            row = matrix.setdefault((cluster, fid), {"cluster": cluster, "fact": fid, "weight": w, "refs": refs,
                                                     "systems": {}})
            row["systems"][a.system.name] = hit
    return Leaderboard(rows=rows, signatures=sorted({r.signature for r in rows}),
                       fact_matrix=[matrix[k] for k in sorted(matrix)])


def _seed(settings: Settings) -> int:
    return settings.seed


def build(records: Sequence[Record]) -> Leaderboard:
    accs = []
    for rec, run in latest_runs(records):
        acc = SystemAccumulator(run.system, rec.run_id, rec.signature, _seed(rec.settings))
        for r in run.results:
            acc.add(r)
        accs.append(acc)
    return _board(accs)


def build_from_paths(paths: Sequence[Path], index: RecordIndex | None = None) -> Leaderboard:
    """The leaderboard from record files, streamed: headers first to find each system's latest
    record, then one pass over every record (a damaged one is an error even when a later record
    replaces it), folding in only the latest results. Shard records are skipped: they hold part
    of a run, and `evalsum merge` turns them into one that counts."""
    header_of = index.header if index is not None else read_header  # the index has checked each whole record
    latest: dict[str, Path] = {}
    for p in paths:
        header = header_of(p)
        if header.shard is None:
            for s in header.systems:
                latest[s.name] = p
    accs: list[SystemAccumulator] = []
    for p in paths:
        if index is not None and not any(latest.get(s.name) == p for s in header_of(p).systems):
            continue  # holds no latest run, and the index read it through once already
        wanted: dict[str, SystemAccumulator] = {}
        footer = False
        for item in iter_record(p):
            if isinstance(item, RecordHeader):
                wanted = {s.name: SystemAccumulator(s, item.run_id, item.signature, _seed(item.settings))
                          for s in item.systems if latest.get(s.name) == p}
            elif isinstance(item, ResultLine):
                acc = wanted.get(item.system)
                if acc is not None:
                    acc.add(item.result)
            else:
                footer = True
        if not footer:
            raise DataError(p, None, "record has no footer (the run did not finish); delete it")
        accs.extend(wanted.values())
    return _board(accs)


def _with_interval(r: Row, key: str) -> str:
    """`34.1 [32.1, 36.1]` when the row has an interval for this metric, else just the mean."""
    m = catalogue.get(key)
    cell = m.format(r.metrics.get(key))
    iv = r.intervals.get(key)
    if iv is not None and iv.low is not None and iv.high is not None:
        cell += f" [{m.format(iv.low)}, {m.format(iv.high)}]"
    return cell


def _row_cells(r: Row) -> list[str]:
    n = r.clusters - r.failed
    name = f"{cell(r.system)} †" if r.uses_references else cell(r.system)
    fails = f" ({r.failed} failed)" if r.failed else ""
    return [name, f"{n}{fails}", *(_with_interval(r, k) for k in catalogue.TABLE)]


def interval_note(rows: Sequence[Row]) -> str:
    """The line under the tables that says how intervals were made, or why a row has none."""
    if not rows:
        return ""
    seeds = ", ".join(str(s) for s in sorted({r.seed for r in rows}))
    singles = [r.system for r in rows if r.clusters - r.failed <= 1]
    parts = [f"Intervals: {stats.CONFIDENCE:.0%} percentile bootstrap over clusters, {stats.RESAMPLES} resamples, "
             f"seed {seeds}."]
    if singles:
        parts.append(f"n=1 (a single cluster), so no interval for: {', '.join(singles)}.")
    return " ".join(parts)


def _table(rows: Sequence[Row]) -> list[str]:
    head = ["System", "Clusters", *(catalogue.BY_KEY[k].label for k in catalogue.TABLE)]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|"]
    lines += ["| " + " | ".join(_row_cells(r)) + " |" for r in rows]
    return lines


def render_markdown(board: Leaderboard) -> str:
    systems = [r for r in board.rows if not r.uses_references]
    bounds = [r for r in board.rows if r.uses_references]
    legend = "; ".join(f"{m.label} = {m.description}" for m in (catalogue.BY_KEY[k] for k in catalogue.TABLE))
    out = ["# Leaderboard", "", *textwrap.wrap(f"Exact means over clusters. {legend}. Details per system below. "
                                               "Derived from `results/runs/` by `evalsum leaderboard`; do not edit "
                                               "by hand.", 100), ""]
    out += _table(systems)
    if bounds:
        out += ["", "## Ceilings (†: read the references, not comparable as systems)", ""]
        out += _table(bounds)
    if board.rows:
        out += ["", interval_note(board.rows)]
    out += ["", "Signature: " + (" ; ".join(f"`{s}`" for s in board.signatures) or "–")]
    if board.fact_matrix:
        names = [r.system for r in board.rows]
        shown = [cell(n) for n in names]
        out += ["", "## Fact matrix", "",
                "Refs = references stating the fact; Weight = its pyramid weight (Refs, unless set explicitly).",
                "✓ = the summary states it, · = it does not.", "",
                "| Cluster | Fact | Refs | Weight | " + " | ".join(shown) + " |",
                "|---|---|---:|---:|" + "|".join(":-:" for _ in names) + "|"]
        for fr in board.fact_matrix:
            marks = ["✓" if fr["systems"].get(n) else ("·" if n in fr["systems"] else " ") for n in names]
            refs = "–" if fr["refs"] is None else str(fr["refs"])
            out.append(f"| {cell(fr['cluster'])} | {cell(fr['fact'])} | {refs} | {fr['weight']:g} | " + " | ".join(marks) + " |")
    out += render_details(board.rows)
    return "\n".join(out) + "\n"
