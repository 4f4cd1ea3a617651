"""Which runs make the leaderboard's rows, decided from what each run attempted alone.

A row needs a run's scores; choosing the row does not. Per comparability key and cluster set, a
table's rows come from each system's latest run and its latest complete one, and which runs those
are follows from the clusters each run attempted, their gold file hashes and which failed: what
`store.index.RunDigest` keeps per record. So a refresh decides the tables from the record index
and folds only the records those few runs are in, however long the history (issue 16). The
rules themselves are described in `analysis.leaderboard`.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from evalsum.models import SystemInfo

RunId = tuple[int, str]  # (record position, oldest first; system name in it)


@dataclass(frozen=True)
class RunRef:
    """One system's run in one record: what selection reads, and where to fold it from."""

    system: SystemInfo
    run_id: str
    signature: str
    seed: int
    key: str  # the settings part of the comparability key
    provenance: str
    record: int  # position of its record among all records, oldest first
    order: int  # position among all runs, oldest first
    files: dict[str, dict[str, str]]  # cluster id -> gold file path -> sha256
    failed: frozenset[str]

    @property
    def id(self) -> RunId:
        return (self.record, self.system.name)


@dataclass
class TablePlan:
    """One table before any scores are read: its runs, each system's latest and ranked run."""

    key: str
    universe: list[str]
    gold: dict[str, dict[str, str]]
    latest: dict[str, RunRef] = field(default_factory=dict)
    ranked: dict[str, RunRef] = field(default_factory=dict)

    def runs(self) -> list[RunRef]:
        return [*self.ranked.values(), *self.latest.values()]


def complete(run: RunRef, universe: Sequence[str], gold: dict[str, dict[str, str]]) -> bool:
    """Scored every cluster of the table, none failed, each against the table's gold data."""
    return (not run.failed and set(run.files) == set(universe)
            and all(run.files[c] == gold[c] for c in universe))


def plan(runs: Sequence[RunRef]) -> list[TablePlan]:
    """The tables, in the order their first run appears. A cluster's gold data is that of the
    latest run that attempted it; a later run replaces an earlier one of the same system. A record
    whose runs attempted no cluster (hand-made: evalsum writes none but empty shards, which wait
    for `merge`) makes no table."""
    gold_all: dict[str, dict[str, str]] = {}
    by_key: dict[str, list[RunRef]] = {}
    for r in sorted(runs, key=lambda r: r.order):
        gold_all.update(r.files)
        by_key.setdefault(r.key, []).append(r)
    tables = [_table(part, gold_all) for group in by_key.values() for part in by_cluster_set(group)]
    return [t for t in tables if t.universe]  # runs that attempted no cluster have nothing to rank


def _table(part: Sequence[RunRef], gold_all: dict[str, dict[str, str]]) -> TablePlan:
    latest: dict[str, RunRef] = {}
    for r in part:
        latest[r.system.name] = r
    universe = sorted({c for r in latest.values() for c in r.files})
    gold = {c: gold_all[c] for c in universe}
    ranked = {r.system.name: r for r in part if complete(r, universe, gold)}  # later runs replace earlier ones
    return TablePlan(key=part[0].key, universe=universe, gold=gold, latest=latest, ranked=ranked)


def by_cluster_set(group: Sequence[RunRef]) -> list[list[RunRef]]:
    """Runs under one settings key, split where their clusters never meet: two datasets evaluated
    into one results folder are two tables, while a rerun of part of a set stays with that set
    (and shows as incomplete there)."""
    parts: list[tuple[set[str], list[RunRef]]] = []
    for r in group:
        ids = set(r.files)
        meet = [p for p in parts if not p[0].isdisjoint(ids)]
        if not meet:
            parts.append((ids, [r]))
            continue
        into = meet[0]  # grown in place: a part can gather many runs
        into[0].update(ids)
        into[1].append(r)
        for p in meet[1:]:
            into[0].update(p[0])
            into[1].extend(p[1])
        parts = [p for p in parts if not any(p is m for m in meet[1:])]
    ordered = [sorted(m, key=lambda m: m.order) for _, m in parts]
    return sorted(ordered, key=lambda m: m[0].order)


def needed(plans: Sequence[TablePlan]) -> set[RunId]:
    """The runs whose scores the rows show: every table's latest and ranked runs."""
    return {r.id for p in plans for r in p.runs()}
