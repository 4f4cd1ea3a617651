"""Writes the views derived from the records: `LEADERBOARD.md` and `leaderboard.json`."""
from __future__ import annotations

import shlex
from collections.abc import Set as AbstractSet
from pathlib import Path

from evalsum.analysis import leaderboard, leaderboard_render
from evalsum.errors import DataError
from evalsum.files import write_atomic
from evalsum.models import RecordFooter
from evalsum.redact import Redactor, escape_controls
from evalsum.store import records
from evalsum.store.index import RecordIndex
from evalsum.store.lock import results_lock


def refresh_leaderboard(results: Path, exclude: AbstractSet[Path] = frozenset(), provenance: bool = False) -> Path:
    """Rebuild LEADERBOARD.md and leaderboard.json from the records alone, under the results
    lock so two runs finishing together cannot leave the older view last. Records are streamed,
    so memory does not grow with the number of clusters. `exclude`: records to leave out (the
    damaged ones, with `evalsum leaderboard --skip-damaged`). `provenance`: keep run ids in the
    JSON (left out by default, so identical inputs give identical files)."""
    results = Path(results)
    md = results / "LEADERBOARD.md"
    with results_lock(results):
        found = records.scan_records(results / "runs")
        paths = [p for p in found if p not in exclude] if exclude else found
        index = RecordIndex(results)  # read under the lock: only new or changed records are read in full
        try:
            board = leaderboard.build_from_paths(paths, provenance, index=index)
        except DataError as e:
            raise with_aside_hint(e) from None
        index.save()
        write_atomic(results / "leaderboard.json", records.dumps(board.model_dump(mode="json")))
        write_atomic(md, escape_controls(Redactor.from_environ().text(leaderboard_render.render_markdown(board))))
    return md


def with_aside_hint(e: DataError) -> DataError:
    """A damaged record blocks every refresh: say how to move it aside or rebuild without it."""
    if not e.path.endswith(records.SUFFIX):
        return e
    aside = shlex.quote(e.path + ".damaged")
    return DataError(e.path, e.where, f"{e.message}; move it aside with `mv {shlex.quote(e.path)} {aside}`, "
                     "or rebuild from the other records with `evalsum leaderboard --skip-damaged`")


def damaged_records(paths: list[Path]) -> list[DataError]:
    """Every record that cannot be read to its footer, with why (reads each one through)."""
    out = []
    for p in paths:
        try:
            footer = False
            for item in records.iter_record(p):
                footer = isinstance(item, RecordFooter)
            if not footer:
                raise DataError(p, None, "record has no footer (the run did not finish)")
        except DataError as e:
            out.append(e)
    return out
