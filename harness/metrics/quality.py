"""Faithfulness, style and extractiveness composed into one typed `Quality` per summary.

The numbers sit next to the items behind them (unsupported claims, off-topic sentences, the most
redundant pair), so a reader can see why a system scored as it did. Every check reads the same
`Normalised` sentences: a summary sentence is normalised once per scoring call, a source
sentence once per cluster.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from evalsum.metrics import faithfulness, style
from evalsum.metrics.aggregate import mean as fmean
from evalsum.models import (
    Extractiveness,
    Faithfulness,
    OffTopicSentence,
    Prepared,
    PreparedDocument,
    Quality,
    Style,
    UnsupportedClaim,
)
from evalsum.text.normalise import Normalised, Normaliser

# Pins the settings behind these numbers; part of the run signature.
SIGNATURE = (f"faith:lex-num+date+ent,offtopic:rules+overlap<{style.OFF_TOPIC_MIN_OVERLAP:g},"
             "redund:max-jaccard-content,extract:newsroom-lowerwords")


@dataclass(frozen=True)
class SourceGold:
    """A cluster's cleaned sources, indexed once for every faithfulness and style check."""

    facts: faithfulness.SourceFacts
    text: style.SourceText
    vocabulary: AbstractSet[str]  # the set as built: a frozen copy would hold it twice at once


def prepare_sources(prepared: Prepared, norm: Normaliser) -> SourceGold:
    """Index the sources in one pass per index, analysing each sentence as it is read: no list of
    every analysed sentence is ever held, so memory stays near the size of the indexes."""
    vocabulary: set[str] = set()

    def analysed(doc: PreparedDocument) -> Iterator[Normalised]:
        for text in doc.sentences.texts():
            a = norm.analyse(text)
            vocabulary.update(a.content)
            yield a

    facts = faithfulness.index_sources((d.date, analysed(d)) for d in prepared.documents)
    text = style.index_sources(d.sentences.texts() for d in prepared.documents)
    return SourceGold(facts=facts, text=text, vocabulary=vocabulary)


def score(sentences: Sequence[Normalised], gold: SourceGold, norm: Normaliser) -> Quality:
    """Every faithfulness and style number for one summary, with the items behind them."""
    texts = [s.text for s in sentences]
    content = [s.content for s in sentences]
    unsupp = faithfulness.unsupported(sentences, gold.facts, norm)
    off = style.off_topic(texts, content, gold.vocabulary)
    red = style.redundancy(content)
    ext = style.extractiveness(style.lower_words(" ".join(texts)), gold.text)
    return Quality(
        faithfulness=Faithfulness(
            unsupported=len(unsupp.items), claims_checked=unsupp.checked,
            items=[UnsupportedClaim(kind=c.kind, text=c.text, sentence=texts[c.sentence]) for c in unsupp.items]),
        style=Style(off_topic=len(off), redundancy=red.score,
                    off_topic_items=[OffTopicSentence(sentence=o.text, reason=o.reason) for o in off],
                    redundant_pair=(texts[red.pair[0]], texts[red.pair[1]]) if red.pair else None),
        extractiveness=Extractiveness(coverage=ext.coverage, density=ext.density, compression=ext.compression,
                                      longest_fragment=max((f.length for f in ext.fragments), default=0)),
    )


def mean(per_author: dict[str, Quality]) -> Quality:
    """Leave-one-out rows: mean numbers, and every author's items tagged with the author."""
    qs = list(per_author.values())
    most = max(qs, key=lambda q: q.style.redundancy)  # the first on ties, as a strict > scan finds it
    return Quality(
        faithfulness=Faithfulness(
            unsupported=fmean([q.faithfulness.unsupported for q in qs]),
            claims_checked=fmean([q.faithfulness.claims_checked for q in qs]),
            items=[x.model_copy(update={"author": a}) for a, q in per_author.items() for x in q.faithfulness.items]),
        style=Style(
            off_topic=fmean([q.style.off_topic for q in qs]), redundancy=fmean([q.style.redundancy for q in qs]),
            off_topic_items=[x.model_copy(update={"author": a}) for a, q in per_author.items()
                             for x in q.style.off_topic_items],
            redundant_pair=most.style.redundant_pair),
        extractiveness=Extractiveness(
            coverage=fmean([q.extractiveness.coverage for q in qs]),
            density=fmean([q.extractiveness.density for q in qs]),
            compression=fmean([q.extractiveness.compression for q in qs]),
            longest_fragment=max(q.extractiveness.longest_fragment for q in qs)),
    )
