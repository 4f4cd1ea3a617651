"""The typer application object and helpers shared by the command modules.

Everything printed here comes, in part, from data: sources, summaries, labels, paths, server
replies. So the consoles never read it as markup (`[/x]` in a source used to crash `inspect`)
or emoji codes, never colour it, show control characters as escapes instead of sending them to
the terminal, mask secrets (`evalsum.redact`), and a console that cannot encode a character
shows an escape for it instead of failing (`configure_streams`).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.text import Text

from evalsum import __version__
from evalsum.redact import CONTROL, Redactor, escape_controls

app = typer.Typer(
    name="evalsum", add_completion=False, no_args_is_help=True, rich_markup_mode=None,
    help="Evaluate summarisers on multi-document news clusters.\n\nExample: evalsum run --system lead3",
)

REFERENCES = typer.Option(Path("references"), "--references", help="folder of clusters")
RESULTS = typer.Option(Path("results"), "--results", help="folder for records, leaderboard, baseline and cache")
DATASET = typer.Option(None, "--dataset", help="read clusters from a JSONL dataset file instead of --references")
DEBUG_FLAG = "--debug"

def one_line(e: BaseException | str) -> str:
    """The message on one line, whatever a backend or library put in it."""
    return " ".join(str(e).replace("\r", "\n").split("\n"))


def printable(text: str) -> str:
    """Text as a terminal should show it: control characters (but tab, newline) as escapes."""
    return escape_controls(text)


def safe_text(text: Text, redactor: Redactor) -> Text:
    """A rich Text (styled spans, as `show` builds) with the same treatment as a plain string:
    secrets masked and control characters escaped, piece by piece so every style is kept."""
    plain = text.plain
    if redactor.text(plain) == plain and CONTROL.search(plain) is None:
        return text
    cuts = sorted({0, len(plain), *(x for sp in text.spans for x in (sp.start, sp.end))})
    out = Text(style=text.style, justify=text.justify, no_wrap=text.no_wrap, end=text.end)
    for a, b in zip(cuts, cuts[1:], strict=False):
        piece = text[a:b]
        clean = Text(escape_controls(redactor.text(piece.plain)))
        for sp in piece.spans:
            clean.stylize(sp.style, 0, len(clean))
        out.append_text(clean)
    return out


class DataConsole(Console):
    """A rich Console for text that holds data: no markup, emoji or highlighting (a caller may
    still pass markup=True for a literal of its own), secrets masked, control characters escaped."""

    def __init__(self, stderr: bool = False, redactor: Redactor | None = None) -> None:
        super().__init__(stderr=stderr, markup=False, emoji=False, highlight=False, soft_wrap=True)
        self.redactor = redactor or Redactor.from_environ()

    def print(self, *objects: Any, **kwargs: Any) -> None:
        super().print(*(self._safe(o) for o in objects), **kwargs)

    def _safe(self, o: Any) -> Any:
        if isinstance(o, str):
            return printable(self.redactor.text(o))
        if isinstance(o, Text):
            return safe_text(o, self.redactor)
        return o


def echo_data(text: str, *, err: bool = False, nl: bool = True) -> None:
    """typer.echo for text that holds data (tables, markdown): secrets masked, control
    characters escaped; plain, so never read as markup."""
    typer.echo(printable(Redactor.from_environ().text(text)), err=err, nl=nl)


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
    return DataConsole()


def err() -> Console:
    return DataConsole(stderr=True)


def configure_streams() -> None:
    """Let stdout and stderr show any text on any console: a character the console's encoding
    lacks (PYTHONIOENCODING=ascii, a C locale) prints as an escape rather than raising
    UnicodeEncodeError. The CLI calls this first; the library never prints."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):  # a closed or detached stream: nothing to print to anyway
                pass


def emit_json(data: Any) -> None:
    """JSON on stdout, secrets masked: UTF-8 text as is where the console can show it, \\u
    escapes where it cannot (so the output stays valid, lossless JSON either way)."""
    data = Redactor.from_environ().data(data)
    text = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False)
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        text = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=True)
    typer.echo(text)
