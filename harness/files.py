"""Atomic file writes: a temp file in the same folder, fsync, then rename, so a reader (or a
crash) never sees half a file."""
from __future__ import annotations

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


def read_text(path: Path, *, what: str = "", hint: str = "re-save the file as UTF-8",
              missing: str | None = None) -> str:
    """Strict UTF-8 (a BOM is allowed and dropped): a bad byte is an error naming its line, never a
    silent replacement character. `what` names the file in the messages ("config", "baseline");
    `missing`, when given, is the message for a file that does not exist."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as e:
        raise DataError(path, None, missing or f"cannot read{' ' + what if what else ''}: {e.strerror}") from None
    except OSError as e:
        raise DataError(path, None, f"cannot read{' ' + what if what else ''}: {e.strerror}") from None
    return decode(data, path, what=what, hint=hint)


def decode(data: bytes, path: object, *, what: str = "", hint: str = "re-save the file as UTF-8") -> str:
    """`read_text`'s strict decoding for bytes that did not come from a file (stdin); `path` names
    them in the message."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        kind = f"{what} is not" if what else "not"
        raise DataError(path, f"line {line}", f"{kind} valid UTF-8 (byte {e.start}); {hint}") from None


def write_atomic(path: Path, text: str) -> None:
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as e:
        raise DataError(path.parent, None, f"cannot write results here: {e.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
            os.fchmod(fh.fileno(), 0o666 & ~_umask())  # mkstemp makes 0600; others read results too
        os.replace(tmp, path)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise DataError(path, None, f"cannot write: {e.strerror}") from None


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
        raise DataError(target, None, f"cannot write: {e.strerror}") from None
    if old.exists():
        shutil.rmtree(old)
