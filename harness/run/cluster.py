"""Per-cluster work: every system of a run on one cluster (summarise, cached -> budget -> score).

This is the leaf both the serial runner and the worker processes of `--jobs` import, so the two
paths run the same code. What a worker needs crosses the process boundary as typed data
(`WorkSpec`): backend classes (pickled by reference), their validated Options instances (never
re-parsed from a dump, so computed fields such as `prompt_sha256` cannot be mistaken for input),
the settings and a resolved ROUGE engine choice.
"""
from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel
from pydantic_core import PydanticSerializationError

from evalsum.contract import AnyBackend, ReferenceReader, SystemOptions
from evalsum.errors import BackendError, BackendTimeout, BackendUnavailable, DataError, EvalsumError
from evalsum.gold import corpus
from evalsum.metrics import engines
from evalsum.metrics.rouge import PYTHON, Engine
from evalsum.metrics.scorer import Gold, Scorer
from evalsum.models import (
    Budget,
    Cluster,
    ClusterResult,
    Failure,
    Prepared,
    ResultLine,
    Settings,
    Summary,
    SystemInfo,
)
from evalsum.run.budget import enforce_budget
from evalsum.run.cache import SummaryCache, cache_key
from evalsum.run.timeout import call_with_timeout
from evalsum.text import prepare

# The engine a run resolved (never "auto"): what a worker rebuilds, so it scores as the parent
# said in the signature.
ResolvedEngine = Literal["python", "rs"]


def resolve_engine(choice: engines.EngineChoice) -> tuple[Engine, ResolvedEngine]:
    engine = engines.select(choice)
    return engine, "python" if engine is PYTHON else "rs"


def prepare_cluster(cluster: Cluster) -> Prepared:
    return prepare(cluster.id, cluster.title, cluster.documents)


@dataclass(frozen=True)
class SystemBuild:
    """One system of a run as typed data: the backend class, its validated options and its row
    label. It pickles as is, so a worker builds exactly what the parent validated."""

    cls: type[AnyBackend]
    options: SystemOptions
    label: str

    def build(self) -> AnyBackend:
        return self.cls(self.options)


@dataclass(frozen=True)
class RunSystem:
    """A built backend under its row label."""

    label: str
    backend: AnyBackend


def info(system: RunSystem) -> SystemInfo:
    b = system.backend
    return SystemInfo(name=system.label, backend=b.name, version=b.version,
                      options=b.options.model_dump(mode="json"),
                      uses_references=isinstance(b, ReferenceReader), description=b.description)


def failure_of(error: BaseException) -> Failure:
    """The typed failure for an exception raised while working on one cluster."""
    if isinstance(error, BackendUnavailable):
        return Failure(kind="unavailable", message=str(error))
    if isinstance(error, BackendTimeout):
        return Failure(kind="timeout", message=str(error))
    if isinstance(error, DataError):
        return Failure(kind="data", message=str(error))
    if isinstance(error, EvalsumError):
        return Failure(kind="backend", message=str(error))
    if isinstance(error, SystemExit):
        return Failure(kind="bug", message=f"the backend tried to end the process (SystemExit({error.code!r})); "
                       "a backend must raise an exception instead")
    return Failure(kind="bug", message=f"{type(error).__name__}: {error}")


def generation_input(cluster: Cluster, system: AnyBackend) -> str:
    """What a backend's output can depend on: the cluster's id, title and sources, plus the
    references for systems that read them. Editing a checklist or a reference therefore re-scores
    from the cache instead of calling every backend (a slow or paid LLM) again."""
    parts = [cluster.id, cluster.title, *(f"{d.path} {d.sha256}" for d in cluster.documents)]
    if isinstance(system, ReferenceReader):
        parts += [f"{r.path} {r.sha256}" for r in cluster.references]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _summarise(system: AnyBackend, prepared: Prepared, budget: Budget, gold: Gold) -> Summary:
    if isinstance(system, ReferenceReader):  # only ceilings see the references
        out = system.summarise(prepared, budget, ["\n".join(s) for s in gold.ref_sentences])
    else:
        out = system.summarise(prepared, budget)
    if not isinstance(out, Summary):
        raise BackendError(f"summarise() returned {type(out).__name__}, not a Summary")
    if not any(s.strip() for s in out.sentences):
        raise BackendError("summarise() returned an empty summary")
    return out


@dataclass
class ClusterOutput:
    """One cluster's result lines, in system order, and the backend calls made for it per label."""

    lines: list[ResultLine]
    calls: dict[str, int] = field(default_factory=dict)


def failed_output(labels: Sequence[str], cluster: Cluster, failure: Failure) -> ClusterOutput:
    """Every system's line for a cluster whose unit could not finish at all (its worker died)."""
    files = corpus.file_hashes(cluster)
    return ClusterOutput(lines=[ResultLine(system=label, cluster_files=files, result=ClusterResult(
        cluster_id=cluster.id, status="failed", failure=failure)) for label in labels])


@dataclass
class ClusterWork:
    """The state per-cluster work needs, built once per process: the systems, the scorer (with its
    stem cache) and the summary cache. Passed explicitly; nothing is global."""

    systems: Sequence[RunSystem]
    scorer: Scorer
    cache: SummaryCache
    timeout: float | None

    def run(self, cluster: Cluster) -> ClusterOutput:
        """Every system on one cluster: gold tokenised and the cluster prepared once for all."""
        prepared = prepare_cluster(cluster)
        gold = self.scorer.gold(cluster, prepared)
        files = corpus.file_hashes(cluster)
        out = ClusterOutput(lines=[])
        for s in self.systems:
            result = self.one(s, cluster, prepared, gold, out.calls)
            out.lines.append(ResultLine(system=s.label, cluster_files=files, result=result))
        return out

    def one(self, system: RunSystem, cluster: Cluster, prepared: Prepared, gold: Gold,
            calls: dict[str, int]) -> ClusterResult:
        """Summarise, cache and score one cluster as one unit: whatever goes wrong inside it (an
        exception, `SystemExit` from a backend, a timeout, metadata that cannot be serialised, a
        non-finite score) becomes this cluster's failed result, and the run goes on. Only a real
        interrupt (KeyboardInterrupt) escapes, so Ctrl-C still stops the run."""
        t0 = time.perf_counter()
        cached = [False]
        try:
            return self._unit(system, cluster, (prepared, gold), calls, cached)
        except KeyboardInterrupt:
            raise
        except BaseException as e:  # the isolation boundary of one cluster: SystemExit included
            return ClusterResult(cluster_id=cluster.id, status="failed", failure=failure_of(e), cached=cached[0],
                                 seconds=time.perf_counter() - t0)

    def _unit(self, system: RunSystem, cluster: Cluster, inputs: tuple[Prepared, Gold], calls: dict[str, int],
              cached: list[bool]) -> ClusterResult:
        prepared, gold = inputs
        backend = system.backend
        budget = Budget(words=self.scorer.settings.budget)
        t0 = time.perf_counter()
        key = cache_key(backend.name, backend.version, backend.options.model_dump(mode="json"),
                        generation_input(cluster, backend), budget.words)
        summary = self.cache.get(key) if backend.cacheable else None
        cached[0] = summary is not None
        if summary is None:
            calls[system.label] = calls.get(system.label, 0) + 1
            summary = call_with_timeout(_summarise, self.timeout, backend, prepared, budget, gold)
            writable(summary)  # before the cache write, so a bad summary is never cached
            if backend.cacheable:
                self.cache.put(key, summary)
        shown = enforce_budget(summary, budget)
        if isinstance(backend, ReferenceReader) and backend.leave_one_out:
            budgeted = [enforce_budget(Summary(sentences=s), budget).sentences for s in gold.ref_sentences]
            scores = self.scorer.leave_one_out(gold, budgeted)
        else:
            scores = self.scorer.score(shown.sentences, gold)
        result = ClusterResult(cluster_id=cluster.id, status="ok", summary=shown, scores=scores, cached=cached[0],
                               seconds=time.perf_counter() - t0)
        writable(result)
        return result


def writable(model: BaseModel) -> None:
    """Raise unless `model` is what a record line can hold: serialisable, with finite numbers only.
    Checked inside the cluster's unit, so a bad value fails its cluster instead of the record."""
    try:
        json.dumps(model.model_dump(mode="json"), allow_nan=False)
    except (TypeError, PydanticSerializationError) as e:  # the latter is a ValueError too: test it first
        raise BackendError(f"the result cannot be written to a record ({type(e).__name__}: {e})") from None
    except ValueError as e:
        raise BackendError(f"the result holds a number that is not finite ({e})") from None


@dataclass(frozen=True)
class WorkSpec:
    """Everything a worker process needs to build its own `ClusterWork`; typed, and it pickles."""

    systems: tuple[SystemBuild, ...]
    settings: Settings
    cache_dir: Path
    use_cache: bool
    engine: ResolvedEngine
    timeout: float | None

    def build(self) -> ClusterWork:
        systems = [RunSystem(label=s.label, backend=s.build()) for s in self.systems]
        return ClusterWork(systems=systems, scorer=Scorer(self.settings, engines.select(self.engine)),
                           cache=SummaryCache(self.cache_dir, enabled=self.use_cache), timeout=self.timeout)
