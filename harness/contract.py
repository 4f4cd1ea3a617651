"""The backend contract: what every summariser, built-in or plugin, provides."""
from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from evalsum.models import Budget, Prepared, Summary


class SystemOptions(BaseModel):
    """Base for every backend's options: unknown keys are errors, and options never change mid-run."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Summariser:
    """Subclass this, set the class attributes, and implement `summarise`.

    `version` is part of the cache key: bump it whenever output for the same input changes.
    Heavy imports belong inside `summarise` or `__init__`, so listing systems stays fast.
    """

    name: ClassVar[str]
    version: ClassVar[str]
    description: ClassVar[str] = ""
    Options: ClassVar[type[SystemOptions]] = SystemOptions
    uses_references: ClassVar[bool] = False
    leave_one_out: ClassVar[bool] = False
    # False when output depends on more than the options and the cluster (e.g. a file's content,
    # which the cache key cannot see): the runner then never reuses a cached summary.
    cacheable: ClassVar[bool] = True

    def __init__(self, options: SystemOptions | None = None) -> None:
        self.options = options if options is not None else self.Options()

    @classmethod
    def unavailable(cls) -> str | None:
        """Why this backend cannot run here (what to install), or None when it can."""
        return None

    def summarise(self, cluster: Prepared, budget: Budget, references: Sequence[str] = ()) -> Summary:
        raise NotImplementedError
