"""Process-wide settings that only an entry point may make: evalsum's own process and its workers.

One glibc malloc arena. Every backend call and every scoring call runs in a thread of its own (so
`--timeout` can bound it), and glibc gives each new thread its own malloc arena: memory the main
thread freed (the source text once the cluster is prepared, say) is then no use to the thread that
ranks and scores, and peak memory grows by a copy of the working set. Measured on a 10 MB source
(`run -s lead3`, peak RSS): 123 MB with the default, 106 MB with one arena. Python holds the GIL
while it allocates, so one arena costs no contention. Elsewhere (macOS, musl, Windows) nothing is
done; `MALLOC_ARENA_MAX` in the environment still wins, since it is read first.
"""
from __future__ import annotations

import ctypes
import os
import sys

M_ARENA_MAX = -8  # glibc's <malloc.h>


def one_malloc_arena() -> bool:
    """Ask glibc for a single malloc arena; True when it took the setting. Call before threads start."""
    if not sys.platform.startswith("linux") or "MALLOC_ARENA_MAX" in os.environ:
        return False
    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_ARENA_MAX, 1))
