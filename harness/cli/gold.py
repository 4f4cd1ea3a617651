"""`evalsum validate`: checks all gold data."""
from __future__ import annotations

from pathlib import Path

import typer

from evalsum.cli.app import REFERENCES, app, emit_json, err, out
from evalsum.gold import validation


@app.command()
def validate(
    as_json: bool = typer.Option(False, "--json", help="print findings as JSON"),
    references: Path = REFERENCES,
) -> None:
    """Check every cluster's gold data: schema, fact support, reference coverage, probes.

    Example: evalsum validate
    """
    problems, warnings, summary = validation.validate_all(references)
    if as_json:
        emit_json({"problems": problems, "warnings": warnings, "summary": summary})
    else:
        for line in summary:
            out().print(line, markup=False)
        for w in warnings:
            err().print(f"warning: {w}", markup=False)
        for p in problems:
            err().print(f"error: {p}", markup=False)
    if problems:
        raise typer.Exit(2)
