"""How `--jobs` holds and sends a cluster in flight: pickled once, kept as those bytes.

The parent lets go of each `Cluster` as soon as it is pickled and keeps the bytes it sent (and the
cluster without its source texts, for a failed result) until the worker answers; a worker that
dies leaves the same bytes to be sent to its replacement. A large cluster is so held once in the
parent, as compact bytes, rather than as objects (whose texts also keep the UTF-8 copy pickling
made) next to the worker's own copy.
"""
from __future__ import annotations

import pickle
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from evalsum.models import Cluster
from evalsum.run.cluster import without_source_texts

# What tells a worker to leave its loop (every other message is a pickled (seq, Cluster)).
STOP = pickle.dumps(None)


@dataclass(frozen=True)
class Parcel:
    """One cluster in flight as the parent holds it: the pickled (seq, cluster) it sends, and the
    cluster without its source texts (what a failed result names). A worker that dies leaves the
    same bytes to be sent to its replacement, never a second pickling or a Cluster in full."""

    seq: int
    blob: bytes
    light: Cluster

    @staticmethod
    def of(seq: int, cluster: Cluster) -> Parcel:
        return Parcel(seq, pickle.dumps((seq, cluster)), without_source_texts(cluster))


def pack(seq: int, clusters: Iterator[Cluster]) -> Parcel | None:
    """The next cluster pickled (None when there is none). Only this frame holds the `Cluster`,
    so it goes as soon as this returns (a generator or `enumerate` would keep the last one alive)."""
    cluster = next(clusters, None)
    return None if cluster is None else Parcel.of(seq, cluster)


class Feeder:
    """Writes bytes to one worker's inbox pipe from a thread of its own. Written from the parent's
    loop, a cluster larger than the pipe's buffer would block it until a busy worker read it, and
    a worker blocked on sending its result to that parent would never read: a deadlock. The queue
    holds the very bytes the parent holds, so nothing is copied."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.todo: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._feed, daemon=True, name="evalsum-feeder")
        self.thread.start()

    def put(self, blob: bytes) -> None:
        self.todo.put(blob)

    def _feed(self) -> None:
        while (blob := self.todo.get()) is not None:
            try:
                self.conn.send_bytes(blob)
            except OSError:  # the worker is gone: the parent sends what it held to the replacement
                return
            del blob

    def close(self, timeout: float) -> None:
        """End the thread, then close the pipe. Once the worker is gone a write fails at once, so
        the thread ends; should it not, the pipe is left open, never closed under its write."""
        self.todo.put(None)
        self.thread.join(timeout)
        if not self.thread.is_alive():
            self.conn.close()


def taking(box: list[Cluster]) -> Iterator[Cluster]:
    """The box's cluster, handed over: once taken, neither the box nor this generator holds it,
    so a worker can drop the source texts once the cluster is prepared (`ClusterWork.run_next`)."""
    while box:
        yield box.pop()
