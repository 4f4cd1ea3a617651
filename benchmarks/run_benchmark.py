"""evalsum at scale, in one command:

    python benchmarks/run_benchmark.py --clusters 1000 --seed 0 [--jobs 2] [--engine auto]

1. Generates N synthetic clusters (seeded) as a JSONL dataset in a temporary folder.
2. Runs every built-in backend in `registry.CORE` through the real CLI runner in a fresh process
   (`python -m evalsum run --dataset ... --no-cache`) and reports wall time, CPU time, scored
   pairs per second and peak RSS: the largest single process (`resource.getrusage` RUSAGE_CHILDREN,
   and /proc polling of the whole process tree, since --jobs workers hang off a forkserver that
   getrusage does not see), plus the sum of all processes' peaks with --jobs.
3. Over the same (summary, reference) pairs - every non-leave-one-out result of a seeded sample of
   clusters, each summary against each of its cluster's references - times a naive
   `RougeScorer(['rouge1','rouge2','rougeL','rougeLsum'], use_stemmer=True).score` loop against
   evalsum's scorer (fresh stem cache, references tokenised once per cluster, each summary once),
   with the pure-Python engine and, when installed, rouge-score-rs. Prints the ratios and whether
   every P, R and F matches rouge-score exactly.
4. Times a cold `python -m evalsum run` of the same backends on the bundled cluster (fresh
   processes, --no-cache), the DESIGN target being under 2 s on a 2-core machine.

A CORE backend that cannot be loaded on this checkout (e.g. not merged yet) is listed as skipped.
Wall times on a shared machine vary; CPU times and the load average are printed next to them.
Exits 1 when any number differs from rouge-score or any result failed (CI runs a small one).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evalsum.errors import EvalsumError  # noqa: E402
from evalsum.gold import collection as sources  # noqa: E402
from evalsum.gold import (  # noqa: E402
    dataset,
    synthetic,
)
from evalsum.metrics import engines as fast  # noqa: E402
from evalsum.metrics import rouge  # noqa: E402
from evalsum.metrics.tokens import Stemmer, tokenize_sentences  # noqa: E402
from evalsum.models import ResultLine  # noqa: E402
from evalsum.run import registry  # noqa: E402
from evalsum.store import records  # noqa: E402
from evalsum.text import split_sentences  # noqa: E402

TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")


def available_core() -> tuple[list[str], dict[str, str]]:
    ok, skipped = [], {}
    for name in registry.CORE:
        try:
            cls = registry.resolve(name)
            why = cls.unavailable()
        except EvalsumError as e:
            skipped[name] = str(e)
            continue
        if why:
            skipped[name] = why
        else:
            ok.append(name)
    return ok, skipped


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    return env


class TreeMonitor(threading.Thread):
    """Polls /proc for a process and all its descendants (with --jobs the workers are children of
    a forkserver, which getrusage's RUSAGE_CHILDREN does not see): per process the peak RSS
    (VmHWM) and the CPU time last seen."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.hwm_kb: dict[int, int] = {}
        self.cpu_s: dict[int, float] = {}
        self.done = threading.Event()
        self.tick = os.sysconf("SC_CLK_TCK")

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    ppid = int(Path(f"/proc/{d}/stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                children.setdefault(ppid, []).append(int(d))
        out, todo = [], [self.pid]
        while todo:
            p = todo.pop()
            out.append(p)
            todo.extend(children.get(p, []))
        return out

    def run(self) -> None:
        while not self.done.is_set():
            for p in self._tree():
                try:
                    fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
                    status = Path(f"/proc/{p}/status").read_text()
                except OSError:
                    continue
                self.cpu_s[p] = (int(fields[11]) + int(fields[12])) / self.tick
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        self.hwm_kb[p] = max(self.hwm_kb.get(p, 0), int(line.split()[1]))
            self.done.wait(self.every)


def measured(cmd: list[str], log: Path, watch: bool = True) -> dict[str, float]:
    """Run one command in a fresh process: wall time; CPU time and peak RSS of the process tree
    (polled from /proc where there is one and `watch`, else getrusage of the direct child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    with open(log, "w") as fh:
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, env=child_env(), cwd=ROOT)
        monitor = TreeMonitor(proc.pid) if watch and Path("/proc/self/stat").exists() else None
        if monitor:
            monitor.start()
        code = proc.wait()
    wall = time.perf_counter() - t0
    if monitor:
        monitor.done.set()
        monitor.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if code != 0:
        raise SystemExit(f"command failed ({code}): {' '.join(cmd)}\n{log.read_text()[-2000:]}")
    out = {"wall_s": wall, "cpu_s": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
           "peak_rss_mb": after.ru_maxrss / 1024, "processes": 1.0}
    if monitor and monitor.hwm_kb:
        # The main process's exact figures come from getrusage; the tree adds the workers.
        out["cpu_s"] = max(out["cpu_s"], sum(monitor.cpu_s.values()))
        out["peak_rss_mb"] = max(out["peak_rss_mb"], max(monitor.hwm_kb.values()) / 1024)
        out["sum_of_peaks_mb"] = sum(monitor.hwm_kb.values()) / 1024
        out["processes"] = float(len(monitor.hwm_kb))
    return out


def generate(path: Path, n: int, seed: int) -> float:
    t0 = time.perf_counter()
    with open(path, "w", encoding="utf-8") as fh:
        for c in synthetic.clusters(n, seed):
            fh.write(dataset.dumps_line(c))
    return time.perf_counter() - t0


def record_stats(record: Path, refs_per_cluster: dict[str, int]) -> dict[str, int]:
    """Results and scored (summary, reference) pairs: k per result, k(k-1) for leave-one-out."""
    loo = {n for n in registry.CORE if n == "human"}
    out = {"results": 0, "failed": 0, "pairs": 0}
    for item in records.iter_record(record):
        if isinstance(item, ResultLine):
            out["results"] += 1
            if item.result.status != "ok":
                out["failed"] += 1
                continue
            k = refs_per_cluster[item.result.cluster_id]
            out["pairs"] += k * (k - 1) if item.system in loo else k
    return out


def sample_pairs(record: Path, source: sources.DatasetSource, ids: list[str], k: int,
                 seed: int) -> list[list[tuple[str, str]]]:
    """Per sampled cluster: its (reference, summary) texts, exactly as evalsum scores them."""
    chosen = set(random.Random(seed).sample(ids, min(k, len(ids))))
    summaries: dict[str, list[str]] = {}
    for item in records.iter_record(record):
        if isinstance(item, ResultLine) and item.result.cluster_id in chosen and item.result.summary is not None:
            if item.system != "human":  # leave-one-out scores references, not its summary field
                summaries.setdefault(item.result.cluster_id, []).append("\n".join(item.result.summary.sentences))
    groups = []
    for cluster in source.load(sorted(chosen)):
        refs = ["\n".join(split_sentences(r.text)) for r in cluster.references]
        groups.append([(ref, s) for s in summaries.get(cluster.id, []) for ref in refs])
    return groups


def naive(groups: list[list[tuple[str, str]]]) -> tuple[float, list[tuple[float, ...]]]:
    from rouge_score.rouge_scorer import RougeScorer

    scorer = RougeScorer(list(TYPES), use_stemmer=True)
    out = []
    t0 = time.perf_counter()
    for group in groups:
        for ref, summ in group:
            s = scorer.score(ref, summ)
            out.append(tuple(x for t in TYPES for x in (s[t].precision, s[t].recall, s[t].fmeasure)))
    return time.perf_counter() - t0, out


def ours(groups: list[list[tuple[str, str]]], engine: rouge.Engine) -> tuple[float, list[tuple[float, ...]]]:
    """evalsum's way: a fresh stem cache; each text tokenised once per cluster, then counted."""
    out = []
    t0 = time.perf_counter()
    stem = Stemmer(True)
    for group in groups:
        tokens: dict[str, object] = {}
        for ref, summ in group:
            r = tokens.get(ref) or tokens.setdefault(ref, tokenize_sentences(ref.split("\n"), stem))
            p = tokens.get(summ) or tokens.setdefault(summ, tokenize_sentences(summ.split("\n"), stem))
            s = rouge.score_pair(p, r, TYPES, engine)  # type: ignore[arg-type]
            out.append(tuple(x for t in TYPES for x in (s[t].p, s[t].r, s[t].f)))
    return time.perf_counter() - t0, out


def cold_runs(systems: list[str], n: int, tmp: Path) -> tuple[list[float], list[float], str]:
    """Wall and CPU seconds of n fresh `run` processes (CPU time barely depends on machine load)."""
    flags = ["--all"] if list(systems) == list(registry.CORE) else [a for s in systems for a in ("--system", s)]
    walls, cpus = [], []
    for i in range(n):
        cmd = [sys.executable, "-m", "evalsum", "run", *flags, "--no-cache", "--results", str(tmp / f"cold{i}")]
        got = measured(cmd, tmp / f"cold{i}.log", watch=False)  # no poller competing for CPU
        walls.append(got["wall_s"])
        cpus.append(got["cpu_s"])
    shown = f"python -m evalsum run {' '.join(flags)} --no-cache --results /tmp/x"
    return walls, cpus, shown


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clusters", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--engine", choices=("auto", "python", "rs"), default="auto", help="ROUGE engine of the run")
    ap.add_argument("--sample-clusters", type=int, default=100, help="clusters whose pairs the naive loop times")
    ap.add_argument("--cold-runs", type=int, default=3, help="cold runs on the bundled cluster (0: skip)")
    ap.add_argument("--keep", type=Path, help="keep the dataset and records here instead of a temporary folder")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON to this file")
    args = ap.parse_args()

    systems, skipped = available_core()
    tmp_ctx = tempfile.TemporaryDirectory(prefix="evalsum-bench-")
    tmp = args.keep or Path(tmp_ctx.name)
    tmp.mkdir(parents=True, exist_ok=True)
    data = tmp / "synthetic.jsonl"
    out: dict[str, object] = {"clusters": args.clusters, "seed": args.seed, "jobs": args.jobs, "systems": systems,
                              "skipped": skipped, "cpus": os.cpu_count(), "python": sys.version.split()[0]}
    print(f"evalsum benchmark: {args.clusters} synthetic clusters, seed {args.seed}, --jobs {args.jobs}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    print(f"systems (registry.CORE): {', '.join(systems)}"
          + "".join(f"\n  skipped {k}: {v}" for k, v in skipped.items()))
    out["generate_s"] = generate(data, args.clusters, args.seed)
    print(f"generated {data} ({data.stat().st_size / 1e6:.1f} MB) in {out['generate_s']:.1f} s")

    # --- the real runner, in a fresh process
    results = tmp / "results"
    cmd = [sys.executable, "-m", "evalsum", "run", *[a for s in systems for a in ("--system", s)],
           "--dataset", str(data), "--results", str(results), "--no-cache", "--jobs", str(args.jobs),
           "--rouge-engine", args.engine]
    run = measured(cmd, tmp / "run.log")
    [record] = records.record_paths(results / "runs")
    header = records.read_header(record)
    source = sources.DatasetSource(data)
    ids = source.ids()
    refs_per = {c.id: len(c.references) for c in source.load(ids)}
    stats = record_stats(record, refs_per)
    run.update(stats)
    run["pairs_per_s"] = stats["pairs"] / run["wall_s"]
    run["pairs_per_cpu_s"] = stats["pairs"] / run["cpu_s"]
    out["run"] = run
    print(f"\nrun: {stats['results']} results ({stats['failed']} failed), {stats['pairs']} scored pairs")
    print(f"  wall {run['wall_s']:.1f} s, CPU {run['cpu_s']:.1f} s, {run['pairs_per_s']:.0f} pairs/s "
          f"({run['pairs_per_cpu_s']:.0f} per CPU-second), peak RSS {run['peak_rss_mb']:.0f} MB (largest process)")
    if run.get("processes", 1) > 1:
        print(f"  {run['processes']:.0f} processes; "
              f"their peaks add up to {run['sum_of_peaks_mb']:.0f} MB (an upper bound)")
    print(f"  signature: {header.signature}")
    print(f"  command: python -m evalsum run {' '.join(cmd[4:])}")

    # --- scoring: naive RougeScorer loop vs evalsum's engines, same pairs
    groups = sample_pairs(record, source, ids, args.sample_clusters, args.seed)
    n_pairs = sum(len(g) for g in groups)
    t_naive, want = naive(groups)
    scoring: dict[str, object] = {"pairs": n_pairs, "clusters": len(groups), "naive_s": t_naive}
    print(f"\nscoring {n_pairs} (summary, reference) pairs from {len(groups)} sampled clusters:")
    print(f"  naive RougeScorer.score loop: {t_naive:.2f} s ({n_pairs / t_naive:.0f} pairs/s)")
    engines: list[tuple[str, rouge.Engine]] = [("python", rouge.PYTHON)]
    if fast.installed():
        engines.append(("rouge-score-rs", fast.select("rs")))
    else:
        print("  rouge-score-rs: not installed (pip install 'evalsum[fast]')")
    for name, engine in engines:
        t, got = ours(groups, engine)
        same = got == want
        scoring[name] = {"seconds": t, "speedup": t_naive / t, "identical": same}
        print(f"  evalsum, {name} engine: {t:.2f} s ({n_pairs / t:.0f} pairs/s): {t_naive / t:.1f}x faster, "
              f"numbers {'identical' if same else 'DIFFERENT'} ({len(want) * 12} floats compared)")
    out["scoring"] = scoring

    # --- cold start on the bundled cluster
    if args.cold_runs:
        times, cpus, shown = cold_runs(systems, args.cold_runs, tmp)
        out["cold"] = {"command": shown, "seconds": times, "cpu_seconds": cpus}
        print(f"\ncold start on the bundled cluster, {args.cold_runs} fresh processes: wall min {min(times):.2f} s, "
              f"median {statistics.median(times):.2f} s; "
              f"CPU min {min(cpus):.2f} s, median {statistics.median(cpus):.2f} s")
        print(f"  command: {shown}")
    print(f"\nload average now {os.getloadavg()[0]:.2f}")
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))
    tmp_ctx.cleanup()
    if not all(v["identical"] for v in scoring.values() if isinstance(v, dict)) or run["failed"]:
        raise SystemExit("FAILED: numbers differ from rouge-score, or results failed")


if __name__ == "__main__":
    main()
