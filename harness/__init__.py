"""evalsum: evaluate summarisers on multi-document news clusters.

The CLI is one user of this library; notebooks and other tools call it directly. Attributes are
resolved lazily, so `import evalsum` costs nothing until a function is used:

    import evalsum
    record = evalsum.evaluate(evalsum.RunPlan(systems=[evalsum.SystemSpec(backend="lead3")]))
"""
from __future__ import annotations

import importlib
from typing import Any

# Public name -> the module that defines it; imported on first use (PEP 562).
_LAZY = {
    "evaluate": "evalsum.run.runner",
}

__all__ = ["__version__", *_LAZY]


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
