"""Runs a RunPlan into a sink: load -> prepare -> summarise (cached) -> budget -> score -> record.

One function, `run`, does the work; `evaluate` runs into memory and returns the Record,
`run_to_disk` streams to `results/runs/` through the RecordWriter. A backend that fails on one
cluster is recorded as failed there, and the run goes on; the caller decides the exit code from
the record. The per-cluster work itself lives in `evalsum.run.cluster`, shared with `parallel`.

With `--jobs 1` every backend runs in this process, by choice: no pickling, no second copy of a
model, and the same code path a library caller gets. A backend that ends the process itself
(`os._exit`, a native crash) therefore ends the run there, with the backend's exit code and no
record (its finished summaries are in the cache, its partial file is cleaned by a later run).
Everything short of that, `sys.exit` included, is a recorded failure of its cluster. To isolate a
backend that may kill its process, run with `--jobs 2` or more: a dead worker costs one cluster.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar

from evalsum.contract import AnyBackend
from evalsum.errors import DataError, UsageError
from evalsum.gold import collection
from evalsum.metrics import engines
from evalsum.metrics.rouge import Engine
from evalsum.metrics.scorer import Scorer
from evalsum.metrics.signature import package_versions, provenance, settings_key, signature
from evalsum.models import (
    Cluster,
    ClusterResult,
    Record,
    RecordHeader,
    ResultLine,
    Settings,
    SystemInfo,
    SystemRun,
)
from evalsum.run import identity, parallel, registry, variants
from evalsum.run.cache import SummaryCache
from evalsum.run.cluster import (
    ClusterOutput,
    ClusterWork,
    ResolvedEngine,
    RunSystem,
    SystemBuild,
    WorkSpec,
    info,
    resolve_engine,
)
from evalsum.run.plan import RunPlan, SystemSpec
from evalsum.run.shards import select
from evalsum.store import records
from evalsum.store.index import RecordIndex
from evalsum.store.records import RecordWriter

T = TypeVar("T", covariant=True)


@dataclass
class RunEvents:
    """Callbacks for progress and cache reporting; the CLI prints, the library never does."""

    on_result: Callable[[str, ClusterResult], None] = lambda system, result: None
    # (label, tokens so far) while a streaming backend (llm) writes; serial runs only: a worker
    # process of --jobs has no way to the terminal.
    on_tokens: Callable[[str, int], None] | None = None
    calls: dict[str, int] = field(default_factory=dict)


class Sink(Protocol[T]):
    """Where result lines go as they are made. `RecordWriter` (disk) and `MemorySink` are sinks."""

    def add(self, line: ResultLine) -> None: ...

    def close(self, seconds: float) -> T: ...

    def abandon(self) -> None: ...


class MemorySink:
    """Collects a run in memory and closes into the same Record that reading the file would give."""

    def __init__(self, header: RecordHeader) -> None:
        self.header = header
        self.lines: list[ResultLine] = []

    def add(self, line: ResultLine) -> None:
        self.lines.append(line)

    def close(self, seconds: float) -> Record:
        h = self.header
        by_system: dict[str, list[ClusterResult]] = {s.name: [] for s in h.systems}
        files: dict[str, dict[str, str]] = {}
        for line in self.lines:
            by_system[line.system].append(line.result)
            files.setdefault(line.result.cluster_id, line.cluster_files)
        return Record(schema_version=h.schema_version, run_id=h.run_id, created=h.created, signature=h.signature,
                      key=h.key, provenance=h.provenance, settings=h.settings, packages=h.packages,
                      clusters=dict(sorted(files.items())),
                      systems=[SystemRun(system=s, results=by_system[s.name]) for s in h.systems],
                      seconds=seconds, shard=h.shard)

    def abandon(self) -> None:
        self.lines.clear()


def label_of(spec: SystemSpec, backend: AnyBackend) -> str:
    """The row label: the user's, else the backend's own (e.g. `files:NAME`), else the backend
    name plus the output-affecting options that differ from their defaults (`lead-k[k=5]`)."""
    return spec.label or backend.label or variants.default_label(backend.name, backend.options, backend.transport)


def build_systems(specs: Sequence[SystemSpec]) -> list[tuple[SystemBuild, RunSystem]]:
    """Validate every system and its options before any work starts (usage errors exit early).
    Two systems under one row label would mix their results, so that is an error naming both."""
    out: list[tuple[SystemBuild, RunSystem]] = []
    for spec in specs:
        cls = registry.resolve(spec.backend)
        options = registry.parse_options(cls, spec.options)
        backend = cls(options)
        if spec.label is not None:
            variants.check_label(spec.label, f"system {spec.backend!r}")
        label = label_of(spec, backend)
        code = identity.code_digest(cls)
        out.append((SystemBuild(cls=cls, options=options, label=label, code=code),
                    RunSystem(label=label, backend=backend, code=code)))
    labels = [s.label for _, s in out]
    variants.check_unique(labels, [f"{s.backend.name} {identity.stable_json(info(s).options)}" for _, s in out])
    return out


def check_folder(runs: Path, infos: Sequence[SystemInfo]) -> None:
    """One label means one system in a results folder: a label recorded earlier with another
    backend or other output options would mix two systems in one row. Reads record headers only,
    from the record index where it has them (read only: the leaderboard refresh saves it), and
    when the index covers every old record unchanged, only those naming some system last
    (`store.index_summary`: a label conflict is one in the latest record naming that system)
    and the records not indexed yet."""
    wanted = {i.name: i for i in infos}
    index = RecordIndex(runs.parent)
    found = records.scan_records(runs)
    paths: Sequence[Path] = found
    unindexed = index.unchanged(found)
    if unindexed is not None:
        holders = {*index.labels.values(), *(found.names[i] for i in unindexed)}
        paths = [found[i] for i, n in enumerate(found.names) if n in holders]
    for path in reversed(paths):
        try:
            _, systems = index.cached_systems(path)
        except DataError:
            continue  # a damaged record is reported by whoever reads it in full
        for old in systems:
            new = wanted.get(old.name)
            if new is None:
                continue
            old_options = {k: v for k, v in old.options.items() if k not in new.transport and k not in old.transport}
            if old.backend != new.backend or old_options != new.options:
                raise UsageError(f"label {old.name!r} already means {old.backend} {identity.stable_json(old_options)} "
                                 f"in {path}; this run gives it {new.backend} {identity.stable_json(new.options)}: "
                                 "choose another label (LABEL=NAME[...]) or another --results folder")


def run_id(created: dt.datetime, settings: Settings, systems: Sequence[SystemInfo], clusters: Sequence[str]) -> str:
    """Sortable by time, then a hash of what was asked for: identical inputs give identical ids
    apart from the timestamp (the writer adds -2, -3 if two runs collide)."""
    what = json.dumps([settings.model_dump(mode="json"), [s.model_dump(mode="json") for s in systems], list(clusters)],
                      sort_keys=True)
    return f"{created.strftime('%Y%m%dT%H%M%SZ')}-{hashlib.sha256(what.encode()).hexdigest()[:8]}"


def header_for(plan: RunPlan, infos: Sequence[SystemInfo], chosen: Sequence[str], *, engine: Engine,
               order: Sequence[str]) -> RecordHeader:
    """A shard's header names its shard and the whole run's cluster order, so `merge` can rebuild
    the unsharded record line for line."""
    packages = package_versions()
    now = dt.datetime.now(dt.timezone.utc)
    shard = plan.shard
    return RecordHeader(run_id=run_id(now, plan.settings, infos, chosen), created=now.isoformat(timespec="seconds"),
                        signature=signature(plan.settings, packages, engines.label(engine)), settings=plan.settings,
                        key=settings_key(plan.settings),
                        provenance=provenance(plan.settings, packages, engines.label(engine)),
                        packages=packages, systems=list(infos), shard=str(shard) if shard else None,
                        cluster_order=list(order) if shard else None)


def _watch_tokens(built: Sequence[tuple[SystemBuild, RunSystem]], events: RunEvents) -> None:
    """Hand each streaming backend (one with an `on_token` hook, such as llm) a callback that
    reports its label and the tokens received so far."""
    hook = events.on_tokens
    if hook is None:
        return
    for _, s in built:
        if hasattr(s.backend, "on_token"):
            setattr(s.backend, "on_token", lambda pieces, text, label=s.label: hook(label, pieces))  # noqa: B010


def _outputs(plan: RunPlan, built: Sequence[tuple[SystemBuild, RunSystem]], clusters: Iterable[Cluster],
             engine: Engine, resolved: ResolvedEngine, jobs: int) -> Iterator[ClusterOutput]:
    """Cluster-major: each cluster is loaded and prepared once, then every system runs on it. With
    `--jobs` above 1 the clusters go to `jobs` worker processes (at most one per cluster, but a
    worker even for one cluster: a backend that ends its process takes down only its worker) and
    come back in the same order."""
    if plan.jobs > 1:
        spec = WorkSpec(systems=tuple(b for b, _ in built), settings=plan.settings, cache_dir=plan.paths.cache,
                        use_cache=plan.use_cache, refresh_cache=plan.refresh_cache, engine=resolved,
                        timeout=plan.timeout)
        yield from parallel.run(spec, clusters, jobs)
        return
    work = ClusterWork(systems=[s for _, s in built], scorer=Scorer(plan.settings, engine),
                       cache=SummaryCache(plan.paths.cache, plan.use_cache, plan.refresh_cache), timeout=plan.timeout)
    todo = iter(clusters)
    while (out := work.run_next(todo)) is not None:  # nothing here holds a cluster's source texts
        yield out


def run(plan: RunPlan, open_sink: Callable[[RecordHeader], Sink[T]], events: RunEvents | None = None, *,
        check_results: bool = False) -> T:
    """Run the plan: every result line goes to the sink `open_sink(header)` as it is made; returns
    what the sink's `close` returns. On any error or interrupt the sink is abandoned. With
    `check_results`, a label that already means another system in the results folder is refused."""
    events = events or RunEvents()
    built = build_systems(plan.systems)
    engine, resolved = resolve_engine(plan.rouge_engine)
    source = plan.source()
    everything = collection.choose(source, plan.clusters)
    chosen = select(everything, plan.shard)
    infos = [info(s) for _, s in built]
    if check_results:
        check_folder(plan.paths.runs, infos)
    sink = open_sink(header_for(plan, infos, chosen, engine=engine, order=everything))
    t0 = time.perf_counter()
    jobs = min(plan.jobs, max(len(chosen), 1))  # a worker per cluster at most: `--jobs 10**8` starts no more
    try:
        if plan.jobs == 1:
            _watch_tokens(built, events)
        for out in _outputs(plan, built, source.load(chosen), engine, resolved, jobs):
            for label, k in out.calls.items():
                events.calls[label] = events.calls.get(label, 0) + k
            for line in out.lines:
                events.on_result(line.system, line.result)
                sink.add(line)
    except BaseException:
        sink.abandon()
        raise
    return sink.close(time.perf_counter() - t0)


def evaluate(plan: RunPlan, events: RunEvents | None = None) -> Record:
    """The whole run in memory, as a plain Python call (notebooks, other tools). Writes nothing
    but cache entries. With jobs > 1, workers start as fresh processes, so a script calling this
    needs the usual `if __name__ == "__main__":` guard."""
    return run(plan, MemorySink, events)


def run_to_disk(plan: RunPlan, events: RunEvents | None = None) -> Path:
    """Run and stream the record to `results/runs/`; returns the published record path."""
    return run(plan, lambda header: RecordWriter(plan.paths.runs, header), events, check_results=True)


def unavailable_in(path: Path) -> list[str]:
    """Lines naming each backend that could not run at all (these make the CLI exit 3), read
    streaming from a record on disk."""
    return [f"{x.system} on {x.result.cluster_id}: {x.result.failure.message}" for x in records.iter_record(path)
            if isinstance(x, ResultLine) and x.result.failure is not None and x.result.failure.kind == "unavailable"]
