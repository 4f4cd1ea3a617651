"""Pydantic types shared by every module: the boundary between gold data, backends and records.

Only types live here, so that every other module can import this one without cycles.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class Strict(BaseModel):
    """Base for every model read from disk: unknown fields are an error, not a silent drop."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------- gold data


class Document(Strict):
    id: str
    path: str
    text: str = Field(description="verbatim file content, decoded as UTF-8")
    date: dt.date | None = None
    sha256: str


class Reference(Strict):
    author: str
    path: str
    text: str
    sha256: str

    @property
    def words(self) -> int:
        return len(self.text.split())


PatternGroup = list[str]


class Fact(Strict):
    id: str
    statement: str
    patterns: list[PatternGroup] = Field(min_length=1)
    weight: float | None = Field(default=None, ge=0)
    scope: Literal["sentence", "summary"] = "sentence"
    unless: PatternGroup = Field(default_factory=list, description="alternatives that veto a match in that sentence, e.g. a negation")

    @field_validator("patterns")
    @classmethod
    def _groups_not_empty(cls, groups: list[PatternGroup]) -> list[PatternGroup]:
        for i, group in enumerate(groups):
            if not group or any(not alt.strip() for alt in group):
                raise ValueError(f"pattern group {i} is empty or holds an empty alternative")
        return groups


class Probe(Strict):
    id: str
    statement: str
    patterns: list[PatternGroup] = Field(min_length=1)
    external: bool = Field(default=False, description="true when no source states it (a tempting error)")
    scope: Literal["sentence", "summary"] = "sentence"

    _check = field_validator("patterns")(Fact._groups_not_empty.__func__)  # type: ignore[attr-defined]


class Checklist(Strict):
    facts: list[Fact] = Field(default_factory=list)
    probes: list[Probe] = Field(default_factory=list)

    @field_validator("facts", "probes")
    @classmethod
    def _unique_ids(cls, items: list[Any]) -> list[Any]:
        seen: set[str] = set()
        for item in items:
            if item.id in seen:
                raise ValueError(f"duplicate id {item.id!r}")
            seen.add(item.id)
        return items


class Cluster(Strict):
    id: str
    title: str
    path: str
    documents: list[Document] = Field(min_length=1)
    references: list[Reference] = Field(default_factory=list)
    checklist: Checklist | None = None
    sha256: str = Field(description="hash of sources, references and checklist: part of cache keys")
    files: dict[str, str] = Field(default_factory=dict, description="every gold file -> sha256, checklist included")
    hand_made: bool = Field(default=False, description="cluster.yaml `hand_made: true`: our annotation rules are errors")


# ---------------------------------------------------------------- prepared text


class Sentence(Strict):
    text: str
    doc_id: str
    index: int = Field(description="position among the document's kept sentences")
    doc_date: dt.date | None = None


class DroppedLine(Strict):
    doc_id: str
    line: int = Field(description="1-based line number in the source file")
    text: str
    reason: str


class PreparedDocument(Strict):
    id: str
    date: dt.date | None
    sentences: list[Sentence]
    dropped: list[DroppedLine]


class Prepared(Strict):
    """A cluster after cleaning and sentence splitting: what every backend sees."""

    cluster_id: str
    title: str
    documents: list[PreparedDocument]

    @property
    def sentences(self) -> list[Sentence]:
        return [s for d in self.documents for s in d.sentences]


# ---------------------------------------------------------------- systems and summaries


class Budget(Strict):
    words: int = Field(default=100, gt=0)


class Summary(Strict):
    """What a backend returns. Provenance is (doc_id, index) per sentence for extractive systems."""

    sentences: list[str]
    provenance: list[tuple[str, int] | None] | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class BudgetedSummary(Strict):
    sentences: list[str]
    words: int
    original_words: int
    truncated: bool
    provenance: list[tuple[str, int] | None] | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class SystemInfo(Strict):
    name: str
    version: str
    options: dict[str, Any]
    uses_references: bool = False
    description: str = ""


# ---------------------------------------------------------------- scores


class PRF(Strict):
    p: float
    r: float
    f: float


class FactHit(Strict):
    id: str
    weight: float
    sentence: str


class FactScore(Strict):
    recall: float = Field(ge=0, le=1)
    total_weight: float
    hit_weight: float
    weights: dict[str, float] = Field(description="weight used for every fact, after defaults")
    ref_counts: dict[str, int] = Field(default_factory=dict, description="references stating each fact")
    hits: list[FactHit]
    contradictions: list[FactHit]


class ClusterScore(Strict):
    rouge: dict[str, PRF]
    facts: FactScore | None = None
    extra: dict[str, Any] = Field(default_factory=dict, description="faithfulness and style metrics")


class ClusterResult(Strict):
    cluster_id: str
    status: Literal["ok", "failed", "not_applicable"] = Field(description="not_applicable: the system cannot run on "
                                                                          "this cluster by design (human, 1 reference)")
    error: str | None = None
    summary: BudgetedSummary | None = None
    scores: ClusterScore | None = None
    cached: bool = False
    seconds: float = 0.0


class SystemRun(Strict):
    system: SystemInfo
    results: list[ClusterResult]


class RunMeta(Strict):
    """What identifies a run and pins its settings: shared by the header line and the whole record."""

    schema_version: int = 1
    run_id: str
    created: str
    signature: str
    settings: dict[str, Any]
    packages: dict[str, str]


class RecordHeader(RunMeta):
    """First line of a record file. Records are JSONL so runs of any size stream to and from disk."""

    kind: Literal["header"] = "header"
    systems: list[SystemInfo]
    shard: str | None = Field(default=None, description="i/n when this record is one shard of a run")
    cluster_order: list[str] | None = Field(default=None, description="a shard's whole run, in order: what merge rebuilds")


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


RougeVariant = Literal["rouge1", "rouge2", "rouge3", "rouge4", "rougeL", "rougeLsum", "rougeW", "rougeSU4"]
ROUGE_SCORE_VARIANTS: tuple[RougeVariant, ...] = ("rouge1", "rouge2", "rougeL", "rougeLsum")
# rouge155's rougeLsum is ROUGE-1.5.5's ROUGE-L: the union LCS over sentences, one per line.
ROUGE155_VARIANTS: tuple[RougeVariant, ...] = ("rouge1", "rouge2", "rouge3", "rouge4", "rougeLsum", "rougeW",
                                               "rougeSU4")


class Settings(Strict):
    """Every setting that changes a score: all of it goes into the signature and the record."""

    budget: int = Field(default=100, gt=0)
    policy: Literal["pooled", "max", "mean"] = "pooled"
    stemmer: bool = True
    seed: int = 0
    # ROUGE (issue 17). `rouge155` is the ROUGE-1.5.5 profile (evalsum.metrics.rouge155.profile).
    rouge: Literal["rouge-score", "rouge155"] = "rouge-score"
    cut_references: bool = Field(default=False, description="cut references to the budget too (1.5.5's -l)")
    rouge_variants: tuple[RougeVariant, ...] = Field(default=(), description="empty: the engine's default set")
    rouge_show: Literal["f", "r", "p"] = Field(default="f", description="which of F, R, P the run table prints")
    rouge_bytes: int | None = Field(default=None, gt=0, description="rouge155 only: -b N instead of -l")
    rouge_alpha: float = Field(default=0.5, ge=0, le=1, description="rouge155 only: -p ALPHA")
    jackknife: bool = Field(default=False, description="rouge155 only: mean over every n-1 reference subset")

    @model_validator(mode="after")
    def _rouge_fits_engine(self) -> Settings:
        allowed = ROUGE155_VARIANTS if self.rouge == "rouge155" else ROUGE_SCORE_VARIANTS
        bad = [v for v in self.rouge_variants if v not in allowed]
        if bad:
            raise ValueError(f"ROUGE variant(s) {', '.join(bad)} not available with rouge={self.rouge} "
                             f"(choose from {', '.join(allowed)})")
        if self.rouge != "rouge155" and (self.rouge_bytes is not None or self.jackknife or self.rouge_alpha != 0.5):
            raise ValueError("rouge_bytes, rouge_alpha and jackknife need rouge=rouge155")
        if self.rouge == "rouge155" and self.policy == "mean":
            raise ValueError("ROUGE-1.5.5 pools the references (-f A, policy pooled) or takes the best "
                             "(-f B, policy max)")
        return self
