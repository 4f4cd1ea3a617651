"""The summary `store.index` keeps so that a run reads only new records: which runs the
leaderboard may choose rows from, and which records name each system.

Row selection (`analysis.leaderboard_select`) tells runs apart only by their class: settings key,
system name, clusters with their gold sets, failed clusters (`index_model.RunClass`), and by their
order. Of several runs of one class, only the last can be a row (a later run replaces an earlier
one that is, in every table, equally complete), and only the first can matter otherwise (it may
be the first run of its table, which orders tables); the others change nothing, as the runs
between agree with them on gold data and clusters. So selection over `reduce(runs)`, the first
and last run of each class, is selection over all runs, and for any runs A and B (in any order)
`reduce(reduce(A) + B) == reduce(A + B)`: the first of a class in A + B is the first of its first
in A and its runs in B, and likewise the last. A new record is merged in without reading the
others; only taking a record out needs every entry again (`RecordIndex._recompute`).

`labels` keeps, per system (its full description), the latest record that names it, shards
included: `run.runner.check_folder` refuses a label that the latest such record gives another
meaning, and a label conflict in an older record is also one in that latest record.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from evalsum.store.index_model import IndexHead, Pointer, RunClass

Order = Callable[[Pointer], tuple[int, int]]


def reduce(runs: Iterable[Pointer], order: Order, class_of: Callable[[Pointer], RunClass]) -> list[Pointer]:
    """The first and last run of each class, oldest first."""
    first: dict[RunClass, Pointer] = {}
    last: dict[RunClass, Pointer] = {}
    for run in sorted(set(runs), key=order):
        c = class_of(run)
        first.setdefault(c, run)
        last[c] = run
    return sorted({*first.values(), *last.values()}, key=order)


def merge_labels(labels: dict[str, str], new: Iterable[str], order: Order,
                 systems_of: Callable[[str], Sequence[str]]) -> dict[str, str]:
    """System key -> latest record naming it, after the records `new` join those of `labels`."""
    out = dict(labels)
    for name in new:
        for key in systems_of(name):
            held = out.get(key)
            if held is None or order((name, 0)) > order((held, 0)):
                out[key] = name
    return out


def latest_records(runs: Sequence[Pointer], order: Order, class_of: Callable[[Pointer], RunClass]) -> list[int]:
    """Places of the records holding some system's latest whole run, oldest first: every such
    run is the last of its class, so it is in the summary."""
    latest: dict[str, Pointer] = {}
    for run in sorted(runs, key=order):
        latest[class_of(run)[1]] = run
    return sorted({order(run)[0] for run in latest.values()})


def consistent(head: IndexHead) -> bool:
    """Every key the head's tables and summary hold points at something it holds."""
    return (all(d.system in head.systems and set(d.clusters.values()) <= head.gold.keys()
                for d in head.digests.values())
            and all(name in head.records for name, _ in head.runs)
            and all(name in head.records for name in head.labels.values()))
