"""`evalsum import` and `evalsum merge`: bringing in many clusters, and joining sharded runs."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import typer

from evalsum.cli.app import RESULTS, app, emit_json, err, out
from evalsum.cli.run import refresh_after
from evalsum.errors import UsageError
from evalsum.gold import dataset
from evalsum.gold.dataset import DatasetCluster
from evalsum.gold.importers import duc, multinews, writer
from evalsum.run import merge as merging
from evalsum.run.plan import Paths

FORMATS = ("jsonl", "multi-news", "duc")


@app.command("import")
def import_(
    *,
    source: Path = typer.Argument(..., help="JSONL dataset, Multi-News sources file, or DUC/TAC document-sets folder"),
    fmt: str = typer.Option("jsonl", "--format", "-f", help="jsonl, multi-news or duc"),
    summaries: Path | None = typer.Option(None, "--summaries",
                                          help="multi-news: the parallel summaries file; "
                                               "duc: the model summaries folder"),
    out_dir: Path = typer.Option(Path("references"), "--out", help="folder to write clusters into"),
    force: bool = typer.Option(False, "--force", help="replace clusters that already exist"),
    id_prefix: str | None = typer.Option(None, "--id-prefix",
                                         help="multi-news: cluster id prefix (default: file name)"),
    encoding: str = typer.Option("utf-8", "--encoding", help="multi-news/duc: text encoding of the input files"),
    as_json: bool = typer.Option(False, "--json", help="print what was imported as JSON"),
) -> None:
    """Write clusters into the references/ layout (cluster.yaml, sources/, summaries/, checklist.yaml).

    Nothing is written unless the whole input is valid; an existing cluster is an error unless --force.

    Example: evalsum import data.jsonl   |   evalsum import test.src --format multi-news --summaries test.tgt
    |   evalsum import duc2004/docs --format duc --summaries duc2004/models
    """
    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if fmt != "jsonl" and summaries is None:
        what = "summaries file" if fmt == "multi-news" else "model summaries folder"
        raise UsageError(f"--format {fmt} needs --summaries (the {what})")
    skipped: list[str] = []
    attached: list[duc.Attached] = []

    def items() -> Iterator[tuple[str, DatasetCluster]]:
        if fmt == "jsonl":
            return ((f"{source}:line {no}", dc) for no, _, dc in dataset.iter_lines(source))
        if fmt == "multi-news":
            return multinews.iter_clusters(source, summaries, id_prefix, encoding)  # type: ignore[arg-type]
        skipped.clear()
        attached.clear()
        return duc.iter_clusters(source, summaries, encoding, skipped, attached)  # type: ignore[arg-type]

    report = writer.write_clusters(items, out_dir, force, source)
    if as_json:
        emit_json({"out": str(report.out), "written": report.written, "replaced": report.replaced, "skipped": skipped,
                   "attached": {a.folder.name: {"documents": a.documents, "references": dict(a.references)}
                                for a in attached}})
        return
    con = out()
    for a in attached:  # DUC/TAC: what each cluster got, so a mis-attached reference shows at once
        refs = ", ".join(f"{who}={name}" for who, name in a.references)
        con.print(f"{a.folder.name}: {len(a.documents)} documents ({', '.join(a.documents)}); "
                  f"{len(a.references)} references ({refs})", markup=False)
    con.print(f"imported {len(report.written)} clusters into {report.out}"
              + (f" ({len(report.replaced)} replaced)" if report.replaced else ""))
    for line in skipped:
        err().print(f"note: skipped {line}")
    con.print(f"check them with: evalsum validate --references {report.out}")


@app.command()
def merge(
    record: list[Path] = typer.Argument(..., help="the shard records (results/runs/*.jsonl from each --shard run)"),
    results: Path = RESULTS,
) -> None:
    """Combine the records of a sharded run (--shard 1/n ... n/n) into one run record, and refresh
    the leaderboard. Refuses shards whose settings, signature or systems differ, or a missing shard.

    Example: evalsum merge shards/*.jsonl
    """
    paths = Paths(results=results)
    path = merging.merge(record, paths.runs)
    board = refresh_after(path, paths.results)
    out().print(f"merged {len(record)} shards into {path}; leaderboard: {board}")
