"""Record files in `results/runs/`: streaming JSONL writer and readers.

A record is JSONL so memory stays flat however many clusters a run has: one header line, one line
per (system, cluster) result, one footer line. The writer appends to a hidden `.partial` file and
renames it into place only when the run completes, so a killed run never leaves a record that
looks whole; its summaries are in the cache and the next run resumes from there. Publishing is a
hard link, which never overwrites; where the file system has none, an atomic rename under the
results lock takes its place.
"""
from __future__ import annotations

import errno
import json
import os
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from evalsum.errors import DataError, from_validation
from evalsum.files import bounded_lines, describe, dumps_strict, loads_strict
from evalsum.models import ClusterResult, Record, RecordFooter, RecordHeader, ResultLine, RunMeta, SystemRun
from evalsum.redact import Redactor
from evalsum.store.lock import results_lock
from evalsum.store.record_files import SUFFIX as SUFFIX
from evalsum.store.record_files import RecordFiles as RecordFiles
from evalsum.store.record_files import Stamp as Stamp
from evalsum.store.record_files import scan_records as scan_records
from evalsum.store.record_shape import RecordShape

# The record layout this evalsum writes and reads (RunMeta.schema_version). 2: typed failures and
# settings, and scores with a typed `quality` and `leave_one_out` instead of `extra`.
SCHEMA_VERSION: int = RunMeta.model_fields["schema_version"].default  # models.SCHEMA_VERSION
# link() errors meaning "this file system has no hard links here": publish by rename instead.
NO_HARD_LINKS = frozenset({errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK, errno.ENOSYS})


def dumps(data: object) -> str:
    """Stable JSON for files that people diff: sorted keys, one-space indent, trailing newline.
    Every string passes the redaction point first (records, leaderboard.json, the baseline)."""
    return dumps_strict(Redactor.from_environ().data(data), indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _line(model: Any, redactor: Redactor) -> str:
    clean = redactor.data(model.model_dump(mode="json"))
    return dumps_strict(clean, sort_keys=True, ensure_ascii=False) + "\n"


class RecordWriter:
    """Streams one run to `<runs>/<run_id>.jsonl`, atomically published on `close()`."""

    def __init__(self, runs_dir: Path, header: RecordHeader) -> None:
        self.runs_dir = Path(runs_dir)
        self.header = header
        self.count = 0
        self._redactor = Redactor.from_environ()  # the process's secrets, read once per record
        try:
            self.runs_dir.mkdir(parents=True, exist_ok=True)
            clean_partials(self.runs_dir)
            token = secrets.token_hex(4)
            self.partial = self.runs_dir / f".{header.run_id}.{os.getpid()}.{token}{PARTIAL}"
            self._fh: IO[str] = open(self.partial, "w", encoding="utf-8", newline="\n")
            _try_lock(self._fh.fileno())  # held until the file is closed: a live partial is never cleaned
        except OSError as e:
            raise DataError(self.runs_dir, None, f"cannot write results here: {describe(e)}") from None
        self._write(_line(header, self._redactor))

    def add(self, line: ResultLine) -> None:
        self._write(_line(line, self._redactor))
        self.count += 1

    def _write(self, text: str) -> None:
        """Every write names the record on failure (a full disk, a file-size limit)."""
        try:
            self._fh.write(text)
        except OSError as e:
            raise DataError(self.partial, None, f"cannot write the record: {describe(e)}") from None

    def close(self, seconds: float) -> Path:
        """Write the footer and publish under a name no other process holds (suffix -2, -3...)."""
        try:
            self._fh.write(_line(RecordFooter(results=self.count, seconds=seconds), self._redactor))
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()
        except OSError as e:
            raise DataError(self.partial, None, f"cannot finish the record: {describe(e)}") from None
        n = 1
        while True:
            target = self._target(n)
            try:
                os.link(self.partial, target)  # fails if target exists: no run overwrites another
            except FileExistsError:
                n += 1
                continue
            except OSError as e:
                if e.errno not in NO_HARD_LINKS:
                    raise self._failed(target, e) from None
                return self._publish_by_rename()
            self.partial.unlink()
            return target

    def _target(self, n: int) -> Path:
        return self.runs_dir / f"{self.header.run_id}{'' if n == 1 else f'-{n}'}{SUFFIX}"

    def _failed(self, target: Path, e: OSError) -> DataError:
        return DataError(target, None, f"cannot publish the record: {e.strerror} (the finished record is kept "
                         f"as {self.partial})")

    def _publish_by_rename(self) -> Path:
        """Where hard links are not supported: an atomic rename to a free name, chosen under the
        results lock, which every publisher on such a file system takes, so none overwrites another."""
        with results_lock(self.runs_dir.parent):
            n = 1
            while os.path.lexists(self._target(n)):
                n += 1
            target = self._target(n)
            try:
                os.rename(self.partial, target)
            except OSError as e:
                raise self._failed(target, e) from None
        return target

    def abandon(self) -> None:
        """Leave the partial file for inspection but never publish it. Closing flushes, which fails
        again on a full disk: that must not hide the error that made the run abandon it."""
        if not self._fh.closed:
            try:
                self._fh.close()
            except OSError:
                pass


PARTIAL = ".partial"
# A partial file untouched for this long, and not locked by a writer, is from a dead run.
STALE_SECONDS = 3600.0


def _try_lock(fd: int) -> bool:
    """Take an exclusive lock without waiting; True when taken (or when the platform has no
    fcntl, where nothing is ever cleaned, see `clean_partials`)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def clean_partials(runs_dir: Path, older_than: float = STALE_SECONDS) -> list[Path]:
    """Delete the hidden partial files of dead runs; returns those deleted. A writer holds an
    exclusive lock on its partial for as long as it writes, and the lock dies with its process, so
    a partial is deleted only when its lock can be taken now (nobody writes it) and it was last
    modified more than `older_than` seconds ago (a fresh one may be between its creation and its
    lock, or kept for inspection after a failed run). Without fcntl nothing is deleted."""
    try:
        import fcntl  # noqa: F401
    except ImportError:  # pragma: no cover - Windows
        return []
    gone = []
    now = time.time()
    for path in Path(runs_dir).glob(f".*{PARTIAL}"):
        try:
            if now - path.stat().st_mtime < older_than:
                continue
            with open(path, "rb") as fh:
                if _try_lock(fh.fileno()):
                    path.unlink()
                    gone.append(path)
        except OSError:
            continue  # gone already, or not ours to touch: never fail a run over cleaning
    return gone


_MODELS: dict[str, type[RecordHeader | ResultLine | RecordFooter]] = {
    "header": RecordHeader, "result": ResultLine, "footer": RecordFooter}
_FIX = "delete or restore this record"


def _parse_line(raw: str, no: int, path: Path) -> RecordHeader | ResultLine | RecordFooter:
    try:
        data = loads_strict(raw, path, line=no)
    except json.JSONDecodeError as e:
        raise DataError(path, f"line {no}", f"corrupt record (not valid JSON: {e.msg}); delete or restore it") from None
    kind = data.get("kind") if isinstance(data, dict) else None
    model = _MODELS.get(str(kind))
    if model is None or (no == 1) != (kind == "header"):
        raise DataError(path, f"line {no}", f"unexpected record line kind {kind!r}; {_FIX}")
    if no == 1:
        _check_schema(data, path)
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise from_validation(e, path, f"line {no}", hint=_FIX) from None


def iter_record(path: Path) -> Iterator[RecordHeader | ResultLine | RecordFooter]:
    """Yield the typed lines of one record; a damaged line is a DataError naming file and line."""
    path = Path(path)
    try:
        fh = open(path, encoding="utf-8")
    except OSError as e:
        raise DataError(path, None, f"cannot read record: {e.strerror}") from None
    with fh:
        shape = RecordShape(path, _FIX)
        try:
            for no, raw in bounded_lines(fh, path):
                if raw.strip():
                    item = _parse_line(raw, no, path)
                    shape.check(item, no)
                    yield item
        except UnicodeDecodeError:
            raise DataError(path, None, "corrupt record (not UTF-8); delete or restore it") from None



def _check_schema(header: dict[str, Any], path: Path) -> None:
    version = header.get("schema_version")
    if version != SCHEMA_VERSION:
        raise DataError(path, "line 1, field schema_version",
                        f"record schema {version!r}, but this evalsum reads schema {SCHEMA_VERSION}; "
                        "run the systems again to get a new record, and delete this one")


def read_header(path: Path) -> RecordHeader:
    for item in iter_record(path):
        assert isinstance(item, RecordHeader)
        return item
    raise DataError(path, None, "empty record; delete it")


def load_record(path: Path) -> Record:
    """Materialise a whole record in memory (fine for normal runs; large ones use iter_record)."""
    header: RecordHeader | None = None
    by_system: dict[str, list[ClusterResult]] = {}
    clusters: dict[str, dict[str, str]] = {}
    footer: RecordFooter | None = None
    for item in iter_record(path):
        if isinstance(item, RecordHeader):
            header = item
            by_system = {s.name: [] for s in item.systems}
        elif isinstance(item, ResultLine):
            if item.system not in by_system:
                raise DataError(path, None, f"result for system {item.system!r} not in the header")
            by_system[item.system].append(item.result)
            clusters.setdefault(item.result.cluster_id, item.cluster_files)
        else:
            footer = item
    if header is None:
        raise DataError(path, None, "empty record; delete it")
    if footer is None:
        raise DataError(path, None, "record has no footer (the run did not finish); delete it")
    return Record(schema_version=header.schema_version, run_id=header.run_id, created=header.created,
                  signature=header.signature, key=header.key, provenance=header.provenance,
                  settings=header.settings, packages=header.packages,
                  clusters=dict(sorted(clusters.items())),
                  systems=[SystemRun(system=s, results=by_system[s.name]) for s in header.systems],
                  seconds=footer.seconds, shard=header.shard)


def record_paths(runs_dir: Path) -> list[Path]:
    """Published record files, oldest first (run ids start with a UTC timestamp)."""
    return list(scan_records(runs_dir))


def load_records(runs_dir: Path) -> list[Record]:
    return [load_record(p) for p in record_paths(runs_dir)]
