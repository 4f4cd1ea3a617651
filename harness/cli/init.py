"""`evalsum init` (a project folder, or a new cluster skeleton) and `evalsum schema`."""
from __future__ import annotations

import shlex
from pathlib import Path

import typer

from evalsum.cli.app import app, out
from evalsum.errors import DataError
from evalsum.files import write_atomic
from evalsum.gold import scaffold, schema
from evalsum.gold.corpus import CLUSTER_FILE


@app.command()
def init(
    directory: Path = typer.Argument(Path("."), help="project folder (created if missing)"),
    cluster: str | None = typer.Option(None, "--cluster", metavar="ID",
                                       help="add an empty cluster skeleton as references/ID instead"),
) -> None:
    """Create a project folder that runs as is: the bundled cluster, an empty results/ and an
    empty cluster template; or, with --cluster, a new cluster skeleton under references/.

    Example: evalsum init && evalsum run --all && evalsum validate
    """
    con = out()
    if cluster is not None:
        target = directory / scaffold.REFERENCES / cluster
        files = scaffold.cluster_files(cluster)
        if target.exists():
            raise DataError(target, None, "already exists; pick another cluster id")
        scaffold.write(directory, files)
        con.print(f"created {target.as_posix()}/ ({CLUSTER_FILE}, checklist.yaml, sources/, summaries/)", markup=False)
        con.print("next: fill in the title, add sources and two references; `evalsum validate` lists what is "
                  "missing", markup=False)
        return
    written = scaffold.write(directory, scaffold.project_files(), scaffold.EMPTY_DIRS)
    con.print(f"initialised {directory.as_posix()}: {len(written)} files written "
              f"({scaffold.REFERENCES}/, {scaffold.TEMPLATE}/, results/, the run file evalsum.toml)", markup=False)
    cd = "" if directory == Path(".") else f"cd {shlex.quote(directory.as_posix())} && "
    con.print(f"next: {cd}evalsum run   (then add your own cluster: evalsum init --cluster my-story)",
              markup=False)


@app.command(name="schema")
def schema_cmd(
    write: bool = typer.Option(False, "--write", help="write references/schema/*.json instead of printing"),
    directory: Path = typer.Option(Path("."), "--dir", help="project folder holding references/"),
) -> None:
    """Print (or write) the JSON Schemas for cluster.yaml and checklist.yaml, generated from the models.

    Example: evalsum schema --write
    """
    if not write:
        for name in schema.FILES:
            typer.echo(schema.render(name), nl=False)
        return
    for f in scaffold.schema_files():
        target = directory / f.path
        write_atomic(target, f.text)
        out().print(f"wrote {target.as_posix()}", markup=False)
