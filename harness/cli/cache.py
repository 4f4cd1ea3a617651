"""`evalsum cache`: what the summary cache holds, and pruning or clearing it."""
from __future__ import annotations

from pathlib import Path

import typer

from evalsum.cli.app import RESULTS, app, emit_json, out
from evalsum.errors import EvalsumError, UsageError
from evalsum.run import identity, registry
from evalsum.run.cache import SummaryCache


def current_code(backend: str) -> tuple[str, str] | None:
    """The (version, code digest) an installed backend has now; None when it cannot be loaded."""
    try:
        cls = registry.resolve(backend)
    except EvalsumError:
        return None
    return str(cls.version), identity.code_digest(cls)


@app.command()
def cache(
    prune: bool = typer.Option(False, "--prune", help="delete entries no current backend code can hit"),
    clear: bool = typer.Option(False, "--clear", help="delete every entry"),
    as_json: bool = typer.Option(False, "--json", help="print as JSON"),
    results: Path = RESULTS,
) -> None:
    """Show the summary cache's size and entries per backend; --prune or --clear it.

    An entry is stale when its backend is no longer installed or has another version or code
    digest now: no run can hit it again. Example: evalsum cache --prune
    """
    if prune and clear:
        raise UsageError("give --prune or --clear, not both")
    store = SummaryCache(results / "cache")
    removed = store.clear() if clear else store.prune(current_code) if prune else 0
    stats = store.stats(current_code)
    if as_json:
        emit_json({"removed": removed, **stats.model_dump(mode="json")})
        return
    con = out()
    lines = ["| Backend | Entries | Stale | Size |", "|---|---:|---:|---:|"]
    lines += [f"| {b.backend} | {b.entries} | {b.stale} | {_size(b.bytes)} |" for b in stats.backends]
    con.print("\n".join(lines), markup=False)
    tail = f"; {stats.unreadable} unreadable" if stats.unreadable else ""
    done = f"removed {removed}; " if (prune or clear) else ""
    entries = f"{stats.entries} {'entry' if stats.entries == 1 else 'entries'}"
    con.print(f"{done}{entries}, {_size(stats.bytes)} in {stats.root}{tail}", markup=False)


def _size(n: int) -> str:
    if n < 1000:
        return f"{n} B"
    x = n / 1000
    for unit in ("kB", "MB"):
        if x < 1000:
            return f"{x:.1f} {unit}"
        x /= 1000
    return f"{x:.1f} GB"
