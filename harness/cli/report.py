"""`evalsum report`: the records as one self-contained HTML file with charts."""
from __future__ import annotations

from pathlib import Path

import typer

from evalsum.analysis import report_charts, report_html, views
from evalsum.cli.app import DATASET, REFERENCES, RESULTS, app, out
from evalsum.cli.show import load_gold
from evalsum.errors import DataError
from evalsum.files import write_atomic
from evalsum.run.plan import Paths
from evalsum.store import records


@app.command()
def report(
    out_file: Path | None = typer.Option(None, "--out", metavar="FILE", help="where to write (default: "
                                         "RESULTS/report.html)"),
    dataset: Path | None = DATASET,
    references: Path = REFERENCES,
    results: Path = RESULTS,
) -> None:
    """Write one self-contained HTML report from the records: the ranked tables, a chart of each
    system's scores with intervals, a fact heatmap, ROUGE against unsupported content, and every
    cluster's summaries with their marks. Needs the `report` extra (matplotlib).

    Example: evalsum report --out report.html
    """
    report_charts.require()
    runs = Paths(results=results).runs
    paths = records.record_paths(runs)
    if not paths:
        raise DataError(runs, None, "no records yet: run `evalsum run --all` first")
    ids, _ = views.report_cluster_ids(paths)
    gold = load_gold(ids, references, dataset, strict=False) if (dataset or references.is_dir()) else {}
    view = views.report_view(paths, gold)
    charts = report_charts.draw_all(view.points, view.heatmap)
    target = out_file or results / "report.html"
    write_atomic(target, report_html.render(view, charts))
    out().print(f"report: {target}", markup=False)
