"""Faithfulness and style checks composed into `ClusterScore.extra`.

Numbers go at the top level of `extra`, so the leaderboard averages them like any metric; the
items behind them (unsupported claims, off-topic sentences, the most redundant pair) go under
`extra["detail"]`, so a reader can see why a system scored as it did.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from evalsum.metrics import faithfulness, style
from evalsum.models import Prepared
from evalsum.text.normalise import Normaliser

NUMERIC = ("unsupported", "claims_checked", "off_topic", "redundancy", "coverage", "density", "compression")

# Pins the settings behind these numbers; part of the run signature.
SIGNATURE = (f"faith:lex-num+date+ent,offtopic:rules+overlap<{style.OFF_TOPIC_MIN_OVERLAP:g},"
             "redund:max-jaccard-content,extract:newsroom-lowerwords")


@dataclass(frozen=True)
class SourceGold:
    """A cluster's cleaned sources, indexed once for every faithfulness and style check."""

    facts: faithfulness.SourceFacts
    text: style.SourceText
    vocabulary: frozenset[str]


def prepare_sources(prepared: Prepared, norm: Normaliser) -> SourceGold:
    docs = [[s.text for s in d.sentences] for d in prepared.documents]
    return SourceGold(
        facts=faithfulness.index_sources([(d.date, texts) for d, texts in zip(prepared.documents, docs)], norm),
        text=style.index_sources(docs),
        vocabulary=frozenset(t for texts in docs for s in texts for t in norm.content_tokens(s)),
    )


def score(sentences: Sequence[str], gold: SourceGold, norm: Normaliser) -> dict[str, Any]:
    """Every faithfulness and style number for one summary, with the items behind them."""
    content = [norm.content_tokens(s) for s in sentences]
    unsupp = faithfulness.unsupported(sentences, gold.facts, norm)
    off = style.off_topic(sentences, content, gold.vocabulary)
    red = style.redundancy(content)
    ext = style.extractiveness(style.lower_words(" ".join(sentences)), gold.text)
    longest = max((f.length for f in ext.fragments), default=0)
    return {
        "unsupported": len(unsupp.items), "claims_checked": unsupp.checked, "off_topic": len(off),
        "redundancy": red.score, "coverage": ext.coverage, "density": ext.density, "compression": ext.compression,
        "detail": {
            "unsupported": [{"kind": c.kind, "text": c.text, "sentence": sentences[c.sentence]} for c in unsupp.items],
            "off_topic": [{"sentence": o.text, "reason": o.reason} for o in off],
            "redundant_pair": [sentences[i] for i in red.pair] if red.pair else [],
            "longest_fragment": longest,
        },
    }


def mean(per_author: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Leave-one-out rows: mean numbers, and every author's items tagged with the author."""
    k = len(per_author)
    out: dict[str, Any] = {m: sum(e[m] for e in per_author.values()) / k for m in NUMERIC}
    detail: dict[str, Any] = {"unsupported": [], "off_topic": [], "redundant_pair": [], "longest_fragment": 0}
    best = -1.0
    for author, e in per_author.items():
        d = e["detail"]
        detail["unsupported"] += [{**x, "author": author} for x in d["unsupported"]]
        detail["off_topic"] += [{**x, "author": author} for x in d["off_topic"]]
        detail["longest_fragment"] = max(detail["longest_fragment"], d["longest_fragment"])
        if e["redundancy"] > best:
            best, detail["redundant_pair"] = e["redundancy"], d["redundant_pair"]
    out["detail"] = detail
    return out
