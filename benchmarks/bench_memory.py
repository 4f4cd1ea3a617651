"""Peak memory and time of `evalsum run` and `evalsum validate` on a cluster with one big source.

Issue 16 asks that large inputs stay under about 5x their size in memory. This builds, in a temp
folder, copies of the bundled cluster whose first source is replaced by N MB of text, and runs
each command in a fresh `python -m evalsum` subprocess, reading that child's own peak RSS from
`os.wait4` (its rusage; Linux reports KB). The baseline is the same command on the unchanged
bundled cluster (interpreter, imports and the small cluster), so "above" is what the big source
costs, and "ratio" is above / source size.

With `--jobs N` the runs use `--jobs N`, and `os.wait4` no longer says whose peak it is (the
workers are the forkserver's children, not the parent's). So the parent runs under a wrapper that
writes its own `RUSAGE_SELF` peak at exit, and a thread reads the high-water mark (`VmHWM` in
/proc/<pid>/status) of every worker while it lives; the table then shows the parent's peak and
the largest worker's apart (`validate` has no workers and ignores `--jobs`).

Two kinds of big source, both seeded:
- `repeat`: the bundled source repeated to N MB (as the issue's reproduction: few distinct
  n-grams, and curly quotes, so Python holds the text at 2 bytes a character);
- `news`: synthetic news-like text from a seeded vocabulary of 50,000 made-up words (Zipf), with
  names, numbers and dates, in sentences and paragraphs: distinct n-grams grow with the input.

    PYTHONPATH=. python benchmarks/bench_memory.py [--sizes 10 50 100] [--kinds repeat news]
        [--commands lead3 textrank oracle random validate] [--jobs N]
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

CLUSTER = "balloon-2023-02"
BIG_SOURCE = "000_83e826a67299ec89.txt"
MB = 1_000_000
# The parent under `--jobs`: runs `python -m evalsum ARGS` and writes its own peak RSS (KB on
# Linux) to the file named first, at exit, so the workers' peaks never mix into it.
WRAPPER = """
import atexit, resource, runpy, sys
out = sys.argv.pop(1)
def _peak():
    with open(out, "w") as fh:
        fh.write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
atexit.register(_peak)
sys.argv[0] = "evalsum"
runpy.run_module("evalsum", run_name="__main__", alter_sys=True)
"""
POLL_SECONDS = 0.02
SYLLABLES = [c + v for c in "bcdfghklmnprstvz" for v in ("a", "e", "i", "o", "u", "ai", "ou")]
FUNCTION = "the a of to in and that for on with as by at from is was said it has have were".split()
MONTHS = "January February March April May June July August September October November December".split()


def bundled() -> Path:
    """The bundled cluster's folder, wherever evalsum is installed."""
    import evalsum.bundled

    return Path(evalsum.bundled.__file__).parent / CLUSTER


def news_text(size: int, seed: int = 0, vocab: int = 50_000) -> str:
    """About `size` characters of news-like text: paragraphs of sentences over a Zipf vocabulary."""
    rng = random.Random(seed)
    words = sorted({"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) + rng.choice(["", "s", "ed"])
                    for _ in range(vocab)})
    rng.shuffle(words)
    cum, total = [], 0.0
    for k in range(len(words)):
        total += 1.0 / (k + 1)
        cum.append(total)
    names = [w.capitalize() for w in words[:3000]]
    out: list[str] = []
    n = 0
    while n < size:
        para = []
        for _ in range(rng.randint(2, 6)):
            toks = [rng.choice(FUNCTION) if rng.random() < 0.35 else w
                    for w in rng.choices(words, cum_weights=cum, k=rng.randint(8, 35))]
            r = rng.random()
            at = rng.randrange(1, len(toks))
            if r < 0.3:
                toks[at:at] = [rng.choice(names), rng.choice(names)]
            elif r < 0.45:
                toks[at:at] = [f"{rng.randint(2, 9999):,}"]
            elif r < 0.55:
                toks[at:at] = ["on", f"{rng.choice(MONTHS)} {rng.randint(1, 28)},", str(rng.randint(1990, 2030))]
            sentence = " ".join(toks)
            para.append(sentence[0].upper() + sentence[1:] + rng.choice([".", ".", ".", "?", "!"]))
        line = " ".join(para)
        out.append(line)
        n += len(line) + 2
    return "\n\n".join(out)[:size]


def repeat_text(size: int, source: str) -> str:
    return ((source + "\n\n") * (size // len(source) + 1))[:size]


def build(root: Path, kind: str, mb: int, seed: int = 0) -> Path:
    """A references folder holding the bundled cluster with its first source made `mb` MB."""
    refs = root / f"{kind}-{mb}" / "refs"
    shutil.copytree(bundled(), refs / CLUSTER)
    if kind != "base":
        path = refs / CLUSTER / "sources" / BIG_SOURCE
        text = repeat_text(mb * MB, path.read_text("utf-8")) if kind == "repeat" else news_text(mb * MB, seed)
        path.write_text(text, "utf-8")
    return refs


def build_apart(root: Path, kind: str, mb: int, seed: int) -> Path:
    """`build` in a child process. A child's peak RSS counts its parent's peak at the fork (Linux
    keeps the larger of the two across exec), so the measuring process must never hold a big text."""
    subprocess.run([sys.executable, __file__, "--build", str(root), kind, str(mb), str(seed)], check=True)
    return root / f"{kind}-{mb}" / "refs"


def _args(refs: Path, command: str, jobs: int) -> list[str]:
    if command == "validate":
        return ["validate", "--references", str(refs)]
    return ["run", "-s", command, "--references", str(refs), "--results", str(refs.parent / "res"), "--no-cache",
            *(["--jobs", str(jobs)] if jobs > 1 else [])]


def measure(refs: Path, command: str) -> tuple[float, float, float, int]:
    """(peak RSS in MB, wall seconds, CPU seconds, exit code) of one command in a fresh interpreter."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "evalsum", *_args(refs, command, 1)], cwd=refs.parent,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KB on Linux
    cpu = usage.ru_utime + usage.ru_stime
    return usage.ru_maxrss * scale / 2**20, time.perf_counter() - t0, cpu, proc.returncode


def _status(pid: int) -> dict[str, str]:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:  # gone already
        return {}
    return dict(line.split(":", 1) for line in text.splitlines() if ":" in line)


def _workers(parent: int) -> list[int]:
    """The parent's worker processes: its descendants apart from its own helpers (the forkserver
    and resource tracker are its direct children; forkserver workers are the forkserver's)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            ppid = _status(int(entry.name)).get("PPid", "").strip()
            if ppid.isdigit():
                children.setdefault(int(ppid), []).append(int(entry.name))
    out = []
    for child in children.get(parent, []):
        try:
            spawned = b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes()  # the spawn method
        except OSError:
            spawned = False
        if spawned:
            out.append(child)
        todo = list(children.get(child, []))
        while todo:
            pid = todo.pop()
            out.append(pid)
            todo.extend(children.get(pid, []))
    return out


def measure_jobs(refs: Path, command: str, jobs: int) -> tuple[float, float, float, int]:
    """(parent peak MB, largest worker peak MB, wall seconds, exit code) of one `--jobs` run. A
    worker's VmHWM is read every POLL_SECONDS while it lives (after its peak it waits for its next
    cluster, or to be told to stop, so the last reading holds it)."""
    peaks: dict[int, int] = {}
    stop = threading.Event()
    out = refs.parent / "parent-peak"
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", WRAPPER, str(out), *_args(refs, command, jobs)], cwd=refs.parent,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def poll() -> None:
        while not stop.is_set():
            for pid in _workers(proc.pid):
                hwm = _status(pid).get("VmHWM", "").split()
                if hwm:
                    peaks[pid] = max(peaks.get(pid, 0), int(hwm[0]))
            stop.wait(POLL_SECONDS)

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    _, status, _ = os.wait4(proc.pid, 0)
    stop.set()
    watcher.join()
    code = os.waitstatus_to_exitcode(status)
    parent = int(out.read_text()) / 1024 if out.exists() else float("nan")
    out.unlink(missing_ok=True)
    return parent, max(peaks.values(), default=0) / 1024, time.perf_counter() - t0, code


def main_jobs(opts: argparse.Namespace, tmp: Path) -> None:
    """The table for `--jobs N`: the parent's peak and the largest worker's, each above its own
    baseline (the same run on the unchanged bundled cluster)."""
    commands = [c for c in opts.commands if c != "validate"]
    base = build_apart(tmp, "base", 0, opts.seed)
    baseline = {c: measure_jobs(base, c, opts.jobs) for c in commands}
    print(f"--jobs {opts.jobs}: peak RSS of the parent, and of the largest worker")
    print(f"{'kind':7} {'command':9} {'source MB':>9} {'parent':>7} {'base':>6} {'above':>6} {'ratio':>6} "
          f"{'worker':>7} {'base':>6} {'above':>6} {'ratio':>6} {'wall s':>7} exit", flush=True)
    for kind in opts.kinds:
        for mb in opts.sizes:
            refs = build_apart(tmp, kind, mb, opts.seed)
            size = sum(p.stat().st_size for p in (refs / CLUSTER / "sources").glob("*.txt")) / 2**20
            for c in commands:
                parent, worker, secs, code = measure_jobs(refs, c, opts.jobs)
                cells = " ".join(f"{peak:7.1f} {base:6.1f} {peak - base:6.1f} {(peak - base) / size:6.2f}"
                                 for peak, base in ((parent, baseline[c][0]), (worker, baseline[c][1])))
                print(f"{kind:7} {c:9} {size:9.1f} {cells} {secs:7.1f} {code}", flush=True)
            shutil.rmtree(refs.parent)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10, 50, 100], help="source sizes in MB")
    ap.add_argument("--kinds", nargs="+", default=["repeat", "news"], choices=["repeat", "news"])
    ap.add_argument("--commands", nargs="+", default=["lead3", "textrank", "oracle", "random", "validate"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=1, help="run with --jobs N: the parent's and workers' peaks apart")
    ap.add_argument("--build", nargs=4, metavar=("ROOT", "KIND", "MB", "SEED"), help=argparse.SUPPRESS)
    opts = ap.parse_args()
    if opts.build:
        root, kind, mb, seed = opts.build
        build(Path(root), kind, int(mb), int(seed))
        return
    with tempfile.TemporaryDirectory(prefix="evalsum-mem-") as tmp:
        if opts.jobs > 1:
            main_jobs(opts, Path(tmp))
            return
        base = build_apart(Path(tmp), "base", 0, opts.seed)
        baseline = {c: measure(base, c)[0] for c in opts.commands}
        print(f"{'kind':7} {'command':9} {'source MB':>9} {'peak MB':>8} {'base MB':>8} {'above':>7} {'ratio':>6} "
              f"{'wall s':>7} {'CPU s':>6} exit", flush=True)
        for kind in opts.kinds:
            for mb in opts.sizes:
                refs = build_apart(Path(tmp), kind, mb, opts.seed)
                size = sum(p.stat().st_size for p in (refs / CLUSTER / "sources").glob("*.txt")) / 2**20
                for c in opts.commands:
                    peak, secs, cpu, code = measure(refs, c)
                    above = peak - baseline[c]
                    print(f"{kind:7} {c:9} {size:9.1f} {peak:8.1f} {baseline[c]:8.1f} {above:7.1f} {above / size:6.2f} "
                          f"{secs:7.1f} {cpu:6.1f} {code}", flush=True)
                shutil.rmtree(refs.parent)


if __name__ == "__main__":
    main()
