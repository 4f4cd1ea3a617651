"""Writes imported clusters into `references/`, all-or-nothing per cluster.

Two passes over the input keep memory flat: the first validates every cluster and checks ids
(duplicates, existing folders) without writing; the second writes each cluster into a staging
folder and renames it into place, so a reader never sees half a cluster. `force` replaces an
existing cluster folder; without it an existing one is an error and nothing is written.
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from evalsum.errors import DataError
from evalsum.files import replace_dir, write_atomic
from evalsum.gold.dataset import DatasetCluster, render

Items = Callable[[], Iterator[tuple[str, DatasetCluster]]]


@dataclass
class ImportReport:
    out: Path
    written: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def check(items: Items, out: Path, force: bool, source: object = "input") -> tuple[int, list[str]]:
    """Pass 1: validate everything; returns (count, ids that already exist). `source` names the
    input in the error for an input with no clusters at all."""
    seen: dict[str, str] = {}
    existing = []
    for where, cluster in items():
        if cluster.id in seen:
            raise DataError(where, None, f"duplicate cluster id {cluster.id!r} (first at {seen[cluster.id]})")
        seen[cluster.id] = where
        target = out / cluster.id
        if target.exists():
            if not force:
                raise DataError(target, None,
                                "cluster already exists; nothing was imported (pass --force to replace it)")
            existing.append(cluster.id)
    if not seen:
        raise DataError(source, None, "no clusters found")
    return len(seen), existing


def _write_files(folder: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        write_atomic(folder / rel, data.decode("utf-8"))  # rendered from str: decodes to the same bytes


def write_clusters(items: Items, out: Path, force: bool = False, source: object = "input") -> ImportReport:
    out = Path(out)
    _, existing = check(items, out, force, source)
    report = ImportReport(out=out, replaced=existing)
    staging = out / f".evalsum-import-{os.getpid()}"
    try:
        staging.mkdir(parents=True, exist_ok=False)
    except OSError as e:
        raise DataError(out, None, f"cannot write here: {e.strerror}") from None
    try:
        for _, cluster in items():
            tmp = staging / cluster.id
            _write_files(tmp, render(cluster))
            replace_dir(tmp, out / cluster.id)
            report.written.append(cluster.id)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return report
