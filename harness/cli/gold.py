"""`evalsum validate`: checks all gold data, in a references folder or a JSONL dataset."""
from __future__ import annotations

from pathlib import Path

import typer

from evalsum.cli.app import DATASET, REFERENCES, app, emit_json, err, one_line, out
from evalsum.gold import validation


@app.command()
def validate(
    as_json: bool = typer.Option(False, "--json", help="print findings as JSON"),
    dataset: Path | None = DATASET,
    references: Path = REFERENCES,
) -> None:
    """Check every cluster's gold data: schema, fact support, reference coverage, probes.

    Example: evalsum validate   |   evalsum validate --dataset clusters.jsonl
    """
    problems, warnings, summary = (validation.validate_dataset(dataset) if dataset is not None
                                   else validation.validate_all(references))
    if as_json:
        emit_json({"problems": problems, "warnings": warnings, "summary": summary})
    else:
        for line in summary:
            out().print(line, markup=False)
        for w in warnings:
            err().print(f"warning: {one_line(w)}", markup=False)
        for p in problems:
            err().print(f"error: {one_line(p)}", markup=False)
    if problems:
        raise typer.Exit(2)
