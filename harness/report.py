"""Leaderboard and fact matrix, derived from records alone, as markdown and JSON."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict

from harness.models import ClusterResult, Record, SystemRun
from harness.report_detail import quality_details, render_details

MAIN_METRICS = ("rouge1", "rouge2", "rougeLsum")
LABELS = {"rouge1": "R-1", "rouge2": "R-2", "rougeL": "R-L", "rougeLsum": "R-Lsum", "facts": "Facts",
          "contradictions": "Contra.", "words": "Words", "unsupported": "Unsupp.", "off_topic": "Off-topic",
          "redundancy": "Redund.", "density": "Density"}
# Faithfulness and style columns of the main table: (metric, scale, digits). Coverage, compression
# and claims checked stay in leaderboard.json and the detail section.
QUALITY_COLUMNS = (("unsupported", 1.0, 2), ("off_topic", 1.0, 2), ("redundancy", 1.0, 2), ("density", 1.0, 1))


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
    per = [cluster_metrics(r) for r in run.results if r.status == "ok"]
    keys = sorted({k for p in per for k in p})
    return {k: sum(p[k] for p in per if k in p) / sum(1 for p in per if k in p) for k in keys}


def latest_runs(records: Sequence[Record]) -> list[tuple[Record, SystemRun]]:
    """Each system's latest run: later records replace earlier ones."""
    latest: dict[str, tuple[Record, SystemRun]] = {}
    for rec in records:
        for run in rec.systems:
            latest[run.system.name] = (rec, run)
    return [latest[k] for k in sorted(latest)]


def build(records: Sequence[Record]) -> Leaderboard:
    rows = []
    for rec, run in latest_runs(records):
        failed = [r for r in run.results if r.status == "failed"]
        hits: dict[str, list[str]] = {}
        for r in run.results:
            if r.scores and r.scores.facts:
                hits[r.cluster_id] = [h.id for h in r.scores.facts.hits]
        rows.append(Row(
            system=run.system.name, version=run.system.version, options=run.system.options,
            uses_references=run.system.uses_references, run_id=rec.run_id, signature=rec.signature,
            clusters=len(run.results), failed=len(failed), metrics=mean_metrics(run),
            details={"fact_hits": hits, "failures": {r.cluster_id: r.error for r in failed},
                     "contradictions": {r.cluster_id: [h.model_dump() for h in r.scores.facts.contradictions]
                                        for r in run.results if r.scores and r.scores.facts and r.scores.facts.contradictions},
                     "quality": quality_details(run)},
        ))
    rows.sort(key=lambda r: (r.uses_references, -r.metrics.get("rouge2_f", -1.0), r.system))
    return Leaderboard(rows=rows, signatures=sorted({r.signature for r in rows}), fact_matrix=fact_matrix(records))


def fact_matrix(records: Sequence[Record]) -> list[dict[str, Any]]:
    """One row per (cluster, fact): its weight, and whether each system's summary states it."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for _, run in latest_runs(records):
        for res in run.results:
            if not (res.scores and res.scores.facts):
                continue
            f = res.scores.facts
            hit = {h.id for h in f.hits}
            for fid, w in f.weights.items():
                row = rows.setdefault((res.cluster_id, fid), {"cluster": res.cluster_id, "fact": fid, "weight": w,
                                                              "refs": f.ref_counts.get(fid), "systems": {}})
                row["systems"][run.system.name] = fid in hit
    return [rows[k] for k in sorted(rows)]


def _fmt(v: float | None, scale: float = 100.0, digits: int = 1) -> str:
    return "–" if v is None else f"{v * scale:.{digits}f}"


def _row_cells(r: Row) -> list[str]:
    m = r.metrics
    n = r.clusters - r.failed
    name = f"{r.system} †" if r.uses_references else r.system
    fails = f" ({r.failed} failed)" if r.failed else ""
    return [name, f"{n}{fails}", *(_fmt(m.get(f"{k}_f")) for k in MAIN_METRICS), _fmt(m.get("facts")),
            _fmt(m.get("contradictions"), 1.0, 2), *(_fmt(m.get(k), sc, d) for k, sc, d in QUALITY_COLUMNS),
            _fmt(m.get("words"), 1.0, 0)]


def _table(rows: Sequence[Row]) -> list[str]:
    head = ["System", "Clusters", "R-1", "R-2", "R-Lsum", "Facts", "Contra.", *(LABELS[k] for k, _, _ in QUALITY_COLUMNS),
            "Words"]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|"]
    lines += ["| " + " | ".join(_row_cells(r)) + " |" for r in rows]
    return lines


def render_markdown(board: Leaderboard) -> str:
    systems = [r for r in board.rows if not r.uses_references]
    bounds = [r for r in board.rows if r.uses_references]
    out = ["# Leaderboard", "", "ROUGE F and fact recall x100, exact means over clusters; Contra. = contradiction",
           "probe hits per summary; Unsupp. = numbers, dates and names no source states; Off-topic = page",
           "furniture or off-subject sentences; Redund. = highest overlap of two sentences (0-1); Density =",
           "mean squared copied-fragment length (Newsroom; ~1-3 abstractive, tens when copying); Words =",
           "mean words after the budget. Details per system below. Derived from `results/runs/` by",
           "`evalsum leaderboard`; do not edit by hand.", ""]
    out += _table(systems)
    if bounds:
        out += ["", "## Ceilings (†: read the references, not comparable as systems)", ""]
        out += _table(bounds)
    out += ["", "Signature: " + (" ; ".join(f"`{s}`" for s in board.signatures) or "–")]
    if board.fact_matrix:
        names = [r.system for r in board.rows]
        out += ["", "## Fact matrix", "",
                "Refs = references stating the fact; Weight = its pyramid weight (Refs, unless set explicitly).",
                "✓ = the summary states it, · = it does not.", "",
                "| Cluster | Fact | Refs | Weight | " + " | ".join(names) + " |",
                "|---|---|---:|---:|" + "|".join(":-:" for _ in names) + "|"]
        for fr in board.fact_matrix:
            marks = ["✓" if fr["systems"].get(n) else ("·" if n in fr["systems"] else " ") for n in names]
            refs = "–" if fr["refs"] is None else str(fr["refs"])
            out.append(f"| {fr['cluster']} | {fr['fact']} | {refs} | {fr['weight']:g} | " + " | ".join(marks) + " |")
    out += render_details(board.rows)
    return "\n".join(out) + "\n"
