"""Clean stops: SIGINT or SIGTERM at any moment after evalsum's entry point has started (during
the second of imports included) prints one line and exits 130 or 143, never a traceback.

The moment is measured from when the stop handlers are in place, read from the kernel
(/proc/PID/status: Python catches SIGTERM only once evalsum.entry has installed its handler), so
the test does not depend on how fast the interpreter itself starts; then a seeded random delay.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import REFERENCES, ROOT

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")

LINES = {signal.SIGINT: "interrupted: results written so far are kept; rerun to resume from the cache",
         signal.SIGTERM: "terminated: results written so far are kept; rerun to resume from the cache"}


def _default_sigint() -> None:
    """The child gets Python's usual SIGINT behaviour even if this test runs as a background job
    (where SIGINT is inherited as ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(tmp: Path, *args: str, module: bool = True, sigint_ignored: bool = False) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "evalsum"] if module else [str(Path(sys.executable).parent / "evalsum")]
    return subprocess.Popen([*cmd, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp,
                            env={**os.environ, "PYTHONPATH": str(ROOT)},
                            preexec_fn=(lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if sigint_ignored
                            else _default_sigint)


def handlers_installed(pid: int) -> bool:
    """True once the process catches SIGTERM (bit 15 of SigCgt), i.e. evalsum.entry has run."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    caught = int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:")), 16)
    return bool(caught & (1 << (signal.SIGTERM - 1)))


def wait_for_handlers(proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while not handlers_installed(proc.pid):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "stop handlers never installed"
        time.sleep(0.002)


def run_args(tmp: Path, i: int) -> tuple[str, ...]:
    return ("run", "-s", "lead3", "--references", str(REFERENCES), "--results", str(tmp / f"results-{i}"))


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_stop_at_random_early_moments_is_one_line_and_130_or_143(sig: signal.Signals, tmp_path: Path) -> None:
    """Six seeded moments from 0 to 1.5 s after the handlers are in place (most land in the
    imports; later ones in the run). Each run either finished first (exit 0, nothing on stderr)
    or stopped: exit 128 + signal and exactly the one line."""
    rng = random.Random(16 + sig)
    delays = sorted(rng.uniform(0.0, 1.5) for _ in range(5)) + [0.0]

    # Started here, not in the threads: preexec_fn is not safe to use from several threads.
    procs = [start(tmp_path, *run_args(tmp_path, i), module=i % 2 == 0) for i in range(len(delays))]

    def stop_once(i: int) -> tuple[float, int, str, str]:
        proc = procs[i]
        wait_for_handlers(proc)
        time.sleep(delays[i])
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=120)
        return delays[i], proc.returncode, out, err

    with ThreadPoolExecutor(max_workers=len(delays)) as pool:
        outcomes = list(pool.map(stop_once, range(len(delays))))
    stopped = 0
    for delay, code, out, err in outcomes:
        assert "Traceback" not in err + out, (delay, err)
        if code == 0:
            assert err == "", (delay, err)
            continue
        stopped += 1
        assert (code, err) == (128 + sig, LINES[sig] + "\n"), (delay, code, err)
    assert stopped >= 1  # the 0 s moment always lands in the imports


def test_a_second_stop_during_clean_up_leaves_at_once_with_the_same_one_line(tmp_path: Path) -> None:
    proc = start(tmp_path, *run_args(tmp_path, 0))
    wait_for_handlers(proc)
    proc.send_signal(signal.SIGINT)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert (proc.returncode, err) == (130, LINES[signal.SIGINT] + "\n")


def test_sigint_ignored_by_the_parent_stays_ignored(tmp_path: Path) -> None:
    """A background job in a script inherits SIGINT as ignored: evalsum keeps it so (and still
    answers SIGTERM)."""
    proc = start(tmp_path, "--help", sigint_ignored=True)
    wait_for_handlers(proc)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0 and "Usage" in out and err == ""


def test_entry_imports_nothing_heavy() -> None:
    """The handlers are installed before typer, rich, NLTK or pydantic load: importing the entry
    point (and the package) pulls in none of them."""
    code = ("import sys, evalsum.entry; heavy = {'typer', 'rich', 'nltk', 'pydantic', 'numpy', 'click', "
            "'importlib.metadata', 'evalsum.cli'} & set(sys.modules); print(sorted(heavy))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.stdout == "[]\n", proc.stderr


def test_in_process_ctrl_c_is_one_line_and_130(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """Called in process (no entry handler), a KeyboardInterrupt still becomes the one line."""
    from evalsum.run import runner
    from tests.conftest import cli

    def interrupted(*a: object, **k: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "run_to_disk", interrupted)
    assert cli(*run_args(tmp_path, 0)) == 130
    assert capsys.readouterr().err == LINES[signal.SIGINT] + "\n"
