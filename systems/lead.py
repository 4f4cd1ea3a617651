"""Lead baselines: the first k prepared sentences of the lead document.

The lead document is the earliest dated one (undated documents last, ties broken by file name),
because the first report of a story usually carries its core. `lead=first-file` picks the first
file by name instead.
"""
from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from evalsum.contract import Summariser, SystemOptions
from evalsum.models import Budget, Prepared, PreparedDocument, Summary


class LeadOptions(SystemOptions):
    k: int = Field(default=3, ge=1, description="number of sentences")
    lead: Literal["earliest", "first-file"] = "earliest"


def lead_document(cluster: Prepared, rule: str) -> PreparedDocument:
    docs = [d for d in cluster.documents if d.sentences] or list(cluster.documents)
    if rule == "first-file":
        return min(docs, key=lambda d: d.id)
    return min(docs, key=lambda d: (d.date is None, d.date.isoformat() if d.date else "", d.id))


class LeadK(Summariser[LeadOptions]):
    name: ClassVar[str] = "lead-k"
    cacheable: ClassVar[bool] = False  # deterministic and as cheap as a cache read
    version: ClassVar[str] = "1"
    description: ClassVar[str] = "first k sentences of the lead (earliest dated) document"
    Options = LeadOptions

    def summarise(self, cluster: Prepared, budget: Budget) -> Summary:
        opts = self.options
        doc = lead_document(cluster, opts.lead)
        chosen = doc.sentences[: opts.k]
        return Summary(sentences=[s.text for s in chosen], provenance=[(s.doc_id, s.index) for s in chosen],
                       metadata={"lead_document": doc.id})


class Lead3(LeadK):
    name: ClassVar[str] = "lead3"
    description: ClassVar[str] = "lead-3: first three sentences of the lead (earliest dated) document"
