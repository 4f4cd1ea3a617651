"""Which records a results folder holds, oldest first, found with one directory read and one
`stat` per record: what every reader of the history starts from, so it is kept to an old
record's name and stamp (no `Path` is made for a record nobody opens)."""
from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import overload

SUFFIX = ".jsonl"
Stamp = tuple[int, int, int, int]  # size, mtime (ns), ctime (ns), inode: what identifies a published record


def _age(name: str, mtime_ns: int) -> tuple[str, int, int, str]:
    """Sort key, oldest first: the run id's UTC timestamp (whole seconds), then the time the file
    was finished, then the writer's collision suffix. Names alone misorder two runs in one second:
    their hashes are arbitrary, and `X-2.jsonl` sorts before `X.jsonl`."""
    stem = name[: -len(SUFFIX)]
    head, dash, tail = stem.rpartition("-")
    collision = int(tail) if dash and tail.isdigit() and "-" in head else 1
    return stem.split("-", 1)[0], mtime_ns, collision, name


class RecordFiles(Sequence[Path]):
    """The record files of one folder, oldest first, with the stamp of each that could be read
    (one that vanished or cannot be read has none: its reader says why)."""

    def __init__(self, runs_dir: Path, names: list[str], stamps: dict[str, Stamp]) -> None:
        self.runs_dir = Path(runs_dir)
        self.names = names
        self.stamps = stamps

    @overload
    def __getitem__(self, i: int) -> Path: ...

    @overload
    def __getitem__(self, i: slice) -> list[Path]: ...

    def __getitem__(self, i: int | slice) -> Path | list[Path]:
        if isinstance(i, slice):
            return [self.runs_dir / n for n in self.names[i]]
        return self.runs_dir / self.names[i]

    def __len__(self) -> int:
        return len(self.names)


def scan_records(runs_dir: Path) -> RecordFiles:
    """Published record files, oldest first (run ids start with a UTC timestamp), and their stamps."""
    stamps: dict[str, Stamp] = {}
    keys = []
    try:
        with os.scandir(runs_dir) as it:
            for entry in it:
                if entry.name.endswith(SUFFIX):
                    try:
                        st = entry.stat()
                    except OSError:
                        keys.append(_age(entry.name, 0))
                        continue
                    stamps[entry.name] = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
                    keys.append(_age(entry.name, st.st_mtime_ns))
    except OSError:  # no folder yet, or one that cannot be listed: no records (as a glob finds none)
        keys, stamps = [], {}
    keys.sort()
    return RecordFiles(runs_dir, [k[3] for k in keys], stamps)
