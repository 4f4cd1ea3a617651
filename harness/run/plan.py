"""One run plan: everything a run needs, validated once, the same for the CLI and the Python API.

`evalsum run` builds a RunPlan from its flags; a notebook builds one by hand and passes it to
`evalsum.evaluate`. Either way `runner.run` executes it, so the two cannot drift apart.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from evalsum.gold import collection
from evalsum.metrics.engines import EngineChoice
from evalsum.models import Settings
from evalsum.run import shards
from evalsum.run.shards import Shard
from evalsum.run.timeout import DEFAULT_TIMEOUT


@dataclass(frozen=True)
class Paths:
    """Where gold data is read and results are written."""

    references: Path = Path("references")
    results: Path = Path("results")

    @property
    def runs(self) -> Path:
        return self.results / "runs"

    @property
    def cache(self) -> Path:
        return self.results / "cache"


class SystemSpec(BaseModel):
    """One system of a run: a registry backend, its options (validated by the backend's Options
    model when the run starts) and an optional row label (default: the backend's own label)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    backend: str = Field(min_length=1)
    options: dict[str, Any] = Field(default_factory=dict)
    label: str | None = Field(default=None, min_length=1)


class RunPlan(BaseModel):
    """What to run, on what, under which settings. Keyword-only and frozen.

    `systems` also accepts plain backend names (`systems=["lead3"]`). The clusters come from
    `paths.references`, or from the JSONL file `dataset` when given; `clusters` keeps only those
    ids and `shard` (a Shard or "i/n") only that shard's. `timeout` is seconds per summarise call
    (None: no limit).
    With `jobs` > 1 clusters go to worker processes; records are identical to `jobs=1`.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    systems: tuple[SystemSpec, ...] = Field(min_length=1)
    clusters: tuple[str, ...] | None = None
    dataset: Path | None = None
    shard: Shard | None = None
    settings: Settings = Field(default_factory=Settings)
    paths: Paths = Field(default_factory=Paths)
    use_cache: bool = True
    refresh_cache: bool = False
    timeout: float | None = Field(default=DEFAULT_TIMEOUT, gt=0)
    jobs: int = Field(default=1, ge=1)
    rouge_engine: EngineChoice = "auto"

    @field_validator("systems", mode="before")
    @classmethod
    def _names(cls, value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            return [SystemSpec(backend=v) if isinstance(v, str) else v for v in value]
        return value

    @field_validator("shard", mode="before")
    @classmethod
    def _shard(cls, value: Any) -> Any:
        return shards.parse(value) if isinstance(value, str) else value

    def source(self) -> collection.ClusterSource:
        """Where this plan's clusters come from."""
        if self.dataset is not None:
            return collection.DatasetSource(self.dataset)
        return collection.FolderSource(self.paths.references)
