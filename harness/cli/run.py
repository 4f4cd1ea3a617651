"""`evalsum run` and `evalsum systems`."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer
from rich.progress import Progress

from harness import records, registry, report, runner
from harness.errors import UsageError
from harness.cli.app import REFERENCES, RESULTS, app, emit_json, err, out
from harness.models import Settings


def split_options(systems: list[str], pairs: list[str]) -> dict[str, list[str]]:
    """`-o key=value` goes to every selected system; `-o system.key=value` to that one only."""
    per: dict[str, list[str]] = {s: [] for s in systems}
    for pair in pairs:
        key = pair.split("=", 1)[0]
        prefix, dot, rest = key.partition(".")
        if dot and prefix in per:
            per[prefix].append(pair[len(prefix) + 1:])
        else:
            for s in systems:
                per[s].append(pair)
    return per


@app.command()
def run(
    system: list[str] = typer.Option([], "--system", "-s", metavar="NAME", help="system to run (repeatable)"),
    all_: bool = typer.Option(False, "--all", help=f"run the built-in systems: {', '.join(registry.CORE)}"),
    option: list[str] = typer.Option([], "--option", "-o", metavar="KEY=VALUE", help="key=value, or system.key=value"),
    cluster: list[str] = typer.Option([], "--cluster", "-c", metavar="ID", help="only these cluster ids (repeatable)"),
    budget: int = typer.Option(100, help="word budget enforced on every summary"),
    policy: str = typer.Option("pooled", help="multi-reference ROUGE policy: pooled, max or mean"),
    seed: int = typer.Option(0, help="seed for bootstrap intervals"),
    no_cache: bool = typer.Option(False, "--no-cache", help="regenerate summaries instead of reusing cached ones"),
    as_json: bool = typer.Option(False, "--json", help="print the record as JSON"),
    references: Path = REFERENCES,
    results: Path = RESULTS,
) -> None:
    """Run systems over the clusters, write a record and refresh the leaderboard.

    Example: evalsum run --system lead3   |   evalsum run --all   |   evalsum run -s lead-k -o k=5
    """
    names = list(dict.fromkeys([*system, *(registry.CORE if all_ else ())]))
    if not names:
        raise UsageError("name a system with --system NAME or use --all (see `evalsum systems`)")
    if budget <= 0:
        raise UsageError(f"--budget must be a positive number of words, got {budget}")
    if policy not in ("pooled", "max", "mean"):
        raise UsageError(f"--policy must be pooled, max or mean, got {policy!r}")
    per = split_options(names, option)
    specs: list[tuple[str, Any]] = [(n, per[n]) for n in names]
    paths = runner.Paths(references=references, results=results)
    settings = Settings(budget=budget, policy=policy, seed=seed)  # type: ignore[arg-type]
    events = runner.RunEvents()
    show = sys.stderr.isatty() and not as_json
    with Progress(transient=True, disable=not show, console=err()) as bar:
        task = bar.add_task("summarising", total=None)
        events.on_result = lambda s, r: bar.advance(task)
        path = runner.run_to_disk(specs, cluster or None, settings, paths, use_cache=not no_cache, events=events)
    board = runner.refresh_leaderboard(paths)
    record = records.load_record(path)
    if as_json:
        emit_json(record.model_dump(mode="json"))
    else:
        print_run(record, path, board)
    failures = runner.unavailable_failures(record)
    if failures:
        err().print(f"error: backend unavailable: {failures[0]}", markup=False)
        raise typer.Exit(3)


def print_run(record: Any, path: Path, board: Path) -> None:
    con = out()
    lines = ["| System | Cluster | R-1 | R-2 | R-Lsum | Facts | Words | Status |", "|---|---|---:|---:|---:|---:|---:|---|"]
    hits = 0
    for srun in record.systems:
        for res in srun.results:
            hits += res.cached
            m = report.cluster_metrics(res)
            cells = [f"{m[k] * 100:.1f}" if k in m else "–" for k in ("rouge1_f", "rouge2_f", "rougeLsum_f", "facts")]
            words = f"{m['words']:.0f}" if "words" in m else "–"
            status = "ok" + (" (truncated)" if m.get("truncated") else "") if res.status == "ok" else f"FAILED: {res.error}"
            lines.append(f"| {srun.system.name} | {res.cluster_id} | {' | '.join(cells)} | {words} | {status} |")
    con.print("\n".join(lines))
    con.print(f"signature: {record.signature}")
    con.print(f"cache hits: {hits}; record: {path}; leaderboard: {board}")


@app.command()
def systems(as_json: bool = typer.Option(False, "--json", help="print as JSON")) -> None:
    """List every backend with its version, description and whether it can run here.

    Example: evalsum systems
    """
    rows = []
    for name, spec in sorted(registry.specs().items()):
        try:
            cls = registry.resolve(name)
            why = cls.unavailable()
            rows.append({"name": name, "version": cls.version, "description": cls.description,
                         "available": why is None, "hint": why or "", "source": spec})
        except UsageError as e:
            rows.append({"name": name, "version": "?", "description": "", "available": False, "hint": str(e), "source": spec})
    if as_json:
        emit_json(rows)
        return
    con = out()
    for r in rows:
        state = "ready" if r["available"] else f"unavailable: {r['hint']}"
        con.print(f"{r['name']:<10} v{r['version']:<4} {r['description']}  [{state}]", markup=False)
