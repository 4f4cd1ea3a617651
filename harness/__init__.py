"""evalsum: evaluate summarisers on multi-document news clusters.

The CLI is one user of this library; notebooks and other tools call it directly. Attributes are
resolved lazily, so `import evalsum` costs nothing until a function is used:

    import evalsum
    record = evalsum.evaluate(evalsum.RunPlan(systems=["lead3"]))
    [scores] = evalsum.score_texts(["A summary."], ["A reference."])
"""
from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("evalsum")
except PackageNotFoundError:  # pragma: no cover - running from an uninstalled source tree
    __version__ = "0+unknown"

# Public name -> the module that defines it; imported on first use (PEP 562).
_LAZY = {
    "evaluate": "evalsum.run.runner",
    "RunPlan": "evalsum.run.plan",
    "SystemSpec": "evalsum.run.plan",
    "Paths": "evalsum.run.plan",
    "Settings": "evalsum.models",
    "Record": "evalsum.models",
    "ClusterScore": "evalsum.models",
    "Checklist": "evalsum.models",
    "score_texts": "evalsum.run.external",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'evalsum' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(__all__)
