"""Pydantic types shared by every module: the boundary between gold data, backends and records.

Only types live here (one module per kind of data), so every other module can import them
without cycles; this package re-exports them so callers write `from evalsum.models import X`.
"""
from evalsum.models.base import Strict
from evalsum.models.gold import Checklist, Cluster, Document, Fact, PatternGroup, Probe, Reference
from evalsum.models.records import (
    SCHEMA_VERSION,
    ClusterResult,
    Failure,
    FailureKind,
    Record,
    RecordFooter,
    RecordHeader,
    ResultLine,
    RunMeta,
    SystemRun,
)
from evalsum.models.scores import (
    PRF,
    ClusterScore,
    Extractiveness,
    FactHit,
    FactScore,
    Faithfulness,
    OffTopicSentence,
    Quality,
    Style,
    UnsupportedClaim,
    Veto,
)
from evalsum.models.settings import ROUGE155_VARIANTS, ROUGE_SCORE_VARIANTS, RougeVariant, Settings
from evalsum.models.text import (
    Budget,
    BudgetedSummary,
    DroppedLine,
    Prepared,
    PreparedDocument,
    Sentence,
    Summary,
    SystemInfo,
)

__all__ = [
    "ROUGE155_VARIANTS",
    "ROUGE_SCORE_VARIANTS",
    "Budget",
    "BudgetedSummary",
    "Checklist",
    "Cluster",
    "ClusterResult",
    "ClusterScore",
    "Document",
    "DroppedLine",
    "Extractiveness",
    "Fact",
    "FactHit",
    "FactScore",
    "Failure",
    "FailureKind",
    "Faithfulness",
    "OffTopicSentence",
    "PRF",
    "PatternGroup",
    "Prepared",
    "PreparedDocument",
    "Probe",
    "Quality",
    "Record",
    "RecordFooter",
    "RecordHeader",
    "Reference",
    "ResultLine",
    "RougeVariant",
    "RunMeta",
    "SCHEMA_VERSION",
    "Sentence",
    "Settings",
    "Strict",
    "Style",
    "Summary",
    "SystemInfo",
    "SystemRun",
    "UnsupportedClaim",
    "Veto",
]
