"""Where a run's clusters come from: a `references/` folder or a JSONL dataset file.

Both list their cluster ids cheaply first (for the record header, `--cluster` and `--shard`),
then load the chosen clusters one at a time, so memory does not grow with the corpus.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

from evalsum.errors import DataError
from evalsum.gold import corpus, dataset
from evalsum.models import Cluster


class ClusterSource(Protocol):
    origin: Path

    def ids(self) -> list[str]:
        """Every cluster id, in run order."""
        ...

    def load(self, ids: Sequence[str]) -> Iterator[Cluster]:
        """The given clusters, in the given order, one at a time."""
        ...


class FolderSource:
    """`references/<id>/` folders, in folder-name order."""

    def __init__(self, root: Path) -> None:
        self.origin = Path(root)
        self._dirs: dict[str, Path] | None = None

    def _index(self) -> dict[str, Path]:
        if self._dirs is None:
            self._dirs = corpus.cluster_index(self.origin)
        return self._dirs

    def ids(self) -> list[str]:
        return list(self._index())

    def load(self, ids: Sequence[str]) -> Iterator[Cluster]:
        dirs = self._index()
        for cid in ids:
            yield corpus.load_cluster(dirs[cid])


class DatasetSource:
    """A JSONL dataset, in line order. Listing validates every line, so a bad line fails the run
    before any work starts; loading re-reads only the chosen lines."""

    def __init__(self, path: Path) -> None:
        self.origin = Path(path)
        self._where: dict[str, tuple[int, int]] | None = None

    def _index(self) -> dict[str, tuple[int, int]]:
        if self._where is None:
            found: dict[str, tuple[int, int]] = {}
            for no, offset, dc in dataset.iter_lines(self.origin):
                if dc.id in found:
                    raise DataError(self.origin, f"line {no}, field id",
                                    f"duplicate cluster id {dc.id!r} (also on line {found[dc.id][0]})")
                found[dc.id] = (no, offset)
            if not found:
                raise DataError(self.origin, None, "dataset has no clusters")
            self._where = found
        return self._where

    def ids(self) -> list[str]:
        return list(self._index())

    def load(self, ids: Sequence[str]) -> Iterator[Cluster]:
        where = self._index()
        for cid in ids:
            no, offset = where[cid]
            yield dataset.to_cluster(dataset.read_at(self.origin, offset, no), f"{self.origin}:line {no}")


def choose(source: ClusterSource, only: Sequence[str] | None) -> list[str]:
    """The ids a run covers: all of them in source order, or the `--cluster` ones sorted."""
    ids = source.ids()
    if not only:
        return ids
    known = set(ids)
    missing = sorted(set(only) - known)
    if missing:
        shown = ", ".join(sorted(known)[:20]) + (" ..." if len(known) > 20 else "")
        raise DataError(source.origin, None, f"unknown cluster {missing[0]!r}; available: {shown}")
    return sorted(set(only))
