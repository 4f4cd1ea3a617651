"""`--jobs N`: clusters spread over N worker processes, results back in input order.

Each worker builds its own systems, scorer (with its own stem cache) and summary cache once, in
the pool initializer, then takes whole clusters: a cluster is the unit of work because its gold
is tokenised once and shared by every system. At most `window` clusters are in flight, so the
parent holds a bounded number of clusters and results whatever the corpus size; results are
yielded strictly in submission order, so a record is identical to a `--jobs 1` record apart from
timings. Workers start with `forkserver` (or `spawn`) rather than `fork`, so a thread in the parent
(the progress bar) can never leave a worker holding a lock.
"""
from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evalsum.errors import EvalsumError
from evalsum.models import Cluster, ResultLine, Settings


@dataclass(frozen=True)
class WorkerSpec:
    """Everything a worker needs to rebuild the run's state; plain data, so it pickles."""

    systems: tuple[tuple[str, dict[str, Any]], ...]
    settings: Settings
    cache_dir: Path
    use_cache: bool
    engine: str  # "python" or "rs": the engine the parent resolved and put in the signature
    timeout: float | None = None


# Process-local state of one worker process, set once by the pool initializer; never used in
# the parent process.
_WORKER: dict[str, Any] = {}


def _init(spec: WorkerSpec) -> None:
    from evalsum.metrics import engines as fast
    from evalsum.metrics.scorer import Scorer
    from evalsum.run import registry
    from evalsum.run.cache import SummaryCache

    _WORKER["built"] = [registry.build(name, opts) for name, opts in spec.systems]
    _WORKER["scorer"] = Scorer(spec.settings, fast.select(spec.engine))  # type: ignore[arg-type]
    _WORKER["cache"] = SummaryCache(spec.cache_dir, enabled=spec.use_cache)
    _WORKER["timeout"] = spec.timeout


def _work(cluster: Cluster) -> tuple[list[ResultLine], dict[str, int]]:
    from evalsum.run.runner import RunEvents, cluster_lines

    events = RunEvents()
    lines = cluster_lines(_WORKER["built"], cluster, _WORKER["scorer"], _WORKER["cache"], events, _WORKER["timeout"])
    return lines, events.calls


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def run(spec: WorkerSpec, clusters: Iterable[Cluster], jobs: int,
        window: int | None = None) -> Iterator[tuple[list[ResultLine], dict[str, int]]]:
    """Per cluster, in input order: its result lines and the backend calls made for it."""
    window = window or jobs * 4
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=_context(), initializer=_init, initargs=(spec,))
    pending: deque[Future[tuple[list[ResultLine], dict[str, int]]]] = deque()
    try:
        for cluster in clusters:
            pending.append(pool.submit(_work, cluster))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    except BrokenProcessPool:
        raise EvalsumError("a worker process died (out of memory, or killed); rerun with fewer --jobs") from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
