"""Style without models: off-topic sentences, redundancy and extractiveness.

- Off-topic: a summary sentence that the cleaning rules would drop as page furniture
  (`evalsum.text.is_boilerplate`), or whose content words are mostly absent from the cluster's
  cleaned sources (share found below `OFF_TOPIC_MIN_OVERLAP`).
- Redundancy: the highest Jaccard overlap of content-word sets between any two summary sentences;
  the same sentence twice gives 1.0.
- Extractiveness (Grusky et al., 2018, Newsroom): greedy extractive fragments F(A, S) shared by
  the article A and summary S; coverage = sum |f| / |S|, density = sum |f|^2 / |S|, compression =
  |A| / |S|. A is the concatenated cleaned sources and tokens are lowercase words. A fragment
  never spans two documents (a boundary token that matches nothing separates them), because the
  concatenation order is ours, not the writers'.
"""
from __future__ import annotations

import re
from array import array
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

import numpy as np

from evalsum.text import is_boilerplate

# Below this share of content words found in the sources, a sentence is about something else.
# "Negligible" on purpose: abstractive summaries use many words no source uses ("A Chinese balloon
# flew over the United States in early February 2023." shares 0.43), so the bar sits well below
# them. Measured on the bundled cluster (tests/test_style.py): 78 of the 97 related-story lines
# that cleaning drops from one page fall below it; every reference sentence scores 0.58 or more.
# Sentences taken from the sources score 1.0 by construction.
OFF_TOPIC_MIN_OVERLAP = 0.3

_WORD = re.compile(r"[a-z0-9]+(?:['’.\-][a-z0-9]+)*")


def lower_words(text: str) -> list[str]:
    """Lowercase words, keeping "canada's", "high-altitude" and "u.s" whole: one per written word."""
    return _WORD.findall(text.lower())


# ---------------------------------------------------------------- off-topic


@dataclass(frozen=True)
class OffTopic:
    sentence: int
    text: str
    reason: str
    overlap: float


def overlap(content: Sequence[str], vocabulary: AbstractSet[str]) -> float | None:
    """Share of a sentence's content tokens that occur in the sources; None when it has none."""
    return sum(t in vocabulary for t in content) / len(content) if content else None


def off_topic(sentences: Sequence[str], content: Sequence[Sequence[str]], vocabulary: AbstractSet[str],
              min_overlap: float = OFF_TOPIC_MIN_OVERLAP) -> list[OffTopic]:
    """Sentences that are page furniture or off the cluster's subject, with the reason."""
    out = []
    for i, (s, toks) in enumerate(zip(sentences, content, strict=False)):
        share = overlap(toks, vocabulary)
        why = is_boilerplate(s)
        if why is None and share is not None and share < min_overlap:
            why = f"content-word overlap with the sources {share:.2f} < {min_overlap:g}"
        if why is not None:
            out.append(OffTopic(sentence=i, text=s, reason=why, overlap=1.0 if share is None else share))
    return out


# ---------------------------------------------------------------- redundancy


@dataclass(frozen=True)
class Redundancy:
    score: float
    pair: tuple[int, int] | None


def redundancy(content: Sequence[Sequence[str]]) -> Redundancy:
    """Highest content-word Jaccard between two sentences, and which two (first pair on ties)."""
    sets = [frozenset(t) for t in content]
    best, pair = 0.0, None
    for i in range(len(sets)):
        for j in range(i + 1, len(sets)):
            union = sets[i] | sets[j]
            if union:
                score = len(sets[i] & sets[j]) / len(union)
                if score > best:
                    best, pair = score, (i, j)
    return Redundancy(score=best, pair=pair)


# ---------------------------------------------------------------- extractiveness


# A document boundary in `SourceText.ids`, and a summary word no source uses: neither equals any
# word's id (ids skip BOUNDARY), so a fragment never crosses a boundary and never takes in a new word.
BOUNDARY = 0xFFFF
UNSEEN = -2


@dataclass(frozen=True)
class SourceText:
    """The concatenated sources as word ids (BOUNDARY between documents) and each distinct word's
    id. Compact on purpose: an id is 2 bytes (4 once the sources hold 65,535 distinct words) in an
    array where a token was a Python string (about 55 bytes) and a position a Python int (36), so
    a 10 MB source holds about 3 MB of ids instead of about 140 MB. Positions are found per summary,
    for its own words only (`_positions`)."""

    ids: array[int]
    vocabulary: dict[str, int]
    length: int


def index_sources(documents: Iterable[Iterable[str]]) -> SourceText:
    """Index each document's cleaned sentences once per cluster, reading them one at a time."""
    ids: array[int] = array("H")
    vocabulary: dict[str, int] = {}
    for doc in documents:
        if ids:
            ids.append(BOUNDARY)
        for s in doc:
            for w in lower_words(s):
                k = vocabulary.get(w)
                if k is None:
                    k = len(vocabulary)
                    k = vocabulary[w] = k if k < BOUNDARY else k + 1
                    if k > BOUNDARY and ids.typecode == "H":
                        ids = array("i", ids)  # once, past 65,535 words: BOUNDARY keeps its value
                ids.append(k)
    return SourceText(ids, vocabulary, len(ids) - ids.count(BOUNDARY))


def _positions(source: SourceText, wanted: Iterable[int]) -> dict[int, memoryview]:
    """Where each wanted word id occurs in the sources, ascending: one vectorised scan per word
    (its temporaries are a mask of a byte per source word and the positions found), kept as
    4-byte integers that become Python ints only as they are read (a common word occurs in a
    tenth of a large source)."""
    ids = np.frombuffer(source.ids, dtype=source.ids.typecode) if len(source.ids) else np.zeros(0, dtype=np.intc)
    return {k: np.flatnonzero(ids == k).astype(np.intc).data for k in sorted(set(wanted))}


@dataclass(frozen=True)
class Fragment:
    summary: int
    source: int
    length: int


def fragments(summary: Sequence[str], source: SourceText) -> list[Fragment]:
    """Greedy extractive fragments, as Newsroom's `Fragments._match`: at each summary position
    take the longest shared run (the first one on ties), then continue after it. Words are
    compared by id; a summary word no source uses is UNSEEN, which equals no source id."""
    out: list[Fragment] = []
    toks, n, i = source.ids, len(summary), 0
    want = [source.vocabulary.get(w, UNSEEN) for w in summary]
    positions = _positions(source, (k for k in want if k >= 0))
    while i < n:
        best: Fragment | None = None
        resume = 0  # Newsroom skips source positions inside the last run it compared
        for p in positions.get(want[i], ()):
            if p < resume:
                continue
            k = 0
            while i + k < n and p + k < len(toks) and toks[p + k] == want[i + k]:
                k += 1
            if best is None or k > best.length:
                best = Fragment(i, p, k)
            resume = p + k
        if best is None:
            i += 1
        else:
            out.append(best)
            i += best.length
    return out


@dataclass(frozen=True)
class Extractiveness:
    coverage: float
    density: float
    compression: float
    fragments: list[Fragment]


def extractiveness(summary: Sequence[str], source: SourceText) -> Extractiveness:
    """Coverage, density and compression of summary tokens (`lower_words`) against the sources."""
    frags = fragments(summary, source)
    n = len(summary)
    if n == 0:
        return Extractiveness(0.0, 0.0, 0.0, [])
    return Extractiveness(coverage=sum(f.length for f in frags) / n, density=sum(f.length ** 2 for f in frags) / n,
                          compression=source.length / n, fragments=frags)
