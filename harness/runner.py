"""Composes a run: load -> prepare -> summarise (cached) -> budget -> score -> record.

Only this module and `corpus` touch disk. A backend that fails on one cluster is recorded as
failed there, and the run goes on; the caller decides the exit code from the record.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from harness import corpus, registry
from harness.budget import enforce_budget
from harness.cache import SummaryCache, cache_key
from harness.contract import Summariser
from harness.errors import BackendUnavailable, DataError, EvalsumError
from harness.models import (Budget, Cluster, ClusterResult, Prepared, Record, RecordHeader, ResultLine, Settings,
                            Summary, SystemInfo, SystemRun)
from harness.records import RecordWriter
from harness.scoring import Gold, Scorer
from harness.signature import package_versions, signature
from harness.store import write_atomic
from harness.text import prepare


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
        raise TypeError(f"summarise() returned {type(out).__name__}, not a Summary")
    if not any(s.strip() for s in out.sentences):
        raise ValueError("summarise() returned an empty summary")
    return out


def run_one(system: Summariser, cluster: Cluster, prepared: Prepared, gold: Gold, scorer: Scorer,
            cache: SummaryCache, events: RunEvents) -> ClusterResult:
    """Summarise and score one cluster; any backend exception becomes a failed result."""
    budget = Budget(words=scorer.settings.budget)
    t0 = time.perf_counter()
    key = cache_key(system.name, system.version, system.options.model_dump(mode="json"), cluster.sha256, budget.words)
    summary = cache.get(key)
    cached = summary is not None
    try:
        if summary is None:
            events.calls[system.name] = events.calls.get(system.name, 0) + 1
            summary = _summarise(system, prepared, budget, gold)
            cache.put(key, summary)
        if system.leave_one_out:
            budgeted = [enforce_budget(Summary(sentences=s), budget) for s in gold.ref_sentences]
            mean, per = scorer.leave_one_out(gold, [b.sentences for b in budgeted])
            shown = enforce_budget(summary, budget)
            scores = mean.model_copy(update={"extra": {**mean.extra, "leave_one_out": {a: s.model_dump(mode="json") for a, s in per.items()}}})
        else:
            shown = enforce_budget(summary, budget)
            scores = scorer.score(shown.sentences, gold)
    except BackendUnavailable as e:
        return ClusterResult(cluster_id=cluster.id, status="failed", error=f"unavailable: {e}", cached=cached,
                             seconds=time.perf_counter() - t0)
    except EvalsumError as e:
        return ClusterResult(cluster_id=cluster.id, status="failed", error=str(e), cached=cached,
                             seconds=time.perf_counter() - t0)
    except Exception as e:  # noqa: BLE001 - a backend's bug must not end the run
        return ClusterResult(cluster_id=cluster.id, status="failed", error=f"{type(e).__name__}: {e}",
                             cached=cached, seconds=time.perf_counter() - t0)
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


def iter_clusters(paths: Paths, only: Sequence[str] | None) -> Iterator[Cluster]:
    """Clusters one at a time, so memory does not grow with the corpus."""
    dirs = corpus.discover(paths.references)
    wanted = set(only or ())
    if wanted:
        ids = {corpus.cluster_id(d): d for d in dirs}
        missing = sorted(wanted - set(ids))
        if missing:
            raise DataError(paths.references, None, f"unknown cluster {missing[0]!r}; available: {', '.join(sorted(ids))}")
        dirs = [ids[i] for i in sorted(wanted)]
    for d in dirs:
        yield corpus.load_cluster(d)


def header_for(built: Sequence[Summariser], settings: Settings, cluster_ids: Sequence[str]) -> RecordHeader:
    packages = package_versions()
    now = dt.datetime.now(dt.timezone.utc)
    infos = [info(s) for s in built]
    return RecordHeader(run_id=run_id(now, settings, infos, cluster_ids), created=now.isoformat(timespec="seconds"),
                        signature=signature(settings, packages), settings=settings.model_dump(mode="json"),
                        packages=packages, systems=infos)


def execute(built: Sequence[Summariser], clusters: Iterable[Cluster], settings: Settings, paths: Paths,
            sink: Sink, use_cache: bool = True, events: RunEvents | None = None) -> int:
    """Cluster-major loop: each cluster is loaded and prepared once, then every system runs on it.
    Results go to the sink as they are made; returns the number of results."""
    events = events or RunEvents()
    scorer = Scorer(settings)
    cache = SummaryCache(paths.cache, enabled=use_cache)
    n = 0
    for c in clusters:
        prepared = prepare_cluster(c)
        gold = scorer.gold(c, prepared)
        files = corpus.file_hashes(c)
        for system in built:
            res = run_one(system, c, prepared, gold, scorer, cache, events)
            events.on_result(system.name, res)
            sink.add(ResultLine(system=system.name, cluster_files=files, result=res))
            n += 1
    return n


def evaluate(systems: Sequence[tuple[str, dict[str, Any] | list[str]]], clusters: Sequence[str] | None = None,
             settings: Settings | None = None, paths: Paths | None = None, use_cache: bool = True,
             events: RunEvents | None = None) -> Record:
    """The whole run in memory, as a plain Python call (notebooks, other tools). Writes nothing
    but cache entries; the CLI uses `run_to_disk` instead."""
    settings = settings or Settings()
    paths = paths or Paths()
    built = build_systems(systems)
    loaded = corpus.load_clusters(paths.references, list(clusters) if clusters else None)
    header = header_for(built, settings, [c.id for c in loaded])
    sink = MemorySink()
    t0 = time.perf_counter()
    execute(built, loaded, settings, paths, sink, use_cache, events)
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
                events: RunEvents | None = None) -> Path:
    """Run and stream the record to `results/runs/`; returns the published record path."""
    settings = settings or Settings()
    paths = paths or Paths()
    built = build_systems(systems)
    ids = [corpus.cluster_id(d) for d in corpus.discover(paths.references)]
    chosen = sorted(set(clusters)) if clusters else ids
    writer = RecordWriter(paths.runs, header_for(built, settings, chosen))
    t0 = time.perf_counter()
    try:
        execute(built, iter_clusters(paths, clusters), settings, paths, writer, use_cache, events)
    except BaseException:
        writer.abandon()
        raise
    return writer.close(time.perf_counter() - t0)


def unavailable_failures(record: Record) -> list[str]:
    """Lines naming each backend that could not run at all: these make the CLI exit 3."""
    return [f"{r.system.name} on {x.cluster_id}: {x.error}" for r in record.systems for x in r.results
            if x.status == "failed" and (x.error or "").startswith("unavailable:")]


def refresh_leaderboard(paths: Paths) -> Path:
    """Rebuild LEADERBOARD.md and leaderboard.json from the records alone."""
    from harness import records, report

    board = report.build(records.load_records(paths.runs))
    write_atomic(paths.results / "leaderboard.json", records.dumps(board.model_dump(mode="json")))
    md = paths.results / "LEADERBOARD.md"
    write_atomic(md, report.render_markdown(board))
    return md
