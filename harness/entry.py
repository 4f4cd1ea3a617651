"""The process entry point (`evalsum` and `python -m evalsum`): stop handlers first, then the CLI.

Importing the CLI takes about a second (typer, rich, NLTK, numpy, pydantic models). A Ctrl-C in
that second used to print a traceback of the import in progress, and SIGTERM killed the process
without a word. So this module, which imports nothing heavy, installs handlers for SIGINT and
SIGTERM before anything else is imported:

- during start-up there is nothing to clean up: print the one line and leave at once;
- once the CLI runs, the first stop raises KeyboardInterrupt where the program is, so the run
  layer's clean-up (stop workers, keep the results written so far) happens, and the CLI prints
  the one line; it asks `received()` which signal it was, to exit 130 (SIGINT) or 143 (SIGTERM);
- a second stop while that clean-up runs leaves at once, as does any stop after the line.

A SIGINT that the parent set to be ignored (a background job in a script) stays ignored.
"""
from __future__ import annotations

import os
import signal
import sys
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


def main() -> None:
    handler = install()
    from evalsum.cli import main as cli_main  # the heavy imports, now under the handler

    handler.running = True
    try:
        cli_main(sys.argv[1:])
    finally:
        handler.running = False
        # The work is done and its exit code decided: a stop from here on changes nothing. Python
        # resets the handlers it installed to the default while it shuts down, so a stop landing
        # there would kill the process with the signal's status (-2, -15); an ignored signal it
        # leaves ignored (blocking would not do: another thread could still take the signal).
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_IGN)
