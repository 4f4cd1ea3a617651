"""The `evalsum` command line: the only package that imports typer and the only one that prints.

Every command is a thin shell over a library call. Errors become one line on stderr and an exit
code (0 ok, 1 gate failed, 2 usage or data error, 3 backend unavailable); `--debug` shows the
traceback instead.
"""
from __future__ import annotations

import sys

import click
import typer

from evalsum.cli import cache, gate, gold, init, report, run, scale, score, show, systems, view  # noqa: F401  (registers commands)
from evalsum.cli.app import DEBUG_FLAG, app
from evalsum.errors import EvalsumError

# typer >= 0.20 vendors its own click: catch both its exceptions and click's.
CLI_ERRORS: tuple[type[Exception], ...] = (click.ClickException, typer.TyperException)
EXITS: tuple[type[BaseException], ...] = (click.exceptions.Exit, typer.Exit)
ABORTS: tuple[type[BaseException], ...] = (click.exceptions.Abort, typer.Abort)


def main(argv: list[str] | None = None) -> int:
    args, debug = take_debug(list(sys.argv[1:] if argv is None else argv))
    try:
        code = app(args=args, prog_name="evalsum", standalone_mode=False)
    except EvalsumError as e:
        if debug:
            raise
        typer.echo(f"error: {one_line(e)}", err=True)
        sys.exit(e.exit_code)
    except EXITS as e:
        sys.exit(int(getattr(e, "exit_code", 1)))  # click's Exit and typer's vendored one both carry it
    except ABORTS:
        typer.echo("aborted", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        typer.echo("interrupted: results written so far are kept; rerun to resume from the cache", err=True)
        sys.exit(130)
    except CLI_ERRORS as e:
        if debug:
            raise
        if type(e).__name__ == "NoArgsIsHelpError":  # bare `evalsum`: the help, as click shows it
            typer.echo(message(e), err=True)
            sys.exit(2)
        typer.echo(f"error: {one_line(message(e))}", err=True)
        sys.exit(2)
    except OSError as e:  # a file problem no library call turned into a DataError
        if debug:
            raise
        where = f"{e.filename}: " if e.filename else ""
        typer.echo(f"error: {where}{e.strerror or one_line(e)}", err=True)
        sys.exit(2)
    except Exception as e:
        if debug:
            raise
        typer.echo(f"error: internal error ({type(e).__name__}: {one_line(e)}); rerun with --debug for the "
                   "traceback and report it", err=True)
        sys.exit(2)
    # Without standalone mode, `raise typer.Exit(n)` inside a command comes back as a return value,
    # and typer turns Ctrl-C into Exit(130) before we see the KeyboardInterrupt.
    if isinstance(code, int) and not isinstance(code, bool) and code:
        if code == 130:
            typer.echo("interrupted: results written so far are kept; rerun to resume from the cache", err=True)
        sys.exit(code)
    return 0


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


def one_line(e: BaseException | str) -> str:
    """The message on one line, whatever a backend or library put in it."""
    return " ".join(str(e).replace("\r", "\n").split("\n"))
