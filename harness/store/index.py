"""A cache of what each published record holds, kept so that a run touches only the records that
are new since the last one: its cost does not grow with the number of old records (issue 16).

`results/.index.json` is a head line and one line per record. Each record's line (`IndexEntry`)
names its run id, run meta and a digest per system's run: the clusters it attempted with their
gold set keys, and the ones that failed, all the leaderboard needs to choose its rows
(`analysis.leaderboard_select`). Metas, systems, gold sets and digests repeat from record to
record, so the head keeps each once, under a hash of its content. The head also holds every
record's stamp (size, mtime, ctime, inode) and a summary derived from the entries
(`store.index_summary`): the first and last run of each class of runs that selection cannot tell
apart, and per system the latest record naming it. A run reads the head, compares stamps, reads
new records in full and merges them into the summary; entry lines of old records are parsed only
when the summary points at them, so old records cost a stamp and a few bytes each.

An entry is written only after the whole record was read through to its footer (so a damaged
record is still an error the first time it is seen). A record is published once and never
rewritten, so its name and stamp identify its content. How the summary stays right:
- New records (however they sort among the old ones) are merged in: the summary of the union is
  the summary of the old summary and the new runs, whatever their order (see `index_summary`).
- A record deleted, edited or replaced by hand (any stamp change, even with size and mtime put
  back: no tool sets ctime) cannot be taken out of a summary, so the summary is recomputed from
  the entries of the records there are now (the changed one read again), reading no other record.
- A damaged, missing or other-version index, a damaged entry line, or a summary pointing at no
  entry: the index (or that entry) is rebuilt from the records.
- The index is saved only under the results lock (`analysis.publish.refresh_leaderboard`), which
  reads it afresh under that lock, and written atomically: two runs finishing together serialise
  on the lock, the second merges the first's saved summary with its own record; readers without
  the lock (check_folder, compare) see the old index or the new one, never half of one, and
  records it does not cover are read from their headers; a run without the lock (Windows) at worst
  re-reads records the next time.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from evalsum.errors import DataError
from evalsum.files import read_bytes, write_atomic
from evalsum.models import SystemInfo
from evalsum.store import index_summary as summary
from evalsum.store.index_model import (
    IndexEntry,
    IndexHead,
    Pointer,
    RunClass,
    RunDigest,
    RunMetaDigest,
    Tables,
    key_of,
    loads,
    stamp,
)
from evalsum.store.records import RecordFiles, Stamp, read_header, scan_records

__all__ = ["INDEX_NAME", "IndexEntry", "RecordIndex", "RunDigest", "RunMetaDigest", "key_of", "latest_record_paths"]

INDEX_NAME = ".index.json"


class Stale(Exception):
    """The summary points at an entry the index does not hold, or an entry line is damaged."""


class RecordIndex(Tables):
    """What the records in `results/runs/` hold, each read in full once. Save it only under the
    results lock; reading it without the lock is safe (it is written atomically). `results=None`
    gives an index that lives in memory only."""

    def __init__(self, results: Path | None) -> None:
        self.path = Path(results) / INDEX_NAME if results is not None else None
        self.stamps: dict[str, Stamp] = {}  # the records the index covers, in entry line order
        self.runs: list[Pointer] = []
        self.labels: dict[str, str] = {}
        super().__init__()
        self._lines: dict[str, str] = {}  # entry lines not parsed yet
        self._entries: dict[str, IndexEntry] = {}
        self._classes: dict[tuple[str, str], RunClass] = {}
        self.position: dict[str, int] = {}  # record name -> place among the records of the last update
        self.reads = 0  # records read in full by this index (what the benchmark and tests count)
        self.dirty = False
        if self.path is not None:
            self._load(self.path)

    def _load(self, path: Path) -> None:
        try:
            first, _, rest = read_bytes(path).decode("utf-8").partition("\n")
            head = IndexHead.model_validate(loads(first))
        except (DataError, ValueError, ValidationError, RecursionError):
            self.dirty = path.exists()  # a damaged index is rewritten, a missing one made
            return
        lines = rest.split("\n")
        if not head.current() or lines[-1] != "" or len(lines) != len(head.records) + 1 or not summary.consistent(head):
            self.dirty = True  # another version's, cut short, or pointing nowhere: rebuild rather than guess
            return
        self.stamps, self.runs, self.labels = dict(head.records), list(head.runs), dict(head.labels)
        self.meta, self.systems, self.gold = dict(head.meta), dict(head.systems), dict(head.gold)
        self.digests = dict(head.digests)
        self._lines = dict(zip(head.records, lines, strict=False))

    # -- entries -------------------------------------------------------------------------------

    def entry_named(self, name: str) -> IndexEntry:
        """The entry of a record the index covers (parsed on first use); Stale if it has none."""
        entry = self._entries.get(name)
        if entry is not None:
            return entry
        line = self._lines.get(name)
        if line is None:
            raise Stale(name)
        try:
            entry = IndexEntry.model_validate(loads(line))
        except (ValueError, ValidationError, RecursionError):
            raise Stale(name) from None
        if entry.name != name or entry.meta not in self.meta or any(d not in self.digests for d in entry.runs):
            raise Stale(name)
        self._entries[name] = entry
        return entry

    def run_meta(self, entry: IndexEntry) -> RunMetaDigest:
        return self.meta[entry.meta]

    def digest(self, entry: IndexEntry, run: int) -> RunDigest:
        if run >= len(entry.runs):
            raise Stale(entry.name)
        return self.digests[entry.runs[run]]

    def system(self, run: RunDigest) -> SystemInfo:
        return self.systems[run.system]

    def files(self, run: RunDigest) -> dict[str, dict[str, str]]:
        """The run's cluster id -> gold files, as the record's result lines give them."""
        return {c: self.gold[k] for c, k in run.clusters.items()}

    def run_class(self, pointer: Pointer) -> RunClass:
        """What the leaderboard's selection tells this run apart by (`index_model.RunClass`)."""
        entry = self.entry_named(pointer[0])
        key = (entry.meta, entry.runs[pointer[1]] if pointer[1] < len(entry.runs) else "")
        found = self._classes.get(key)
        if found is None:
            d = self.digest(entry, pointer[1])
            found = (self.meta[entry.meta].key, self.systems[d.system].name, tuple(sorted(d.clusters.items())),
                     tuple(d.failed))
            self._classes[key] = found
        return found

    def unchanged(self, paths: Sequence[Path]) -> list[int] | None:
        """Places of the records the index does not cover yet, when it covers every other one
        unchanged; None when some record is gone or changed, or cannot be read (then callers
        read all)."""
        try:
            names, now = _stamps(paths)
        except DataError:
            return None
        if sum(1 for n, s in now.items() if self.stamps.get(n) == s) != len(self.stamps):
            return None
        return [i for i, n in enumerate(names) if n not in self.stamps]

    def cached_systems(self, path: Path) -> tuple[bool, list[SystemInfo]]:
        """Whether the record is a shard, and its systems: from the index when its file is
        unchanged, else from its first line alone (for readers that need headers only and do
        not save the index)."""
        path = Path(path)
        try:
            if self.stamps.get(path.name) == stamp(path):
                entry = self.entry_named(path.name)
                return entry.shard, [self.systems[self.digests[d].system] for d in entry.runs]
        except (OSError, Stale):
            pass  # read_header says why, or reads what a damaged line lost
        header = read_header(path)
        return header.shard is not None, list(header.systems)

    # -- update and save -----------------------------------------------------------------------

    def update(self, paths: Sequence[Path]) -> None:
        """Cover exactly these records (oldest first; `records.scan_records` gives them with their
        stamps): read the new or changed ones through to their footers (a damaged one is a
        DataError), and bring the summary up to date."""
        names, now = _stamps(paths)
        fresh = [i for i, n in enumerate(names) if self.stamps.get(n) != now[n]]
        whole = any(now.get(n) != s for n, s in self.stamps.items())  # gone or changed: recompute
        for i in fresh:
            self._lines.pop(names[i], None)
            self._entries[names[i]] = self.read_entry(paths[i])
            self.reads += 1
        self.stamps = now
        self.position = {n: i for i, n in enumerate(names)}
        self.dirty = self.dirty or whole or bool(fresh)
        if not whole:
            try:
                self._merge([names[i] for i in fresh])
                return
            except Stale:
                pass
        self._recompute(paths, names)

    def _merge(self, new: list[str]) -> None:
        added: list[Pointer] = []
        for name in new:
            entry = self.entry_named(name)
            added += [] if entry.shard else [(name, j) for j in range(len(entry.runs))]
        # every pointer is resolved (a damaged entry line is Stale here, not in a caller)
        self.runs = summary.reduce([*self.runs, *added], self.order, self.run_class)
        self.labels = summary.merge_labels(self.labels, new, self.order, self._systems_of)

    def _recompute(self, paths: Sequence[Path], names: list[str]) -> None:
        """The summary from every entry (damaged entry lines read again from their records), and
        the shared tables cut down to what the entries use."""
        for i, name in enumerate(names):
            try:
                self.entry_named(name)
            except Stale:
                self._lines.pop(name, None)
                self._entries[name] = self.read_entry(paths[i])
                self.reads += 1
        self._entries = {n: self._entries[n] for n in names}
        self._lines = {}
        self.runs = summary.reduce([(n, j) for n in names if not self._entries[n].shard
                                    for j in range(len(self._entries[n].runs))], self.order, self.run_class)
        self.labels = summary.merge_labels({}, names, self.order, self._systems_of)
        entries = self._entries.values()
        self.digests = {k: self.digests[k] for k in sorted({d for e in entries for d in e.runs})}
        self.meta = {k: self.meta[k] for k in sorted({e.meta for e in entries})}
        self.systems = {k: self.systems[k] for k in sorted({d.system for d in self.digests.values()})}
        self.gold = {k: self.gold[k] for k in sorted({g for d in self.digests.values() for g in d.clusters.values()})}
        self.dirty = True

    def order(self, pointer: Pointer) -> tuple[int, int]:
        """Where a run sorts among the runs of the records of the last `update`, oldest first."""
        try:
            return self.position[pointer[0]], pointer[1]
        except KeyError:
            raise Stale(pointer[0]) from None

    def _systems_of(self, name: str) -> list[str]:
        return [self.digests[d].system for d in self.entry_named(name).runs]

    def save(self) -> None:
        """Write the index for the records of the last `update` (only if anything changed).
        Entry lines of old records are written back as they were read."""
        if not self.dirty or self.path is None:
            return
        head = IndexHead(records=self.stamps, runs=self.runs, labels=self.labels, meta=self.meta,
                         systems=self.systems, gold=self.gold, digests=self.digests)
        lines = [self._lines.get(n) or self._entries[n].model_dump_json() for n in self.stamps]
        write_atomic(self.path, "".join([head.model_dump_json(), "\n", *(f"{line}\n" for line in lines)]))
        self.dirty = False


def _stamps(paths: Sequence[Path]) -> tuple[list[str], dict[str, Stamp]]:
    """The records' names and stamps: those `scan_records` read, else each read now (a
    DataError if one cannot be)."""
    names, known = (paths.names, paths.stamps) if isinstance(paths, RecordFiles) else ([p.name for p in paths], {})
    if len(known) == len(names):
        return names, known
    out: dict[str, Stamp] = {}
    for i, name in enumerate(names):
        found = known.get(name)
        if found is None:
            try:
                found = stamp(paths[i])
            except OSError as e:
                raise DataError(paths[i], None, f"cannot read record: {e.strerror}") from None
        out[name] = found
    return names, out


def latest_record_paths(results: Path) -> list[Path]:
    """The records holding some system's latest whole (not shard) run, oldest first: all that
    `compare`, `bless` and `check` read (they compare latest runs), found from the index's
    summary, so they too cost the same however long the history."""
    index = RecordIndex(results)
    paths = scan_records(Path(results) / "runs")
    if index.unchanged(paths) == []:
        index.position = {n: i for i, n in enumerate(paths.names)}
        try:
            return [paths[i] for i in summary.latest_records(index.runs, index.order, index.run_class)]
        except Stale:
            pass
    seen: set[str] = set()
    out: list[Path] = []
    for path in reversed(paths):
        shard, systems = index.cached_systems(path)
        names = {s.name for s in systems}
        if not shard and names - seen:
            out.append(path)
            seen |= names
    return out[::-1]
