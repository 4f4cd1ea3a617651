"""Project configuration: the `[tool.evalsum]` table of pyproject.toml, or a TOML file given with
`--config`. Today it holds the CI gate's metrics and tolerances; everything has a default, so a
project without the table gets the gate described in the README.

    [tool.evalsum.gate.metrics]
    rouge2_f = { tolerance = 0.005 }
    contradictions = { tolerance = 0.0, better = "lower" }

A `metrics` table replaces the default set, so a metric can be dropped from the gate.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from evalsum.analysis.gate_config import GateConfig
from evalsum.errors import DataError, from_validation
from evalsum.files import read_text

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

PYPROJECT = Path("pyproject.toml")


class Config(BaseModel):
    """Everything under `[tool.evalsum]`; unknown keys are errors so a typo cannot switch a gate off."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    gate: GateConfig = Field(default_factory=GateConfig)


def _read_toml(path: Path) -> dict[str, Any]:
    text = read_text(path, what="config")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise DataError(path, None, f"TOML syntax error: {e}") from None


def parse_config(data: dict[str, Any], path: Path, prefix: str) -> Config:
    """Validate one `[tool.evalsum]`-shaped table; errors name the file and the dotted field."""
    if not isinstance(data, dict):
        raise DataError(path, f"field {prefix}" if prefix else None, "expected a table")
    try:
        return Config.model_validate(data)
    except ValidationError as e:
        raise from_validation(e, path, prefix=prefix) from None


def load_config(path: Path | None = None) -> Config:
    """`path` if given (a pyproject.toml, or a plain TOML file holding the evalsum table itself);
    otherwise ./pyproject.toml when it exists; otherwise the defaults."""
    if path is None:
        if not PYPROJECT.is_file():
            return Config()
        path = PYPROJECT
    else:
        path = Path(path)
        if not path.is_file():
            raise DataError(path, None, "config file not found")
    data = _read_toml(path)
    if "tool" in data or path.name == "pyproject.toml":
        tool = data.get("tool", {})
        section = tool.get("evalsum", {}) if isinstance(tool, dict) else {}
        return parse_config(section, path, "tool.evalsum")
    return parse_config(data, path, "")
