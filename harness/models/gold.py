"""Gold data: clusters, their sources, references and checklists."""
from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field, field_validator

from evalsum.models.base import Strict


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
    hand_made: bool = Field(default=False,
                            description="cluster.yaml `hand_made: true`: our annotation rules are errors")
