"""`evalsum validate`: checks all gold data, in a references folder or a JSONL dataset."""
from __future__ import annotations

from pathlib import Path

import typer

from evalsum.cli.app import DATASET, REFERENCES, app, emit_json, err, out
from evalsum.errors import DataError
from evalsum.gold import collection, validation


def validate_dataset(path: Path) -> tuple[list[str], list[str], list[str]]:
    """`validation.validate_all` for a JSONL dataset: a line that does not parse stops the listing
    (it names the line); each cluster that parses gets the folder's checks."""
    problems: list[str] = []
    warnings: list[str] = []
    info: list[str] = []
    source = collection.DatasetSource(path)
    try:
        ids = source.ids()
    except DataError as e:
        return [str(e)], warnings, info
    for cluster in source.load(ids):
        info.append(f"{cluster.id}: {len(cluster.documents)} sources, {len(cluster.references)} references")
        p, w, i = validation.check_cluster(cluster)
        problems += p
        warnings += w
        info += i
    return problems, warnings, info


@app.command()
def validate(
    as_json: bool = typer.Option(False, "--json", help="print findings as JSON"),
    dataset: Path | None = DATASET,
    references: Path = REFERENCES,
) -> None:
    """Check every cluster's gold data: schema, fact support, reference coverage, probes.

    Example: evalsum validate   |   evalsum validate --dataset clusters.jsonl
    """
    problems, warnings, summary = (validate_dataset(dataset) if dataset is not None
                                   else validation.validate_all(references))
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
