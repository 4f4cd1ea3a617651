"""Reading and writing `results/baseline.json`, the committed file the CI gate compares against.

Written with sorted keys and a fixed indent (records.dumps) and atomically, so it diffs cleanly
in review and a crash never leaves half a baseline.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from evalsum.errors import DataError, from_validation
from evalsum.files import loads_strict, read_text, write_atomic
from evalsum.store.records import dumps

SCHEMA_VERSION = 2  # 2: rows are labels, with backend and code digest


class BaselineSystem(BaseModel):
    # strict: a string ("0.1"), true or null where a number belongs is an error, not a number
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)
    name: str = Field(description="the row label")
    backend: str = Field(description="the registry name the row was built from")
    version: str
    code: str = Field(description="digest of the backend's own code when blessed")
    options: dict[str, Any] = Field(description="output-affecting options (transport options are not kept)")
    uses_references: bool = False
    settings: dict[str, Any] = Field(description="the evaluation settings that change scores")
    clusters: dict[str, dict[str, float]] = Field(description="cluster id -> metric -> value")
    means: dict[str, float] = Field(description="exact means over the clusters above")


class Baseline(BaseModel):
    # strict: a string ("0.1"), true or null where a number belongs is an error, not a number
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)
    schema_version: int = SCHEMA_VERSION
    systems: dict[str, BaselineSystem]


def save_baseline(path: Path, baseline: Baseline) -> None:
    write_atomic(Path(path), dumps(baseline.model_dump(mode="json")))


def load_baseline(path: Path) -> Baseline:
    """The baseline at `path`; a missing or damaged file is one DataError naming it (exit 2)."""
    path = Path(path)
    text = read_text(path, what="baseline", hint="restore it from git or re-bless",
                     missing="baseline not found; create it with `evalsum run && evalsum bless`")
    try:
        data = loads_strict(text, path)
    except json.JSONDecodeError as e:
        raise DataError(path, f"line {e.lineno}",
                        f"corrupt baseline (not valid JSON: {e.msg}); restore it from git or re-bless") from None
    if not isinstance(data, dict):
        raise DataError(path, None, "corrupt baseline (expected a JSON object); restore it from git or re-bless")
    try:
        baseline = Baseline.model_validate(data)
    except ValidationError as e:
        raise from_validation(e, path, hint="restore it from git or re-bless") from None
    if baseline.schema_version != SCHEMA_VERSION:
        raise DataError(path, "field schema_version", f"baseline schema {baseline.schema_version} is not the "
                        f"supported {SCHEMA_VERSION}; re-bless with this evalsum")
    return baseline
