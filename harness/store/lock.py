"""An exclusive lock on a results folder, so two runs at once cannot interleave a leaderboard refresh.

Records need no lock: each run streams to its own hidden partial file and publishes it with a
hard link that never overwrites another record. The leaderboard is different: it is derived from
all records, so two refreshes racing could leave the older view last. Refreshing under
`results/.lock` makes the last refresh see every record published before it started.

On platforms without `fcntl` (Windows) the lock is a no-op: files are still written atomically,
so the worst case is a stale leaderboard that the next `evalsum leaderboard` fixes.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from evalsum.errors import DataError

LOCK_NAME = ".lock"


@contextmanager
def results_lock(results: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock on `results/.lock` for the duration of the block."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    path = Path(results) / LOCK_NAME
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(path, "a", encoding="utf-8")
    except OSError as e:
        raise DataError(path.parent, None, f"cannot write results here: {e.strerror}") from None
    with fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
