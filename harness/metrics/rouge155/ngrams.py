"""The count-based units of ROUGE-1.5.5: n-grams and (with `-2 D`, `-u`) skip-bigrams. Both run over
the whole token sequence of a text, across line breaks."""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

Unit = tuple[str, ...]


def ngrams(tokens: Sequence[str], n: int) -> Counter[Unit]:
    """Every run of n tokens; a text with fewer than n tokens has none."""
    return Counter(tuple(tokens[i: i + n]) for i in range(len(tokens) - n + 1))


def skip_bigrams(tokens: Sequence[str], distance: int, unigrams: bool) -> Counter[Unit]:
    """Pairs (t[i], t[j]) with i < j <= i + distance + 1, plus t[i] itself with `-u`. Every position
    but the last starts units: the script gives the last token no unigram (probe-25, probe-26)."""
    out: Counter[Unit] = Counter()
    last = len(tokens) - 1
    for i in range(last):
        if unigrams:
            out[(tokens[i],)] += 1
        for j in range(i + 1, min(i + distance + 1, last) + 1):
            out[(tokens[i], tokens[j])] += 1
    return out


def hits(peer: Counter[Unit], model: Counter[Unit]) -> int:
    """Clipped matches: sum over the model's units of min(peer count, model count)."""
    small, large = (peer, model) if len(peer) < len(model) else (model, peer)
    return sum(min(c, large[u]) for u, c in small.items() if u in large)
