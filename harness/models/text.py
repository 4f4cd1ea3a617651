"""A cluster after cleaning and sentence splitting, and a backend's summary of it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field, model_validator

from evalsum.models.base import Strict
from evalsum.models.packed import DroppedLines, FlatSentences, SentenceList
from evalsum.models.text_items import DroppedLine, Sentence

__all__ = ["Budget", "BudgetedSummary", "DroppedLine", "DroppedLines", "FlatSentences", "Prepared",
           "PreparedDocument", "Sentence", "SentenceList", "Summary", "SystemInfo"]


class PreparedDocument(Strict):
    """One cleaned, split source. `sentences` and `dropped` are read-only sequences of models,
    stored packed (see `models.packed`); a plain list of models is accepted and packed."""

    id: str
    date: dt.date | None
    sentences: SentenceList
    dropped: DroppedLines

    @model_validator(mode="after")
    def _own(self) -> PreparedDocument:
        if self.sentences and (self.sentences.doc_id, self.sentences.date) != (self.id, self.date):
            raise ValueError(f"the sentences are of document {self.sentences.doc_id!r} dated "
                             f"{self.sentences.date}, not of {self.id!r} dated {self.date}")
        if self.dropped and self.dropped.doc_id != self.id:
            raise ValueError(f"the dropped lines are of document {self.dropped.doc_id!r}, not of {self.id!r}")
        return self


class Prepared(Strict):
    """A cluster after cleaning and sentence splitting: what every backend sees."""

    cluster_id: str
    title: str
    documents: list[PreparedDocument]

    @property
    def sentences(self) -> FlatSentences:
        """Every document's sentences in order, as one read-only sequence (built lazily)."""
        return FlatSentences([d.sentences for d in self.documents])


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
