"""The leaderboard's per-system detail: the items behind the faithfulness and style numbers
(unsupported claims, off-topic sentences, contradiction hits), so a reader sees why a system
scored as it did. Derived from records alone, like the rest of the leaderboard."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from evalsum.models import ClusterResult, FactHit, OffTopicSentence, Quality, UnsupportedClaim
from evalsum.text.markdown import cell

SHOW_REDUNDANCY_FROM = 0.5  # the most similar pair is listed when it overlaps at least this much


class RowDetails(BaseModel):
    """What stands behind one leaderboard row, per cluster id."""

    model_config = ConfigDict(extra="forbid")
    fact_hits: dict[str, list[str]] = Field(default_factory=dict, description="facts stated, if it has a checklist")
    failures: dict[str, str | None] = Field(default_factory=dict, description="why a cluster failed")
    contradictions: dict[str, list[FactHit]] = Field(default_factory=dict, description="probes tripped")
    quality: dict[str, Quality] = Field(default_factory=dict, description="capped at DETAIL_CLUSTERS clusters")
    quality_omitted: int = Field(default=0, description="clusters left out of `quality` by the cap")


class _Row(Protocol):
    system: str
    uses_references: bool
    details: RowDetails


def quality_details(results: Sequence[ClusterResult]) -> dict[str, Quality]:
    """Per cluster that succeeded: its faithfulness and style figures and the items behind them."""
    return {r.cluster_id: r.scores.quality for r in results
            if r.status == "ok" and r.scores is not None and r.scores.quality is not None}


def _clip(text: str, n: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _who(item: UnsupportedClaim | OffTopicSentence) -> str:
    return f" [{item.author}]" if item.author is not None else ""


def _cluster_lines(cluster: str, q: Quality, contradictions: list[FactHit] | None) -> list[str]:
    f, s, e = q.faithfulness, q.style, q.extractiveness
    head = (f"**{cluster}**: {f.unsupported:g} of {f.claims_checked:g} claims unsupported; "
            f"coverage {e.coverage:.2f}, density {e.density:.1f}, "
            f"compression {e.compression:.1f}, redundancy {s.redundancy:.2f}")
    unsupp = [f"{u.kind} “{u.text}”{_who(u)}" for u in f.items]
    lines = [head, "", "- Unsupported: " + ("; ".join(unsupp) if unsupp else "none")]
    off = [f"“{_clip(o.sentence)}” ({o.reason}){_who(o)}" for o in s.off_topic_items]
    lines.append("- Off-topic: " + ("; ".join(off) if off else "none"))
    if contradictions is None:
        lines.append("- Contradictions: no checklist")
    else:
        hits = [f"{h.id}: “{_clip(h.sentence)}”" for h in contradictions]
        lines.append("- Contradictions: " + ("; ".join(hits) if hits else "none"))
    if s.redundant_pair is not None and s.redundancy >= SHOW_REDUNDANCY_FROM:
        a, b = s.redundant_pair
        lines.append(f"- Most similar sentences: “{_clip(a, 100)}” / “{_clip(b, 100)}”")
    return lines + [""]


def render_details(rows: Sequence[_Row]) -> list[str]:
    """Markdown lines of the detail section (none when no record has these metrics)."""
    if not any(r.details.quality for r in rows):
        return []
    out = ["", "## Why: details by system", "",
           "Unsupported = numbers, dates and names that no cleaned source states (after normalising",
           "\"U.S.\" = \"United States\", \"Feb. 3\" = \"3 February\", \"two\" = \"2\"). Off-topic = sentences the",
           "cleaning rules drop as page furniture, or that share too few content words with the sources.",
           "Contradictions = checklist probes the summary trips. [author] marks a reference in the human row.", ""]
    for r in rows:
        d = r.details
        if not d.quality:
            continue
        out += [f"### {cell(r.system)}{' †' if r.uses_references else ''}", ""]
        for cluster in sorted(d.quality):
            contra = d.contradictions.get(cluster, []) if cluster in d.fact_hits else None
            out += _cluster_lines(cluster, d.quality[cluster], contra)
        if d.quality_omitted:
            out += [f"... and {d.quality_omitted} more clusters (their details are in the record).", ""]
    while out and out[-1] == "":
        out.pop()
    return out
