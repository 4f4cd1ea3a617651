"""The `llm` backend against a real HTTP server started here on 127.0.0.1.

The stub (tests/llm_stub.py) speaks the chat-completions route, records every request it gets
(method, path, headers, JSON body) and answers from a script, so each test states exactly what
the model "said". Streaming, timeouts and server discovery are tested in test_llm_transport.py.
"""
from __future__ import annotations

import hashlib
import json
import re
import socket
import threading
from pathlib import Path
from typing import Any

import pytest

from evalsum.errors import UsageError
from evalsum.gold import corpus
from evalsum.models import Budget
from evalsum.run import registry, runner
from evalsum.run.cluster import prepare_cluster
from evalsum.run.plan import Paths, RunPlan, SystemSpec
from evalsum.store.records import load_record, record_paths
from evalsum.systems.chat_http import ChatClient
from evalsum.systems.llm import LLM, LLMOptions, render_documents
from evalsum.text import words
from tests.conftest import CLUSTER, CLUSTER_DIR, REFERENCES, cli
from tests.llm_stub import Answer, Stub, completion

KEY = "sk-test-7f3a9c1e5b2d4f60a8e1"


def opts(srv: Stub, **extra: Any) -> dict[str, Any]:
    return {"base_url": srv.base_url, "model": "x", "backoff": 0, **extra}


def only_result(record: Any) -> Any:
    [run] = record.systems
    [res] = run.results
    return res


# ---------------------------------------------------------------- success and what is recorded


def test_success_records_summary_model_usage_latency(server: Stub, paths: Paths) -> None:
    server.default = Answer(200, completion(
        "China's balloon crossed the US. A fighter shot it down off South Carolina.",
                                            system_fingerprint="fp_abc123"))
    rec = runner.evaluate(RunPlan(systems=[SystemSpec(backend="llm", options=opts(server))], paths=paths))
    res = only_result(rec)
    assert res.status == "ok", str(res.failure)
    assert res.summary.sentences == ["China's balloon crossed the US.", "A fighter shot it down off South Carolina."]
    assert res.summary.words == 13 and not res.summary.truncated
    meta = res.summary.metadata
    assert (meta["model"], meta["requested_model"], meta["response_model"]) == ("x", "x", "x-served")
    assert meta["transport"] == "one-shot" and meta["usage_source"] == "server"  # this answer is plain JSON
    assert meta["system_fingerprint"] == "fp_abc123"
    assert meta["usage"] == {"prompt_tokens": 900, "completion_tokens": 40, "total_tokens": 940}
    assert meta["finish_reason"] == "stop" and meta["attempts"] == 1
    assert isinstance(meta["latency_seconds"], float) and 0 <= meta["latency_seconds"] < 5
    assert meta["markdown_stripped"] == {}
    assert res.scores.rouge["rouge2"].f > 0

    [req] = server.chats()
    assert req["path"] == "/v1/chat/completions"
    body = req["body"]
    assert (body["model"], body["temperature"], body["seed"]) == ("x", 0.0, 0)
    assert (body["max_tokens"], body["stream"]) == (250, True)
    assert body["stream_options"] == {"include_usage": True}
    assert not {"top_p", "stop", "repeat_penalty", "frequency_penalty"} & set(body)  # unset: not sent
    [msg] = body["messages"]
    assert msg["role"] == "user"
    assert "Use at most 100 words:" in msg["content"]
    assert "Chinese surveillance balloons over the US and Latin America" in msg["content"]
    assert "Article 1, " in msg["content"] and "Article 5" in msg["content"]
    assert "$" not in msg["content"].split("Article 1")[0]  # every placeholder was filled
    assert "Authorization" not in req["headers"]  # no key set in this test's environment


def test_budget_reaches_the_prompt(server: Stub, paths: Paths) -> None:
    llm = registry.build("llm", opts(server))
    prepared = prepare_cluster(corpus.load_cluster(CLUSTER_DIR))
    llm.summarise(prepared, Budget(words=42))
    content = server.chats()[0]["body"]["messages"][0]["content"]
    assert "Use at most 42 words: about four short sentences. Longer output is cut at word 42." in content
    assert content.endswith("in at most 42 words, plain prose, the summary only.\n")
    assert server.chats()[0]["body"]["max_tokens"] == 2 * 42 + 50


def test_render_documents_cuts_every_article_fairly(paths: Paths) -> None:
    prepared = prepare_cluster(corpus.load_cluster(CLUSTER_DIR))
    lengths = [sum(len(words(s.text)) for s in d.sentences) for d in prepared.documents]
    full = render_documents(prepared, 10**6)
    assert (full.words, full.cut) == (sum(lengths), [])
    assert [re.split("[,:]", line)[0] for line in full.text.split("\n") if line.startswith("Article")] == [
        f"Article {n}" for n in range(1, len(lengths) + 1)]
    cut = render_documents(prepared, 200)
    assert cut.words <= 200
    # every article keeps a prefix of whole sentences within its equal share, none is dropped
    share = 200 // len(lengths)
    assert [c["article"] for c in cut.cut] == [i + 1 for i, n in enumerate(lengths) if n > share]
    for c in cut.cut:
        doc = prepared.documents[c["article"] - 1]
        kept, n = [], 0
        for s in doc.sentences:
            if n + len(words(s.text)) > c["kept_words"]:
                break
            kept.append(s.text)
            n += len(words(s.text))
        assert n == c["kept_words"] <= share and c["words"] == lengths[c["article"] - 1]
        assert " ".join(kept) in cut.text


def test_render_documents_leaves_out_an_article_that_keeps_nothing(paths: Paths) -> None:
    prepared = prepare_cluster(corpus.load_cluster(CLUSTER_DIR))
    first = [len(words(d.sentences[0].text)) for d in prepared.documents]
    limit = min(first) * len(first)  # an equal share is the shortest first sentence
    out = render_documents(prepared, limit)
    dropped = [i + 1 for i, n in enumerate(first) if n > min(first)]
    assert dropped and [c["article"] for c in out.cut if c["kept_words"] == 0] == dropped
    assert out.text.count("Article ") == len(first) - len(dropped)  # no empty header
    kept = len(first) - len(dropped)
    assert f"Article {kept}" in out.text and f"Article {kept + 1}" not in out.text


# ---------------------------------------------------------------- failures


def test_retry_after_500_then_success(server: Stub, paths: Paths) -> None:
    server.script = [Answer(500, b'{"error": "overloaded"}')]
    res = only_result(runner.evaluate(RunPlan(systems=[SystemSpec(backend="llm", options=opts(server, retries=1))],
                                              paths=paths)))
    assert res.status == "ok", str(res.failure)
    assert len(server.chats()) == 2
    assert res.summary.metadata["attempts"] == 2


def test_500_every_time_fails_after_all_attempts(server: Stub, paths: Paths) -> None:
    server.default = Answer(503, b'{"error": "loading model"}')
    res = only_result(runner.evaluate(RunPlan(systems=[SystemSpec(backend="llm", options=opts(server, retries=2))],
                                              paths=paths)))
    assert len(server.chats()) == 3
    assert res.status == "failed"
    assert str(res.failure) == (f"unavailable: HTTP 503 Service Unavailable from {server.base_url}/chat/completions: "
                         '{"error": "loading model"} after 3 attempts')


def test_backoff_schedule_is_fixed_and_doubles(server: Stub) -> None:
    server.script = [Answer(500), Answer(502), Answer(429)]
    waits: list[float] = []
    client = ChatClient(server.base_url, timeout=5, retries=3, backoff=0.25, sleep=waits.append)
    reply = client.chat({"model": "x", "messages": []})
    assert waits == [0.25, 0.5, 1.0]
    assert reply.attempts == 4 and len(server.chats()) == 4


def test_http_400_is_not_retried(server: Stub, paths: Paths) -> None:
    server.default = Answer(400, b'{"error": {"message": "model \'x\' not found"}}')
    res = only_result(runner.evaluate(RunPlan(systems=[SystemSpec(backend="llm", options=opts(server, retries=3))],
                                              paths=paths)))
    assert len(server.chats()) == 1
    assert str(res.failure).startswith(f"unavailable: HTTP 400 Bad Request from {server.base_url}/chat/completions: ")
    assert "not found" in str(res.failure)


def test_timeout(server: Stub, paths: Paths) -> None:
    server.default = Answer(200, completion("late"), delay=3.0)
    res = only_result(runner.evaluate(RunPlan(
        systems=[SystemSpec(backend="llm", options=opts(server, timeout=0.2, retries=0))], paths=paths)))
    assert res.status == "failed"  # a failure of this cluster (BackendTimeout), not "unavailable"
    assert str(res.failure) == (f"timeout: no answer for 0.2 s from {server.base_url}/chat/completions "
                                "(timeout=0.2 s of silence; "
                         "raise it with -o timeout=SECONDS) (retries=0)")


def test_malformed_json(server: Stub, paths: Paths) -> None:
    server.default = Answer(200, b'{"choices": [ this is not json')
    res = only_result(runner.evaluate(RunPlan(systems=[SystemSpec(backend="llm", options=opts(server))], paths=paths)))
    assert len(server.chats()) == 1
    assert str(res.failure).startswith(
        f"unavailable: malformed response from {server.base_url}/chat/completions: not JSON")
    assert "\n" not in str(res.failure)


@pytest.mark.parametrize("body, why", [
    (b'{"object": "chat.completion"}', "no choices"),
    (b'{"error": {"message": "context length exceeded"}}', "error context length exceeded"),
    (b'[1, 2]', "expected a JSON object, got list"),
    (json.dumps({"choices": [{"message": {"content": ["a"]}}]}).encode(), "message content is list"),
])
def test_malformed_shapes(server: Stub, paths: Paths, body: bytes, why: str) -> None:
    server.default = Answer(200, body)
    res = only_result(runner.evaluate(RunPlan(systems=[SystemSpec(backend="llm", options=opts(server))], paths=paths)))
    assert str(res.failure) == f"unavailable: malformed response from {server.base_url}/chat/completions: {why}"


@pytest.mark.parametrize("content", ["", "   \n ", None])
def test_empty_content(server: Stub, paths: Paths, content: Any) -> None:
    server.default = Answer(200, completion(content))
    res = only_result(runner.evaluate(RunPlan(systems=[SystemSpec(backend="llm", options=opts(server))], paths=paths)))
    assert res.status == "failed"
    assert str(res.failure) == (f"unavailable: model 'x' at {server.base_url}/chat/completions returned empty content "
                         "(finish_reason='stop')")


def test_markup_only_content_fails(server: Stub, paths: Paths) -> None:
    server.default = Answer(200, completion("## Summary\n\n---\n"))
    res = only_result(runner.evaluate(RunPlan(systems=[SystemSpec(backend="llm", options=opts(server))], paths=paths)))
    assert str(res.failure).startswith("unavailable: model 'x' at ") and "returned only markup" in str(res.failure)


# ---------------------------------------------------------------- the API key never leaks


def test_api_key_sent_but_never_recorded(server: Stub, paths: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVALSUM_API_KEY", KEY)
    path = runner.run_to_disk(RunPlan(systems=[SystemSpec(backend="llm", options=opts(server))], paths=paths))
    assert server.chats()[0]["headers"]["Authorization"] == f"Bearer {KEY}"
    text = path.read_text()
    assert load_record(path).systems[0].results[0].status == "ok"
    assert KEY not in text and "EVALSUM_API_KEY" in text  # the variable's name is recorded, never its value
    for f in paths.cache.rglob("*.json"):
        assert KEY not in f.read_text()


def test_api_key_from_named_variable(server: Stub, paths: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai-fallback")
    monkeypatch.setenv("MY_VLLM_KEY", KEY)
    runner.evaluate(RunPlan(systems=[SystemSpec(backend="llm", options=opts(server, api_key_env="MY_VLLM_KEY"))],
                            paths=paths))
    assert server.chats()[0]["headers"]["Authorization"] == f"Bearer {KEY}"


def test_api_key_echoed_by_server_is_redacted(server: Stub, paths: Paths,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVALSUM_API_KEY", KEY)
    server.default = Answer(401, json.dumps({"error": f"Incorrect API key provided: {KEY}"}).encode())
    path = runner.run_to_disk(RunPlan(systems=[SystemSpec(backend="llm", options=opts(server))], paths=paths))
    res = load_record(path).systems[0].results[0]
    assert str(res.failure) == (f"unavailable: HTTP 401 Unauthorized from {server.base_url}/chat/completions: "
                         '{"error": "Incorrect API key provided: ***"}')
    assert KEY not in path.read_text()


def test_key_pasted_as_option_is_refused_without_echo() -> None:
    with pytest.raises(UsageError) as e:
        registry.build("llm", {"api_key_env": KEY})
    assert KEY not in str(e.value) and "api_key_env" in str(e.value)
    with pytest.raises(UsageError) as e2:
        registry.build("llm", {"api_key": KEY})
    assert KEY not in str(e2.value) and "unknown option 'api_key'" in str(e2.value)


# ---------------------------------------------------------------- markdown


def test_markdown_is_stripped_and_recorded(server: Stub, paths: Paths) -> None:
    content = ("Here is a 100-word summary of the articles:\n\n**Summary:**\n\n"
               "- **China** flew a _surveillance_ balloon over Montana.\n"
               "- It was shot down on 4 February.\n\n"
               "1. A second balloon crossed *Latin America*.\n"
               "## Reaction\n"
               "Blinken postponed his trip to Beijing.")
    server.default = Answer(200, completion(content))
    res = only_result(runner.evaluate(RunPlan(systems=[SystemSpec(backend="llm", options=opts(server))], paths=paths)))
    assert res.summary.sentences == [
        "China flew a surveillance balloon over Montana.", "It was shot down on 4 February.",
        "A second balloon crossed Latin America.", "Blinken postponed his trip to Beijing."]
    assert res.summary.metadata["markdown_stripped"] == {
        "bold": 1, "bullet": 2, "heading": 1, "italics": 2, "numbering": 1, "preamble": 1, "summary label": 1}
    assert res.summary.metadata["raw_output"] == content


# ---------------------------------------------------------------- cache and prompt template


def test_second_run_is_served_from_cache(server: Stub, paths: Paths) -> None:
    first = runner.run_to_disk(RunPlan(systems=[SystemSpec(backend="llm", options=opts(server))], paths=paths))
    second = runner.run_to_disk(RunPlan(systems=[SystemSpec(backend="llm", options=opts(server))], paths=paths))
    assert len(server.chats()) == 1
    a, b = (only_result(load_record(p)) for p in (first, second))
    assert (a.cached, b.cached) == (False, True)
    assert a.summary == b.summary


def test_prompt_template_is_part_of_the_cache_key(server: Stub, paths: Paths, tmp_path: Path) -> None:
    tpl = tmp_path / "mine.txt"
    tpl.write_text("Summarise in $words words.\n$documents\n")
    rec = runner.evaluate(RunPlan(systems=[SystemSpec(backend="llm", options=opts(server, prompt=str(tpl)))],
                                  paths=paths))
    assert rec.systems[0].system.options["prompt_sha256"] == hashlib.sha256(tpl.read_bytes()).hexdigest()
    runner.evaluate(RunPlan(systems=[SystemSpec(backend="llm", options=opts(server, prompt=str(tpl)))], paths=paths))
    assert len(server.chats()) == 1
    tpl.write_text("Summarise briefly in $words words.\n$documents\n")
    runner.evaluate(RunPlan(systems=[SystemSpec(backend="llm", options=opts(server, prompt=str(tpl)))], paths=paths))
    assert len(server.chats()) == 2
    assert server.chats()[1]["body"]["messages"][0]["content"].startswith("Summarise briefly in 100 words.\nArticle 1")


def test_shipped_template_hash_is_recorded() -> None:
    shipped = Path(__file__).resolve().parent.parent / "systems" / "prompts" / "summarise-v2.txt"
    assert LLMOptions().prompt_sha256 == hashlib.sha256(shipped.read_bytes()).hexdigest()


@pytest.mark.parametrize("text, why", [
    ("Summarise $text\n", "found $text"),
    ("Summarise in $words words.\n", "found no $documents"),
    ("Costs $5: $documents", "found a stray $ (write $$)"),
])
def test_bad_template_is_a_usage_error(tmp_path: Path, text: str, why: str) -> None:
    tpl = tmp_path / "bad.txt"
    tpl.write_text(text)
    with pytest.raises(UsageError) as e:
        registry.build("llm", {"prompt": str(tpl)})
    assert str(e.value).startswith("invalid option 'prompt' for system 'llm'") and why in str(e.value)


def test_unknown_template_name_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="summarise-v9.txt' cannot be read"):
        registry.build("llm", {"prompt": "summarise-v9"})


# ---------------------------------------------------------------- concurrency


def test_summarise_many_keeps_order_and_bounds_requests_in_flight(server: Stub, paths: Paths) -> None:
    prepared = prepare_cluster(corpus.load_cluster(CLUSTER_DIR))
    server.barrier = threading.Barrier(2, timeout=5)  # passes only if two requests really overlap
    server.script = [Answer(200, completion(f"Summary number {i}.")) for i in range(4)]
    llm = registry.build("llm", opts(server, concurrency=2))
    assert isinstance(llm, LLM)
    out = llm.summarise_many([prepared] * 4, Budget(words=100))
    assert server.max_in_flight == 2 and len(server.chats()) == 4
    assert sorted(s.sentences[0] for s in out) == [f"Summary number {i}." for i in range(4)]


def test_concurrency_one_sends_one_request_at_a_time(server: Stub, paths: Paths) -> None:
    prepared = prepare_cluster(corpus.load_cluster(CLUSTER_DIR))
    server.default = Answer(200, completion("One."), delay=0.05)
    llm = registry.build("llm", opts(server))
    out = llm.summarise_many([prepared] * 3, Budget(words=100))
    assert server.max_in_flight == 1 and [s.sentences for s in out] == [["One."]] * 3


# ---------------------------------------------------------------- the CLI


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_cli_no_server_exits_3_with_one_line_and_still_writes(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    res = tmp_path / "results"
    url = f"http://127.0.0.1:{closed_port()}/v1"
    code = cli("run", "--system", "lead3", "--system", "llm=llm", "-o", f"llm.base_url={url}", "-o", "llm.model=x",
               "--references", str(REFERENCES), "--results", str(res))
    err = capsys.readouterr().err
    assert code == 3
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("error: ")
    assert f": backend unavailable: llm on {CLUSTER}: cannot reach {url}/models: " in err
    assert err.rstrip().endswith("(is the server running?)")
    [path] = record_paths(res / "runs")
    rec = load_record(path)
    assert [(r.system.name, r.results[0].status) for r in rec.systems] == [("lead3", "ok"), ("llm", "failed")]
    board = json.loads((res / "leaderboard.json").read_text())
    assert {r["system"]: r["failed"] for r in board["rows"]} == {"lead3": 0, "llm": 1}


def test_cli_against_local_server_writes_record(server: Stub, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    res = tmp_path / "results"
    code = cli("run", "--system", "llm", "-o", f"base_url={server.base_url}", "-o", "model=x",
               "--references", str(REFERENCES), "--results", str(res))
    assert code == 0, capsys.readouterr().err
    assert "| llm[model=x] | balloon-2023-02 |" in capsys.readouterr().out
    [path] = record_paths(res / "runs")
    assert only_result(load_record(path)).summary.sentences == ["The balloon was shot down."]
    assert "| llm[model=x] |" in (res / "LEADERBOARD.md").read_text()


def test_llm_needs_no_extra_package() -> None:
    assert LLM.unavailable() is None


def test_base_url_must_be_http() -> None:
    from evalsum.errors import UsageError
    from evalsum.run import registry

    with pytest.raises(UsageError, match="invalid option 'base_url'.*http:// or https://"):
        registry.build("llm", {"base_url": "ftp://example.org/v1"})


def test_default_attempts_fit_in_the_harness_time_limit() -> None:
    from evalsum.run.timeout import DEFAULT_TIMEOUT
    from evalsum.systems.llm import LLMOptions

    # The deadline bounds every attempt of one summary, so the backend's own error (naming its
    # option) comes before the harness's generic time-out.
    o = LLMOptions()
    assert o.timeout < o.deadline < DEFAULT_TIMEOUT


def test_an_instance_crosses_a_process_boundary_as_its_options(server: Stub, paths: Paths) -> None:
    import pickle

    llm = registry.build("llm", opts(server, stop='["END"]', top_p="0.5"))
    prepared = prepare_cluster(corpus.load_cluster(CLUSTER_DIR))
    llm.summarise(prepared, Budget(words=100))
    copy = pickle.loads(pickle.dumps(llm))
    assert copy.options == llm.options and copy.options.model_dump() == llm.options.model_dump()
    copy.summarise(prepared, Budget(words=100))  # a fresh instance: it asks the server about itself again
    assert [r["path"] for r in server.requests].count("/v1/models") == 2
