"""A cache of what each published record holds, so refreshing the leaderboard after a run reads
only new or changed records, and the few runs its rows come from, instead of the whole history.

`results/.index.json` maps a record's file name to its size and modification time (ns), what
identifies its run (run id, settings key, seed, signature, provenance) and a digest of each
system's run: the clusters it attempted with their gold file hashes, and the ones that failed. That
is all the leaderboard needs to decide which runs make its rows (`analysis.leaderboard_select`).
System descriptions and gold file sets repeat from record to record, so the index keeps each once,
under a hash of its content, and entries point to them: an entry is a few hundred bytes, and
loading the index of 400 records takes milliseconds.

An entry is written only after the whole record was read through to its footer (so a damaged
record is still an error the first time it is seen, as without the index). A record is published
once and never rewritten, so name, size, mtime, ctime and inode identify its content; any mismatch
(an edited, restored or replaced file, even one whose size and mtime were put back: no tool sets
ctime) re-reads that record, and a missing, damaged or other-version index is
simply rebuilt. The index is saved only under the results lock (see
`analysis.publish.refresh_leaderboard`), and written atomically, so two runs finishing together
serialise on the lock and each sees every record published before it took the lock; readers
without the lock see the old index or the new one, never half of one, and a run without the lock
(Windows) at worst re-reads records the next time.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from evalsum.errors import DataError
from evalsum.files import read_bytes, write_atomic
from evalsum.metrics import signature as sig
from evalsum.models import RecordFooter, RecordHeader, ResultLine, RunMeta, SystemInfo
from evalsum.store.records import SCHEMA_VERSION, iter_record, read_header, record_paths

INDEX_NAME = ".index.json"
INDEX_VERSION = 4

T = TypeVar("T")


class RunDigest(BaseModel):
    """One system's run in a record, as the leaderboard's row selection sees it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    system: str = Field(description="key into the index's `systems`")
    clusters: dict[str, str] = Field(description="cluster id -> key into the index's `gold`")
    failed: list[str] = Field(default_factory=list, description="clusters whose result failed, sorted")


class RunMetaDigest(BaseModel):
    """What a run's rows are compared and labelled by, shared by every record run alike."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str = Field(description="the settings part of the comparability key")
    seed: int
    signature: str
    provenance: str


class IndexEntry(BaseModel):
    """One record: its file's stamp, its run id, and its systems' runs."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    size: int
    mtime_ns: int
    ctime_ns: int = Field(description="no tool sets it: an edit that restores size and mtime still shows")
    inode: int = Field(description="a file replaced by another (a restore, a copy) is another file")
    run_id: str
    shard: bool
    meta: str = Field(description="key into the index's `meta`")
    runs: list[RunDigest] = Field(description="one per header system, in header order")


class IndexFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    version: int = INDEX_VERSION
    schema_version: int = SCHEMA_VERSION
    metrics_version: str = Field(default=sig.METRICS_VERSION, description="keys were computed by this metrics code")
    meta: dict[str, RunMetaDigest] = Field(default_factory=dict, description="content hash -> run meta")
    systems: dict[str, SystemInfo] = Field(default_factory=dict, description="content hash -> system")
    gold: dict[str, dict[str, str]] = Field(default_factory=dict, description="content hash -> path -> sha256")
    records: dict[str, IndexEntry]


Stamp = tuple[int, int, int, int]


def _stamp(path: Path) -> Stamp:
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino


def _stamp_of(entry: IndexEntry) -> Stamp:
    return entry.size, entry.mtime_ns, entry.ctime_ns, entry.inode


def _hash(data: object) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, allow_nan=False).encode()).hexdigest()[:16]


def _refuse(token: str) -> float:
    raise ValueError(f"{token} in the index")


def _finite(token: str) -> float:
    value = float(token)
    if not math.isfinite(value):
        raise ValueError(f"{token} in the index")
    return value


def _loads(text: str) -> object:
    """Strict JSON (no NaN, Infinity or overflowing number), failing at the first bad number:
    a bad index is rebuilt, so it needs no field named (and this is 4x faster than
    `files.loads_strict` on the index of 400 records, which every run reads)."""
    return json.loads(text, parse_constant=_refuse, parse_float=_finite)


def key_of(h: RunMeta) -> str:
    """The settings part of a run's comparability key (older records computed from their signature)."""
    return h.key or sig.settings_key(h.settings, sig.legacy_metrics_version(h.signature))


class RecordIndex:
    """What the records in `results/runs/` hold, each read in full once. Save it only under the
    results lock; reading it without the lock is safe (it is written atomically). `results=None`
    gives an index that lives in memory only."""

    def __init__(self, results: Path | None) -> None:
        self.path = Path(results) / INDEX_NAME if results is not None else None
        self.entries: dict[str, IndexEntry] = {}
        self.meta: dict[str, RunMetaDigest] = {}
        self.systems: dict[str, SystemInfo] = {}
        self.gold: dict[str, dict[str, str]] = {}
        self.reads = 0  # records read in full by this index (what the benchmark and tests count)
        self.dirty = False
        if self.path is None:
            return
        try:
            data = IndexFile.model_validate(_loads(read_bytes(self.path).decode("utf-8")))
        except (DataError, ValueError, ValidationError, RecursionError):
            self.dirty = self.path.exists()  # a damaged index is rewritten, a missing one made
            return
        if (data.version, data.schema_version, data.metrics_version) == (INDEX_VERSION, SCHEMA_VERSION,
                                                                          sig.METRICS_VERSION):
            self.entries, self.meta = dict(data.records), dict(data.meta)
            self.systems, self.gold = dict(data.systems), dict(data.gold)
            if any(e.meta not in self.meta for e in self.entries.values()) or any(
                    r.system not in self.systems or not set(r.clusters.values()) <= set(self.gold)
                    for e in self.entries.values() for r in e.runs):
                self.entries = {}  # an entry pointing nowhere: rebuild rather than guess
        else:
            self.dirty = True

    def run_meta(self, entry: IndexEntry) -> RunMetaDigest:
        return self.meta[entry.meta]

    def system(self, run: RunDigest) -> SystemInfo:
        return self.systems[run.system]

    def files(self, run: RunDigest) -> dict[str, dict[str, str]]:
        """The run's cluster id -> gold files, as the record's result lines give them."""
        return {c: self.gold[k] for c, k in run.clusters.items()}

    def cached_systems(self, path: Path) -> tuple[bool, list[SystemInfo]]:
        """Whether the record is a shard, and its systems: from the index when its file is
        unchanged, else from its first line alone (for readers that need headers only and do
        not save the index)."""
        entry = self.entries.get(Path(path).name)
        try:
            if entry is not None and _stamp_of(entry) == _stamp(Path(path)):
                return entry.shard, [self.system(r) for r in entry.runs]
        except OSError:
            pass  # read_header says why
        header = read_header(path)
        return header.shard is not None, list(header.systems)

    def entry(self, path: Path) -> IndexEntry:
        """The record's entry from the index when its file is unchanged, else read (and checked)."""
        path = Path(path)
        try:
            stamp = _stamp(path)
        except OSError as e:
            raise DataError(path, None, f"cannot read record: {e.strerror}") from None
        entry = self.entries.get(path.name)
        if entry is not None and _stamp_of(entry) == stamp:
            return entry
        entry = self._read(path, stamp)
        self.reads += 1
        self.entries[path.name] = entry
        self.dirty = True
        return entry

    def _read(self, path: Path, stamp: Stamp) -> IndexEntry:
        """Read a record through to its footer (a damaged record is a DataError). Results of
        systems its header does not name are left out, as the leaderboard ignores them."""
        header: RecordHeader | None = None
        footer = False
        runs: dict[str, tuple[dict[str, str], list[str]]] = {}
        keys: dict[str, str] = {}  # system name -> key into `systems`
        for item in iter_record(path):
            if isinstance(item, RecordHeader):
                header = item
                runs = {s.name: ({}, []) for s in item.systems}
                for s in item.systems:
                    keys[s.name] = self._keep(self.systems, s.model_dump(mode="json"), s)
            elif isinstance(item, ResultLine) and item.system in runs:
                clusters, failed = runs[item.system]
                clusters[item.result.cluster_id] = self._keep(self.gold, item.cluster_files, item.cluster_files)
                if item.result.status == "failed":
                    failed.append(item.result.cluster_id)
            footer = isinstance(item, RecordFooter)
        if header is None:
            raise DataError(path, None, "empty record; delete it")
        if not footer:
            raise DataError(path, None, "record has no footer (the run did not finish); delete it")
        digests = [RunDigest(system=keys[n], clusters=c, failed=sorted(set(f))) for n, (c, f) in runs.items()]
        meta = RunMetaDigest(key=key_of(header), seed=header.settings.seed, signature=header.signature,
                             provenance=header.provenance or header.signature)
        size, mtime_ns, ctime_ns, inode = stamp
        return IndexEntry(size=size, mtime_ns=mtime_ns, ctime_ns=ctime_ns, inode=inode, run_id=header.run_id,
                          shard=header.shard is not None,
                          meta=self._keep(self.meta, meta.model_dump(mode="json"), meta), runs=digests)

    @staticmethod
    def _keep(table: dict[str, T], content: object, value: T) -> str:
        key = _hash(content)
        table.setdefault(key, value)
        return key

    def save(self, paths: Iterable[Path]) -> None:
        """Write the index for exactly these records (entries of deleted records are dropped, and
        systems and gold sets no entry points to any more)."""
        names = {Path(p).name for p in paths}
        if set(self.entries) - names:
            self.entries = {k: v for k, v in self.entries.items() if k in names}
            self.dirty = True
        if not self.dirty or self.path is None:
            return
        used = [r for e in self.entries.values() for r in e.runs]
        meta = {k: self.meta[k] for k in sorted({e.meta for e in self.entries.values()})}
        systems = {k: self.systems[k] for k in sorted({r.system for r in used})}
        gold = {k: self.gold[k] for k in sorted({g for r in used for g in r.clusters.values()})}
        data = IndexFile(meta=meta, systems=systems, gold=gold, records=dict(sorted(self.entries.items())))
        write_atomic(self.path, data.model_dump_json() + "\n")  # pydantic writes no NaN or Infinity
        self.dirty = False


def latest_record_paths(results: Path) -> list[Path]:
    """The records holding some system's latest whole (not shard) run, oldest first: all that
    `compare`, `bless` and `check` read (they compare latest runs), found from the index, so
    they too cost the same however long the history."""
    index = RecordIndex(results)
    seen: set[str] = set()
    out: list[Path] = []
    for path in reversed(record_paths(Path(results) / "runs")):
        shard, systems = index.cached_systems(path)
        names = {s.name for s in systems}
        if not shard and names - seen:
            out.append(path)
            seen |= names
    return out[::-1]
