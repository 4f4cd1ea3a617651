"""Content-addressed cache of generated summaries, so re-scoring never calls a backend again.

The key covers exactly what can change a backend's output (`CacheKey`): the backend's name and
version, a digest of its code (`identity.code_digest`), its output-affecting options (transport
options such as a base URL or a timeout are left out), the budget, and a digest of the prepared
input it receives (`identity.input_digest`: the cleaned, split sentences, not the raw files).
The entry holds what the backend returned, before the harness's budget and scoring, so a change
to those later steps takes effect on the next run without regeneration. Each entry also stores
its key's fields, so `evalsum cache` can count entries per backend and prune the ones that no
current backend code can hit. Entries are written atomically; a damaged entry is a miss.
"""
from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from evalsum.errors import DataError
from evalsum.files import dumps_strict, read_bytes, write_atomic
from evalsum.models import Summary
from evalsum.redact import Redactor


class CacheKey(BaseModel):
    """Everything a summary depends on; its digest names the entry."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    backend: str
    version: str
    code: str = Field(description="digest of the backend's own code")
    options: dict[str, Any] = Field(description="output-affecting options only")
    budget: int
    input: str = Field(description="digest of the prepared cluster the backend receives")

    def digest(self) -> str:
        blob = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), allow_nan=False)
        return hashlib.sha256(blob.encode()).hexdigest()


class CacheEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    key: CacheKey
    summary: Summary


class BackendStats(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    backend: str
    entries: int
    bytes: int
    stale: int = Field(description="entries no current key can hit (other version or code)")


class CacheStats(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    root: str
    entries: int
    bytes: int
    unreadable: int = Field(description="damaged entries or entries of an older cache format")
    backends: list[BackendStats]


# For pruning: the (version, code digest) a backend has now, or None when it is not installed.
CurrentCode = Callable[[str], tuple[str, str] | None]


class SummaryCache:
    """`enabled=False` neither reads nor writes; `refresh=True` (`--no-cache`) never reads but
    writes what it regenerates, so the next plain run sees the new summary."""

    def __init__(self, root: Path, enabled: bool = True, refresh: bool = False) -> None:
        self.root, self.enabled, self.refresh = Path(root), enabled, refresh
        self._redactor = Redactor.from_environ()  # read once: every entry passes it before the disk

    def _path(self, digest: str) -> Path:
        return self.root / digest[:2] / f"{digest}.json"

    def get(self, key: CacheKey) -> Summary | None:
        if not self.enabled or self.refresh:
            return None
        try:
            raw = read_bytes(self._path(key.digest()))
        except DataError:  # missing, unreadable or absurdly large: a miss
            return None
        try:
            entry = CacheEntry.model_validate_json(raw.decode("utf-8"))
        except (ValidationError, ValueError):  # UnicodeDecodeError is a ValueError too
            return None  # a damaged or old-format entry is a miss: regenerate and overwrite
        return entry.summary if entry.key == key else None

    def put(self, key: CacheKey, summary: Summary) -> None:
        if not self.enabled:
            return
        entry = self._redactor.data(CacheEntry(key=key, summary=summary).model_dump(mode="json"))
        write_atomic(self._path(key.digest()), dumps_strict(entry))  # secrets never reach the disk

    def entries(self) -> Iterator[tuple[Path, CacheEntry | None]]:
        """Every entry file, with its parsed entry (None when unreadable), in path order."""
        if not self.root.is_dir():
            return
        for path in sorted(self.root.glob("??/*.json")):
            try:
                yield path, CacheEntry.model_validate_json(path.read_text(encoding="utf-8"))
            except (OSError, ValidationError, ValueError):
                yield path, None

    def stats(self, current: CurrentCode) -> CacheStats:
        per: dict[str, list[int]] = {}
        total = size = unreadable = 0
        for path, entry in self.entries():
            n = path.stat().st_size
            total, size = total + 1, size + n
            if entry is None:
                unreadable += 1
                continue
            row = per.setdefault(entry.key.backend, [0, 0, 0])
            row[0] += 1
            row[1] += n
            row[2] += _stale(entry, current)
        return CacheStats(root=str(self.root), entries=total, bytes=size, unreadable=unreadable,
                          backends=[BackendStats(backend=b, entries=e, bytes=s, stale=st)
                                    for b, (e, s, st) in sorted(per.items())])

    def prune(self, current: CurrentCode) -> int:
        """Delete entries no current key can hit: unreadable ones, and ones whose backend is gone or
        has another version or code digest now. Returns how many were deleted."""
        gone = 0
        for path, entry in self.entries():
            if entry is None or _stale(entry, current):
                path.unlink(missing_ok=True)
                gone += 1
        return gone

    def clear(self) -> int:
        n = sum(1 for _ in self.entries())
        if self.root.is_dir():
            shutil.rmtree(self.root)
        return n


def _stale(entry: CacheEntry, current: CurrentCode) -> bool:
    now = current(entry.key.backend)
    return now is None or now != (entry.key.version, entry.key.code)
