"""The runs of records in memory or on disk, as `RunRef`s to select from and as accumulators to
show: the two sources the leaderboard is built from, read the same way.

On disk, selection reads only the index's summary (`store.index_summary`: the runs selection can
choose from, a few per system however long the history), and only the records holding a
selected run are read again, each once, for their scores."""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from evalsum.analysis.leaderboard_rows import SystemAccumulator
from evalsum.analysis.leaderboard_select import RunId, RunRef
from evalsum.models import Record, ResultLine
from evalsum.store.index import RecordIndex, key_of
from evalsum.store.records import iter_record


def refs_from_records(records: Sequence[Record]) -> list[RunRef]:
    """Every run of every whole record (shards wait for `evalsum merge`), oldest first."""
    out: list[RunRef] = []
    for i, rec in enumerate(records):
        if rec.shard is None:
            for run in rec.systems:
                files = {r.cluster_id: dict(rec.clusters.get(r.cluster_id) or {}) for r in run.results}
                failed = frozenset(r.cluster_id for r in run.results if r.status == "failed")
                out.append(RunRef(system=run.system, run_id=rec.run_id, signature=rec.signature,
                                  seed=rec.settings.seed, key=key_of(rec), provenance=rec.provenance or rec.signature,
                                  record=i, order=len(out), files=files, failed=failed))
    return out


def refs_from_index(index: RecordIndex) -> list[RunRef]:
    """The same from the index's summary of the records of its last `update`, without opening a
    record: selection over these runs is selection over every run (`store.index_summary`)."""
    out: list[RunRef] = []
    for name, j in index.runs:
        e = index.entry_named(name)
        m, run = index.run_meta(e), index.digest(e, j)
        out.append(RunRef(system=index.system(run), run_id=e.run_id, signature=m.signature, seed=m.seed, key=m.key,
                          provenance=m.provenance, record=index.position[name], order=len(out),
                          files=index.files(run), failed=frozenset(run.failed)))
    return out


def _accumulator(ref: RunRef) -> SystemAccumulator:
    acc = SystemAccumulator(ref.system, ref.run_id, ref.signature, ref.seed)
    acc.provenance = ref.provenance
    return acc


def fold_records(records: Sequence[Record], refs: Sequence[RunRef],
                 wanted: set[RunId]) -> dict[RunId, SystemAccumulator]:
    """Accumulators of the wanted runs, folded from records in memory."""
    out: dict[RunId, SystemAccumulator] = {}
    for ref in refs:
        if ref.id in wanted:
            rec, acc = records[ref.record], _accumulator(ref)
            for run in rec.systems:
                if run.system.name == ref.system.name:
                    for r in run.results:
                        acc.add(r, rec.clusters.get(r.cluster_id))
            out[ref.id] = acc
    return out


def fold_paths(paths: Sequence[Path], refs: Sequence[RunRef],
               wanted: set[RunId]) -> dict[RunId, SystemAccumulator]:
    """Accumulators of the wanted runs, each of their records streamed once (they were read to
    their footers when indexed, and a published record is never rewritten)."""
    accs = {ref.id: _accumulator(ref) for ref in refs if ref.id in wanted}
    for record in sorted({i for i, _ in accs}):
        for item in iter_record(paths[record]):
            if isinstance(item, ResultLine):
                acc = accs.get((record, item.system))
                if acc is not None:
                    acc.add(item.result, item.cluster_files)
    return accs
