"""Strict JSON for what evalsum stores: NaN and Infinity are refused on the way in and out.

Python's json reads `NaN`, `Infinity` and `1e999` as floats and writes them back, so one such
value in a record or the baseline would flow into means and comparisons, where every comparison
with NaN is false: a gate would call every row "unchanged". Here a non-finite number is a
DataError naming the file, the line and the field; writing one is a ValueError (a bug).
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from evalsum.errors import DataError


class _NonFinite:
    """Stands in for a non-finite literal until the object holding it can name its field."""

    def __init__(self, text: str) -> None:
        self.text = text


def _constant(text: str) -> _NonFinite:
    return _NonFinite(text)


def _float(text: str) -> float | _NonFinite:
    value = float(text)
    return value if math.isfinite(value) else _NonFinite(text)


class NonFiniteNumber(ValueError):
    def __init__(self, field: str, text: str) -> None:
        self.field, self.text = field, text
        super().__init__(f"field {field}: {text} is not a finite number")


def _bad(value: Any) -> _NonFinite | None:
    if isinstance(value, _NonFinite):
        return value
    if isinstance(value, list):
        return next((v for v in value if isinstance(v, _NonFinite)), None)
    return None


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    for key, value in pairs:
        bad = _bad(value)
        if bad is not None:
            raise NonFiniteNumber(key, bad.text)
    return dict(pairs)


def loads(text: str, path: Path, where: str | None = None) -> Any:
    """Parse `text` (from `path`, at `where`, e.g. "line 3"); a non-finite number is one DataError
    naming its field. Other JSON errors propagate as json.JSONDecodeError for the caller's wording."""
    try:
        data = json.loads(text, parse_constant=_constant, parse_float=_float, object_pairs_hook=_pairs)
    except NonFiniteNumber as e:
        place = f"{where}, field {e.field}" if where else f"field {e.field}"
        raise DataError(path, place, f"{e.text} is not a finite number; evalsum stores finite numbers only "
                        "(restore the file, or run again)") from None
    if _bad(data) is not None:
        raise DataError(path, where, "a number that is not finite; evalsum stores finite numbers only")
    return data


def dumps(data: object, *, indent: int | None = None) -> str:
    """JSON with sorted keys that refuses NaN and Infinity (ValueError): they are never written."""
    return json.dumps(data, indent=indent, sort_keys=True, ensure_ascii=False, allow_nan=False)
