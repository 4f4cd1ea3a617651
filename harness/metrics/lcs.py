"""Longest common subsequence for ROUGE-L and ROUGE-Lsum, bit-parallel, with rouge-score's readout.

rouge-score fills a full (m+1) x (n+1) table in Python for every pair, which is most of its cost.
Here one column of that table is one Python int (Hyyro's bit-vector recurrence, 2004): bit i of
column j is 0 exactly when t[i+1][j] = t[i][j] + 1, so t[i][j] is i minus the set bits among the
low i bits. The LCS length then costs one big-int step per candidate token, and the readout walks
rouge-score's `_backtrack_norec` path with the same tie-break (move left only when
t[i][j-1] > t[i-1][j]), so the chosen indices, and therefore ROUGE-Lsum, are bit-identical.
Tests compare both against rouge-score on random token lists with many ties.
"""
from __future__ import annotations

from collections.abc import Sequence

Masks = dict[str, int]


def masks(ref: Sequence[str]) -> Masks:
    """For each token, the bit set of its positions in `ref` (built once per reference text)."""
    out: Masks = {}
    for i, tok in enumerate(ref):
        out[tok] = out.get(tok, 0) | (1 << i)
    return out


def lcs_length(ref_masks: Masks, m: int, cand: Sequence[str]) -> int:
    """Length of an LCS of a reference (given by its masks and length) and `cand`."""
    full = (1 << m) - 1
    v = full
    get = ref_masks.get
    for tok in cand:
        u = v & get(tok, 0)
        if u:
            v = ((v + u) | (v - u)) & full
    return m - v.bit_count()


def lcs_indices(ref: Sequence[str], ref_masks: Masks, cand: Sequence[str]) -> list[int]:
    """Indices into `ref` of the LCS that rouge-score's `lcs_ind(ref, cand)` returns."""
    m = len(ref)
    get = ref_masks.get
    if ref_masks.keys().isdisjoint(cand):
        return []
    full = (1 << m) - 1
    v = full
    cols = [v]
    for tok in cand:
        u = v & get(tok, 0)
        if u:
            v = ((v + u) | (v - u)) & full
        cols.append(v)
    # Readout. On a mismatch at (i, j), t[i-1][j] equals t[i][j] exactly when bit i-1 of column j
    # is set; then t[i][j-1] > t[i-1][j] is impossible and rouge-score moves up, otherwise left.
    # So we jump straight up to the nearest row that is a match or an unset bit.
    out: list[int] = []
    i, j = m, len(cand)
    while i > 0 and j > 0:
        match = get(cand[j - 1], 0)
        stop = (~cols[j] | match) & ((1 << i) - 1)
        if not stop:
            break
        i = stop.bit_length()
        if (match >> (i - 1)) & 1:
            out.append(i - 1)
            i -= 1
        j -= 1
    out.reverse()
    return out
