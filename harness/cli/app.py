"""The typer application object and helpers shared by the command modules."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from evalsum import __version__

app = typer.Typer(
    name="evalsum", add_completion=False, no_args_is_help=True, rich_markup_mode=None,
    help="Evaluate summarisers on multi-document news clusters.\n\nExample: evalsum run --system lead3",
)

REFERENCES = typer.Option(Path("references"), "--references", help="folder of clusters")
RESULTS = typer.Option(Path("results"), "--results", help="folder for records, leaderboard, baseline and cache")
DATASET = typer.Option(None, "--dataset", help="read clusters from a JSONL dataset file instead of --references")
DEBUG_FLAG = "--debug"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"evalsum {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", help="print the version and exit", is_eager=True,
                                 callback=_version),
    debug: bool = typer.Option(False, DEBUG_FLAG, help="on error, show the traceback instead of one line "
                               "(may also follow the command: evalsum run ... --debug)"),
) -> None:
    """Evaluate summarisers on multi-document news clusters."""
    # `main()` takes --debug out of the arguments wherever it stands, before typer parses them;
    # it is declared here so that --help lists it.


def out() -> Console:
    return Console(highlight=False, soft_wrap=True)


def err() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def emit_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False))
