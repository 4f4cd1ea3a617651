"""Atomic file writes and strict JSON.

Writes go to a temp file in the same folder, fsync, then rename, so a reader (or a crash) never
sees half a file; a failed write names the file and says what to do, and the earlier version of
the file, if any, is left as it was. JSON is read and written without NaN or Infinity (see
`loads_strict`)."""
from __future__ import annotations

import errno
import json
import math
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, AnyStr, BinaryIO

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
    return decode(read_bytes(path, what=what, missing=missing), path, what=what, hint=hint)


# The most evalsum reads from one file, stream or line: a source, a dataset line, a summary on
# stdin. Far above any news text (a 50 MB source runs in about 3.5x its size of memory), and
# small enough that a mistaken or hostile input (a disk image given as a source, an endless pipe)
# is one clear error instead of memory running out.
MAX_READ_BYTES = 256 * 2**20


def _limit(limit: int | None) -> int:
    return MAX_READ_BYTES if limit is None else limit  # read at call time, so a test can lower it


def too_large(path: object, where: str | None = None, limit: int | None = None) -> DataError:
    size = _limit(limit)
    shown = f"{size // 2**20} MB" if size >= 2**20 else f"{size} bytes"
    return DataError(path, where, f"longer than the {shown} evalsum reads from one file, line or stream; split it")


def read_bytes(path: Path, *, what: str = "", missing: str | None = None, limit: int | None = None) -> bytes:
    """A file's bytes, at most `limit` of them, or a DataError naming it: for a caller that hashes
    and decodes the same bytes, so a large file is read once (and hashed as decoded, even if it
    changes meanwhile)."""
    path, limit = Path(path), _limit(limit)
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except FileNotFoundError as e:
        raise DataError(path, None, missing or f"cannot read{' ' + what if what else ''}: {e.strerror}") from None
    except OSError as e:
        raise DataError(path, None, f"cannot read{' ' + what if what else ''}: {e.strerror}") from None
    if len(data) > limit:
        raise too_large(path, limit=limit)
    return data


def read_stream(stream: BinaryIO, name: object, limit: int | None = None) -> bytes:
    """All of a stream (stdin), at most `limit` bytes."""
    limit = _limit(limit)
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise too_large(name, limit=limit)
    return data


def bounded_lines(fh: IO[AnyStr], path: object, limit: int | None = None) -> Iterator[tuple[int, AnyStr]]:
    """(line number, line) of a file read line by line, each at most `limit` characters (or bytes):
    a file of any length streams, but one endless line is an error naming it."""
    no, limit = 0, _limit(limit)
    while True:
        raw = fh.readline(limit + 1)
        if not raw:
            return
        no += 1
        if len(raw) > limit:
            raise too_large(path, f"line {no}", limit)
        yield no, raw


def decode(data: bytes, path: object, *, what: str = "", hint: str = "re-save the file as UTF-8") -> str:
    """`read_text`'s strict decoding for bytes that did not come from a file (stdin); `path` names
    them in the message."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        kind = f"{what} is not" if what else "not"
        raise DataError(path, f"line {line}", f"{kind} valid UTF-8 (byte {e.start}); {hint}") from None
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


# ---------------------------------------------------------------- strict JSON
#
# Python's json module reads NaN, Infinity and -Infinity (and 1e999 as inf) and writes them back,
# none of it JSON. One NaN in a baseline made every gate row "unchanged". So every JSON evalsum
# reads or writes goes through these two: a number that is not finite is one DataError naming
# the file, the line (for JSON Lines) and the field.

MAX_INT_DIGITS = 4_300  # CPython's own int-parsing limit, reported here as a DataError


class _Bad:
    """Stands in, while parsing, for a value that is refused; found afterwards with its field."""

    __slots__ = ("why",)

    def __init__(self, why: str) -> None:
        self.why = why


def _float(token: str) -> float | _Bad:
    value = float(token)
    return value if math.isfinite(value) else _Bad(f"{token} is out of range (numbers must be finite)")


def _int(token: str) -> int | _Bad:
    if len(token.lstrip("-")) > MAX_INT_DIGITS:
        return _Bad(f"an integer of {len(token)} digits is too long")
    return int(token)


def _constant(token: str) -> _Bad:
    return _Bad(f"{token} is not a number evalsum accepts (numbers must be finite)")


# `"\udcff"` is valid JSON but not Unicode text: it cannot be written back as UTF-8, so it is
# refused on the way in, like a duplicate key (Python's json silently keeps the last one).
_SURROGATE = re.compile("[\ud800-\udfff]")
_NOT_TEXT = "holds a lone surrogate escape (such as \\udcff), which is not Unicode text"


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for k, _ in pairs:
            if k in seen:
                out[k] = _Bad(f"duplicate key {k!r} (each key may appear once per object)")
            seen.add(k)
    for k in out:
        if _SURROGATE.search(k):
            out[k] = _Bad(f"a key {_NOT_TEXT}")
    return out


def _refused(value: Any) -> bool:
    if isinstance(value, str):
        return _SURROGATE.search(value) is not None
    return isinstance(value, _Bad)


def loads_strict(text: str | bytes, path: object = "<json>", line: int | None = None) -> Any:
    """json.loads, refusing NaN, Infinity, numbers that overflow, absurdly long integers,
    duplicate keys and lone surrogate escapes with a DataError at `path` ("line 3, field
    result.rouge.0"). Syntax errors stay json.JSONDecodeError, for the caller to word as it does."""
    where = f"line {line}" if line is not None else None
    try:
        data = json.loads(text, parse_float=_float, parse_int=_int, parse_constant=_constant,
                          object_pairs_hook=_pairs)
    except RecursionError:
        raise DataError(path, where, "JSON nested too deeply") from None
    found = _first(data, _refused)
    if found is not None and isinstance(found[1], str):
        raise DataError(path, _at(where, found[0]), f"the text {_NOT_TEXT}")
    if found is not None:
        field, bad = found
        raise DataError(path, _at(where, field), bad.why)
    return data


def dumps_strict(data: Any, path: object = "<json>", **options: Any) -> str:
    """json.dumps that never writes NaN or Infinity: a non-finite number is a DataError naming
    the field. Options go to json.dumps (allow_nan is always False)."""
    found = _first(data, lambda v: isinstance(v, float) and not math.isfinite(v))
    if found is not None:
        field, bad = found
        raise DataError(path, _at(None, field), f"cannot write {bad!r}: numbers must be finite")
    options.pop("allow_nan", None)
    return json.dumps(data, allow_nan=False, **options)


def _at(where: str | None, field: str) -> str | None:
    if not field:
        return where
    return f"{where}, field {field}" if where else f"field {field}"


def _first(data: Any, test: Callable[[Any], bool]) -> tuple[str, Any] | None:
    """The first value (depth first, in order) that passes `test`, with its dotted field path.
    Iterative, so deep nesting cannot exhaust the stack."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        field, value = stack.pop()
        if test(value):
            return field, value
        if isinstance(value, dict):
            items = [(f"{field}.{k}" if field else str(k), v) for k, v in value.items()]
        elif isinstance(value, (list, tuple)):
            items = [(f"{field}.{i}" if field else str(i), v) for i, v in enumerate(value)]
        else:
            continue
        stack.extend(reversed(items))
    return None
