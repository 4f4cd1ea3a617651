"""Pydantic types shared by every module: the boundary between gold data, backends and records.

Only types live here, so that every other module can import this one without cycles.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Strict(BaseModel):
    """Base for every model read from disk: unknown fields are an error, not a silent drop."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)  # finite numbers only (issue 16)


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


_PATTERNS = ("groups of alternative phrasings; every group must match (in one sentence, or anywhere with scope "
             "summary). A phrase matches normalised, stemmed words; `re:<regex>` matches the lowercased sentence")
_SCOPE = "sentence (default): all groups inside one summary sentence; summary: anywhere in the summary"
_UNLESS = "alternatives that veto a match in the sentence they occur in, e.g. a negation the cues miss"


class Fact(Strict):
    id: str = Field(description="unique within the checklist; names the fact in records and reports")
    statement: str = Field(description="the fact as one plain sentence, for people reading reports")
    patterns: list[PatternGroup] = Field(min_length=1, description=_PATTERNS)
    weight: float | None = Field(default=None, ge=0, description="overrides the default weight (the number of "
                                 "references that state the fact)")
    scope: Literal["sentence", "summary"] = Field(default="sentence", description=_SCOPE)
    unless: PatternGroup = Field(default_factory=list, description=_UNLESS)

    @field_validator("patterns")
    @classmethod
    def _groups_not_empty(cls, groups: list[PatternGroup]) -> list[PatternGroup]:
        for i, group in enumerate(groups):
            if not group or any(not alt.strip() for alt in group):
                raise ValueError(f"pattern group {i} is empty or holds an empty alternative")
        return groups


class Probe(Strict):
    id: str = Field(description="unique among the probes; names the contradiction in records and reports")
    statement: str = Field(description="the claim a good summary must not make, and why it is wrong")
    patterns: list[PatternGroup] = Field(min_length=1, description=_PATTERNS)
    external: bool = Field(default=False, description="true when no source states it (a tempting error); "
                           "validate then checks that no source sentence trips it")
    scope: Literal["sentence", "summary"] = Field(default="sentence", description=_SCOPE)
    unless: PatternGroup = Field(default_factory=list, description=_UNLESS)

    _check = field_validator("patterns")(Fact._groups_not_empty.__func__)  # type: ignore[attr-defined]


class Checklist(Strict):
    """checklist.yaml: the key facts a good summary states and the claims it must not make."""

    facts: list[Fact] = Field(default_factory=list, description="key facts, scored as weighted recall")
    probes: list[Probe] = Field(default_factory=list, description="contradiction probes: known errors and "
                                "tempting unsupported claims")

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
    name: str = Field(description="the row label: what the record, leaderboard and gate call this system")
    backend: str = Field(description="the registry name the system was built from")
    version: str
    options: dict[str, Any]
    uses_references: bool = False
    description: str = ""


class PRF(Strict):
    p: float
    r: float
    f: float


class FactHit(Strict):
    id: str
    weight: float
    sentence: str


class Veto(Strict):
    """A fact or probe whose patterns matched but which was not credited or fired, and why."""

    item: Literal["fact", "probe"]
    id: str
    reason: Literal["unless", "negation"]
    cue: str = Field(description="the `unless` alternative or the negation cue that matched")
    sentence: str


class FactScore(Strict):
    recall: float = Field(ge=0, le=1)
    total_weight: float
    hit_weight: float
    weights: dict[str, float] = Field(description="weight used for every fact, after defaults")
    ref_counts: dict[str, int] = Field(default_factory=dict, description="references stating each fact")
    hits: list[FactHit]
    contradictions: list[FactHit]
    vetoed: list[Veto] = Field(default_factory=list, description="matches not counted because they were negated")


class UnsupportedClaim(Strict):
    """A number, date or name the summary states and no cleaned source does."""

    kind: Literal["number", "date", "entity"]
    text: str
    sentence: str
    author: str | None = Field(default=None, description="the reference it comes from, in the human row")


class OffTopicSentence(Strict):
    sentence: str
    reason: str
    author: str | None = Field(default=None, description="the reference it comes from, in the human row")


class Faithfulness(Strict):
    """Counts are per summary; in the human row they are means over the references."""

    unsupported: float = Field(ge=0, description="claims no source states")
    claims_checked: float = Field(ge=0)
    items: list[UnsupportedClaim] = Field(default_factory=list)


class Style(Strict):
    off_topic: float = Field(ge=0, description="page furniture or off-subject sentences")
    redundancy: float = Field(ge=0, le=1, description="highest content-word Jaccard of two sentences")
    off_topic_items: list[OffTopicSentence] = Field(default_factory=list)
    redundant_pair: tuple[str, str] | None = Field(default=None, description="the two sentences behind redundancy")


class Extractiveness(Strict):
    """Newsroom's measures (Grusky et al., 2018) against the cluster's cleaned sources."""

    coverage: float = Field(ge=0)
    density: float = Field(ge=0)
    compression: float = Field(ge=0)
    longest_fragment: int = Field(ge=0, description="words in the longest copied run")


class Quality(Strict):
    faithfulness: Faithfulness
    style: Style
    extractiveness: Extractiveness


class ClusterScore(Strict):
    rouge: dict[str, PRF]
    facts: FactScore | None = None
    quality: Quality | None = Field(default=None, description="faithfulness, style, extractiveness; needs sources")
    leave_one_out: dict[str, ClusterScore] | None = Field(
        default=None, description="human row: each reference scored against the others; the fields above are means")


# Why a cluster failed, as a value rather than a message prefix: unavailable (the backend cannot
# run here at all: exit 3), backend (it failed on this cluster), timeout, data (bad gold or input
# data), bug (an unexpected exception: a defect in a backend or in evalsum).
FailureKind = Literal["unavailable", "backend", "timeout", "data", "bug"]


class Failure(Strict):
    kind: FailureKind
    message: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}"


class ClusterResult(Strict):
    cluster_id: str
    status: Literal["ok", "failed"]
    failure: Failure | None = None
    summary: BudgetedSummary | None = None
    scores: ClusterScore | None = None
    cached: bool = False
    seconds: float = 0.0


class SystemRun(Strict):
    system: SystemInfo
    results: list[ClusterResult]


class Settings(Strict):
    """Every setting that changes a score: all of it goes into the signature and the record."""

    budget: int = Field(default=100, gt=0)
    policy: Literal["pooled", "max", "mean"] = "pooled"
    stemmer: bool = True
    seed: int = 0


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
