"""Time a one-cluster `evalsum run -s lead3` with no old records and with 400 (issue 16: history
that stays cheap). Each timing is a fresh `python -m evalsum` process, as a user runs it.

The old records are copies of a real one-cluster record of five systems (as `--all` makes) under other run ids (older
timestamps, so the new run is the latest). With the record index (`results/.index.json`) only the
first run after the copies reads them all (to build the index); later runs read only the new
record, and only the records the leaderboard's rows come from are folded again for scores (so
the refresh no longer reads every old record: `analysis.leaderboard_select`). The timed runs
alternate between the two folders, so load drift hits both alike. `--no-index` deletes the index
before each timed run (every record read in full, as before the index).

    PYTHONPATH=. python benchmarks/bench_history.py [--old 400] [--repeats 3] [--no-index]
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLUSTER = "balloon-2023-02"
# What each old record holds: a run of the core systems, as `evalsum run --all` makes.
OLD_SYSTEMS = ("lead3", "textrank", "random", "oracle", "human")


def _run(results: Path, *systems: str) -> float:
    picked = [a for s in systems or ("lead3",) for a in ("-s", s)]
    cmd = [sys.executable, "-m", "evalsum", "run", *picked, "--cluster", CLUSTER, "--references",
           str(ROOT / "references"), "--results", str(results), "--rouge-engine", "python"]
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return time.perf_counter() - t0


def _with_old(results: Path, old: int) -> None:
    """`old` copies of the one record in results/runs, dated 2020 so they sort first."""
    [record] = sorted((results / "runs").glob("*.jsonl"))
    text = record.read_text(encoding="utf-8")
    run_id = record.stem
    for i in range(old):
        fake = f"20200101T{i // 3600 % 24:02d}{i // 60 % 60:02d}{i % 60:02d}Z-{i:08x}"
        (results / "runs" / f"{fake}.jsonl").write_text(text.replace(run_id, fake, 1), encoding="utf-8")
    record.unlink()


def _folder(tmp: Path, name: str, old: int) -> Path:
    """A results folder holding `old` old records, its summary cache warm and its index built."""
    results = tmp / name
    _run(results, *OLD_SYSTEMS)  # warm the summary cache, and make the record to copy
    if old:
        _with_old(results, old)
        _run(results)  # the first run after the copies builds the index (timed by `first_after`)
    return results


def measure(old: int, repeats: int, index: bool) -> tuple[list[float], list[float]]:
    """Timed runs into a folder with no old records and one with `old`, alternated so that a
    change of machine load hits both alike."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh, aged = _folder(Path(tmp), "fresh", 0), _folder(Path(tmp), "aged", old)
        times: tuple[list[float], list[float]] = ([], [])
        for _ in range(repeats):
            for results, out in ((fresh, times[0]), (aged, times[1])):
                if not index:
                    (results / ".index.json").unlink(missing_ok=True)
                out.append(_run(results))
        shutil.rmtree(fresh)
        shutil.rmtree(aged)
        return times


def first_after(old: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        results = Path(tmp) / "results"
        _run(results, *OLD_SYSTEMS)
        _with_old(results, old)
        return _run(results)


def _line(old: int, times: list[float], index: bool) -> str:
    return (f"{old:4d} old records: median {statistics.median(times):.2f} s over {len(times)} runs "
            f"({', '.join(f'{t:.2f}' for t in times)}){'' if index else ' [no index]'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--old", type=int, default=400)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--no-index", action="store_true", help="delete the index before each run (the old cost)")
    args = ap.parse_args()
    index = not args.no_index
    none, some = measure(args.old, args.repeats, index)
    print(_line(0, none, index))
    print(_line(args.old, some, index))
    diffs = [b - a for a, b in zip(none, some, strict=True)]
    print(f"difference per pair (old - none): median {statistics.median(diffs):+.3f} s")
    if index and args.old:
        print(f"first run after {args.old} unindexed records appear (builds the index): {first_after(args.old):.2f} s")


if __name__ == "__main__":
    main()
