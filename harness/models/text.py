"""A cluster after cleaning and sentence splitting, and a backend's summary of it."""
from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from evalsum.models.base import Strict


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
    options: dict[str, Any] = Field(description="the options that can change output")
    transport: dict[str, Any] = Field(default_factory=dict, description="transport-only options, for provenance")
    code: str = Field(default="", description="digest of the backend's own code (evalsum.run.identity)")
    uses_references: bool = False
    description: str = ""
