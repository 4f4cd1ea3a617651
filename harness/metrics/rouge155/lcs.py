"""ROUGE-L and ROUGE-W hits as ROUGE-1.5.5 counts them: a union LCS of each model sentence against
every peer sentence, its marked model positions clipped by the unigram counts of both whole texts.

The walk back through the table fixes which positions are marked, and with it the score: on equal
tokens step diagonally; otherwise drop the model token when the cell above is >= the cell on the
left.

A run of tokens that occurs nowhere in the other sentence is collapsed to one placeholder before the
table is built. That is exact, for the weighted table too: the first such row (column) is the
prefix maximum of the one before and resets the run length; every further one repeats it, and the
walk back passes through repeats with the same decisions. Same marks, a fraction of the work."""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

_GAP = "\x00"  # stands for a run of tokens the other sentence does not have; never a real token


def _collapse(seq: Sequence[str], keep: set[str]) -> tuple[list[str], list[int]]:
    out: list[str] = []
    where: list[int] = []
    for i, tok in enumerate(seq):
        if tok in keep:
            out.append(tok)
            where.append(i)
        elif not out or out[-1] != _GAP:
            out.append(_GAP)
            where.append(-1)
    return out, where


def marks(model: Sequence[str], peer: Sequence[str], weight: float | None) -> list[int]:
    """Model positions on the (weighted, when `weight` is set) LCS path against one peer sentence."""
    common = set(model) & set(peer)
    if not common:
        return []
    x, where = _collapse(model, common)
    y, _ = _collapse(peer, common)
    m, n = len(x), len(y)
    c = [[0.0] * (n + 1) for _ in range(m + 1)]
    if weight is None:
        for i in range(1, m + 1):
            xi, row, up = x[i - 1], c[i], c[i - 1]
            for j in range(1, n + 1):
                if xi == y[j - 1] and xi != _GAP:
                    row[j] = up[j - 1] + 1
                else:
                    a, b = up[j], row[j - 1]
                    row[j] = a if a >= b else b
    else:
        run = [[0] * (n + 1) for _ in range(m + 1)]
        step = [(k + 1) ** weight - k ** weight for k in range(min(m, n) + 1)]
        for i in range(1, m + 1):
            xi, row, up, rrow, rup = x[i - 1], c[i], c[i - 1], run[i], run[i - 1]
            for j in range(1, n + 1):
                if xi == y[j - 1] and xi != _GAP:
                    k = rup[j - 1]
                    row[j] = up[j - 1] + step[k]
                    rrow[j] = k + 1
                else:
                    a, b = up[j], row[j - 1]
                    row[j] = a if a > b else b
    out: list[int] = []
    i, j = m, n
    while i > 0 and j > 0:
        if x[i - 1] == y[j - 1] and x[i - 1] != _GAP:
            out.append(where[i - 1])
            i -= 1
            j -= 1
        elif c[i - 1][j] >= c[i][j - 1]:
            i -= 1
        else:
            j -= 1
    out.reverse()
    return out


Sentences = tuple[tuple[str, ...], ...]
MarkCache = dict[tuple[tuple[str, ...], Sentences, float | None], list[bool]]


def union_marks(model: tuple[str, ...], peers: Sentences, weight: float | None,
                cache: MarkCache | None = None) -> list[bool]:
    """Model positions marked against any peer sentence. `cache` (owned by the caller) reuses the
    result when the same sentence meets the same peer again, as in jackknifed configurations."""
    key = (model, peers, weight)
    if cache is not None and key in cache:
        return cache[key]
    marked = [False] * len(model)
    for peer in peers:
        for i in marks(model, peer, weight):
            marked[i] = True
    if cache is not None:
        cache[key] = marked
    return marked


def lcs_hits(model: Sentences, peer: Sentences, model_counts: Counter[str], peer_counts: Counter[str],
             weight: float | None = None, cache: MarkCache | None = None) -> float:
    """Clipped union-LCS hits of one model against the peer. With `weight`, ROUGE-W's: a run of
    accepted marked positions adds len**weight when the next position is unmarked or the sentence
    ends; a position refused by clipping neither extends nor closes the run (probe-24)."""
    mc, pc = Counter(model_counts), Counter(peer_counts)
    total = 0.0
    for sent in model:
        marked = union_marks(sent, peer, weight, cache)
        run = 0
        for i, tok in enumerate(sent):
            if not marked[i] or mc[tok] <= 0 or pc[tok] <= 0:
                continue
            mc[tok] -= 1
            pc[tok] -= 1
            if weight is None:
                total += 1
                continue
            run += 1
            if i + 1 == len(sent) or not marked[i + 1]:
                total += run ** weight
                run = 0
    return total
