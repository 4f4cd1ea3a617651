"""`evalsum run` (`evalsum systems` is in cli/systems.py)."""
from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import Progress

from evalsum import config as configuration
from evalsum.analysis import leaderboard as report
from evalsum.analysis import publish
from evalsum.cli import backend_output
from evalsum.cli import rouge_flags as rf
from evalsum.cli.app import app, emit_json, err, out
from evalsum.errors import BackendError, BackendUnavailable, DataError, UsageError
from evalsum.metrics import catalogue
from evalsum.models import RecordHeader, ResultLine
from evalsum.run import parallel, registry, runner, variants
from evalsum.run import shards as sharding
from evalsum.run.plan import Paths, RunPlan, SystemSpec
from evalsum.run.timeout import DEFAULT_TIMEOUT
from evalsum.store import records

# Above this many results the run prints per-system means instead of one line per result.
MAX_PRINTED_RESULTS = 60


@app.command()
def run(
    *,
    system: list[str] = typer.Option(
        [], "--system", "-s", metavar="[LABEL=]NAME[k=v,...]",
        help="system to run (repeatable), e.g. lead3, 'lead-k[k=5]', 'seed1=random[seed=1]'"),
    all_: bool = typer.Option(False, "--all", help=f"run the built-in systems: {', '.join(registry.CORE)}"),
    option: list[str] = typer.Option(
        [], "--option", "-o", metavar="KEY=VALUE",
        help="key=value for every system, or NAME.key=value (label or backend) for one"),
    config: Path | None = typer.Option(None, "--config",
                                       help="the run file (default: [tool.evalsum] of ./pyproject.toml)"),
    cluster: list[str] = typer.Option([], "--cluster", "-c", metavar="ID", help="only these cluster ids (repeatable)"),
    budget: int | None = typer.Option(None, help="word budget enforced on every summary [run file, else 100]"),
    policy: str | None = typer.Option(None, help="multi-reference ROUGE policy: pooled, max or mean "
                                      "[run file, else pooled]"),
    seed: int = typer.Option(0, help="seed for bootstrap intervals"),
    no_cache: bool = typer.Option(False, "--no-cache", help="regenerate every summary and refresh its cache entry"),
    timeout: float = typer.Option(DEFAULT_TIMEOUT, help="seconds one summarise call may take before its cluster "
                                  "is recorded as failed (0: no limit)"),
    as_json: bool = typer.Option(False, "--json", help="print the record as JSON"),
    dataset: Path | None = typer.Option(None, "--dataset",
                                        help="evaluate a JSONL dataset file instead of --references"),
    jobs: int = typer.Option(1, "--jobs", "-j", help="worker processes (results identical to --jobs 1)"),
    shard: str | None = typer.Option(None, "--shard", help="run only shard i of n, e.g. 2/4 (see `evalsum merge`)"),
    rouge_engine: str = typer.Option("auto", "--rouge-engine",
                                     help="auto (rouge-score-rs when installed), python or rs"),
    rouge: str = rf.ROUGE, stem: bool = rf.STEM, cut_references: bool = rf.CUT_REFERENCES,
    rouge_variants: str = rf.VARIANTS, rouge_show: str = rf.SHOW, rouge_bytes: int | None = rf.BYTES,
    rouge_alpha: float = rf.ALPHA, jackknife: bool = rf.JACKKNIFE,
    references: Path | None = typer.Option(None, "--references",
                                           help="folder of clusters [run file, else references]"),
    results: Path | None = typer.Option(None, "--results", help="folder for records, leaderboard, baseline and cache "
                                        "[run file, else results]"),
) -> None:
    """Run systems over the clusters, write a record and refresh the leaderboard. With no -s or
    --all, runs the run file's systems ([tool.evalsum] in ./pyproject.toml, or --config FILE).

    Example: evalsum run -s lead3  |  evalsum run --all --jobs 2  |  evalsum run -s 'lead-k[k=5]' -s 'r1=random[seed=1]'
    """
    found = configuration.config_path(config)
    conf = configuration.load_config(found) if found else configuration.Config()
    base: list[SystemSpec] = []
    if not system and not all_:
        if found is None or not conf.systems:
            where = f"{found}: lists no systems; " if found is not None else ""
            raise UsageError(f"{where}name a system with --system NAME or use --all (see `evalsum systems`), or list "
                             "systems in [tool.evalsum] of pyproject.toml (README: 'The run file and variants')")
        base = configuration.run_specs(conf, found)
    # Every -s counts (two alike are an error naming both); --all adds the built-ins not named.
    names = [*system, *(c for c in (registry.CORE if all_ else ()) if c not in system)]
    specs = variants.specs_from_args(names, option, base)
    warn_shadowed([s.backend for s in specs])
    budget = budget if budget is not None else conf.budget or 100
    policy = policy or conf.policy or "pooled"
    if found is not None and dataset is None and references is None:
        dataset = configuration.relative(found, conf.dataset)
    references = references or (found and configuration.relative(found, conf.references)) or Path("references")
    results = results or (found and configuration.relative(found, conf.results)) or Path("results")
    if budget <= 0:
        raise UsageError(f"--budget must be a positive number of words, got {budget}")
    if policy not in ("pooled", "max", "mean"):
        raise UsageError(f"--policy must be pooled, max or mean, got {policy!r}")
    if not timeout >= 0:
        raise UsageError(f"--timeout must be 0 (no limit) or a positive number of seconds, got {timeout}")
    if jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {jobs}")
    if jobs > parallel.max_jobs():
        raise UsageError(f"--jobs must be at most {parallel.max_jobs()} on this machine "
                         f"({parallel.JOBS_PER_CPU} per CPU), got {jobs}")
    if rouge_engine not in ("auto", "python", "rs"):
        raise UsageError(f"--rouge-engine must be auto, python or rs, got {rouge_engine!r}")
    settings = rf.settings(budget, policy, seed, rouge=rouge, stem=stem, cut_references=cut_references,
                           variants=rouge_variants, show=rouge_show, rouge_bytes=rouge_bytes, alpha=rouge_alpha,
                           jackknife=jackknife)
    plan = RunPlan(systems=tuple(specs), clusters=tuple(cluster) or None, dataset=dataset,
                   shard=sharding.parse(shard) if shard else None, settings=settings,
                   paths=Paths(references=references, results=results), refresh_cache=no_cache,
                   timeout=timeout or None, jobs=jobs, rouge_engine=rouge_engine)  # type: ignore[arg-type]
    events = runner.RunEvents()
    show = sys.stderr.isatty() and not as_json
    with Progress(transient=True, disable=not show, console=err()) as bar:
        task = bar.add_task("summarising", total=None)
        events.on_result = lambda s, r: bar.update(task, advance=1, description="summarising")
        events.on_tokens = lambda label, n: bar.update(task, description=f"{escape(label)}: {n} tokens")
        with backend_output.to_stderr():  # a backend's prints never mix with the table or --json
            path = runner.run_to_disk(plan, events)
    board = refresh_after(path, plan.paths.results)
    if as_json:
        emit_json(records.load_record(path).model_dump(mode="json"))
    else:
        print_streamed(path, board)
    raise_for_failures(path)


def refresh_after(record: Path, results: Path) -> Path:
    """Refresh the leaderboard once the record is published; when that fails (a full disk), the
    line says the record is safe and how to rebuild the leaderboard later."""
    try:
        return publish.refresh_leaderboard(results)
    except DataError as e:
        raise DataError(e.path, e.where, f"{e.message} (the record {record} is published; the leaderboard is "
                        "not refreshed: rebuild it with `evalsum leaderboard`)") from None


def warn_shadowed(names: list[str] | None = None) -> None:
    """One line per plugin dropped for a built-in's name (only those a run selects, if given)."""
    for s in registry.shadowed():
        if names is not None and s.name not in names:
            continue
        err().print(f"warning: plugin system {s.name!r} ({s.plugin}, from {s.package}) is ignored: the built-in "
                    f"{s.name!r} ({s.builtin}) has that name; register the plugin under another name", markup=False)


def raise_for_failures(path: Path) -> None:
    """After the record and leaderboard are written: exit 3 if a backend could not run at all, 2 if
    any cluster failed, naming the record, the system, the cluster and the first error. Reads the
    record streaming, however many clusters it holds."""
    failures = runner.unavailable_in(path)
    if failures:
        raise BackendUnavailable(f"{path}: backend unavailable: {failures[0]}")
    failed, total, first = 0, 0, None
    for item in records.iter_record(path):
        if isinstance(item, ResultLine):
            total += 1
            if item.result.status == "failed":
                failed += 1
                first = first or item
    if first is not None:
        raise BackendError(f"{path}: {failed} of {total} results failed (recorded; other clusters went on); "
                           f"first: {first.system} on {first.result.cluster_id}: {first.result.failure}")


def print_streamed(path: Path, board: Path) -> None:
    """Print a finished record without loading it: one line per result for small runs,
    per-system means for large ones."""
    con = out()
    lines: list[str] = []
    keys = ["rouge1_f", "rouge2_f", "rougeLsum_f", "facts"]
    heads = ["R-1", "R-2", "R-Lsum", "Facts"]
    accs: dict[str, report.SystemAccumulator] = {}
    header: RecordHeader | None = None
    hits = total = 0
    for item in records.iter_record(path):
        if isinstance(item, RecordHeader):
            header = item
            accs = {s.name: report.SystemAccumulator(s, item.run_id, item.signature, details=False)
                    for s in item.systems}
            show = item.settings.rouge_show  # --rouge-show: F, R or P columns
            chosen = list(item.settings.rouge_variants) or ["rouge1", "rouge2", "rougeLsum"]  # --rouge-variants
            keys = [*(f"{v}_{show}" for v in chosen), "facts"]
            heads = [*(catalogue.get(f"{v}_f").label for v in chosen), "Facts"]
            lines = [f"| System | Cluster | {' | '.join(heads)} | Words | Status |",
                     "|---|---|" + "---:|" * (len(heads) + 1) + "---|"]
        elif isinstance(item, ResultLine):
            res = item.result
            total += 1
            hits += res.cached
            accs[item.system].add(res)
            if total <= MAX_PRINTED_RESULTS:
                m = report.cluster_metrics(res)
                cells = [f"{m[k] * 100:.1f}" if k in m else "–" for k in keys]
                words = f"{m['words']:.0f}" if "words" in m else "–"
                failed = (f"FAILED: {' '.join(str(res.failure).split())}" if res.status == "failed"  # one table row
                          else "n/a (needs two or more references)")
                status = "ok" + (" (truncated)" if m.get("truncated") else "") if res.status == "ok" else failed
                lines.append(f"| {item.system} | {res.cluster_id} | {' | '.join(cells)} | {words} | {status} |")
    if total > MAX_PRINTED_RESULTS:
        lines = [f"| System | Clusters | Failed | {' | '.join(heads)} | Words |",
                 "|---|---:|---:|" + "---:|" * (len(heads) + 1)]
        for name, acc in accs.items():
            m = acc.metrics()
            cells = [f"{m[k] * 100:.1f}" if k in m else "–" for k in keys]
            words = f"{m['words']:.0f}" if "words" in m else "–"
            lines.append(f"| {name} | {acc.clusters} | {len(acc.failures)} | {' | '.join(cells)} | {words} |")
    con.print("\n".join(lines), markup=False)
    if header is not None:
        if header.shard:
            con.print(f"shard {header.shard}: {total} results; combine all shards with `evalsum merge`", markup=False)
        con.print(f"key: {header.key}; provenance: {header.provenance}", markup=False)
    con.print(f"cache hits: {hits}; record: {path}; leaderboard: {board}", markup=False)

