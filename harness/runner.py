"""Composes a run: load -> prepare -> summarise (cached) -> budget -> score -> record.

Only this module and `corpus` touch disk. A backend that fails on one cluster is recorded as
failed there, and the run goes on; the caller decides the exit code from the record.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness import corpus, registry
from harness.budget import enforce_budget
from harness.cache import SummaryCache, cache_key
from harness.contract import Summariser
from harness.errors import BackendUnavailable, EvalsumError
from harness.models import (Budget, Cluster, ClusterResult, Prepared, Record, Settings, Summary,
                            SystemInfo, SystemRun)
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
            scores = mean.model_copy(update={"extra": {"leave_one_out": {a: s.model_dump(mode="json") for a, s in per.items()}}})
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


def run_id(created: dt.datetime, body: str) -> str:
    """Sortable by time; the content hash tells apart runs started in the same second."""
    return f"{created.strftime('%Y%m%dT%H%M%SZ')}-{hashlib.sha256(body.encode()).hexdigest()[:8]}"


def evaluate(systems: Sequence[tuple[str, dict[str, Any] | list[str]]], clusters: Sequence[str] | None = None,
             settings: Settings | None = None, paths: Paths | None = None, use_cache: bool = True,
             events: RunEvents | None = None) -> Record:
    """Run systems over clusters and return the record (not yet written: see `write_record`)."""
    settings = settings or Settings()
    paths = paths or Paths()
    events = events or RunEvents()
    built = build_systems(systems)
    loaded = corpus.load_clusters(paths.references, list(clusters) if clusters else None)
    scorer = Scorer(settings)
    cache = SummaryCache(paths.cache, enabled=use_cache)
    t0 = time.perf_counter()
    golds = {c.id: scorer.gold(c) for c in loaded}
    prepared = {c.id: prepare_cluster(c) for c in loaded}
    runs = []
    for system in built:
        results = []
        for c in loaded:
            res = run_one(system, c, prepared[c.id], golds[c.id], scorer, cache, events)
            events.on_result(system.name, res)
            results.append(res)
        runs.append(SystemRun(system=info(system), results=results))
    packages = package_versions()
    now = dt.datetime.now(dt.timezone.utc)
    created = now.isoformat(timespec="seconds")
    body = json.dumps([r.model_dump(mode="json", exclude={"results": {"__all__": {"seconds", "cached"}}}) for r in runs],
                      sort_keys=True)
    return Record(run_id=run_id(now, body), created=created, signature=signature(settings, packages),
                  settings=settings.model_dump(mode="json"), packages=packages,
                  clusters={c.id: corpus.file_hashes(c) for c in loaded}, systems=runs,
                  seconds=time.perf_counter() - t0)


def record_json(record: Record) -> str:
    return json.dumps(record.model_dump(mode="json"), indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def write_record(record: Record, paths: Paths) -> Path:
    path = paths.runs / f"{record.run_id}.json"
    write_atomic(path, record_json(record))
    return path


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
