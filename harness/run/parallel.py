"""`--jobs N`: clusters spread over N worker processes, results back in input order.

Each worker is a process running `_serve`: it builds its own `ClusterWork` (systems, scorer with
its stem cache, summary cache) from a typed `WorkSpec` once, as a local variable, then loops over
its own inbox. There is no module-level state and no pool initializer. A cluster is the unit of
work because its gold is tokenised once and shared by every system.

The parent pickles each cluster once (`inflight`), lets go of the `Cluster` object, and sends the
bytes to the worker with the fewest in flight; it holds those bytes (and the cluster with its
source texts emptied, for a failed result) until the worker answers, so a large cluster is held
once in the parent, as compact bytes, not as objects as well. A feeder thread per worker writes
the bytes to the worker's inbox pipe (as `multiprocessing.Queue` would, but without pickling them
again), so the parent never blocks on a busy worker's pipe. Each worker answers on its own pipe (sent
synchronously, so a result the worker finished is never lost when it dies afterwards), and the
parent waits on those pipes and on the workers' sentinels together. A worker that dies (a backend
calling `os._exit`, a native crash, the OOM killer) costs only the cluster it was working on: that
cluster is recorded as failed with kind "bug" for every system, the one the worker said it was
running named as the cause and the others as lost with it; a new worker takes the dead one's place
and is sent the same bytes of its queued clusters, and the run goes on. At most `window` clusters
are sent but not yet yielded, so memory stays bounded; results are yielded strictly in input
order, so a record is identical to a `--jobs 1` record apart from timings. Workers start with
`forkserver` (or `spawn`) rather than `fork`, so a thread in the parent (the progress bar, the
feeders) can never leave a worker holding a lock.

Workers die with their parent: each holds the read end of an "alive" pipe whose only writer is the
parent, and a watchdog thread ends the worker when that pipe reaches end-of-file, which the kernel
makes happen however the parent ends (SIGKILL included). The forkserver and resource tracker exit
by their own end-of-file rules once the parent and the workers are gone.
"""
from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from typing import Any

from evalsum.errors import EvalsumError
from evalsum.models import Cluster, Failure
from evalsum.run.cluster import ClusterOutput, ClusterWork, WorkSpec, failed_output, without_source_texts
from evalsum.run.inflight import STOP, Feeder, Parcel, pack, taking

POLL_SECONDS = 0.2
# Each worker is a whole interpreter with the scorer loaded (tens of MB): `--jobs 99999` must not
# try to start 99999 of them.
JOBS_PER_CPU = 4


def max_jobs() -> int:
    return JOBS_PER_CPU * max(1, os.cpu_count() or 1)
# Workers that die this many times while holding no cluster cannot even start (say, memory): stop
# instead of restarting forever.
MAX_IDLE_DEATHS = 3


def _watch(alive: Any) -> None:
    """End this worker as soon as the parent is gone (the alive pipe hits end-of-file)."""
    try:
        alive.recv()
    except (EOFError, OSError):
        pass
    os._exit(1)


def _serve(spec: WorkSpec, inbox: Any, outbox: Any, alive: Any) -> None:
    """A worker's whole life: build the work state, then answer each pickled (seq, cluster) from
    its inbox pipe until STOP. An exception (bad gold data, say) goes back to the parent, which
    raises it as `--jobs 1` would."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    threading.Thread(target=_watch, args=(alive,), daemon=True, name="evalsum-parent-watch").start()
    try:
        work = spec.build()
    except BaseException as e:  # sent to the parent, which raises it as --jobs 1 would
        outbox.send((-1, e))
        return
    labels = [s.label for s in spec.systems]
    while _answer(work, labels, inbox, outbox):
        pass


def _answer(work: ClusterWork, labels: list[str], inbox: Any, outbox: Any) -> bool:
    """Read one cluster, run it and send its result; False once told to stop or the parent is
    gone. A function of its own so that nothing of this cluster is held while the next arrives."""
    try:
        item = pickle.loads(inbox.recv_bytes())  # the bytes go as soon as they are read
    except (EOFError, OSError):  # the parent is gone: nobody to answer
        return False
    if item is None:
        return False
    seq, cluster = item
    del item
    shell = without_source_texts(cluster)  # names the cluster in a failed result
    box = [cluster]
    del cluster  # from here only `run_next` holds it, and drops its texts once it is prepared

    def starting(label: str) -> None:
        outbox.send((seq, Starting(label)))  # so a death is put down to the system that was running

    try:
        payload: object = work.run_next(taking(box), starting)
    except BaseException as e:  # sent to the parent, which raises it as --jobs 1 would
        payload = e
    try:
        blob = pickle.dumps((seq, payload))
    except Exception as e:  # a result that cannot cross fails its cluster only
        failure = Failure(kind="bug", message=f"the result cannot be sent back from its worker process "
                          f"({type(e).__name__}: {e})")
        blob = pickle.dumps((seq, failed_output(labels, shell, failure)))
    try:
        outbox.send_bytes(blob)
    except OSError:  # the parent is gone (or closed the pipe): nothing to answer, leave quietly
        return False
    return True


@dataclass(frozen=True)
class Starting:
    """A worker's word that it is starting this system on its current cluster."""

    label: str


@dataclass
class _Worker:
    process: Any
    inbox: Feeder
    results: Any
    held: deque[Parcel] = field(default_factory=deque)  # sent to its inbox, in order
    running: str | None = None  # the system it last said it started on its first held cluster


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _died_output(labels: list[str], cluster: Cluster, code: int | None, running: str | None) -> ClusterOutput:
    """The lost cluster's results: the system that was running when its worker died is named as
    the cause; the others say they were lost with it (their backends did nothing wrong)."""
    why = ("while working on this cluster: a backend ended its process" if running is None
           else "while this system ran on this cluster: it ended its process")
    died = (f"the worker process died (exit code {code}) {why}, crashed, or ran out of memory; the other "
            "clusters went on")
    out = failed_output(labels, cluster, Failure(kind="bug", message=died))
    if running is not None:
        lost = Failure(kind="bug", message=f"not recorded: the worker process died (exit code {code}) while "
                       f"{running!r} ran on this cluster; rerun to score it (finished summaries are cached)")
        out.lines = [line if line.system == running else
                     line.model_copy(update={"result": line.result.model_copy(update={"failure": lost})})
                     for line in out.lines]
    return out


class _Pool:
    """The workers of one run, each with its own inbox, result pipe and alive pipe."""

    def __init__(self, spec: WorkSpec, jobs: int) -> None:
        self.spec, self.ctx = spec, _context()
        self.alive_r, self.alive_w = self.ctx.Pipe(duplex=False)  # the parent keeps the only writer
        self.workers = [self.start() for _ in range(jobs)]
        self.idle_deaths = 0

    def start(self) -> _Worker:
        inbox_r, inbox_w = self.ctx.Pipe(duplex=False)
        results_r, results_w = self.ctx.Pipe(duplex=False)
        process = self.ctx.Process(target=_serve, args=(self.spec, inbox_r, results_w, self.alive_r), daemon=True,
                                   name="evalsum-worker")
        try:
            process.start()
        except OSError as e:  # the forkserver was killed (a backend signalled its parent, the OOM killer)
            for conn in (inbox_r, inbox_w, results_r, results_w):
                conn.close()
            raise EvalsumError(f"cannot start a worker process ({e.strerror or e}): the helper process that starts "
                               "workers is gone or the system is out of resources; rerun, or use --jobs 1") from None
        results_w.close()  # the worker holds the writer now: a dead worker reads as end-of-file
        inbox_r.close()  # and the only reader: writing to a dead worker fails instead of blocking
        return _Worker(process, Feeder(inbox_w), results_r)

    def send(self, parcel: Parcel) -> None:
        self.send_to(min(self.workers, key=lambda w: len(w.held)), parcel)

    @staticmethod
    def send_to(worker: _Worker, parcel: Parcel) -> None:
        worker.held.append(parcel)
        worker.inbox.put(parcel.blob)

    def fill(self, clusters: Iterator[Cluster], first: int, room: int) -> int:
        """Send up to `room` more clusters, numbered from `first`; returns how many (fewer: the
        clusters ran out). Their bytes live on only in the workers' `held`."""
        for n in range(room):
            parcel = pack(first + n, clusters)
            if parcel is None:
                return n
            self.send(parcel)
        return room

    def replace(self, dead: _Worker) -> tuple[int, ClusterOutput] | None:
        """A dead worker's first cluster fails; its queued ones go to the new worker in its place."""
        dead.process.join(timeout=1)
        code = dead.process.exitcode
        dead.inbox.close(timeout=1)
        dead.results.close()
        fresh = self.start()
        self.workers[self.workers.index(dead)] = fresh
        if not dead.held:
            self.idle_deaths += 1
            if self.idle_deaths >= MAX_IDLE_DEATHS:
                raise EvalsumError(f"worker processes keep dying before they take a cluster (exit code {code}): "
                                   "out of memory or killed; rerun with fewer --jobs or --jobs 1")
            return None
        lost = dead.held.popleft()
        for parcel in dead.held:
            self.send_to(fresh, parcel)
        labels = [s.label for s in self.spec.systems]
        return lost.seq, _died_output(labels, lost.light, code, dead.running)

    def answers(self) -> list[tuple[int, object]]:
        """Whatever arrived within POLL_SECONDS: (seq, ClusterOutput or exception) pairs, including
        the failed output of a cluster whose worker died."""
        by_fd = {w.results: w for w in self.workers}
        sentinels = {w.process.sentinel: w for w in self.workers}
        ready = wait([*by_fd, *sentinels], timeout=POLL_SECONDS)
        got: list[tuple[int, object]] = []
        dead: list[_Worker] = []
        for r in ready:
            w = by_fd.get(r) or sentinels[r]
            try:
                while w.results.poll():
                    seq, payload = pickle.loads(w.results.recv_bytes())
                    if isinstance(payload, Starting):
                        w.running = payload.label
                        continue
                    if w.held and w.held[0].seq == seq:
                        w.held.popleft()
                    w.running = None
                    got.append((seq, payload))
            except (EOFError, OSError):
                pass
            if not w.process.is_alive() and w not in dead:
                dead.append(w)
        for w in dead:
            lost = self.replace(w)
            if lost is not None:
                got.append(lost)
        return got

    def stop(self, clean: bool) -> None:
        """Finished: let workers leave their loop. Otherwise (an error, Ctrl-C, the caller stopped
        reading): terminate them, and never wait on a pipe nobody reads."""
        for w in self.workers:
            if clean and w.process.is_alive():
                w.inbox.put(STOP)
        for w in self.workers:
            w.process.join(timeout=5 if clean else 0.1)
            if w.process.is_alive():
                w.process.terminate()
                w.process.join(timeout=5)
            w.held.clear()
            w.inbox.close(timeout=1)
            w.results.close()
        self.alive_w.close()
        self.alive_r.close()


def run(spec: WorkSpec, clusters: Iterable[Cluster], jobs: int, window: int | None = None) -> Iterator[ClusterOutput]:
    """Per cluster, in input order: its result lines and the backend calls made for it."""
    window = window or jobs * 4
    pool = _Pool(spec, jobs)
    done: dict[int, ClusterOutput] = {}
    todo = iter(clusters)
    sent = yielded = 0
    exhausted = clean = False
    try:
        while True:
            if not exhausted and sent - yielded < window:
                room = window - (sent - yielded)
                n = pool.fill(todo, sent, room)
                sent += n
                exhausted = n < room
            while yielded in done:
                yield done.pop(yielded)
                yielded += 1
            if exhausted and yielded == sent:
                break
            for seq, got in pool.answers():
                if isinstance(got, BaseException):
                    raise got
                assert isinstance(got, ClusterOutput)
                done[seq] = got
        clean = True
    finally:
        pool.stop(clean)
