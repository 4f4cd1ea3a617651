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

from evalsum.analysis import significance, stats
from evalsum.analysis.leaderboard_rows import SORT_KEY, Row, SystemAccumulator, cluster_metrics
from evalsum.errors import DataError
from evalsum.metrics import catalogue
from evalsum.metrics import signature as sig
from evalsum.metrics.catalogue import Metric
from evalsum.models import Record, RecordHeader, ResultLine, SystemRun
from evalsum.store.index import RecordIndex
from evalsum.store.records import iter_record, read_header

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


def _key_of(h: RecordHeader | Record) -> str:
    return h.key or sig.settings_key(h.settings, sig.legacy_metrics_version(h.signature))


def build(records: Sequence[Record], provenance: bool = False) -> Leaderboard:
    accs: list[SystemAccumulator] = []
    for rec in records:
        if rec.shard is not None:
            continue
        for run in rec.systems:
            acc = SystemAccumulator(run.system, rec.run_id, rec.signature, rec.settings.seed)
            acc.key, acc.order = _key_of(rec), len(accs)
            acc.provenance = rec.provenance or rec.signature
            for r in run.results:
                acc.add(r, rec.clusters.get(r.cluster_id))
            accs.append(acc)
    return _board(accs, provenance)


def build_from_paths(paths: Sequence[Path], provenance: bool = False, *,
                     index: RecordIndex | None = None) -> Leaderboard:
    """The leaderboard from record files (oldest first), streamed: every published run is folded
    (a damaged record is an error). Shard records are skipped until `evalsum merge` joins them;
    `index` answers their headers without opening them."""
    header_of = index.header if index is not None else read_header
    accs: list[SystemAccumulator] = []
    for p in paths:
        if header_of(p).shard is not None:
            continue
        wanted: dict[str, SystemAccumulator] = {}
        footer = False
        for item in iter_record(p):
            if isinstance(item, RecordHeader):
                for s in item.systems:
                    acc = SystemAccumulator(s, item.run_id, item.signature, item.settings.seed)
                    acc.key, acc.order = _key_of(item), len(accs) + len(wanted)
                    acc.provenance = item.provenance or item.signature
                    wanted[s.name] = acc
            elif isinstance(item, ResultLine):
                found = wanted.get(item.system)
                if found is not None:
                    found.add(item.result, item.cluster_files)
            else:
                footer = True
        if not footer:
            raise DataError(p, None, "record has no footer (the run did not finish); delete it")
        accs.extend(wanted.values())
    return _board(accs, provenance)


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


def _complete(acc: SystemAccumulator, universe: Sequence[str], gold: dict[str, dict[str, str]]) -> bool:
    return (not acc.failures and set(acc.files) == set(universe)
            and all(acc.files[c] == gold[c] for c in universe))


def _table(accs: Sequence[SystemAccumulator], gold_all: dict[str, dict[str, str]],
           provenance: bool) -> tuple[Table, list[Row]]:
    latest: dict[str, SystemAccumulator] = {}
    for a in accs:
        latest[a.system.name] = a
    universe = sorted({c for a in latest.values() for c in a.files})
    gold = {c: gold_all[c] for c in universe}
    ranked = {a.system.name: a for a in accs if _complete(a, universe, gold)}  # later runs replace earlier ones
    seeds = sorted({a.seed for a in ranked.values()}) or [0]
    table = Table(key=sig.comparability_key(accs[0].key, gold), clusters=len(universe), seed=seeds[0],
                  provenance=sorted({a.provenance for a in (*ranked.values(), *latest.values())}))
    systems = {n: a for n, a in ranked.items() if not a.system.uses_references}
    values = {n: [a.per_cluster[SORT_KEY].get(c, 0.0) for c in universe] for n, a in systems.items()}
    rows = []
    for place in significance.rank_groups(values, table.seed, catalogue.BY_KEY[SORT_KEY].better or "higher"):
        row = systems[place.label].row(provenance)
        rows.append(row.model_copy(update={"rank": place.rank, "group": place.group, "p_vs_head": place.p_vs_head}))
    ceilings = sorted((a for a in ranked.values() if a.system.uses_references),
                      key=lambda a: (-a.metrics().get(SORT_KEY, -1.0), a.system.name))
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


def _board(accs: Sequence[SystemAccumulator], provenance: bool = False) -> Leaderboard:
    gold_all: dict[str, dict[str, str]] = {}
    by_key: dict[str, list[SystemAccumulator]] = {}
    for a in sorted(accs, key=lambda a: a.order):
        gold_all.update(a.files)
        by_key.setdefault(a.key, []).append(a)
    built = [_table(part, gold_all, provenance) for group in by_key.values() for part in _by_cluster_set(group)]
    built.sort(key=lambda tr: (-sum(r.section != "incomplete" for r in tr[1]), tr[0].key))
    tables, rows = [], []
    for i, (table, table_rows) in enumerate(built):
        tables.append(table)
        rows += [r.model_copy(update={"table": i}) for r in table_rows]
    main = {r.system for r in rows if r.table == 0 and r.section != "incomplete"}
    chosen = _chosen(accs, rows, main)
    rates, matrix, n = _facts(chosen)
    return Leaderboard(tables=tables, rows=rows, signatures=[t.key for t in tables], fact_rates=rates,
                       fact_matrix=matrix, fact_clusters=n)


def _by_cluster_set(group: Sequence[SystemAccumulator]) -> list[list[SystemAccumulator]]:
    """Runs under one settings key, split where their clusters never meet: two datasets evaluated
    into one results folder are two tables, while a rerun of part of a set stays with that set
    (and shows as incomplete there)."""
    parts: list[tuple[set[str], list[SystemAccumulator]]] = []
    for a in group:
        ids, members = set(a.files), [a]
        for p in [p for p in parts if p[0] & ids]:
            parts.remove(p)
            ids |= p[0]
            members = p[1] + members
        parts.append((ids, sorted(members, key=lambda m: m.order)))
    return [m for _, m in sorted(parts, key=lambda p: p[1][0].order)]


def _chosen(accs: Sequence[SystemAccumulator], rows: Sequence[Row], names: set[str]) -> list[SystemAccumulator]:
    """The accumulators behind the first table's ranked and ceiling rows (the fact sections' runs)."""
    if not rows:
        return []
    key = next((a.key for a in accs if a.system.name in names), None)
    by: dict[str, SystemAccumulator] = {}
    for a in sorted(accs, key=lambda a: a.order):
        if a.key == key and a.system.name in names and not a.failures:
            by[a.system.name] = a
    order = [r.system for r in rows if r.table == 0 and r.section != "incomplete"]
    return [by[n] for n in order if n in by]


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

