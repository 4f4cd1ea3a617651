"""`evalsum compare`, `evalsum bless` and `evalsum check`: comparing backends and the CI gate."""
from __future__ import annotations

from pathlib import Path

import typer

from evalsum import config as configuration
from evalsum.analysis import compare as comparison
from evalsum.analysis import gate
from evalsum.cli.app import RESULTS, app, echo_data, emit_json
from evalsum.errors import DataError
from evalsum.files import write_atomic
from evalsum.metrics import catalogue
from evalsum.models import Record
from evalsum.redact import Redactor, escape_controls
from evalsum.run import registry
from evalsum.run.plan import Paths
from evalsum.store import baseline as baseline_io
from evalsum.store import records
from evalsum.store.index import latest_record_paths


def _records(results: Path) -> list[Record]:
    """The records holding each system's latest run (what compare, bless and check read)."""
    paths = Paths(results=results)
    recs = [records.load_record(p) for p in latest_record_paths(paths.results)]
    if not recs:
        raise DataError(paths.runs, None, "no records yet: run `evalsum run --all` first")
    return recs


@app.command()
def compare(
    systems: list[str] = typer.Argument(None, metavar="[LABEL]...", help="systems (row labels) to compare pairwise"),
    baseline: str | None = typer.Option(None, "--baseline", metavar="LABEL",
                                        help="compare this system with each other one "
                                             "(default: every other recorded row)"),
    metric: list[str] = typer.Option([], "--metric", "-m", help="metric to compare, by key or label, e.g. R-2 or "
                                     "rouge2_f (repeatable); default "
                              + ", ".join(catalogue.BY_KEY[k].label for k in comparison.METRICS)),
    seed: int | None = typer.Option(None, help="bootstrap and permutation seed (default: the seed in A's record)"),
    as_json: bool = typer.Option(False, "--json", help="print the comparison as JSON"),
    results: Path = RESULTS,
) -> None:
    """Compare systems' latest runs cluster by cluster: differences, interval, paired p-value, and
    with more than two systems Holm-corrected p-values.

    Example: evalsum compare textrank lead3   |   evalsum compare --baseline lead3   |   evalsum compare a b c -m R-2
    """
    family = comparison.compare_many(_records(results), systems or [], metric or None, baseline=baseline, seed=seed)
    if as_json:
        emit_json(family.model_dump(mode="json"))
    else:
        echo_data(comparison.render_family(family), nl=False)


@app.command()
def bless(
    system: list[str] = typer.Option([], "--system", "-s",
                                     help="only these systems (repeatable); default every recorded system"),
    all_: bool = typer.Option(False, "--all", help=f"the built-in systems CI runs: {', '.join(registry.CORE)}"),
    baseline: Path | None = typer.Option(None, "--baseline", help="where to write (default: RESULTS/baseline.json)"),
    results: Path = RESULTS,
) -> None:
    """Write the baseline the CI gate compares against, from each system's latest record.

    Example: evalsum run && evalsum bless   |   evalsum run --all && evalsum bless --all
    """
    names = list(dict.fromkeys([*system, *(registry.CORE if all_ else ())]))
    made = gate.build_baseline(_records(results), names or None)
    target = baseline or results / "baseline.json"
    baseline_io.save_baseline(target, made)
    clusters = sorted({c for s in made.systems.values() for c in s.clusters})
    echo_data(f"blessed {len(made.systems)} systems ({', '.join(made.systems)}) on {len(clusters)} "
               f"cluster{'s' if len(clusters) != 1 else ''}: {target}")


@app.command()
def check(
    baseline: Path | None = typer.Option(None, "--baseline", help="baseline file (default: RESULTS/baseline.json)"),
    config: Path | None = typer.Option(None, "--config", help="TOML file with the gate settings "
                                       "(default: [tool.evalsum] of ./pyproject.toml)"),
    markdown: Path | None = typer.Option(None, "--markdown",
                                         help="also write the verdict table here, e.g. \"$GITHUB_STEP_SUMMARY\""),
    as_json: bool = typer.Option(False, "--json", help="print the verdicts as JSON"),
    results: Path = RESULTS,
) -> None:
    """Compare the latest records with the baseline; exit 1 when a gated metric regresses or a
    baseline system or cluster is missing.

    Example: evalsum check --baseline results/baseline.json --markdown "$GITHUB_STEP_SUMMARY"
    """
    path = baseline or results / "baseline.json"
    base = baseline_io.load_baseline(path)
    settings = configuration.load_config(config)
    unknown = gate.unknown_metrics(base, settings.gate)
    if unknown:
        known = sorted({m for sys in base.systems.values() for m in sys.means})
        where = config or configuration.PYPROJECT
        raise DataError(where, f"field gate.metrics.{unknown[0]}",
                        f"no baseline system has metric {unknown[0]!r} (a typo?); known: {', '.join(known)}")
    result = gate.check(base, _records(results), settings.gate)
    table = escape_controls(Redactor.from_environ().text(gate.render_markdown(result, str(path))))
    if markdown is not None:
        write_atomic(markdown, table)  # GITHUB_STEP_SUMMARY is a fresh file per step: replacing is right
    if as_json:
        rows = [r.model_dump(mode="json") | {"failed": r.failed, "summaries": r.summaries} for r in result.rows]
        emit_json({"failed": result.failed, "rows": rows})
    else:
        echo_data(table, nl=False)
    if result.failed:
        for r in result.failures:
            at = f" {r.cluster}" if r.cluster else ""
            note = f" ({r.note})" if r.note else ""
            echo_data(f"gate failed: {r.system} {r.metric}{at}: {r.verdict}{note}", err=True)
        raise typer.Exit(1)
