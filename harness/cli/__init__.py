"""The `evalsum` command line: the only package that imports typer and the only one that prints.

Every command is a thin shell over a library call. Errors become one line on stderr and an exit
code (0 ok, 1 gate failed, 2 usage or data error, 3 backend unavailable, 130 or 143 stopped by
SIGINT or SIGTERM); `--debug` shows the traceback instead. The process entry point is
`evalsum.entry`, which installs the stop handlers before this package is imported.
"""
from __future__ import annotations

import signal
import sys

import click
import typer

from evalsum import stops
from evalsum.cli import cache, gate, gold, init, report, run, scale, score, show, systems, view  # noqa: F401  (registers commands)
from evalsum.cli import signature as signature_command  # noqa: F401  (registers `evalsum signature`)
from evalsum.cli.app import DEBUG_FLAG, app, configure_streams, one_line, printable
from evalsum.errors import EvalsumError
from evalsum.files import describe
from evalsum.redact import Redactor

# typer >= 0.20 vendors its own click: catch both its exceptions and click's.
CLI_ERRORS: tuple[type[Exception], ...] = (click.ClickException, typer.TyperException)
EXITS: tuple[type[BaseException], ...] = (click.exceptions.Exit, typer.Exit)
ABORTS: tuple[type[BaseException], ...] = (click.exceptions.Abort, typer.Abort)
INTERRUPTED = 130  # what typer turns a KeyboardInterrupt into


def main(argv: list[str] | None = None) -> int:
    configure_streams()
    args, debug = take_debug(list(sys.argv[1:] if argv is None else argv))
    try:
        code = app(args=args, prog_name="evalsum", standalone_mode=False)
    except BaseException as e:  # noqa: B036  (every way out becomes one line and an exit code)
        sys.exit(_exit_for(e, debug, _redactor(args)))
    # Without standalone mode, `raise typer.Exit(n)` inside a command comes back as a return value,
    # and typer turns Ctrl-C into Exit(130) before we see the KeyboardInterrupt.
    if isinstance(code, int) and not isinstance(code, bool) and code:
        sys.exit(_stopped() if code == INTERRUPTED else code)
    return 0


def _redactor(args: list[str]) -> Redactor:
    """The process's secrets, plus the key variables named by any `-o api_key_env=NAMES`."""
    names = [n for a in args if a.startswith("api_key_env=") for n in a.split("=", 1)[1].split(",")]
    return Redactor.from_environ(names=names)


def _exit_for(e: BaseException, debug: bool, redactor: Redactor) -> int:
    """Print the one line for `e` and return the exit code (or re-raise, with --debug)."""
    if isinstance(e, (KeyboardInterrupt, *ABORTS)) or (isinstance(e, EXITS) and _code(e) == INTERRUPTED):
        return _stopped()
    if isinstance(e, EXITS):
        return _code(e)
    if isinstance(e, SystemExit):
        raise e
    if debug:
        raise e
    if isinstance(e, EvalsumError):
        return _error(redactor, one_line(e), e.exit_code)
    if isinstance(e, CLI_ERRORS):
        if type(e).__name__ == "NoArgsIsHelpError":  # bare `evalsum`: the help, as click shows it
            typer.echo(printable(message(e)), err=True)
            return 2
        return _error(redactor, one_line(message(e)), 2)
    if isinstance(e, OSError):  # a file problem no library call turned into a DataError
        where = f"{e.filename}: " if e.filename else ""
        return _error(redactor, f"{where}{one_line(describe(e))}", 2)
    if isinstance(e, Exception):
        return _error(redactor, f"internal error ({type(e).__name__}: {one_line(e)}); rerun with --debug for the "
                      "traceback and report it", 2)
    raise e  # GeneratorExit and other BaseExceptions are not ours to turn into a line


def _code(e: BaseException) -> int:
    code = getattr(e, "exit_code", 1)
    return code if isinstance(code, int) else 1


def _stopped() -> int:
    """A stop (Ctrl-C or SIGTERM): one line, and 130 or 143. Any further signal from here on
    ends the process at once (the entry point's handler), so no traceback can follow."""
    handler = stops.installed()
    code = handler.report() if handler is not None else stops.exit_code(signal.SIGINT)
    typer.echo(stops.stop_line(code - 128), err=True)
    return code


def _error(redactor: Redactor, line: str, code: int) -> int:
    """The one error line: secrets masked, never markup (typer.echo is plain), control characters
    escaped."""
    typer.echo(f"error: {printable(redactor.text(line))}", err=True)
    return code


def take_debug(args: list[str]) -> tuple[list[str], bool]:
    """The arguments without `--debug`, and whether it was given: before or after the command, as
    a global flag, but never after `--` (where it is an argument)."""
    end = args.index("--") if "--" in args else len(args)
    kept = [a for a in args[:end] if a != DEBUG_FLAG]
    return kept + args[end:], len(kept) < end


def message(e: Exception) -> str:
    """A click or typer usage error's text (both have `format_message`; the tuple hides it from types)."""
    fmt = getattr(e, "format_message", None)
    return str(fmt()) if callable(fmt) else str(e)
