"""`evalsum show CLUSTER`: the references and each system's summary with its marks."""
from __future__ import annotations

from pathlib import Path

import typer

from evalsum.analysis import show_render, views
from evalsum.cli.app import DATASET, REFERENCES, RESULTS, app, emit_json, out
from evalsum.errors import DataError
from evalsum.gold import collection
from evalsum.models import Cluster
from evalsum.run.plan import Paths
from evalsum.store import records


def load_gold(ids: list[str], references: Path, dataset: Path | None, strict: bool) -> dict[str, Cluster]:
    """The gold clusters for these ids from --dataset or --references; `strict` makes a missing one an error."""
    source = collection.DatasetSource(dataset) if dataset else collection.FolderSource(references)
    known = set(source.ids())
    chosen = collection.choose(source, ids) if strict else [i for i in ids if i in known]
    return {c.id: c for c in source.load(chosen)}


@app.command()
def show(
    cluster: str = typer.Argument(..., help="cluster id"),
    system: list[str] = typer.Option([], "--system", "-s", metavar="LABEL",
                                     help="only this system's summary (repeatable; default: every system's latest)"),
    as_json: bool = typer.Option(False, "--json", help="print as JSON"),
    dataset: Path | None = DATASET,
    references: Path = REFERENCES,
    results: Path = RESULTS,
) -> None:
    """Show a cluster's references and each system's summary, with the facts it states, the
    probes it trips, and its unsupported items and off-topic sentences marked.

    Each system's summary comes from its latest record that scored the cluster.

    Example: evalsum show balloon-2023-02   |   evalsum show balloon-2023-02 -s lead3 --json
    """
    gold = load_gold([cluster], references, dataset, strict=True)[cluster]
    runs = Paths(results=results).runs
    paths = records.record_paths(runs)
    if not paths:
        raise DataError(runs, None, "no records yet: run `evalsum run --all` first")
    found = views.choose(views.latest_results(paths, cluster), system)
    view = views.cluster_view(cluster, gold, found)
    if as_json:
        emit_json(view.model_dump(mode="json"))
        return
    con = out()
    for line in show_render.render(view):
        con.print(line)
