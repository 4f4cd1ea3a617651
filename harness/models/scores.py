"""Scores of one summary: ROUGE, facts with their audit trail, faithfulness and style."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from evalsum.models.base import Strict


class PRF(Strict):
    """Precision, recall and F of one ROUGE variant: each in [0, 1], checked on the way in, so a
    hand-edited record cannot claim an F of 2 (or 1e300) and pass the gate as an improvement."""

    p: float = Field(ge=0, le=1)
    r: float = Field(ge=0, le=1)
    f: float = Field(ge=0, le=1)


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
