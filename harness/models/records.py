"""Records: one run's results, streamed to disk as JSONL (header, result lines, footer)."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from evalsum.models.base import Strict
from evalsum.models.scores import ClusterScore
from evalsum.models.settings import Settings
from evalsum.models.text import BudgetedSummary, SystemInfo

FailureKind = Literal["unavailable", "backend", "timeout", "data", "bug"]


class Failure(Strict):
    kind: FailureKind
    message: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}"


class ClusterResult(Strict):
    cluster_id: str
    status: Literal["ok", "failed", "not_applicable"] = Field(description="not_applicable: the system cannot run on "
                                                                          "this cluster by design (human, 1 reference)")
    failure: Failure | None = None
    summary: BudgetedSummary | None = None
    scores: ClusterScore | None = None
    cached: bool = False
    seconds: float = 0.0


class SystemRun(Strict):
    system: SystemInfo
    results: list[ClusterResult]


# Version 2: failures are typed (`failure`, was `error`), settings are the Settings model, and each
# system names its registry backend. Older records are refused with a line saying to re-run.
SCHEMA_VERSION = 2


class RunMeta(Strict):
    """What identifies a run and pins its settings: shared by the header line and the whole record."""

    schema_version: int = SCHEMA_VERSION
    run_id: str
    created: str
    signature: str
    settings: Settings
    packages: dict[str, str]
    key: str | None = Field(default=None, description="settings part of the comparability key (metrics.signature)")
    provenance: str | None = Field(default=None, description="engine, package versions, seed: never splits a table")


class RecordHeader(RunMeta):
    """First line of a record file. Records are JSONL so runs of any size stream to and from disk."""

    kind: Literal["header"] = "header"
    systems: list[SystemInfo]
    shard: str | None = Field(default=None, description="i/n when this record is one shard of a run")
    cluster_order: list[str] | None = Field(default=None,
                                            description="a shard's whole run, in order: what merge rebuilds")


class ResultLine(Strict):
    kind: Literal["result"] = "result"
    system: str
    cluster_files: dict[str, str] = Field(default_factory=dict, description="gold file path -> sha256")
    result: ClusterResult


class RecordFooter(Strict):
    kind: Literal["footer"] = "footer"
    results: int
    seconds: float = 0.0


class Record(RunMeta):
    """A whole run in memory (header, results grouped by system, footer): for notebooks and tests.
    On disk a record is JSONL (RecordHeader, ResultLine..., RecordFooter) and is read streaming."""

    clusters: dict[str, dict[str, str]] = Field(description="cluster id -> file path -> sha256")
    systems: list[SystemRun]
    seconds: float = 0.0
    shard: str | None = Field(default=None, description="i/n when this record is one shard of a run")
