"""evalsum: evaluate summarisers on multi-document news clusters.

The CLI is one user of this library; notebooks and other tools call it directly. Attributes are
resolved lazily, so `import evalsum` costs nothing until a function is used:

    import evalsum
    record = evalsum.evaluate(evalsum.RunPlan(systems=["lead3"]))
    [scores] = evalsum.score_texts(["A summary."], ["A reference."])
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what type checkers see; at run time __getattr__ imports on first use
    from evalsum.models import Checklist, ClusterScore, Record, Settings
    from evalsum.run.external import score_texts
    from evalsum.run.plan import Paths, RunPlan, SystemSpec
    from evalsum.run.runner import evaluate

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

# A literal list, so linters and type checkers see the public names (tests check it matches _LAZY).
__all__ = ["Checklist", "ClusterScore", "Paths", "Record", "RunPlan", "Settings", "SystemSpec", "__version__",
           "evaluate", "score_texts"]


def __getattr__(name: str) -> Any:
    if name == "__version__":  # read on use: importlib.metadata costs 0.1 s, before stop handlers exist
        from importlib.metadata import PackageNotFoundError, version
        try:
            return version("evalsum")
        except PackageNotFoundError:  # pragma: no cover - running from an uninstalled source tree
            return "0+unknown"
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'evalsum' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(__all__)
