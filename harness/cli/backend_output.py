"""Keeps stdout for evalsum's own output while backends run.

A backend may print (a progress line, a library's banner, rich markup, 10 MB of debug output), and
so may a C extension or a process it starts. On stdout that would break `evalsum run --json` and
any pipe reading the results table, so during the run file descriptor 1 points at stderr (and
`sys.stdout` at `sys.stderr`): whatever a backend writes still shows, on the stream meant for
diagnostics. Workers started meanwhile inherit the same descriptors. Backend text is never read
as markup: it does not pass through rich.
"""
from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def to_stderr() -> Iterator[None]:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    saved: int | None = None
    try:
        saved = os.dup(1)
        os.dup2(2, 1)
    except OSError:  # no descriptor 1 or 2 (a closed stream): only Python-level prints are moved
        if saved is not None:
            os.close(saved)
        saved = None
    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield
    finally:
        with contextlib.suppress(Exception):
            sys.stderr.flush()
        if saved is not None:
            os.dup2(saved, 1)
            os.close(saved)
