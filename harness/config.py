"""The run file: what a team evaluates, in the `[tool.evalsum]` table of pyproject.toml or in a
TOML file given with `--config` (the same table at its top level).

    [tool.evalsum]
    references = "references"          # or: dataset = "data/clusters.jsonl"
    budget = 100
    policy = "pooled"

    [[tool.evalsum.systems]]
    backend = "lead-k"
    options = { k = 5 }                # label defaults to lead-k[k=5]

    [tool.evalsum.gate.metrics]
    rouge2_f = { tolerance = 0.005 }
    contradictions = { tolerance = 0.0, better = "lower" }

Why pyproject.toml: a Python project already has it, the gate settings already live there, and
TOML has no implicit typing (YAML would read `model = no` as false). Everything has a default, so
a project without the table gets the README's gate, and `evalsum run` then needs `-s` or `--all`.
A `metrics` table replaces the default set, so a metric can be dropped from the gate. Paths are
relative to the file that names them.
"""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from evalsum.analysis.gate_config import GateConfig
from evalsum.errors import DataError, UsageError, from_validation
from evalsum.files import MAX_INT_DIGITS, read_text
from evalsum.run import registry, variants
from evalsum.run.plan import SystemSpec

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

PYPROJECT = Path("pyproject.toml")
# A project that is not a Python package keeps the same table, at its top level, in evalsum.toml
# (what `evalsum init` writes); it is looked for first.
RUN_FILE = Path("evalsum.toml")


OptionValue = str | int | float | bool | list[str | int | float | bool]


class SystemEntry(BaseModel):
    """One system of the run file: a backend, its options, and optionally the row's label."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    backend: str = Field(min_length=1)
    label: str | None = None
    options: dict[str, OptionValue] = Field(default_factory=dict)

    @field_validator("options")
    @classmethod
    def _finite(cls, options: dict[str, OptionValue]) -> dict[str, OptionValue]:
        for key, value in options.items():
            for v in value if isinstance(value, list) else [value]:
                if isinstance(v, float) and not math.isfinite(v):
                    raise ValueError(f"option {key!r} must be a finite number, got {v}")
        return options


class Config(BaseModel):
    """Everything under `[tool.evalsum]`; unknown keys are errors so a typo cannot switch a gate off."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    references: str | None = Field(default=None, description="folder of clusters")
    dataset: str | None = Field(default=None, description="a JSONL dataset instead of a references folder")
    results: str | None = Field(default=None, description="folder for records, leaderboard, baseline and cache")
    budget: int | None = Field(default=None, gt=0, description="word budget enforced on every summary")
    policy: Literal["pooled", "max", "mean"] | None = Field(default=None, description="multi-reference ROUGE policy")
    systems: list[SystemEntry] = Field(default_factory=list, description="what `evalsum run` runs when no -s is given")
    gate: GateConfig = Field(default_factory=GateConfig)

    @model_validator(mode="after")
    def _one_data_source(self) -> Config:
        if self.references is not None and self.dataset is not None:
            raise ValueError("give `references` or `dataset`, not both")
        return self


def _read_toml(path: Path) -> dict[str, Any]:
    text = read_text(path, what="config")
    try:
        data: dict[str, Any] = tomllib.loads(text)
        return data
    except tomllib.TOMLDecodeError as e:
        raise DataError(path, None, f"TOML syntax error: {e}") from None
    except ValueError:  # tomllib's only other error: an integer longer than Python converts
        raise DataError(path, None, f"an integer of more than {MAX_INT_DIGITS} digits is too long") from None


def parse_config(data: dict[str, Any], path: Path, prefix: str) -> Config:
    """Validate one `[tool.evalsum]`-shaped table; errors name the file and the dotted field."""
    if not isinstance(data, dict):
        raise DataError(path, f"field {prefix}" if prefix else None, "expected a table")
    try:
        return Config.model_validate(data)
    except ValidationError as e:
        raise from_validation(e, path, prefix=prefix) from None


def config_path(path: Path | None = None) -> Path | None:
    """The file a run reads its configuration from: `path`, else ./evalsum.toml, else
    ./pyproject.toml, whichever is present first."""
    if path is not None:
        path = Path(path)
        if not path.is_file():
            raise DataError(path, None, "config file not found")
        return path
    return next((p for p in (RUN_FILE, PYPROJECT) if p.is_file()), None)


def table_prefix(path: Path) -> str:
    """The dotted key the evalsum table sits under in `path` (for error messages)."""
    return "tool.evalsum" if path.name == "pyproject.toml" else ""


def load_config(path: Path | None = None) -> Config:
    """`path` if given (a pyproject.toml, or a plain TOML file holding the evalsum table itself);
    otherwise ./pyproject.toml when it exists; otherwise the defaults."""
    found = config_path(path)
    if found is None:
        return Config()
    path = found
    data = _read_toml(path)
    if "tool" in data or path.name == "pyproject.toml":
        tool = data.get("tool", {})
        section = tool.get("evalsum", {}) if isinstance(tool, dict) else {}
        return parse_config(section, path, "tool.evalsum")
    return parse_config(data, path, "")


def where(path: Path, key: str) -> str:
    """`field tool.evalsum.KEY` (pyproject) or `field KEY` (a file of its own), for DataError."""
    prefix = table_prefix(path)
    return f"field {prefix}.{key}" if prefix else f"field {key}"


def run_specs(config: Config, path: Path) -> list[SystemSpec]:
    """The run file's systems, each checked now (backend known, options valid, label well formed, no entry twice),
    so an error names the file and the key (`tool.evalsum.systems.3.backend`), never a traceback."""
    out = []
    for i, entry in enumerate(config.systems):
        try:
            cls = registry.resolve(entry.backend)
        except UsageError as e:
            raise DataError(path, where(path, f"systems.{i}.backend"), str(e)) from None
        try:
            registry.parse_options(cls, dict(entry.options))
        except UsageError as e:
            raise DataError(path, where(path, f"systems.{i}.options"), str(e)) from None
        if entry.label is not None:
            try:
                variants.check_label(entry.label, "label")
            except UsageError as e:
                raise DataError(path, where(path, f"systems.{i}.label"), str(e)) from None
        out.append(SystemSpec(backend=entry.backend, label=entry.label, options=dict(entry.options)))
    seen: dict[str, int] = {}
    for i, entry in enumerate(config.systems):
        same = entry.label or f"{entry.backend} {json.dumps(entry.options, sort_keys=True)}"
        if same in seen:  # a copied entry: named here, with the file, rather than as "systems 1 and 3 of this run"
            what, fix = (f"label {entry.label!r}", "another label") if entry.label else \
                ("backend and options", "a label or different options")
            raise DataError(path, where(path, f"systems.{i}"), f"same {what} as systems.{seen[same]}; give one {fix}")
        seen[same] = i
    return out


def relative(path: Path, value: str | None) -> Path | None:
    """A path from the run file, relative to the file's folder."""
    if value is None:
        return None
    p = Path(value)
    return p if p.is_absolute() else path.parent / p
