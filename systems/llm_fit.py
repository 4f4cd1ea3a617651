"""Which source text goes into the prompt: every article shares the word allowance fairly.

A cut used to keep the first articles whole and drop the last ones; now the allowance is
water-filled: an article shorter than an equal share keeps all its words, and what it leaves is
split evenly among the longer ones, each cut at a sentence boundary. An article that would keep no
sentence is left out entirely (no empty "Article N:" header), and the record lists every article
that was cut or left out, by its position in the cluster.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from evalsum.models import Prepared
from evalsum.text import words


def fair_shares(lengths: list[int], total: int) -> list[int]:
    """Water-filling: shares summing to at most `total`, none above its length, the rest equal."""
    shares = [0] * len(lengths)
    left = max(0, total)
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], i))
    for k, i in enumerate(order):
        share = min(lengths[i], left // (len(order) - k))
        shares[i] = share
        left -= share
    return shares


@dataclass(frozen=True)
class Rendered:
    """The documents as prompt text, the source words in it, and what was cut."""

    text: str
    words: int
    cut: list[dict[str, Any]] = field(default_factory=list)


def render_documents(cluster: Prepared, max_words: int) -> Rendered:
    """The cleaned articles as numbered plain text, at most `max_words` source words in all."""
    per_doc = [[len(words(t)) for t in doc.sentences.texts()] for doc in cluster.documents]
    shares = fair_shares([sum(n) for n in per_doc], max_words)
    parts: list[str] = []
    cut: list[dict[str, Any]] = []
    used = 0
    for index, (doc, counts, share) in enumerate(zip(cluster.documents, per_doc, shares, strict=True), 1):
        kept, n = [], 0
        for text, c in zip(doc.sentences.texts(), counts, strict=True):
            if n + c > share:
                break
            kept.append(text)
            n += c
        if n < sum(counts):
            cut.append({"article": index, "kept_words": n, "words": sum(counts)})
        if not kept:
            continue
        used += n
        date = f", {doc.date.isoformat()}" if doc.date else ""
        parts.append(f"Article {len(parts) + 1}{date}:\n" + " ".join(kept))
    return Rendered(text="\n\n".join(parts), words=used, cut=cut)
