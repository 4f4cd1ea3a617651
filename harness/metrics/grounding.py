"""Which checklist items a long text states, reading it a chunk of sentences at a time.

`evalsum validate` checks every fact and probe against the sources. Tokenising a large source
whole (`facts.tokenise`) held a token string per word, many times the text's size; here each
chunk is tokenised, matched and dropped. The answer is what `facts.match` gives on the whole text:
- a sentence-scoped item is stated by its first sentence that states it, so the first chunk
  holding one decides;
- a summary-scoped item needs each of its groups somewhere in the text and no `unless` anywhere,
  so each group's first hit is kept, and an `unless` in any chunk settles it as unmatched.
`tests/test_grounding.py` checks the equality on random texts and chunk sizes.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import islice

from evalsum.metrics.facts import CompiledItem, explain, tokenise
from evalsum.text.normalise import Normaliser

CHUNK = 2000  # sentences tokenised at once: small next to a large source, large enough to be quick


@dataclass
class _Open:
    """One summary-scoped item's progress: the first hit of each group found so far."""

    item: CompiledItem
    hits: list[str | None] = field(default_factory=list)


def _chunks(sentences: Iterable[str], size: int) -> Iterator[list[str]]:
    it = iter(sentences)
    while chunk := list(islice(it, size)):
        yield chunk


def matches(items: Sequence[CompiledItem], sentences: Iterable[str], norm: Normaliser,
            chunk: int = CHUNK) -> dict[str, str | None]:
    """Item id -> `facts.match(item, tokenise(all sentences))`, computed chunk by chunk."""
    done: dict[str, str | None] = {}
    sentence_items = [i for i in items if i.scope == "sentence"]
    summary_items = [_Open(i, [None] * len(i.groups)) for i in items if i.scope != "sentence"]
    for part in _chunks(sentences, chunk):
        text = tokenise(part, norm)
        for item in sentence_items:
            if item.id not in done and (hit := explain(item, text).sentence) is not None:
                done[item.id] = hit
        for o in summary_items:
            if o.item.id in done:
                continue
            if o.item.unless and explain(replace(o.item, groups=()), text).veto is not None:
                done[o.item.id] = None  # an `unless` anywhere: never stated
                continue
            for k, g in enumerate(o.item.groups):
                if o.hits[k] is None:
                    o.hits[k] = explain(replace(o.item, groups=(g,), unless=()), text).sentence
    for item in sentence_items:
        done.setdefault(item.id, None)
    for o in summary_items:
        if o.item.id not in done:
            found = [h for h in o.hits if h is not None]
            done[o.item.id] = " / ".join(dict.fromkeys(found)) if len(found) == len(o.hits) else None
    return done
