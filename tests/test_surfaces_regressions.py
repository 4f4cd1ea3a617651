"""One focused case per bug the input-surface property tests found (tests/test_surfaces_*.py),
each through the CLI with the exact line it must print now."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from evalsum.models import ResultLine
from evalsum.store.records import iter_record, record_paths
from tests.conftest import CLUSTER, REFERENCES
from tests.faults import Env, make_env
from tests.llm_stub import Answer, Stub, completion
from tests.surfaces import (
    assert_clean,
    elsewhere,  # noqa: F401  (autouse: runs in an empty folder)
    invoke,
)


@pytest.fixture
def env(tmp_path: Path) -> Env:
    return make_env(tmp_path)


def one_error(o: object, code: int) -> str:
    from tests.surfaces import Outcome

    assert isinstance(o, Outcome) and o.code == code, str(o)
    assert_clean(o)
    [line] = o.err.splitlines()
    return line


# ---------------------------------------------------------------- gold YAML


@pytest.mark.parametrize("command", ["validate", "run"])
def test_a_control_character_in_gold_yaml_is_one_line_naming_file_and_line(env: Env, command: str) -> None:
    path = env.cdir / "cluster.yaml"
    path.write_bytes(b"id: balloon-2023-02\ntitle: A \x00 title\n")
    argv = ["validate", "--references", env.refs] if command == "validate" else \
        ["run", "-s", "lead3", "--references", env.refs, "--results", env.results]
    line = one_error(invoke(*argv), 2)
    assert line == (f"error: {path}:line 2: character '\\x00' is not allowed in YAML (special characters are not "
                    "allowed); remove it")


# ---------------------------------------------------------------- records


@pytest.fixture
def recorded(env: Env) -> Path:
    assert invoke("run", "-s", "lead3", "-s", "textrank", "--references", env.refs, "--results", env.results).code == 0
    [path] = record_paths(env.runs)
    return path


def edit_lines(path: Path, lines: list[bytes]) -> None:
    path.write_bytes(b"".join(lines))


def test_a_record_that_lost_a_result_line_is_a_data_error(env: Env, recorded: Path) -> None:
    lines = recorded.read_bytes().splitlines(keepends=True)
    edit_lines(recorded, [lines[0], lines[2], lines[3]])  # textrank's result stays, lead3's is gone
    line = one_error(invoke("leaderboard", "--results", env.results), 2)
    assert line.startswith(f"error: {recorded}:line 3, field results: footer counts 2 results but the record "
                           "holds 1; delete or restore this record; move it aside with `mv ")


def test_a_record_whose_systems_have_unequal_results_is_a_data_error(env: Env, recorded: Path) -> None:
    lines = recorded.read_bytes().splitlines(keepends=True)
    footer = json.loads(lines[3])
    footer["results"] = 1
    edit_lines(recorded, [lines[0], lines[2], json.dumps(footer).encode() + b"\n"])
    line = one_error(invoke("leaderboard", "--results", env.results), 2)
    assert line.startswith(f"error: {recorded}: system 'lead3' has 0 results, others have 1; delete or restore "
                           "this record")


def test_a_line_after_the_footer_and_a_system_named_twice_are_data_errors(env: Env, recorded: Path) -> None:
    lines = recorded.read_bytes().splitlines(keepends=True)
    edit_lines(recorded, [*lines, lines[1]])
    line = one_error(invoke("leaderboard", "--results", env.results), 2)
    assert line.startswith(f"error: {recorded}:line 5: line after the footer; delete or restore this record")
    header = json.loads(lines[0])
    header["systems"][1]["name"] = "lead3"
    edit_lines(recorded, [json.dumps(header).encode() + b"\n", *lines[1:]])
    line = one_error(invoke("leaderboard", "--results", env.results), 2)
    assert line.startswith(f"error: {recorded}:line 1, field systems: system 'lead3' named twice; delete or "
                           "restore this record")


def test_a_cache_entry_that_is_not_utf8_is_a_miss(env: Env) -> None:
    argv = ("run", "-s", "textrank", "--references", env.refs, "--results", env.results)
    assert invoke(*argv).code == 0
    [entry] = list((env.results / "cache").rglob("*.json"))
    entry.write_bytes(b"\x80" + entry.read_bytes())
    o = invoke(*argv)
    assert o.code == 0 and o.err == "", str(o)
    first, second = record_paths(env.runs)
    [res] = [i.result for i in iter_record(second) if isinstance(i, ResultLine)]
    assert res.status == "ok" and not res.cached
    assert entry.read_bytes()[:1] == b"{"  # regenerated and rewritten


# ---------------------------------------------------------------- the llm backend's server replies


def llm_run(stub: Stub, results: Path, *extra: str) -> object:
    return invoke("run", "-s", "llm", "-o", f"base_url={stub.base_url}", "-o", "model=m", "-o", "retries=0",
                  *extra, "--references", REFERENCES, "--results", results)


def failures(results: Path) -> list[str]:
    return [str(i.result.failure) for p in record_paths(results / "runs") for i in iter_record(p)
            if isinstance(i, ResultLine) and i.result.failure is not None]


@pytest.mark.parametrize("chunk", [{"choices": 5}, {"choices": [1]}, {"choices": ["text"]}, {"choices": {"a": 1}}])
def test_a_stream_chunk_whose_choices_are_not_objects_is_a_malformed_event(server: Stub, tmp_path: Path,
                                                                           chunk: object) -> None:
    server.models = ["m"]
    body = b"data: " + json.dumps(chunk).encode() + b"\n\ndata: [DONE]\n\n"
    server.default = Answer(status=200, body=body, headers={"Content-Type": "text/event-stream"}, raw=True)
    results = tmp_path / "results"
    line = one_error(llm_run(server, results), 3)
    assert "backend unavailable: llm[model=m] on balloon-2023-02: malformed event in stream from" in line
    [failure] = failures(results)
    assert failure.startswith("unavailable: malformed event in stream from")


def test_an_event_stream_answering_a_one_shot_request_is_unavailable_not_a_bug(server: Stub, tmp_path: Path) -> None:
    server.models = ["m"]
    body = completion("The balloon drifted east.")
    server.default = Answer(status=200, body=body, headers={"Content-Type": "text/event-stream"}, raw=True)
    results = tmp_path / "results"
    line = one_error(llm_run(server, results, "-o", "stream=false"), 3)
    assert "ended before the answer did (0 tokens) (an event stream where one JSON answer was asked for)" in line
    [failure] = failures(results)
    assert failure.startswith("unavailable: stream from")


# ---------------------------------------------------------------- import and the run file


def test_an_empty_multi_news_input_names_the_sources_file(tmp_path: Path) -> None:
    (tmp_path / "test.src").write_bytes(b"")
    (tmp_path / "test.tgt").write_bytes(b"")
    o = invoke("import", tmp_path / "test.src", "--format", "multi-news", "--summaries", tmp_path / "test.tgt",
               "--out", tmp_path / "out")
    assert one_error(o, 2) == f"error: {tmp_path / 'test.src'}: no clusters found"


def test_a_run_file_without_systems_is_named(tmp_path: Path) -> None:
    path = tmp_path / "evalsum.toml"
    path.write_text("budget = 100\n", encoding="utf-8")
    line = one_error(invoke("run", "--config", path, "--references", REFERENCES, "--results", tmp_path / "r"), 2)
    assert line.startswith(f"error: {path}: lists no systems; name a system with --system NAME or use --all")


# ---------------------------------------------------------------- numbers past what the system can wait or start


def test_a_timeout_longer_than_a_thread_can_wait_is_no_limit(env: Env) -> None:
    o = invoke("run", "-s", "lead3", "--timeout", "1e300", "--references", env.refs, "--results", env.results)
    assert o.code == 0 and o.err == "", str(o)
    [res] = [i.result for p in record_paths(env.runs) for i in iter_record(p) if isinstance(i, ResultLine)]
    assert res.status == "ok"


def test_jobs_beyond_the_clusters_start_one_worker_per_cluster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from evalsum.errors import UsageError
    from evalsum.run import parallel
    from tests.faults import synthetic_corpus

    synthetic_corpus(tmp_path / "refs", 3)
    seen: list[int] = []

    def fake(spec: object, clusters: object, jobs: int, window: int | None = None) -> object:
        seen.append(jobs)
        raise UsageError("stopped before any worker started")

    monkeypatch.setattr(parallel, "run", fake)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)  # --jobs may be at most 8 here (4 per CPU)
    o = invoke("run", "-s", "lead3", "--jobs", "8", "--references", tmp_path / "refs", "--results",
               tmp_path / "results")
    assert one_error(o, 2) == "error: stopped before any worker started"
    assert seen == [3]


@pytest.mark.parametrize(("system", "option", "value", "message"), [
    ("llm", "deadline", "inf", "Input should be a finite number"),
    ("llm", "timeout", "1e300", "Input should be less than or equal to 604800"),
    ("llm", "backoff", "nan", "Input should be a finite number"),
    ("textrank", "tol", "inf", "Input should be a finite number"),
])
def test_option_numbers_are_finite_and_bounded(env: Env, system: str, option: str, value: str, message: str) -> None:
    o = invoke("run", "-s", system, "-o", f"{option}={value}", "-o", f"{system}.{option}={value}",
               "--references", env.refs, "--results", env.results)
    line = one_error(o, 2)
    assert line.startswith(f"error: invalid option {option!r} for system {system!r}: {message}."), line


# ---------------------------------------------------------------- integers too long to convert, NaN in JSON Lines

OVERLONG = "1" + "0" * 5000


def test_an_overlong_integer_in_gold_yaml_names_its_line(env: Env) -> None:
    path = env.cdir / "cluster.yaml"
    path.write_text(f"id: balloon-2023-02\ntitle: T\nhand_made: {OVERLONG}\n", encoding="utf-8")
    line = one_error(invoke("validate", "--references", env.refs), 2)
    assert line == f"error: {path}:line 3: an integer of 5001 digits is too long"


def test_an_overlong_integer_in_the_run_file_names_it(tmp_path: Path) -> None:
    path = tmp_path / "evalsum.toml"
    path.write_text(f'budget = {OVERLONG}\n[[systems]]\nbackend = "lead3"\n', encoding="utf-8")
    line = one_error(invoke("run", "--config", path, "--references", REFERENCES, "--results", tmp_path / "r"), 2)
    assert line == f"error: {path}: an integer of more than 4300 digits is too long"


@pytest.mark.parametrize(("value", "message"), [
    (OVERLONG, "an integer of 5001 digits is too long"),
    ("NaN", "NaN is not a number evalsum accepts (numbers must be finite)"),
    ("1e999", "1e999 is out of range (numbers must be finite)"),
])
def test_numbers_in_a_files_jsonl_are_strict(tmp_path: Path, value: str, message: str) -> None:
    path = tmp_path / "summaries.jsonl"
    path.write_text(f'{{"cluster": "{CLUSTER}", "system": "prod", "summary": "A balloon.", '
                    f'"metadata": {{"tokens": {value}}}}}\n', encoding="utf-8")
    o = invoke("run", "-s", "files", "-o", f"path={path}", "--references", REFERENCES, "--results", tmp_path / "r")
    assert one_error(o, 2) == f"error: {path}:line 1, field metadata.tokens: {message}"


def test_an_overlong_integer_in_a_dataset_line_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "clusters.jsonl"
    path.write_text('{"id": "x", "title": "t", "documents": [{"id": "d", "text": "Words here now."}], '
                    f'"references": [{{"text": "Words."}}], "n": {OVERLONG}}}\n', encoding="utf-8")
    line = one_error(invoke("validate", "--dataset", path), 2)
    assert line == f"error: {path}:line 1, field n: an integer of 5001 digits is too long"


def test_an_overlong_integer_in_a_server_reply_is_a_malformed_response(server: Stub, tmp_path: Path) -> None:
    server.models = ["m"]
    body = completion("The balloon drifted east.").replace(b'"usage": {"prompt_tokens": 900',
                                                          b'"usage": {"prompt_tokens": ' + OVERLONG.encode())
    server.default = Answer(status=200, body=body)
    results = tmp_path / "results"
    line = one_error(llm_run(server, results, "-o", "stream=false"), 3)
    assert "malformed response from" in line and "not JSON (Exceeds the limit (4300 digits)" in line
    [failure] = failures(results)
    assert failure.startswith("unavailable: malformed response from")


@pytest.mark.parametrize(("second", "message"), [
    ('backend = "lead3"', "same backend and options as systems.0; give one a label or different options"),
    ('backend = "lead-k"\nlabel = "a"', "same label 'a' as systems.0; give one another label"),
])
def test_a_run_file_entry_given_twice_is_named_with_its_field(tmp_path: Path, second: str, message: str) -> None:
    path = tmp_path / "evalsum.toml"
    first = 'backend = "lead3"' + ('\nlabel = "a"' if "label" in second else "")
    path.write_text(f'[[systems]]\n{first}\n[[systems]]\nbackend = "textrank"\n[[systems]]\n{second}\n',
                    encoding="utf-8")
    line = one_error(invoke("run", "--config", path, "--references", REFERENCES, "--results", tmp_path / "r"), 2)
    assert line == f"error: {path}:field systems.2: {message}"
