"""A cache of what each published record holds, so refreshing the leaderboard after a run reads
only new or changed records instead of the whole history.

`results/.index.json` maps a record's file name to its size and modification time (ns) and its
parsed header, written only after the whole record was read through to its footer (so a damaged
record is still an error the first time it is seen, as without the index). A record is published
once and never rewritten, so name + size + mtime identify its content; any mismatch (an edited,
restored or replaced file) re-reads that record, and a missing, damaged or other-version index is
simply rebuilt. The index is read and written only under the results lock (see
`analysis.publish.refresh_leaderboard`), and written atomically, so two runs finishing together
serialise on the lock and each sees every record published before it took the lock; a run without
the lock (Windows) at worst re-reads records the next time.
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from evalsum.errors import DataError
from evalsum.files import loads_strict, write_atomic
from evalsum.models import RecordFooter, RecordHeader
from evalsum.store.records import SCHEMA_VERSION, iter_record

INDEX_NAME = ".index.json"
INDEX_VERSION = 1


class IndexEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    size: int
    mtime_ns: int
    header: RecordHeader


class IndexFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    version: int = INDEX_VERSION
    schema_version: int = SCHEMA_VERSION
    records: dict[str, IndexEntry]


def _stamp(path: Path) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns


def checked_header(path: Path) -> RecordHeader:
    """The header of a record read through to its footer: a damaged record is a DataError."""
    header: RecordHeader | None = None
    footer = False
    for item in iter_record(path):
        if isinstance(item, RecordHeader):
            header = item
        footer = isinstance(item, RecordFooter)
    if header is None:
        raise DataError(path, None, "empty record; delete it")
    if not footer:
        raise DataError(path, None, "record has no footer (the run did not finish); delete it")
    return header


class RecordIndex:
    """Headers of the records in `results/runs/`, each read in full once. Use under the results lock."""

    def __init__(self, results: Path) -> None:
        self.path = Path(results) / INDEX_NAME
        self.entries: dict[str, IndexEntry] = {}
        self.reads = 0  # records read in full by this index (what the benchmark and tests count)
        self.dirty = False
        try:
            data = IndexFile.model_validate(loads_strict(self.path.read_text(encoding="utf-8"), self.path))
        except (OSError, ValueError, ValidationError, DataError):
            self.dirty = self.path.exists()  # a damaged index is rewritten, a missing one made
            return
        if data.version == INDEX_VERSION and data.schema_version == SCHEMA_VERSION:
            self.entries = dict(data.records)

    def header(self, path: Path) -> RecordHeader:
        """The record's header from the index when its file is unchanged, else read (and checked)."""
        path = Path(path)
        try:
            size, mtime = _stamp(path)
        except OSError as e:
            raise DataError(path, None, f"cannot read record: {e.strerror}") from None
        entry = self.entries.get(path.name)
        if entry is not None and (entry.size, entry.mtime_ns) == (size, mtime):
            return entry.header
        header = checked_header(path)
        self.reads += 1
        self.entries[path.name] = IndexEntry(size=size, mtime_ns=mtime, header=header)
        self.dirty = True
        return header

    def save(self, paths: Iterable[Path]) -> None:
        """Write the index for exactly these records (entries of deleted records are dropped)."""
        names = {Path(p).name for p in paths}
        if set(self.entries) - names:
            self.entries = {k: v for k, v in self.entries.items() if k in names}
            self.dirty = True
        if self.dirty:
            data = IndexFile(records=dict(sorted(self.entries.items())))
            write_atomic(self.path, json.dumps(data.model_dump(mode="json"), allow_nan=False, sort_keys=True) + "\n")
            self.dirty = False
