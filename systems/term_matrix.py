"""`textrank`'s sentence x term TF-IDF matrix, kept small and multiplied without a dense matrix.

A large source has hundreds of thousands of sentences and millions of non-zeros, so the layout
matters: compressed rows with 4-byte term ids (12 bytes a non-zero, no row id stored), built a
sentence at a time so the caller never holds every text, and products run over a chunk of whole
rows at a time so their temporaries stay small. Every product is bit for bit the one-pass numpy
computation on coordinate arrays (tests/test_memory.py checks it), so chunking never changes a pick.
"""
from __future__ import annotations

import math
import re
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from nltk.stem.porter import PorterStemmer

from evalsum.text import FUNCTION_WORDS

# English function words (the usual IR list). They carry no topic, and on sentences of twenty
# words they would otherwise dominate cosine similarity.
STOPWORDS = FUNCTION_WORDS | {"said", "says", "say", "according", "told"}

_TOKEN = re.compile(r"[a-z0-9]+")


class Analyser:
    """rouge-score's tokens (lowercased alphanumeric runs, Porter-stemmed when longer than three
    characters) minus stopwords. Each distinct word is stemmed once per instance: stemming is most
    of the cost of ranking a large cluster."""

    def __init__(self) -> None:
        self._porter = PorterStemmer()
        self._stems: dict[str, str | None] = {}

    def terms(self, text: str) -> list[str]:
        out = []
        stems = self._stems
        for w in _TOKEN.findall(text.lower()):
            s = stems.get(w, "")
            if s == "":
                s = None if w in STOPWORDS else (self._porter.stem(w) if len(w) > 3 else w)
                stems[w] = s
            if s is not None:
                out.append(s)
        return out


# Non-zeros per step of a product: the temporaries of `dot` and `tdot` are this size, not the
# matrix's (a 50 MB source has millions of non-zeros).
CHUNK = 1 << 16


@dataclass
class TermMatrix:
    """Sentences x terms TF-IDF with L2-normalised rows, in compressed rows (numpy has no sparse
    type): row i's terms are `cols[indptr[i]:indptr[i + 1]]`. 4-byte term ids and no row id per
    non-zero keep it at 12 bytes a non-zero; products run a chunk of whole rows at a time."""

    n: int
    v: int
    indptr: np.ndarray  # int64, n + 1
    cols: np.ndarray  # int32
    vals: np.ndarray  # float64
    chunk: int = CHUNK
    chunks: list[tuple[int, int, int, int]] = field(init=False)

    def __post_init__(self) -> None:
        """Every product walks the same chunks: (first row, end row, first non-zero, end non-zero)
        of about `chunk` non-zeros each. A row is never split, so a per-row sum sees its terms in
        the same order as one over everything."""
        self.chunks = []
        r0 = 0
        while r0 < self.n:
            r1 = min(max(int(np.searchsorted(self.indptr, self.indptr[r0] + self.chunk)), r0 + 1), self.n)
            self.chunks.append((r0, r1, int(self.indptr[r0]), int(self.indptr[r1])))
            r0 = r1

    def row_lengths(self, r0: int, r1: int) -> np.ndarray:
        """How many non-zeros each of rows [r0, r1) holds."""
        return np.diff(self.indptr[r0:r1 + 1])

    def local_rows(self, r0: int, r1: int) -> np.ndarray:
        """Row numbers (from 0 at r0) of the non-zeros of rows [r0, r1)."""
        return np.repeat(np.arange(r1 - r0), self.row_lengths(r0, r1))

    def row_index(self) -> np.ndarray:
        """Each non-zero's row, for checks against the plain COO computation (not used to rank)."""
        return self.local_rows(0, self.n)

    def row_sums(self, per_value: np.ndarray | None = None) -> np.ndarray:
        """Per row, the sum of vals * per_value[cols] (or of vals squared when per_value is None);
        bit for bit `np.bincount(rows, weights=...)`."""
        out = np.empty(self.n, dtype=np.float64 if per_value is None else np.result_type(per_value, self.vals))
        for r0, r1, a, b in self.chunks:
            vals = self.vals[a:b]
            w = vals * vals if per_value is None else per_value[self.cols[a:b]].astype(out.dtype, copy=False)
            if per_value is not None:
                w *= vals
            out[r0:r1] = np.bincount(self.local_rows(r0, r1), weights=w, minlength=r1 - r0)
        return out

    def dot(self, vec: np.ndarray) -> np.ndarray:
        """X @ vec, vec over terms."""
        return self.row_sums(vec)

    def tdot(self, vec: np.ndarray) -> np.ndarray:
        """X.T @ vec, vec over sentences. `np.add.at` adds in order into one output, so chunks give
        what one `np.bincount(cols, weights=vec[rows] * vals)` over everything gives."""
        out = np.zeros(self.v, dtype=np.result_type(vec, self.vals))
        for r0, r1, a, b in self.chunks:
            w = np.repeat(vec[r0:r1], self.row_lengths(r0, r1)).astype(out.dtype, copy=False)
            w *= self.vals[a:b]
            np.add.at(out, self.cols[a:b], w)
        return out

    def similarity_to(self, i: int) -> np.ndarray:
        """Cosine similarity of every sentence to sentence i (one column of X X^T)."""
        row = np.zeros(self.v)
        a, b = int(self.indptr[i]), int(self.indptr[i + 1])
        row[self.cols[a:b]] = self.vals[a:b]
        return self.dot(row)


class TermMatrixBuilder:
    """Collects sentences one at a time, so the caller never holds every sentence's text.

    TF-IDF with sublinear tf (1 + log tf), so a repeated word does not swamp a sentence, and
    smoothed sentence-level idf log(1 + n / df), so a word found in every sentence still counts a
    little. Typed arrays, not lists: a list holds a Python int or float (28-32 bytes) a non-zero."""

    def __init__(self, analyser: Analyser, chunk: int = CHUNK) -> None:
        self._analyser = analyser
        self._chunk = chunk
        self._vocab: dict[str, int] = {}
        self._indptr: array[int] = array("q", [0])
        self._cols: array[int] = array("i")
        self._tfs: array[float] = array("d")

    def add(self, text: str) -> None:
        vocab, cols, tfs = self._vocab, self._cols, self._tfs
        for term, count in Counter(self._analyser.terms(text)).items():
            cols.append(vocab.setdefault(term, len(vocab)))
            tfs.append(1.0 + math.log(count))
        self._indptr.append(len(cols))

    def build(self) -> TermMatrix:
        """The matrix; the builder is spent. Weights are formed in place in the tf buffer, a chunk
        at a time, with the same element-wise operations as `w = tf * idf[c]; w /= norm[r]`."""
        n, v = len(self._indptr) - 1, len(self._vocab)
        self._vocab = {}
        x = TermMatrix(n=n, v=v, indptr=np.frombuffer(self._indptr, dtype=np.int64),
                       cols=np.frombuffer(self._cols, dtype=np.intc), vals=np.frombuffer(self._tfs, dtype=np.float64),
                       chunk=self._chunk)
        x.vals.flags.writeable = True  # the buffer is ours; frombuffer marks it read-only
        df = np.zeros(v, dtype=np.int64)
        for _, _, a, b in x.chunks:
            df += np.bincount(x.cols[a:b], minlength=v)
        idf = np.log1p(n / np.maximum(df.astype(float), 1.0))
        del df
        for _, _, a, b in x.chunks:
            x.vals[a:b] *= idf[x.cols[a:b]]
        norms = np.sqrt(x.row_sums())
        safe = np.where(norms > 0, norms, 1.0)
        for r0, r1, a, b in x.chunks:
            x.vals[a:b] /= np.repeat(safe[r0:r1], x.row_lengths(r0, r1))
        return x


def term_matrix(texts: Iterable[str], analyser: Analyser, chunk: int = CHUNK) -> TermMatrix:
    """The TF-IDF matrix of `texts`, in order (see `TermMatrixBuilder`)."""
    builder = TermMatrixBuilder(analyser, chunk)
    for text in texts:
        builder.add(text)
    return builder.build()
