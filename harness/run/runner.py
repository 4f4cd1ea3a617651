"""Composes a run: load -> prepare -> summarise (cached) -> budget -> score -> record.

Only this module and `corpus` touch disk. A backend that fails on one cluster is recorded as
failed there, and the run goes on; the caller decides the exit code from the record.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from evalsum.contract import Summariser
from evalsum.errors import BackendError, BackendUnavailable, EvalsumError
from evalsum.gold import collection as sources
from evalsum.gold import corpus
from evalsum.metrics import engines as fast
from evalsum.metrics.rouge import PYTHON, Engine
from evalsum.metrics.scorer import Gold, Scorer
from evalsum.metrics.signature import package_versions, signature
from evalsum.models import (
    Budget,
    Cluster,
    ClusterResult,
    Prepared,
    Record,
    RecordHeader,
    ResultLine,
    Settings,
    Summary,
    SystemInfo,
    SystemRun,
)
from evalsum.run import registry
from evalsum.run.budget import enforce_budget
from evalsum.run.cache import SummaryCache, cache_key
from evalsum.run.shards import Shard, select
from evalsum.run.timeout import DEFAULT_TIMEOUT, call_with_timeout
from evalsum.store.records import RecordWriter
from evalsum.text import prepare


@dataclass
class Paths:
    references: Path = Path("references")
    results: Path = Path("results")

    @property
    def runs(self) -> Path:
        return self.results / "runs"

    @property
    def cache(self) -> Path:
        return self.results / "cache"


@dataclass
class RunEvents:
    """Callbacks for progress and cache reporting; the CLI prints, the library never does."""

    on_result: Callable[[str, ClusterResult], None] = lambda system, result: None
    calls: dict[str, int] = field(default_factory=dict)


def prepare_cluster(cluster: Cluster) -> Prepared:
    return prepare(cluster.id, cluster.title, cluster.documents)


def build_systems(specs: Sequence[tuple[str, dict[str, Any] | list[str]]]) -> list[Summariser]:
    """Validate every system and its options before any work starts (usage errors exit early)."""
    return [registry.build(name, opts) for name, opts in specs]


def info(system: Summariser) -> SystemInfo:
    return SystemInfo(name=system.name, version=system.version, options=system.options.model_dump(mode="json"),
                      uses_references=system.uses_references, description=system.description)


def _summarise(system: Summariser, prepared: Prepared, budget: Budget, gold: Gold) -> Summary:
    refs = ["\n".join(s) for s in gold.ref_sentences] if system.uses_references else ()
    out = system.summarise(prepared, budget, refs)
    if not isinstance(out, Summary):
        raise BackendError(f"summarise() returned {type(out).__name__}, not a Summary")
    if not any(s.strip() for s in out.sentences):
        raise BackendError("summarise() returned an empty summary")
    return out


def generation_input(cluster: Cluster, system: Summariser) -> str:
    """What a backend's output can depend on: the cluster's id, title and sources, plus the
    references for systems that read them. Editing a checklist or a reference therefore re-scores
    from the cache instead of calling every backend (a slow or paid LLM) again."""
    parts = [cluster.id, cluster.title, *(f"{d.path} {d.sha256}" for d in cluster.documents)]
    if system.uses_references:
        parts += [f"{r.path} {r.sha256}" for r in cluster.references]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _failed(cluster: Cluster, error: BaseException, cached: bool, t0: float) -> ClusterResult:
    if isinstance(error, BackendUnavailable):
        text = f"unavailable: {error}"
    elif isinstance(error, EvalsumError):
        text = str(error)
    else:
        text = f"{type(error).__name__}: {error}"
    return ClusterResult(cluster_id=cluster.id, status="failed", error=text, cached=cached,
                         seconds=time.perf_counter() - t0)


def run_one(system: Summariser, cluster: Cluster, prepared: Prepared, gold: Gold, scorer: Scorer,
            cache: SummaryCache, events: RunEvents, timeout: float | None = DEFAULT_TIMEOUT) -> ClusterResult:
    """Summarise and score one cluster; any backend exception, or a call that overruns `timeout`
    seconds (see evalsum.run.timeout), becomes a failed result. A cache that cannot be written is a
    results-folder problem, not the backend's: it stops the run (DataError, exit 2)."""
    budget = Budget(words=scorer.settings.budget)
    t0 = time.perf_counter()
    if system.leave_one_out and len(cluster.references) < 2:  # human: nothing to score against
        n = len(cluster.references)
        return ClusterResult(cluster_id=cluster.id, status="not_applicable", seconds=0.0,
                             error=f"not applicable: needs two or more references, this cluster has {n}")
    key = cache_key(system.name, system.version, system.options.model_dump(mode="json"),
                    generation_input(cluster, system), budget.words)
    summary = cache.get(key) if system.cacheable else None
    cached = summary is not None
    if summary is None:
        events.calls[system.name] = events.calls.get(system.name, 0) + 1
        try:
            summary = call_with_timeout(_summarise, timeout, system, prepared, budget, gold)
        except Exception as e:
            return _failed(cluster, e, cached, t0)
        if system.cacheable:
            cache.put(key, summary)
    try:
        shown = enforce_budget(summary, budget)
        if system.leave_one_out:
            budgeted = [enforce_budget(Summary(sentences=s), budget) for s in gold.ref_sentences]
            mean, per = scorer.leave_one_out(gold, [b.sentences for b in budgeted])
            scores = mean.model_copy(update={"extra": {**mean.extra, "leave_one_out": {
                a: s.model_dump(mode="json") for a, s in per.items()}}})
        else:
            scores = scorer.score(shown.sentences, gold)
    except Exception as e:
        return _failed(cluster, e, cached, t0)
    return ClusterResult(cluster_id=cluster.id, status="ok", summary=shown, scores=scores, cached=cached,
                         seconds=time.perf_counter() - t0)


def run_id(created: dt.datetime, settings: Settings, systems: Sequence[SystemInfo], clusters: Sequence[str]) -> str:
    """Sortable by time, then a hash of what was asked for: identical inputs give identical ids
    apart from the timestamp (the writer adds -2, -3 if two runs collide)."""
    what = json.dumps([settings.model_dump(mode="json"), [s.model_dump(mode="json") for s in systems], list(clusters)],
                      sort_keys=True)
    return f"{created.strftime('%Y%m%dT%H%M%SZ')}-{hashlib.sha256(what.encode()).hexdigest()[:8]}"


class Sink(Protocol):
    def add(self, line: ResultLine) -> None: ...


class MemorySink:
    def __init__(self) -> None:
        self.lines: list[ResultLine] = []

    def add(self, line: ResultLine) -> None:
        self.lines.append(line)


def header_for(built: Sequence[Summariser], settings: Settings, cluster_ids: Sequence[str],
               engine: Engine = PYTHON, shard: Shard | None = None,
               order: Sequence[str] | None = None) -> RecordHeader:
    """A shard's header names its shard and the whole run's cluster order, so `merge` can rebuild
    the unsharded record line for line."""
    packages = package_versions()
    now = dt.datetime.now(dt.timezone.utc)
    infos = [info(s) for s in built]
    return RecordHeader(run_id=run_id(now, settings, infos, cluster_ids), created=now.isoformat(timespec="seconds"),
                        signature=signature(settings, packages, fast.label(engine)),
                        settings=settings.model_dump(mode="json"), packages=packages, systems=infos,
                        shard=str(shard) if shard else None, cluster_order=list(order) if shard and order else None)


def cluster_lines(built: Sequence[Summariser], c: Cluster, scorer: Scorer, cache: SummaryCache,
                  events: RunEvents, timeout: float | None = DEFAULT_TIMEOUT) -> list[ResultLine]:
    """Every system on one cluster: gold tokenised and the cluster prepared once for all of them."""
    prepared = prepare_cluster(c)
    gold = scorer.gold(c, prepared)
    files = corpus.file_hashes(c)
    return [ResultLine(system=s.name, cluster_files=files,
                       result=run_one(s, c, prepared, gold, scorer, cache, events, timeout)) for s in built]


def execute(built: Sequence[Summariser], clusters: Iterable[Cluster], settings: Settings, paths: Paths,
            sink: Sink, use_cache: bool = True, events: RunEvents | None = None, jobs: int = 1,
            engine: Engine = PYTHON, timeout: float | None = DEFAULT_TIMEOUT) -> int:
    """Cluster-major loop: each cluster is loaded and prepared once, then every system runs on it.
    Results go to the sink as they are made; returns the number of results. With jobs > 1 the
    clusters go to worker processes and come back in the same order."""
    events = events or RunEvents()
    n = 0
    if jobs > 1:
        from evalsum.run import parallel

        spec = parallel.WorkerSpec(systems=tuple((s.name, s.options.model_dump()) for s in built), settings=settings,
                                   cache_dir=paths.cache, use_cache=use_cache,
                                   engine="python" if engine is PYTHON else "rs", timeout=timeout)
        for lines, calls in parallel.run(spec, clusters, jobs):
            for name, k in calls.items():
                events.calls[name] = events.calls.get(name, 0) + k
            for line in lines:
                events.on_result(line.system, line.result)
                sink.add(line)
                n += 1
        return n
    scorer = Scorer(settings, engine)
    cache = SummaryCache(paths.cache, enabled=use_cache)
    for c in clusters:
        for line in cluster_lines(built, c, scorer, cache, events, timeout):
            events.on_result(line.system, line.result)
            sink.add(line)
            n += 1
    return n


def evaluate(systems: Sequence[tuple[str, dict[str, Any] | list[str]]], clusters: Sequence[str] | None = None,
             settings: Settings | None = None, paths: Paths | None = None, use_cache: bool = True,
             events: RunEvents | None = None, timeout: float | None = DEFAULT_TIMEOUT, jobs: int = 1,
             engine: fast.EngineChoice = "auto") -> Record:
    """The whole run in memory, as a plain Python call (notebooks, other tools). Writes nothing
    but cache entries; the CLI uses `run_to_disk` instead. With jobs > 1, workers start as fresh
    processes, so a script calling this needs the usual `if __name__ == "__main__":` guard."""
    settings = settings or Settings()
    paths = paths or Paths()
    built = build_systems(systems)
    rouge_engine = fast.select(engine)
    loaded = corpus.load_clusters(paths.references, list(clusters) if clusters else None)
    header = header_for(built, settings, [c.id for c in loaded], rouge_engine)
    sink = MemorySink()
    t0 = time.perf_counter()
    execute(built, loaded, settings, paths, sink, use_cache, events, jobs, rouge_engine, timeout)
    by_system: dict[str, list[ClusterResult]] = {s.name: [] for s in header.systems}
    clusters_files: dict[str, dict[str, str]] = {}
    for line in sink.lines:
        by_system[line.system].append(line.result)
        clusters_files.setdefault(line.result.cluster_id, line.cluster_files)
    return Record(run_id=header.run_id, created=header.created, signature=header.signature, settings=header.settings,
                  packages=header.packages, clusters=clusters_files,
                  systems=[SystemRun(system=s, results=by_system[s.name]) for s in header.systems],
                  seconds=time.perf_counter() - t0)


def run_to_disk(systems: Sequence[tuple[str, dict[str, Any] | list[str]]], clusters: Sequence[str] | None = None,
                settings: Settings | None = None, paths: Paths | None = None, use_cache: bool = True,
                events: RunEvents | None = None, timeout: float | None = DEFAULT_TIMEOUT, jobs: int = 1,
                shard: Shard | None = None, source: sources.ClusterSource | None = None,
                engine: fast.EngineChoice = "auto") -> Path:
    """Run and stream the record to `results/runs/`; returns the published record path.
    `source` defaults to the `references/` folder; `shard` keeps only that shard's clusters."""
    settings = settings or Settings()
    paths = paths or Paths()
    built = build_systems(systems)
    rouge_engine = fast.select(engine)
    source = source or sources.FolderSource(paths.references)
    everything = sources.choose(source, clusters)
    chosen = select(everything, shard)
    writer = RecordWriter(paths.runs, header_for(built, settings, chosen, rouge_engine, shard, everything))
    t0 = time.perf_counter()
    try:
        execute(built, source.load(chosen), settings, paths, writer, use_cache, events, jobs, rouge_engine, timeout)
    except BaseException:
        writer.abandon()
        raise
    return writer.close(time.perf_counter() - t0)


def unavailable_in(path: Path) -> list[str]:
    """Lines naming each backend that could not run at all (these make the CLI exit 3), read
    streaming from a record on disk."""
    from evalsum.store import records

    return [f"{x.system} on {x.result.cluster_id}: {x.result.error}" for x in records.iter_record(path)
            if isinstance(x, ResultLine) and x.result.status == "failed"
            and (x.result.error or "").startswith("unavailable:")]
