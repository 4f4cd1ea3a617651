"""The optional ROUGE accelerator (`pip install 'evalsum[fast]'`): rouge-score-rs, a Rust port of
rouge-score under Apache-2.0 whose scores are bit-identical to it.

We keep our own tokens (tokenised and stemmed once per text, `tokens.py`) and hand them to its
`score_documents`, which does the n-gram and LCS counting in Rust. From its recall we read back
the integer hit count (hits = recall x reference size, exact for any realistic size, and checked),
so the multi-reference policies in `rouge.py` stay one piece of arithmetic for every engine and
both engines give the same floats. Which engine ran is part of the signature.
"""
from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import Any, Literal

from evalsum.errors import BackendUnavailable
from evalsum.metrics.rouge import PYTHON, Engine
from evalsum.metrics.tokens import Tokenized

EngineChoice = Literal["auto", "python", "rs"]
RS_PACKAGE = "rouge-score-rs"


class RsEngine:
    """Counts hits with rouge-score-rs; one native scorer per tuple of ROUGE types."""

    name = "rouge-score-rs"

    def __init__(self) -> None:
        self._native = import_module("rouge_score_rs._rougers")
        self._score_class = import_module("rouge_score_rs.scoring").Score
        if not hasattr(self._native.Scorer, "score_documents"):
            raise BackendUnavailable(f"{RS_PACKAGE} {version(RS_PACKAGE)} has no Scorer.score_documents; "
                                     f"install {RS_PACKAGE}>=0.2 or uninstall it to use the pure-Python path")
        self._scorers: dict[tuple[str, ...], Any] = {}
        self.version = version(RS_PACKAGE)

    def _scorer(self, types: tuple[str, ...]) -> Any:
        got = self._scorers.get(types)
        if got is None:
            # Tokens arrive already stemmed, so the native stemmer stays off.
            got = self._native.Scorer(list(types), False, "rouge-score", self._score_class)
            self._scorers[types] = got
        return got

    def counts(self, ref: Tokenized, pred: Tokenized, types: tuple[str, ...]) -> list[tuple[int, int, int]]:
        res = self._scorer(types).score_documents(ref.flat, ref.sentences, pred.flat, pred.sentences)
        out = []
        m, n = len(ref.flat), len(pred.flat)
        for t in types:
            if t.startswith("rougeL"):
                if not m or not n:
                    out.append((0, 0, 0))
                    continue
                n_ref, n_pred = m, n
            else:
                k = int(t[5:])
                n_ref, n_pred = max(m - k + 1, 0), max(n - k + 1, 0)
            recall = res[t].recall
            hits = round(recall * n_ref) if n_ref else 0
            if n_ref and hits / n_ref != recall:
                raise BackendUnavailable(f"{RS_PACKAGE} returned recall {recall!r} for {t}, which is not "
                                         f"hits/{n_ref}; uninstall it to use the pure-Python path")
            out.append((hits, n_ref, n_pred))
        return out


def installed() -> bool:
    try:
        version(RS_PACKAGE)
    except PackageNotFoundError:
        return False
    return True


def select(choice: EngineChoice = "auto") -> Engine:
    """`auto` uses rouge-score-rs when it is installed and the pure-Python engine only when it is
    not; an installed but broken accelerator is an error, never a silent fallback."""
    if choice == "python" or (choice == "auto" and not installed()):
        return PYTHON
    if not installed():
        raise BackendUnavailable(f"--rouge-engine rs needs {RS_PACKAGE}: pip install 'evalsum[fast]'")
    try:
        return RsEngine()
    except ImportError as e:
        raise BackendUnavailable(f"{RS_PACKAGE} is installed but cannot be imported ({e}); "
                                 "reinstall it, or uninstall it to use the pure-Python path") from None


def label(engine: Engine) -> str:
    """The engine as the signature shows it, version included."""
    return f"{engine.name}-{engine.version}" if isinstance(engine, RsEngine) else engine.name
