"""`--jobs N`: clusters spread over N worker processes, results back in input order.

Each worker is a process running `_serve`: it builds its own `ClusterWork` (systems, scorer with
its stem cache, summary cache) from a typed `WorkSpec` once, as a local variable, then loops over
its own inbox. There is no module-level state and no pool initializer. A cluster is the unit of
work because its gold is tokenised once and shared by every system.

The parent sends each cluster to the worker with the fewest in flight and remembers which worker
holds which clusters, so a worker that dies is reported with the cluster it was working on. At
most `window` clusters are sent but not yet yielded, so the parent holds a bounded number of
clusters and results whatever the corpus size; results are yielded strictly in input order, so a
record is identical to a `--jobs 1` record apart from timings. Workers start with `forkserver`
(or `spawn`) rather than `fork`, so a thread in the parent (the progress bar) can never leave a
worker holding a lock.
"""
from __future__ import annotations

import multiprocessing
import pickle
import queue
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from evalsum.errors import EvalsumError
from evalsum.models import Cluster
from evalsum.run.cluster import ClusterOutput, WorkSpec

POLL_SECONDS = 0.2


def _serve(spec: WorkSpec, inbox: Any, outbox: Any) -> None:
    """A worker's whole life: build the work state, then answer (seq, cluster) until None.
    An exception (bad gold data, say) goes back to the parent, which raises it as `--jobs 1` would."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        work = spec.build()
    except BaseException as e:
        outbox.put((-1, e))
        return
    while True:
        item = inbox.get()
        if item is None:
            return
        seq, cluster = item
        try:
            payload: object = work.run(cluster)
        except BaseException as e:
            payload = e
        try:  # pickled once here, not only in the queue's feeder thread, whose errors nobody sees
            pickle.dumps(payload)
        except Exception as e:
            payload = EvalsumError(f"the result for cluster {cluster.id!r} cannot be sent back from its worker "
                                   f"process ({type(e).__name__}: {e})")
        outbox.put((seq, payload))


@dataclass
class _Worker:
    process: Any
    inbox: Any
    held: deque[tuple[int, str]] = field(default_factory=deque)  # (seq, cluster id) in its inbox, in order


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _died(worker: _Worker) -> EvalsumError:
    code = worker.process.exitcode
    where = f" while working on cluster {worker.held[0][1]!r}" if worker.held else ""
    return EvalsumError(f"a worker process died (exit code {code}){where}: out of memory, killed, or a backend "
                        "ended its process; rerun with fewer --jobs or --jobs 1")


def run(spec: WorkSpec, clusters: Iterable[Cluster], jobs: int, window: int | None = None) -> Iterator[ClusterOutput]:
    """Per cluster, in input order: its result lines and the backend calls made for it."""
    window = window or jobs * 4
    ctx = _context()
    outbox = ctx.Queue()
    workers = []
    for _ in range(jobs):
        inbox = ctx.Queue()
        process = ctx.Process(target=_serve, args=(spec, inbox, outbox), daemon=True, name="evalsum-worker")
        process.start()
        workers.append(_Worker(process, inbox))
    done: dict[int, ClusterOutput] = {}
    todo = iter(clusters)
    sent = yielded = 0
    exhausted = False
    clean = False
    try:
        while True:
            while not exhausted and sent - yielded < window:
                cluster = next(todo, None)
                if cluster is None:
                    exhausted = True
                    break
                target = min(workers, key=lambda w: len(w.held))
                target.held.append((sent, cluster.id))
                target.inbox.put((sent, cluster))
                sent += 1
            while yielded in done:
                yield done.pop(yielded)
                yielded += 1
            if exhausted and yielded == sent:
                break
            try:
                seq, got = outbox.get(timeout=POLL_SECONDS)
            except queue.Empty:
                dead = next((w for w in workers if not w.process.is_alive()), None)
                if dead is not None:
                    raise _died(dead) from None
                continue
            if isinstance(got, BaseException):
                raise got
            for w in workers:
                if w.held and w.held[0][0] == seq:
                    w.held.popleft()
            done[seq] = got
        clean = True
    finally:
        _stop(workers, clean)


def _stop(workers: list[_Worker], clean: bool) -> None:
    """Finished: let workers leave their loop. Otherwise (an error, Ctrl-C, the caller stopped
    reading): terminate them, and never wait on a pipe nobody reads."""
    for w in workers:
        if clean and w.process.is_alive():
            w.inbox.put(None)
        else:
            w.inbox.cancel_join_thread()
    for w in workers:
        w.process.join(timeout=5 if clean else 0.1)
        if w.process.is_alive():
            w.process.terminate()
            w.process.join(timeout=5)
        w.inbox.close()
