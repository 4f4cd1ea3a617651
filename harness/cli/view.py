"""`evalsum inspect` and `evalsum leaderboard`."""
from __future__ import annotations

from pathlib import Path

import typer

from evalsum.analysis import leaderboard as report
from evalsum.analysis import publish
from evalsum.cli.app import DATASET, REFERENCES, RESULTS, app, echo_data, emit_json, err, out
from evalsum.errors import DataError
from evalsum.run import external
from evalsum.run.cluster import prepare_cluster
from evalsum.run.plan import Paths
from evalsum.store import records


@app.command()
def inspect(
    cluster: str = typer.Argument(..., help="cluster id"),
    as_json: bool = typer.Option(False, "--json", help="print as JSON"),
    dataset: Path | None = DATASET,
    references: Path = REFERENCES,
) -> None:
    """Show each document's kept sentences and the dropped lines with their reasons.

    Example: evalsum inspect balloon-2023-02   |   evalsum inspect flood-2024-03 --dataset clusters.jsonl
    """
    loaded = external.load_gold(cluster, references, dataset)
    prepared = prepare_cluster(loaded)
    if as_json:
        emit_json(prepared.model_dump(mode="json"))
        return
    con = out()
    con.print(f"# {prepared.cluster_id}: {prepared.title}", markup=False)
    for doc in prepared.documents:
        con.print(f"\n## {doc.id}  (date: {doc.date or 'none'}; {len(doc.sentences)} sentences kept, "
                  f"{len(doc.dropped)} dropped)", markup=False)
        for s in doc.sentences:
            con.print(f"  [{s.index:>2}] {s.text}", markup=False)
        for d in doc.dropped:
            text = d.text if len(d.text) <= 90 else d.text[:87] + "..."
            con.print(f"  DROP line {d.line}: {d.reason}: {text}", markup=False)


@app.command()
def leaderboard(
    as_json: bool = typer.Option(False, "--json", help="print leaderboard JSON"),
    skip_damaged: bool = typer.Option(False, "--skip-damaged", help="leave out records that cannot be read, "
                                      "naming each, instead of stopping at the first"),
    provenance: bool = typer.Option(False, "--provenance", help="keep each row's run id in leaderboard.json (left "
                                    "out by default, so identical inputs give identical files)"),
    results: Path = RESULTS,
) -> None:
    """Rebuild results/LEADERBOARD.md and results/leaderboard.json from the records alone.

    Example: evalsum leaderboard   |   evalsum leaderboard --skip-damaged --provenance
    """
    paths = Paths(results=results)
    found = records.record_paths(paths.runs)
    if not found:
        raise DataError(paths.runs, None, "no records yet: run `evalsum run --system lead3` first")
    skipped = publish.damaged_records(found) if skip_damaged else []
    for e in skipped:
        err().print(f"warning: skipped damaged record {e}", markup=False)
    exclude = {Path(e.path) for e in skipped}
    found = [p for p in found if p not in exclude]
    if not found:
        raise DataError(paths.runs, None, "every record is damaged; nothing to rebuild from")
    md = publish.refresh_leaderboard(paths.results, exclude=exclude, provenance=provenance)
    if as_json:
        emit_json(report.build_from_paths(found, provenance).model_dump(mode="json"))
    else:
        echo_data(md.read_text(encoding="utf-8"), nl=False)  # plain: rich would lay out every line of a large board
