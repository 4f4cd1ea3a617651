"""evalsum's core library. The CLI is one user of it; notebooks and other tools call it directly:

    import harness
    record = harness.evaluate([("lead3", {}), ("textrank", {})])
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harness.models import Record

__all__ = ["evaluate"]


def evaluate(*args: Any, **kwargs: Any) -> "Record":
    """Run systems over clusters in memory: see `harness.runner.evaluate`."""
    from harness.runner import evaluate as _evaluate

    return _evaluate(*args, **kwargs)
