"""Stop handling for SIGINT and SIGTERM: one line and exit 130 or 143, never a traceback.

The entry point (`evalsum.entry`) installs the handler before any heavy import; the CLI asks it,
once it has caught the stop, which signal came. It lives in the lowest layer so both can import
it without the CLI importing its own entry point.
"""
from __future__ import annotations

import os
import signal
from types import FrameType

LINE = "results written so far are kept; rerun to resume from the cache"
WORDS = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated"}


def exit_code(signum: int) -> int:
    """The shell's convention: 128 + the signal number (130 for SIGINT, 143 for SIGTERM)."""
    return 128 + signum


def stop_line(signum: int) -> str:
    return f"{WORDS.get(signal.Signals(signum), 'stopped')}: {LINE}"


class StopHandler:
    """The handler for SIGINT and SIGTERM; its state lives in the process's signal table (see
    `installed`), not in a module global."""

    def __init__(self) -> None:
        self.received: int | None = None  # the first stop signal, once one came
        self.running = False  # the CLI is running: raise, so clean-up runs
        self.reported = False  # the one line is printed: leave quietly

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        first = self.received is None
        if first:
            self.received = signum
        if first and self.running:
            raise KeyboardInterrupt
        self.leave(signum)

    def leave(self, signum: int) -> None:
        """Print the line (once) and end the process now, without unwinding."""
        code = exit_code(self.received or signum)
        if not self.reported:
            self.reported = True
            try:
                os.write(2, (stop_line(self.received or signum) + "\n").encode("ascii", "replace"))
            except OSError:
                pass
        os._exit(code)

    def report(self) -> int:
        """Called by the CLI when it has caught the stop: from now on any signal leaves quietly.
        Returns the exit code and marks the line as the caller's to print."""
        self.reported = True
        self.running = False
        return exit_code(self.received or signal.SIGINT)


def install() -> StopHandler:
    handler = StopHandler()
    for sig in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(sig) is signal.SIG_IGN:
            continue  # ignored by the parent on purpose (nohup, a background job): keep it so
        signal.signal(sig, handler)
    return handler


def installed() -> StopHandler | None:
    """The handler `main` installed in this process, if any (in-process callers, such as tests,
    have none, and get Python's own KeyboardInterrupt)."""
    for sig in (signal.SIGTERM, signal.SIGINT):
        h = signal.getsignal(sig)
        if isinstance(h, StopHandler):
            return h
    return None
