"""One sentence of a prepared source, and one line cleaning dropped: the items a backend reads
from `PreparedDocument.sentences` and `.dropped` (stored packed, see `models.packed`)."""
from __future__ import annotations

import datetime as dt

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
