"""Leaderboard, derived from records alone: comparable tables, rank groups, fact hit rates.

The rule: rows are ranked only against rows under the same comparability key (the settings that
change numbers, the reference count and a digest of the gold files) over the same clusters. Per
key, the table's cluster set is every cluster the systems' latest runs under that key attempted,
scored against the latest gold data; a system's ranked row is its latest run that scored all of
them. A newer run that failed a cluster, ran fewer clusters or scored older gold data is listed
under "Incomplete" with its coverage and reason (next to the ranked row, if there is one). Rank
groups come from Holm-corrected paired sign-flip tests over clusters (`analysis.significance`)
on the sort key, R-2 F, and need at least `stats.MIN_TEST_CLUSTERS` clusters.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from evalsum.analysis import leaderboard_fold as fold
from evalsum.analysis import leaderboard_select as select
from evalsum.analysis import significance, stats
from evalsum.analysis.leaderboard_rows import SORT_KEY, Row, SystemAccumulator, cluster_metrics
from evalsum.metrics import catalogue
from evalsum.metrics import signature as sig
from evalsum.metrics.catalogue import Metric
from evalsum.models import Record, SystemRun
from evalsum.store.index import RecordIndex

__all__ = ["Leaderboard", "Row", "SystemAccumulator", "Table", "build", "build_from_paths", "cluster_metrics",
           "intervals", "latest_runs", "mean_metrics", "render_markdown"]

# The per-cluster fact matrix lists at most this many clusters (the hit rates cover them all).
MATRIX_CLUSTERS = 10
MATRIX_FACTS = 60  # and the hit-rate table at most this many facts, heaviest first


class Table(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: str = Field(description="comparability key: every row of the table shares it")
    clusters: int = Field(description="the table's cluster set size")
    sort_key: str = SORT_KEY
    test: str = "paired sign-flip over clusters, Holm-corrected, alpha 0.05, against each group's head"
    seed: int = 0
    provenance: list[str] = Field(default_factory=list, description="engines, package versions, seeds of its rows")


class FactRate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    fact: str
    weight: float = Field(description="summed over the clusters that have the fact")
    clusters: int
    rates: dict[str, float] = Field(description="system -> share of those clusters whose summary states it")


class Leaderboard(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tables: list[Table] = Field(default_factory=list)
    rows: list[Row] = Field(description="every row of every table: ranked, ceiling and incomplete")
    signatures: list[str] = Field(description="the tables' comparability keys")
    fact_rates: list[FactRate] = Field(default_factory=list, description="first table: per fact, over its clusters")
    fact_matrix: list[dict[str, Any]] = Field(description=f"first table, first {MATRIX_CLUSTERS} clusters")
    fact_clusters: int = Field(default=0, description="clusters with a checklist in the first table")
    catalogue: list[Metric] = Field(default_factory=lambda: list(catalogue.METRICS),
                                    description="what every metric key means and how it is shown")


def mean_metrics(run: SystemRun) -> dict[str, float]:
    """Exact means of per-cluster scores over the clusters that succeeded."""
    per = [cluster_metrics(r) for r in run.results if r.status == "ok"]
    return {k: stats.mean([p[k] for p in per if k in p]) for k in sorted({k for p in per for k in p})}


def intervals(run: SystemRun, seed: int) -> dict[str, stats.Interval]:
    """Seeded bootstrap intervals over the clusters that succeeded, at `stats.MIN_TEST_CLUSTERS` or more."""
    per = {r.cluster_id: cluster_metrics(r) for r in run.results if r.status == "ok"}
    out = {}
    for k in catalogue.INTERVALS:
        values = [per[c][k] for c in sorted(per) if k in per[c]]
        if len(values) >= stats.MIN_TEST_CLUSTERS:
            out[k] = stats.bootstrap(values, seed)
    return out


def render_markdown(board: Leaderboard) -> str:
    """LEADERBOARD.md (`leaderboard_render`, imported late: it reads this module's models)."""
    from evalsum.analysis.leaderboard_render import render_markdown as render

    return render(board)


def latest_runs(records: Sequence[Record]) -> list[tuple[Record, Any]]:
    """Each system's latest run (shards excluded): for callers that want the plain latest."""
    latest: dict[str, tuple[Record, Any]] = {}
    for rec in records:
        if rec.shard is None:
            for run in rec.systems:
                latest[run.system.name] = (rec, run)
    return [latest[k] for k in sorted(latest)]


def build(records: Sequence[Record], provenance: bool = False) -> Leaderboard:
    """The leaderboard of records in memory (oldest first)."""
    refs = fold.refs_from_records(records)
    plans = select.plan(refs)
    return _board(plans, fold.fold_records(records, refs, select.needed(plans)), provenance)


def build_from_paths(paths: Sequence[Path], provenance: bool = False, *,
                     index: RecordIndex | None = None) -> Leaderboard:
    """The leaderboard from record files (oldest first). Every record is read through to its
    footer once (a damaged record is an error) into `index`, which keeps it for the next refresh;
    the tables are chosen from the index's summary, and only the records holding their rows' runs
    are read again for scores. Shard records are skipped until `evalsum merge` joins them."""
    index = index if index is not None else RecordIndex(None)
    index.update(paths)
    refs = fold.refs_from_index(index)
    plans = select.plan(refs)
    return _board(plans, fold.fold_paths(paths, refs, select.needed(plans)), provenance)


def sort_key(ranked: Sequence[SystemAccumulator]) -> str:
    """R-2 F, unless the table's runs asked for ROUGE variants without it (`--rouge-variants`):
    then the first ROUGE F they all report, so no row is ranked by a number it does not have."""
    have = [set(a.sums) for a in ranked]
    return next((k for k in (SORT_KEY, *catalogue.ROUGE_F) if all(k in h for h in have)), SORT_KEY)


def _reason(acc: SystemAccumulator, universe: Sequence[str], gold: dict[str, dict[str, str]], newer: bool) -> str:
    parts = []
    if acc.failures:
        first = sorted(acc.failures)[0]
        msg = " ".join(str(acc.failures[first]).split())
        parts.append(f"{len(acc.failures)} failed (first: {first}: {msg[:120]})")
    missing = [c for c in universe if c not in acc.files]
    if missing:
        parts.append(f"ran {len(universe) - len(missing)} of {len(universe)} clusters")
    stale = [c for c in universe if c in acc.files and acc.files[c] != gold[c]]
    if stale:
        parts.append(f"{len(stale)} scored against older gold data")
    if newer:
        parts.append("newer than its ranked run")
    return "; ".join(parts) or "not complete"


def _table(plan: select.TablePlan, accs: dict[select.RunId, SystemAccumulator],
           provenance: bool) -> tuple[Table, list[Row]]:
    universe, gold = plan.universe, plan.gold
    latest = {n: accs[r.id] for n, r in plan.latest.items()}
    ranked = {n: accs[r.id] for n, r in plan.ranked.items()}
    seeds = sorted({a.seed for a in ranked.values()}) or [0]
    systems = {n: a for n, a in ranked.items() if not a.system.uses_references}
    by = sort_key(list(ranked.values()))
    table = Table(key=sig.comparability_key(plan.key, gold), clusters=len(universe), seed=seeds[0], sort_key=by,
                  provenance=sorted({a.provenance for a in (*ranked.values(), *latest.values())}))
    values = {n: [a.per_cluster[by].get(c, 0.0) for c in universe] for n, a in systems.items()}
    rows = []
    for place in significance.rank_groups(values, table.seed, catalogue.get(by).better or "higher"):
        row = systems[place.label].row(provenance)
        rows.append(row.model_copy(update={"rank": place.rank, "group": place.group, "p_vs_head": place.p_vs_head}))
    ceilings = sorted((a for a in ranked.values() if a.system.uses_references),
                      key=lambda a: (-a.metrics().get(by, -1.0), a.system.name))
    rows += [a.row(provenance).model_copy(update={"section": "ceiling"}) for a in ceilings]
    for name in sorted(latest):
        a = latest[name]
        if ranked.get(name) is a:
            continue
        ok = sum(1 for c in universe if c in a.files and c not in a.failures and a.files[c] == gold[c])
        rows.append(a.row(provenance).model_copy(update={
            "section": "incomplete", "intervals": {}, "coverage": f"{ok}/{len(universe)}",
            "reason": _reason(a, universe, gold, name in ranked)}))
    return table, rows


def _board(plans: Sequence[select.TablePlan], accs: dict[select.RunId, SystemAccumulator],
           provenance: bool = False) -> Leaderboard:
    built = [(*_table(p, accs, provenance), p) for p in plans]
    built.sort(key=lambda tr: (-len(tr[2].ranked), tr[0].key))
    tables, rows = [], []
    for i, (table, table_rows, _) in enumerate(built):
        tables.append(table)
        rows += [r.model_copy(update={"table": i}) for r in table_rows]
    # The fact sections cover the first table's ranked and ceiling rows, in their order.
    chosen = [accs[built[0][2].ranked[r.system].id] for r in rows if r.table == 0 and r.section != "incomplete"]
    rates, matrix, n = _facts(chosen)
    return Leaderboard(tables=tables, rows=rows, signatures=[t.key for t in tables], fact_rates=rates,
                       fact_matrix=matrix, fact_clusters=n)


def _facts(accs: Sequence[SystemAccumulator]) -> tuple[list[FactRate], list[dict[str, Any]], int]:
    matrix: dict[tuple[str, str], dict[str, Any]] = {}
    for a in accs:
        for cluster, fid, w, refs, hit in a.facts:
            row = matrix.setdefault((cluster, fid), {"cluster": cluster, "fact": fid, "weight": w, "refs": refs,
                                                     "systems": {}})
            row["systems"][a.system.name] = hit
    clusters = sorted({c for c, _ in matrix})
    per: dict[str, dict[str, Any]] = {}
    for (_, fid), fr in sorted(matrix.items()):
        e = per.setdefault(fid, {"weight": 0.0, "clusters": 0, "hits": {}})
        e["weight"] += float(fr["weight"])
        e["clusters"] += 1
        for name, hit in fr["systems"].items():
            h = e["hits"].setdefault(name, [0, 0])
            h[0] += int(bool(hit))
            h[1] += 1
    rates = [FactRate(fact=f, weight=e["weight"], clusters=e["clusters"],
                      rates={n: h[0] / h[1] for n, h in e["hits"].items()}) for f, e in per.items()]
    rates.sort(key=lambda r: (-r.weight, r.fact))
    shown = set(clusters[:MATRIX_CLUSTERS])
    return rates, [matrix[k] for k in sorted(matrix) if k[0] in shown], len(clusters)

