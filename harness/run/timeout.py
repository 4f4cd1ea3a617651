"""A time limit around one backend call, so a hung backend fails its cluster instead of the run.

The call runs in a daemon worker thread and the caller waits with `join(timeout)`. Python cannot
kill a thread, so a call that overruns is abandoned: it keeps running in the background, its
result is discarded (nothing is cached for it), and the run goes on to the next cluster. That is
acceptable for the CLI, which is one short-lived process: daemon threads end with it. Library
callers that run many timed-out calls in a long-lived process keep those threads until they
finish; use a generous limit there.

Why not a subprocess per call: it could be killed cleanly, but it would need every backend, its
options and the prepared cluster to be picklable, and a model-backed backend would reload its
weights in every child. The thread costs nothing when the backend behaves.

`timeout=None`, `0`, infinity or more than `threading.TIMEOUT_MAX` (longer than a thread can wait)
runs the call in the calling thread, for backends that must stay on the main thread (for example
ones that install signal handlers).
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from evalsum.errors import BackendTimeout

T = TypeVar("T")

DEFAULT_TIMEOUT = 300.0


class TimedOut(BackendTimeout):
    """The harness's per-cluster limit (`--timeout`) ran out around one backend call."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"timed out after {seconds:g} s")


def call_with_timeout(fn: Callable[..., T], timeout: float | None, *args: Any, **kwargs: Any) -> T:
    """Return `fn(*args, **kwargs)`, re-raise what it raises, or raise TimedOut after `timeout` s."""
    if not timeout or timeout >= threading.TIMEOUT_MAX:  # infinity, or past what a thread can wait: no limit
        return fn(*args, **kwargs)
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn(*args, **kwargs)
        except BaseException as e:
            box["error"] = e

    worker = threading.Thread(target=target, name="evalsum-backend-call", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise TimedOut(timeout)
    if "error" in box:
        raise box["error"]
    return box["value"]  # type: ignore[no-any-return]
