"""The `evalsum` command line: the only package that imports typer and the only one that prints.

Every command is a thin shell over a library call. Errors become one line on stderr and an exit
code (0 ok, 1 gate failed, 2 usage or data error, 3 backend unavailable); `--debug` shows the
traceback instead.
"""
from __future__ import annotations

import sys

import click
import typer

from harness.errors import EvalsumError
from harness.cli.app import app
from harness.cli import gold, run, view  # noqa: F401  (registers commands)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    if debug:
        args.remove("--debug")
    try:
        code = app(args=args, prog_name="evalsum", standalone_mode=False)
        if isinstance(code, int) and code:  # click returns typer.Exit codes when not standalone
            sys.exit(code)
    except EvalsumError as e:
        if debug:
            raise
        typer.echo(f"error: {e}", err=True)
        sys.exit(e.exit_code)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except click.ClickException as e:
        if debug:
            raise
        typer.echo(f"error: {e.format_message()}", err=True)
        sys.exit(2)
    except click.exceptions.Abort:
        typer.echo("aborted", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        typer.echo("interrupted: results written so far are kept; rerun to resume from the cache", err=True)
        sys.exit(130)
    return 0
