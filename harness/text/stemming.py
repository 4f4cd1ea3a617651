"""rouge-score's tokenisation and Porter stemming, with each distinct word stemmed once.

It lives in the text layer because fact matching and normalisation stem words too; the ROUGE
token structures built on it are in `evalsum.metrics.tokens`.
"""
from __future__ import annotations

import re

from nltk.stem import porter

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_VALID = re.compile(r"^[a-z0-9]+$")


class Stemmer:
    """Porter stemming (nltk, as rouge-score uses it) with a per-instance cache, no global state."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._porter = porter.PorterStemmer() if enabled else None
        self._cache: dict[str, str] = {}

    def tokens(self, text: str) -> list[str]:
        raw = _NON_ALNUM.sub(" ", text.lower()).split()
        if self._porter is None:
            return [t for t in raw if _VALID.match(t)]
        out = []
        cache = self._cache
        for w in raw:
            s = cache.get(w)
            if s is None:
                s = self._porter.stem(w) if len(w) > 3 else w
                if s == w:
                    s = w  # nltk returns a copy of an unchanged word: keep one string, not two
                cache[w] = s
            if _VALID.match(s):
                out.append(s)
        return out
