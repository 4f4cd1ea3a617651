"""The small, typed views that `evalsum show` and `evalsum report` render.

Renderers (terminal, JSON, HTML, charts) read only these models, never records or scores: the one
module that turns records into views is `evalsum.analysis.views`, so when the record format
changes only that adapter changes.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class View(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------- one cluster (`show`)

MarkKind = Literal["fact", "probe", "unsupported", "off_topic"]


class Mark(View):
    """One audit mark on a summary sentence: a fact it states, a probe it trips, an unsupported
    item in it, or the reason it is off-topic."""

    kind: MarkKind
    label: str = Field(description="fact or probe id, the unsupported item's kind, or the off-topic reason")
    text: str = Field(default="", description="the marked span inside the sentence (unsupported items)")
    sentence: str = Field(default="", description="the sentence the mark belongs to")
    author: str | None = Field(default=None, description="human row: the reference the mark comes from")


class SentenceView(View):
    text: str
    marks: list[Mark]


class FactInfo(View):
    id: str
    statement: str
    weight: float | None = None
    refs: int | None = Field(default=None, description="references that state the fact")


class ProbeInfo(View):
    id: str
    statement: str


class ReferenceView(View):
    author: str
    text: str
    words: int


class SummaryView(View):
    """One system's summary of one cluster with every mark, from that system's latest run of it."""

    system: str
    uses_references: bool
    run_id: str
    status: Literal["ok", "failed"]
    failure: str | None = None
    words: int | None = None
    truncated: bool = False
    note: str | None = Field(default=None, description="what the shown text is, when the system says (human row)")
    sentences: list[SentenceView] = Field(default_factory=list)
    elsewhere: list[Mark] = Field(default_factory=list, description="marks on text not shown (other references)")
    checklist: bool = Field(default=False, description="false when the cluster has no checklist")
    facts_hit: list[str] = Field(default_factory=list)
    probes_hit: list[str] = Field(default_factory=list)
    scores: dict[str, float] = Field(default_factory=dict, description="rouge1_f, rouge2_f, rougeLsum_f, facts, ...")


class ClusterView(View):
    cluster_id: str
    title: str | None = None
    gold: bool = Field(description="false when the cluster's gold data was not available")
    references: list[ReferenceView] = Field(default_factory=list)
    facts: list[FactInfo] = Field(default_factory=list)
    probes: list[ProbeInfo] = Field(default_factory=list)
    summaries: list[SummaryView] = Field(default_factory=list)


# ---------------------------------------------------------------- the whole board (`report`)


class Cell(View):
    mean: float | None = None
    low: float | None = None
    high: float | None = None


class Column(View):
    key: str
    label: str
    scale: float = 100.0
    digits: int = 1


class RowView(View):
    position: int | None = Field(default=None, description="place in its table's order")
    group: int | None = Field(default=None, description="rank group, when the leaderboard gives one")
    system: str
    ceiling: bool = Field(description="reads the references (oracle, human): not a deployable system")
    clusters: int
    failed: int
    run_id: str
    cells: dict[str, Cell]


class TableView(View):
    title: str
    note: str
    rows: list[RowView]


class SystemPoint(View):
    """A system's means for the charts."""

    system: str
    ceiling: bool
    metrics: dict[str, Cell]


class Heatmap(View):
    """Systems x facts: the share of a system's scored clusters whose summary states the fact."""

    systems: list[str]
    ceilings: list[bool] = Field(description="per system: reads the references")
    facts: list[str]
    rates: list[list[float | None]] = Field(description="rates[system][fact], None when never scored")
    shown_of: int = Field(description="how many facts there are in all (the heatmap shows at most a cap)")


class ReportView(View):
    columns: list[Column]
    tables: list[TableView]
    signatures: list[str]
    interval_note: str
    points: list[SystemPoint]
    heatmap: Heatmap
    clusters: list[ClusterView]
    clusters_total: int
