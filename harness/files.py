"""Atomic file writes: a temp file in the same folder, fsync, then rename, so a reader (or a
crash) never sees half a file. A failed write names the file and says what to do; the earlier
version of the file, if any, is left as it was."""
from __future__ import annotations

import errno
import os
import shutil
import tempfile
from pathlib import Path

from evalsum.errors import DataError


def _umask() -> int:
    """The process umask (reading it means setting it, so set it straight back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


# What to do about the write failures a user can fix, after the system's own words.
HINTS = {
    errno.ENOSPC: "free some space and rerun",
    errno.EFBIG: "the file-size limit (ulimit -f) was reached",
    getattr(errno, "EDQUOT", -1): "the disk quota is used up",
    errno.EROFS: "the file system is read-only",
}


def describe(e: OSError) -> str:
    """An OSError in words for the one error line: the system's message, and a hint where one
    helps ("No space left on device; free some space and rerun")."""
    words = e.strerror or str(e)
    hint = HINTS.get(e.errno or 0)
    return f"{words}; {hint}" if hint else words


def write_atomic(path: Path, text: str) -> None:
    """Replace `path` with `text` (UTF-8, newlines as given) all at once, or not at all: a
    DataError naming the file (e.g. "results/leaderboard.json: cannot write: No space left on
    device; free some space and rerun") leaves any earlier version unchanged."""
    path = Path(path)
    data = memoryview(text.encode("utf-8"))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as e:
        raise DataError(path.parent, None, f"cannot write results here: {describe(e)}") from None
    try:
        try:
            while data:
                data = data[os.write(fd, data):]
            os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; others read results too
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise DataError(path, None, f"cannot write: {describe(e)}") from None


def replace_dir(staging: Path, target: Path) -> None:
    """Move a fully written folder into place: a reader sees the old folder or the new one, never
    a half-written one (an existing target is swapped out first, then removed)."""
    staging, target = Path(staging), Path(target)
    old = staging.with_name(staging.name + ".old")
    try:
        if target.exists():
            os.replace(target, old)
        os.replace(staging, target)
    except OSError as e:
        raise DataError(target, None, f"cannot write: {describe(e)}") from None
    if old.exists():
        shutil.rmtree(old)
