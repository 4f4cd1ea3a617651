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

import signal
import sys

from evalsum.stops import install

# After a SIGKILL of the parent, multiprocessing's resource tracker (a helper process of
# `--jobs`) unlinks the semaphores the parent could not, and warns about each "leak" on the
# terminal the user just killed evalsum in. The clean-up is right; the warning is noise. Helper
# processes start with the parent's -W options (sys.warnoptions), so this one filter reaches them.
QUIET_TRACKER = "ignore::UserWarning:multiprocessing.resource_tracker"


def main() -> None:
    handler = install()
    if QUIET_TRACKER not in sys.warnoptions:
        sys.warnoptions.append(QUIET_TRACKER)  # the process is the CLI's: no library caller is affected
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
