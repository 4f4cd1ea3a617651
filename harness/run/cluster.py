"""Per-cluster work: every system of a run on one cluster (summarise, cached -> budget -> score).

This is the leaf both the serial runner and the worker processes of `--jobs` import, so the two
paths run the same code. What a worker needs crosses the process boundary as typed data
(`WorkSpec`): backend classes (pickled by reference), their validated Options instances (never
re-parsed from a dump, so computed fields such as `prompt_sha256` cannot be mistaken for input),
the settings and a resolved ROUGE engine choice.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
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
    ClusterScore,
    Failure,
    Prepared,
    ResultLine,
    Settings,
    Summary,
    SystemInfo,
)
from evalsum.run import identity
from evalsum.run.budget import enforce_budget
from evalsum.run.cache import CacheKey, SummaryCache
from evalsum.run.timeout import TimedOut, call_with_timeout
from evalsum.text import prepare

# The engine a run resolved (never "auto"): what a worker rebuilds, so it scores as the parent
# said in the signature.
ResolvedEngine = Literal["python", "rs"]


def resolve_engine(choice: engines.EngineChoice) -> tuple[Engine, ResolvedEngine]:
    engine = engines.select(choice)
    return engine, "python" if engine is PYTHON else "rs"


def prepare_cluster(cluster: Cluster) -> Prepared:
    return prepare(cluster.id, cluster.title, cluster.documents)


def without_source_texts(cluster: Cluster) -> Cluster:
    """The cluster with its sources' texts emptied (ids, paths, dates and hashes kept): what the
    rest of a cluster's unit needs once `prepare_cluster` has read the texts."""
    return cluster.model_copy(update={"documents": [d.model_copy(update={"text": ""}) for d in cluster.documents]})


@dataclass(frozen=True)
class SystemBuild:
    """One system of a run as typed data: the backend class, its validated options and its row
    label. It pickles as is, so a worker builds exactly what the parent validated."""

    cls: type[AnyBackend]
    options: SystemOptions
    label: str
    code: str = ""

    def build(self) -> AnyBackend:
        return self.cls(self.options)


@dataclass(frozen=True)
class RunSystem:
    """A built backend under its row label, with the digest of its code (identity.code_digest)."""

    label: str
    backend: AnyBackend
    code: str = ""


def info(system: RunSystem) -> SystemInfo:
    """What the record says about a system: output options apart from transport ones."""
    b = system.backend
    dumped = b.options.model_dump(mode="json")
    return SystemInfo(name=system.label, backend=b.name, version=b.version,
                      options=identity.output_options(b.options, b.transport),
                      transport={k: v for k, v in dumped.items() if k in b.transport}, code=system.code,
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


def cache_key(system: RunSystem, prepared: Prepared, budget: Budget, gold: Gold) -> CacheKey:
    """Exactly what can change a backend's output: name, version, code, output options, budget and
    the prepared input it receives (plus the references for a ReferenceReader). Editing a
    checklist re-scores from the cache; editing the cleaning rules or the backend's code misses."""
    b = system.backend
    refs = ["\n".join(s) for s in gold.ref_sentences] if isinstance(b, ReferenceReader) else []
    return CacheKey(backend=b.name, version=b.version, code=system.code,
                    options=identity.output_options(b.options, b.transport), budget=budget.words,
                    input=identity.input_digest(prepared, refs))


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

    def run(self, cluster: Cluster, starting: Callable[[str], None] | None = None) -> ClusterOutput:
        """Every system on one cluster: gold tokenised and the cluster prepared once for all.
        `starting(label)` is told before each system runs (a worker tells its parent, so a death
        is put down to the backend that was running)."""
        return self._run(cluster, prepare_cluster(cluster), starting)

    def run_next(self, clusters: Iterator[Cluster], starting: Callable[[str], None] | None = None
                 ) -> ClusterOutput | None:
        """`run` on the next cluster (None when there is none), which only this call holds: once
        it is prepared its source texts are dropped, since the backends and the scorer read the
        prepared cluster, so a large source is not held twice over while the systems run."""
        cluster = next(clusters, None)
        if cluster is None:
            return None
        prepared = prepare_cluster(cluster)
        cluster = without_source_texts(cluster)
        return self._run(cluster, prepared, starting)

    def _run(self, cluster: Cluster, prepared: Prepared, starting: Callable[[str], None] | None = None
             ) -> ClusterOutput:
        gold = self.scorer.gold(cluster, prepared)
        files = corpus.file_hashes(cluster)
        out = ClusterOutput(lines=[])
        for s in self.systems:
            if starting is not None:
                starting(s.label)
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
        if isinstance(backend, ReferenceReader) and backend.leave_one_out and len(cluster.references) < 2:
            # the human row has nothing to score against: shown as not applicable, not as a failure
            return ClusterResult(cluster_id=cluster.id, status="not_applicable", seconds=0.0)
        key = cache_key(system, prepared, budget, gold) if backend.cacheable else None
        summary = self.cache.get(key) if key is not None else None
        cached[0] = summary is not None
        if summary is None:
            calls[system.label] = calls.get(system.label, 0) + 1
            summary = call_with_timeout(_summarise, self.timeout, backend, prepared, budget, gold)
            writable(summary)  # before the cache write, so a bad summary is never cached
            if key is not None:
                self.cache.put(key, summary)  # what the backend returned, before the budget
        shown = enforce_budget(summary, budget)
        try:  # scoring has a bound of its own: user regexes and long texts make it slow too
            scores = call_with_timeout(self._score, self.timeout, backend, shown, gold)
        except TimedOut as e:
            raise BackendTimeout(f"scoring timed out after {e.seconds:g} s (a slow checklist pattern or a very "
                                 "long text); raise --timeout or simplify the checklist") from None
        result = ClusterResult(cluster_id=cluster.id, status="ok", summary=shown, scores=scores, cached=cached[0],
                               seconds=time.perf_counter() - t0)
        writable(result)
        return result


    def _score(self, backend: AnyBackend, shown: Summary, gold: Gold) -> ClusterScore:
        if isinstance(backend, ReferenceReader) and backend.leave_one_out:
            budget = Budget(words=self.scorer.settings.budget)
            budgeted = [enforce_budget(Summary(sentences=s), budget).sentences for s in gold.ref_sentences]
            return self.scorer.leave_one_out(gold, budgeted)
        return self.scorer.score(shown.sentences, gold)


def writable(model: BaseModel) -> None:
    """Raise unless `model` is what a record line can hold: serialisable, with finite numbers only,
    as UTF-8 (a lone surrogate such as '\\udcff' cannot be encoded). Checked inside the cluster's
    unit, so a bad value fails its cluster instead of the record."""
    try:
        json.dumps(model.model_dump(mode="json"), allow_nan=False, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as e:  # a ValueError too: test it first
        bad = e.object[e.start:e.end].encode("unicode_escape").decode("ascii")
        raise BackendError(f"the result holds text that is not valid Unicode (a lone surrogate, {bad})") from None
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
    refresh_cache: bool
    engine: ResolvedEngine
    timeout: float | None

    def build(self) -> ClusterWork:
        systems = [RunSystem(label=s.label, backend=s.build(), code=s.code) for s in self.systems]
        return ClusterWork(systems=systems, scorer=Scorer(self.settings, engines.select(self.engine)),
                           cache=SummaryCache(self.cache_dir, self.use_cache, self.refresh_cache), timeout=self.timeout)
