"""The shapes of `results/.index.json` (see `store.index`): its first line, `IndexHead`, and one
`IndexEntry` line per record, with the small helpers that build and check them."""
from __future__ import annotations

import hashlib
import json
import math
import os
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field

from evalsum.errors import DataError
from evalsum.metrics import signature as sig
from evalsum.models import RecordFooter, RecordHeader, ResultLine, RunMeta, SystemInfo
from evalsum.store.records import SCHEMA_VERSION, Stamp, iter_record

INDEX_VERSION = 5
T = TypeVar("T")

Pointer = tuple[str, int]  # (record file name, position of the run among its header's systems)
# What the leaderboard's row selection tells runs apart by (`analysis.leaderboard_select`):
# settings key, system name, cluster -> gold set key, failed clusters.
RunClass = tuple[str, str, tuple[tuple[str, str], ...], tuple[str, ...]]


class RunDigest(BaseModel):
    """One system's run in a record, as the leaderboard's row selection sees it. Records that
    repeat a run share its digest (`IndexHead.digests`)."""

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
    """One record (one line of the index after the head): its run id and its systems' runs."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(description="the record's file name in runs/")
    run_id: str
    shard: bool
    meta: str = Field(description="key into the index's `meta`")
    runs: list[str] = Field(description="keys into the index's `digests`, one per header system, in header order")


class IndexHead(BaseModel):
    """The index's first line: every record's stamp, the shared tables, and the derived summary
    that lets a run touch only new records (`store.index_summary`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    version: int = INDEX_VERSION
    schema_version: int = SCHEMA_VERSION
    metrics_version: str = Field(default=sig.METRICS_VERSION, description="keys were computed by this metrics code")
    records: dict[str, Stamp] = Field(default_factory=dict, description="record name -> stamp, in entry line order")
    runs: list[Pointer] = Field(default_factory=list,
                                description="the first and the last run of each run class (whole records only)")
    labels: dict[str, str] = Field(default_factory=dict,
                                   description="system key -> the latest record naming that system (shards too)")
    meta: dict[str, RunMetaDigest] = Field(default_factory=dict, description="content hash -> run meta")
    systems: dict[str, SystemInfo] = Field(default_factory=dict, description="content hash -> system")
    gold: dict[str, dict[str, str]] = Field(default_factory=dict, description="content hash -> path -> sha256")
    digests: dict[str, RunDigest] = Field(default_factory=dict, description="content hash -> run digest")

    def current(self) -> bool:
        """Written by this evalsum's record and metrics code (else every record is read again)."""
        return (self.version, self.schema_version, self.metrics_version) == (INDEX_VERSION, SCHEMA_VERSION,
                                                                             sig.METRICS_VERSION)


def stamp(path: Path) -> Stamp:
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino


def content_hash(data: object) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, allow_nan=False).encode()).hexdigest()[:16]


def _refuse(token: str) -> float:
    raise ValueError(f"{token} in the index")


def _finite(token: str) -> float:
    value = float(token)
    if not math.isfinite(value):
        raise ValueError(f"{token} in the index")
    return value


def loads(text: str) -> object:
    """Strict JSON (no NaN, Infinity or overflowing number), failing at the first bad number:
    a bad index is rebuilt, so it needs no field named (and this is 4x faster than
    `files.loads_strict`, which matters for a file every run reads)."""
    return json.loads(text, parse_constant=_refuse, parse_float=_finite)


def key_of(h: RunMeta) -> str:
    """The settings part of a run's comparability key (older records computed from their signature)."""
    return h.key or sig.settings_key(h.settings, sig.legacy_metrics_version(h.signature))


class Tables:
    """The index's shared tables, each value kept once under a hash of its content."""

    def __init__(self) -> None:
        self.meta: dict[str, RunMetaDigest] = {}
        self.systems: dict[str, SystemInfo] = {}
        self.gold: dict[str, dict[str, str]] = {}
        self.digests: dict[str, RunDigest] = {}

    @staticmethod
    def keep(table: dict[str, T], content: object, value: T) -> str:
        key = content_hash(content)
        table.setdefault(key, value)
        return key

    def read_entry(self, path: Path) -> IndexEntry:
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
                    keys[s.name] = self.keep(self.systems, s.model_dump(mode="json"), s)
            elif isinstance(item, ResultLine) and item.system in runs:
                clusters, failed = runs[item.system]
                clusters[item.result.cluster_id] = self.keep(self.gold, item.cluster_files, item.cluster_files)
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
        return IndexEntry(name=path.name, run_id=header.run_id, shard=header.shard is not None,
                          meta=self.keep(self.meta, meta.model_dump(mode="json"), meta),
                          runs=[self.keep(self.digests, d.model_dump(mode="json"), d) for d in digests])
