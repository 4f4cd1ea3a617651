"""The backend contract: what every summariser, built-in or plugin, provides.

A plain backend subclasses `Summariser[MyOptions]` and gets the prepared cluster and the budget,
nothing else. A ceiling that reads the references (oracle, human) subclasses `ReferenceReader`,
so the type says so, and only then does the run layer hand it the references. `self.options` has
the backend's own Options type, so `self.options.k` type-checks without casts.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Generic, TypeAlias, TypeVar, cast

from pydantic import BaseModel, ConfigDict

from evalsum.models import Budget, Prepared, Summary


class SystemOptions(BaseModel):
    """Base for every backend's options: unknown keys are errors, numbers are finite (no NaN or
    infinity reaches a backend, a request body or a record), and options never change mid-run."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


OptionsT = TypeVar("OptionsT", bound=SystemOptions)


class Backend(Generic[OptionsT]):
    """What every backend shares; subclass `Summariser` or `ReferenceReader`, not this.

    `name` is the registry key. `label` is the row a record and the leaderboard show when the user
    gives none: None (the default) lets the harness derive it, the name plus the output-affecting
    options that differ from their defaults (`lead-k[k=5]`); a backend such as `files` that names
    its rows from its input overrides it. `version` is part of the cache key (with a digest of the
    backend's own code): bump it whenever output for the same input changes. `transport` names the
    options that only change how output is obtained (a URL, a timeout, a batch size): they are
    recorded for provenance but kept out of the label, the cache key and the gate's comparison.
    Heavy imports belong inside `summarise` or `__init__`, so listing systems stays fast.
    """

    name: ClassVar[str]
    version: ClassVar[str]
    description: ClassVar[str] = ""
    Options: ClassVar[type[SystemOptions]] = SystemOptions
    transport: ClassVar[frozenset[str]] = frozenset()
    # False when output depends on more than the options and the cluster (e.g. a file's content,
    # which the cache key cannot see), or when calling the backend is as cheap as reading a cache
    # entry (lead, random, oracle, human): the runner then never reads or writes the cache.
    cacheable: ClassVar[bool] = True

    def __init__(self, options: OptionsT | None = None) -> None:
        self.options: OptionsT = options if options is not None else cast(OptionsT, self.Options())

    @property
    def label(self) -> str | None:
        """This instance's own default row label, or None for the harness's (see the class doc)."""
        return None

    @classmethod
    def unavailable(cls) -> str | None:
        """Why this backend cannot run here (what to install), or None when it can."""
        return None


class Summariser(Backend[OptionsT]):
    """A plain backend: sees only the prepared cluster (cleaned, split sources) and the budget."""

    def summarise(self, cluster: Prepared, budget: Budget) -> Summary:
        raise NotImplementedError


class ReferenceReader(Backend[OptionsT]):
    """A ceiling that reads the reference summaries, given one string per reference. Its rows are
    marked as such. With `leave_one_out`, each reference is scored against the others instead of
    scoring the returned summary."""

    leave_one_out: ClassVar[bool] = False

    def summarise(self, cluster: Prepared, budget: Budget, references: Sequence[str]) -> Summary:
        raise NotImplementedError


# Any backend the registry can build.
AnyBackend: TypeAlias = Summariser[Any] | ReferenceReader[Any]
