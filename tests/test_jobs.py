"""`--jobs 2` gives the same record as `--jobs 1`, for every core backend, `files` and `llm`.

Workers get each system as its backend class plus the validated Options instance, so nothing is
re-parsed on the other side: `files` (whose row label is not its registry name) and `llm` (whose
options dump holds the computed `prompt_sha256`) used to die there. The llm runs against a stub
chat-completions server on 127.0.0.1 that answers deterministically from the prompt.
"""
from __future__ import annotations

import gc
import json
import multiprocessing
import shutil
import threading
import weakref
from collections import deque
from collections.abc import Iterable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from evalsum.gold import dataset, synthetic
from evalsum.models import Cluster, Settings
from evalsum.run import parallel, registry, runner
from evalsum.run.cluster import WorkSpec
from evalsum.run.plan import Paths, RunPlan, SystemSpec
from evalsum.store.records import load_record, record_paths
from tests import plugins
from tests.conftest import cli, without

# Fields that differ between two runs of the same plan: wall time, and what is derived from it.
VOLATILE = {"seconds", "latency_seconds", "created", "run_id"}


class Stub(BaseHTTPRequestHandler):
    """Answers every chat completion with the first 25 words of the first article it was sent."""

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.path != "/v1/chat/completions":  # no tokenizer endpoint: the client estimates
            self.send_error(404)
            return
        prompt = body["messages"][0]["content"]
        article = prompt.split("Article 1", 1)[-1].split(":", 1)[-1]
        answer = " ".join(article.split()[:25]) + "."
        raw = json.dumps({"model": body["model"], "choices": [{"message": {"content": answer},
                                                               "finish_reason": "stop"}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)


@pytest.fixture(scope="module")
def stub() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Five synthetic clusters as a JSONL dataset, and a folder of external summaries for them."""
    root = tmp_path_factory.mktemp("jobs")
    jsonl, folder = root / "data.jsonl", root / "summaries"
    folder.mkdir()
    with open(jsonl, "w", encoding="utf-8") as fh:
        for c in synthetic.clusters(5, seed=3):
            fh.write(dataset.dumps_line(c))
            (folder / f"{c.id}.txt").write_text(c.documents[0].text.split(".")[0] + ".", encoding="utf-8")
    return jsonl, folder


def stable(data: Any) -> Any:
    return without(data, VOLATILE)


@pytest.mark.parametrize("backend", [*registry.CORE, "files", "llm"])
def test_jobs_2_record_equals_jobs_1(backend: str, data: tuple[Path, Path], stub: str, tmp_path: Path) -> None:
    jsonl, folder = data
    options = {"files": ["-o", f"path={folder}"],
               "llm": ["-o", f"base_url={stub}", "-o", "model=stub-model", "-o", "backoff=0"]}.get(backend, [])
    got = []
    for jobs in (1, 2):
        results = tmp_path / f"jobs{jobs}"
        code = cli("run", "-s", backend, *options, "--dataset", str(jsonl), "--results", str(results),
                   "--jobs", str(jobs), "--rouge-engine", "python")
        assert code == 0
        [path] = record_paths(results / "runs")
        got.append(load_record(path))
    one, two = got
    assert [len(s.results) for s in one.systems] == [5]
    assert all(r.status == "ok" for s in one.systems for r in s.results)
    assert stable(one.model_dump(mode="json")) == stable(two.model_dump(mode="json"))
    expected_label = {"files": f"files:{folder.name}", "llm": "llm[model=stub-model]"}.get(backend, backend)
    assert [(s.system.name, s.system.backend) for s in two.systems] == [(expected_label, backend)]


def test_a_worker_that_dies_fails_only_its_cluster_and_the_run_goes_on(
        data: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plugins.register(monkeypatch)
    jsonl, _ = data
    ids = [c.id for c in synthetic.clusters(5, seed=3)]
    victim = ids[3]
    plan = RunPlan(systems=[SystemSpec(backend="lead3"), SystemSpec(backend="exits", options={"only": victim}),
                            SystemSpec(backend="random")], dataset=jsonl, jobs=2,
                   paths=Paths(results=tmp_path / "r"), use_cache=False, rouge_engine="python")
    path = runner.run_to_disk(plan)
    lead3, exits, rand = load_record(path).systems
    for run in (lead3, exits, rand):
        assert [(r.cluster_id, r.status) for r in run.results] == [(c, "failed" if c == victim else "ok") for c in ids]
    failure = exits.results[3].failure
    assert failure is not None and failure.kind == "bug"
    assert failure.message == ("the worker process died (exit code 3) while this system ran on this cluster: it "
                               "ended its process, crashed, or ran out of memory; the other clusters went on")
    # the worker said which system it was running: the others are not blamed
    for run in (lead3, rand):
        lost = run.results[3].failure
        assert lost is not None and lost.message == (
            f"not recorded: the worker process died (exit code 3) while 'exits[only={victim}]' ran on this "
            "cluster; rerun to score it (finished summaries are cached)")
    assert [p for p in multiprocessing.active_children() if p.name == "evalsum-worker"] == []


def test_workers_resolve_relative_paths_from_the_callers_folder(
        data: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    jsonl, folder = data
    first = tmp_path / "first"
    first.mkdir()
    monkeypatch.chdir(first)  # where the forkserver may start: its workers must still follow the caller
    assert cli("run", "-s", "lead3", "--dataset", str(jsonl), "--results", "r", "--jobs", "2") == 0
    second = tmp_path / "second"
    shutil.copytree(folder, second / "ext")
    monkeypatch.chdir(second)
    assert cli("run", "-s", "files", "-o", "path=ext", "--dataset", str(jsonl), "--results", "r", "--jobs", "2") == 0
    [path] = record_paths(second / "r" / "runs")
    assert all(r.status == "ok" for s in load_record(path).systems for r in s.results)


class Tracked:
    """Hands out clusters one at a time, keeping only a weak reference to each it handed out."""

    def __init__(self, clusters: Iterable[Cluster]) -> None:
        self.todo = deque(clusters)
        self.sent: list[weakref.ref[Cluster]] = []

    def __iter__(self) -> Tracked:
        return self

    def __next__(self) -> Cluster:
        if not self.todo:
            raise StopIteration
        cluster = self.todo.popleft()
        self.sent.append(weakref.ref(cluster))
        return cluster


def test_the_parent_holds_clusters_in_flight_as_bytes_and_resends_them_after_a_death(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every cluster is pickled once and let go (none is alive in the parent while results come
    back); the worker that dies on cluster 1 held clusters 3 and 5 (one of them larger than a
    pipe's buffer), and its replacement gets their bytes: only cluster 1 fails, in input order."""
    plugins.register(monkeypatch)
    made = [dataset.to_cluster(c, "test") for c in synthetic.clusters(6, seed=5)]
    ids = [c.id for c in made]
    big = made[3].documents[0]
    made[3] = made[3].model_copy(update={"documents": [big.model_copy(update={"text": (big.text + "\n\n") * 400}),
                                                       *made[3].documents[1:]]})
    assert len(made[3].documents[0].text) > 4 * 2**16  # a pipe buffer is 64 KiB on Linux
    feed = Tracked(made)
    del made, big
    built = runner.build_systems([SystemSpec(backend="lead3"), SystemSpec(backend="exits", options={"only": ids[1]})])
    spec = WorkSpec(systems=tuple(b for b, _ in built), settings=Settings(), cache_dir=tmp_path / "cache",
                    use_cache=False, refresh_cache=False, engine="python", timeout=None)
    got = []
    for out in parallel.run(spec, feed, 2):
        gc.collect()
        assert len(feed.sent) == 6 and [r() for r in feed.sent] == [None] * 6  # all sent, none held
        got.append([(line.result.cluster_id, line.result.status) for line in out.lines])
    assert got == [[(c, "failed" if c == ids[1] else "ok")] * 2 for c in ids]
    assert [p for p in multiprocessing.active_children() if p.name == "evalsum-worker"] == []
