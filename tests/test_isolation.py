"""Issue 16, isolation: whatever one cluster's unit (summarise, cache write, scoring) does, even
`sys.exit`, `os._exit` in a worker or unserialisable metadata, fails that cluster only; the run
goes on, publishes its record and exits 2."""
from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from evalsum.store.records import load_record, record_paths
from tests import plugins
from tests.faults import cli, synthetic_corpus


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, list[str]]:
    plugins.register(monkeypatch)
    refs = tmp_path / "refs"
    return refs, synthetic_corpus(refs, 3, seed=5)


def _outcome(results: Path) -> list[tuple[str, str, str | None]]:
    [path] = record_paths(results / "runs")
    [run] = load_record(path).systems
    return [(r.cluster_id, r.status, r.failure.kind if r.failure else None) for r in run.results]


@pytest.mark.parametrize("backend,jobs,kind", [("sys-exit", "1", "bug"), ("sys-exit", "2", "bug"),
                                               ("exits", "2", "bug"), ("odd-metadata", "1", "backend"),
                                               ("odd-metadata", "2", "backend")])
def test_one_bad_cluster_is_a_recorded_failure_and_exit_2(corpus: tuple[Path, list[str]], tmp_path: Path,
                                                          backend: str, jobs: str, kind: str,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    refs, ids = corpus
    results = tmp_path / "results"
    code = cli("run", "-s", backend, "-o", f"only={ids[1]}", "--references", str(refs), "--results", str(results),
               "--jobs", jobs, "--rouge-engine", "python")
    assert code == 2
    assert _outcome(results) == [(ids[0], "ok", None), (ids[1], "failed", kind), (ids[2], "ok", None)]
    err = capsys.readouterr().err
    assert "1 of 3 results failed" in err and "internal error" not in err
    assert (results / "LEADERBOARD.md").is_file()
    assert [p for p in multiprocessing.active_children() if p.name == "evalsum-worker"] == []


def test_the_failure_messages_say_what_happened(corpus: tuple[Path, list[str]], tmp_path: Path) -> None:
    refs, ids = corpus
    for backend in ("sys-exit", "odd-metadata"):
        results = tmp_path / backend
        cli("run", "-s", backend, "-o", f"only={ids[0]}", "--references", str(refs), "--results", str(results))
        [path] = record_paths(results / "runs")
        failure = load_record(path).systems[0].results[0].failure
        assert failure is not None
        if backend == "sys-exit":
            assert failure.message == ("the backend tried to end the process (SystemExit(0)); a backend must raise "
                                       "an exception instead")
        else:
            assert failure.message.startswith("the result cannot be written to a record (PydanticSerializationError")


def test_an_unserialisable_summary_is_never_cached(corpus: tuple[Path, list[str]], tmp_path: Path) -> None:
    refs, ids = corpus
    results = tmp_path / "results"
    cli("run", "-s", "odd-metadata", "-o", f"only={ids[0]}", "--references", str(refs), "--results", str(results))
    entries = sorted((results / "cache").glob("??/*.json"))
    assert len(entries) == 2  # the two good clusters only


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_backend_that_prints_never_reaches_stdout(tmp_path: Path, jobs: str) -> None:
    """Whatever a backend writes (print with markup, descriptor 1, a child process) goes to stderr,
    verbatim, and `run --json` stays one JSON document."""
    import json
    import os
    import subprocess
    import sys

    from tests.faults import synthetic_corpus

    refs = tmp_path / "refs"
    synthetic_corpus(refs, 2, seed=3)
    site = plugins.plugin_site(tmp_path / "site")
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(root)])}
    done = subprocess.run([sys.executable, "-m", "evalsum", "run", "-s", "prints", "--json", "--jobs", jobs,
                           "--references", str(refs), "--results", str(tmp_path / "results"), "--rouge-engine",
                           "python"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert [r["status"] for r in record["systems"][0]["results"]] == ["ok", "ok"]
    for line in ("[bold]PRINTED[/bold] by the backend", "WRITTEN to descriptor 1", "CHILD of the backend"):
        assert done.stderr.count(line) == 2, done.stderr
