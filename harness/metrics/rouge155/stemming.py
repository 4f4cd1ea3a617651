"""`-m`: ROUGE-1.5.5 stems a token of four characters or more by looking it up in its WordNet 2.0
exception list and, only when absent, with its Porter variant; shorter tokens are never touched.
The exception list ships as package data (data/, with the WordNet licence notice it requires)."""
from __future__ import annotations

from importlib import resources

from evalsum.metrics.rouge155 import porter


def load_exceptions() -> dict[str, str]:
    """The 5,930 `key<TAB>value` pairs of ROUGE's WordNet-2.0.exc.db."""
    text = resources.files("evalsum.metrics.rouge155").joinpath("data/wordnet_exceptions.tsv").read_text("utf-8")
    out: dict[str, str] = {}
    for line in text.splitlines():
        if line:
            key, value = line.split("\t")
            out[key] = value
    return out


class Stemmer:
    """Holds the exception list and a per-instance cache (no module-level state)."""

    def __init__(self, exceptions: dict[str, str] | None = None) -> None:
        self.exceptions = load_exceptions() if exceptions is None else exceptions
        self._cache: dict[str, str] = {}

    def stem(self, token: str) -> str:
        if len(token) <= 3:
            return token
        out = self._cache.get(token)
        if out is None:
            out = self.exceptions.get(token)
            if out is None:
                out = porter.stem(token)
            self._cache[token] = out
        return out
