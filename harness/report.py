"""Leaderboard and fact matrix, derived from records alone, as markdown and JSON."""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from harness.errors import DataError
from harness.models import ClusterResult, Record, RecordHeader, ResultLine, SystemInfo, SystemRun
from harness.records import iter_record, read_header

MAIN_METRICS = ("rouge1", "rouge2", "rougeLsum")
LABELS = {"rouge1": "R-1", "rouge2": "R-2", "rougeL": "R-L", "rougeLsum": "R-Lsum", "facts": "Facts",
          "contradictions": "Contra.", "words": "Words"}


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
    details: dict[str, Any]


class Leaderboard(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rows: list[Row]
    signatures: list[str]
    fact_matrix: list[dict[str, Any]]


def cluster_metrics(res: ClusterResult) -> dict[str, float]:
    """Flat per-cluster numbers: the unit that means, intervals and the CI gate work on."""
    if res.status != "ok" or res.scores is None or res.summary is None:
        return {}
    out = {}
    for t, s in res.scores.rouge.items():
        out[f"{t}_p"], out[f"{t}_r"], out[f"{t}_f"] = s.p, s.r, s.f
    if res.scores.facts is not None:
        out["facts"] = res.scores.facts.recall
        out["contradictions"] = float(len(res.scores.facts.contradictions))
    out["words"] = float(res.summary.words)
    out["truncated"] = float(res.summary.truncated)
    for k, v in res.scores.extra.items():
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            out[k] = float(v)
    return out


def mean_metrics(run: SystemRun) -> dict[str, float]:
    """Exact means of per-cluster scores over the clusters that succeeded."""
    return _means([cluster_metrics(r) for r in run.results if r.status == "ok"])


def _means(per: list[dict[str, float]]) -> dict[str, float]:
    keys = sorted({k for p in per for k in p})
    return {k: sum(p[k] for p in per if k in p) / sum(1 for p in per if k in p) for k in keys}


def latest_runs(records: Sequence[Record]) -> list[tuple[Record, SystemRun]]:
    """Each system's latest run: later records replace earlier ones."""
    latest: dict[str, tuple[Record, SystemRun]] = {}
    for rec in records:
        for run in rec.systems:
            latest[run.system.name] = (rec, run)
    return [latest[k] for k in sorted(latest)]


class SystemAccumulator:
    """One system's run, folded one result at a time: only per-cluster flat metrics and the small
    audit details are kept, never summaries, so a leaderboard over 10,000 clusters stays small."""

    def __init__(self, system: SystemInfo, run_id: str, signature: str) -> None:
        self.system, self.run_id, self.signature = system, run_id, signature
        self.per: list[dict[str, float]] = []
        self.clusters = 0
        self.failures: dict[str, str | None] = {}
        self.hits: dict[str, list[str]] = {}
        self.contradictions: dict[str, list[dict[str, Any]]] = {}
        self.facts: list[tuple[str, str, float, bool]] = []  # (cluster, fact, weight, hit)

    def add(self, r: ClusterResult) -> None:
        self.clusters += 1
        if r.status == "failed":
            self.failures[r.cluster_id] = r.error
        else:
            self.per.append(cluster_metrics(r))
        if r.scores and r.scores.facts:
            f = r.scores.facts
            self.hits[r.cluster_id] = [h.id for h in f.hits]
            if f.contradictions:
                self.contradictions[r.cluster_id] = [h.model_dump() for h in f.contradictions]
            hit = {h.id for h in f.hits}
            self.facts.extend((r.cluster_id, fid, w, fid in hit) for fid, w in f.weights.items())

    def row(self) -> Row:
        s = self.system
        return Row(system=s.name, version=s.version, options=s.options, uses_references=s.uses_references,
                   run_id=self.run_id, signature=self.signature, clusters=self.clusters, failed=len(self.failures),
                   metrics=_means(self.per),
                   details={"fact_hits": self.hits, "failures": self.failures, "contradictions": self.contradictions})


def _board(accs: Sequence[SystemAccumulator]) -> Leaderboard:
    accs = sorted(accs, key=lambda a: a.system.name)
    rows = [a.row() for a in accs]
    rows.sort(key=lambda r: (r.uses_references, -r.metrics.get("rouge2_f", -1.0), r.system))
    matrix: dict[tuple[str, str], dict[str, Any]] = {}
    for a in accs:
        for cluster, fid, w, hit in a.facts:
            row = matrix.setdefault((cluster, fid), {"cluster": cluster, "fact": fid, "weight": w, "systems": {}})
            row["systems"][a.system.name] = hit
    return Leaderboard(rows=rows, signatures=sorted({r.signature for r in rows}),
                       fact_matrix=[matrix[k] for k in sorted(matrix)])


def build(records: Sequence[Record]) -> Leaderboard:
    accs = []
    for rec, run in latest_runs(records):
        acc = SystemAccumulator(run.system, rec.run_id, rec.signature)
        for r in run.results:
            acc.add(r)
        accs.append(acc)
    return _board(accs)


def build_from_paths(paths: Sequence[Path]) -> Leaderboard:
    """The leaderboard from record files, streamed: headers first to find each system's latest
    record, then one pass over each record that is still needed. Shard records are skipped:
    they hold part of a run, and `evalsum merge` turns them into one that counts."""
    latest: dict[str, Path] = {}
    for p in paths:
        header = read_header(p)
        if header.shard is None:
            for s in header.systems:
                latest[s.name] = p
    accs: list[SystemAccumulator] = []
    for p in dict.fromkeys(latest.values()):
        wanted: dict[str, SystemAccumulator] = {}
        footer = False
        for item in iter_record(p):
            if isinstance(item, RecordHeader):
                wanted = {s.name: SystemAccumulator(s, item.run_id, item.signature)
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


def fact_matrix(records: Sequence[Record]) -> list[dict[str, Any]]:
    """One row per (cluster, fact): its weight, and whether each system's summary states it."""
    return build(records).fact_matrix


def _fmt(v: float | None, scale: float = 100.0, digits: int = 1) -> str:
    return "–" if v is None else f"{v * scale:.{digits}f}"


def _row_cells(r: Row) -> list[str]:
    m = r.metrics
    n = r.clusters - r.failed
    name = f"{r.system} †" if r.uses_references else r.system
    fails = f" ({r.failed} failed)" if r.failed else ""
    return [name, f"{n}{fails}", *(_fmt(m.get(f"{k}_f")) for k in MAIN_METRICS), _fmt(m.get("facts")),
            _fmt(m.get("contradictions"), 1.0, 2), _fmt(m.get("words"), 1.0, 0)]


def _table(rows: Sequence[Row]) -> list[str]:
    head = ["System", "Clusters", "R-1", "R-2", "R-Lsum", "Facts", "Contra.", "Words"]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|"]
    lines += ["| " + " | ".join(_row_cells(r)) + " |" for r in rows]
    return lines


def render_markdown(board: Leaderboard) -> str:
    systems = [r for r in board.rows if not r.uses_references]
    bounds = [r for r in board.rows if r.uses_references]
    out = ["# Leaderboard", "", "ROUGE F and fact recall x100, exact means over clusters; Contra. = contradiction",
           "probe hits per summary; Words = mean words after the budget. Derived from `results/runs/` by",
           "`evalsum leaderboard`; do not edit by hand.", ""]
    out += _table(systems)
    if bounds:
        out += ["", "## Ceilings (†: read the references, not comparable as systems)", ""]
        out += _table(bounds)
    out += ["", "Signature: " + (" ; ".join(f"`{s}`" for s in board.signatures) or "–")]
    if board.fact_matrix:
        names = [r.system for r in board.rows]
        out += ["", "## Fact matrix", "", "Weight = pyramid weight (references stating the fact, unless explicit).", "",
                "| Cluster | Fact | Weight | " + " | ".join(names) + " |", "|---|---|---:|" + "|".join(":-:" for _ in names) + "|"]
        for fr in board.fact_matrix:
            marks = ["✓" if fr["systems"].get(n) else ("·" if n in fr["systems"] else " ") for n in names]
            out.append(f"| {fr['cluster']} | {fr['fact']} | {fr['weight']:g} | " + " | ".join(marks) + " |")
    return "\n".join(out) + "\n"
