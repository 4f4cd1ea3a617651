"""The `llm` backend's transport against stub servers on 127.0.0.1 (tests/llm_stub.py): streaming,
silence and deadline timeouts, disconnects, fallback, redirects, body limits and the API key."""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from evalsum.errors import BackendTimeout, BackendUnavailable, UsageError
from evalsum.gold import corpus
from evalsum.models import Budget, Prepared
from evalsum.run import registry, runner
from evalsum.run.cluster import prepare_cluster
from evalsum.run.plan import Paths, RunPlan, SystemSpec
from evalsum.store.records import load_record, record_paths
from evalsum.systems import chat_http
from evalsum.systems.chat_http import ChatClient
from tests.conftest import CLUSTER_DIR, REFERENCES, cli
from tests.llm_stub import CHAT, Answer, Stub, completion, serving

KEY = "sk-test-7f3a9c1e5b2d4f60a8e1"
WORDS = ["The", " balloon", " was", " shot", " down", " off", " South", " Carolina", ".", " It", " fell", "."]


@pytest.fixture
def prepared() -> Prepared:
    return prepare_cluster(corpus.load_cluster(CLUSTER_DIR))


def disconnects(srv: Stub, n: int) -> list[float]:
    """The stub's recorded disconnects, once there are `n` (it polls its socket every 50 ms)."""
    limit = time.monotonic() + 3
    while len(srv.disconnects) < n and time.monotonic() < limit:
        time.sleep(0.01)
    return list(srv.disconnects)


def build(srv: Stub, **extra: Any) -> Any:
    return registry.build("llm", {"base_url": srv.base_url, "model": "x", "backoff": 0, **extra})


# ---------------------------------------------------------------- streaming and timeouts


def test_slow_but_steady_stream_does_not_time_out(server: Stub, prepared: Prepared) -> None:
    server.default = Answer(pieces=WORDS, gap=0.1, usage={"prompt_tokens": 700, "completion_tokens": 12})
    llm = build(server, timeout=0.6, retries=0)
    seen: list[tuple[int, str]] = []
    llm.on_token = lambda n, text: seen.append((n, text))
    t0 = time.monotonic()
    out = llm.summarise(prepared, Budget(words=100))
    assert time.monotonic() - t0 > 1.2  # twice `timeout` in all, never silent for that long
    assert out.sentences == ["The balloon was shot down off South Carolina.", "It fell."]
    meta = out.metadata
    assert (meta["transport"], meta["streamed_pieces"], meta["finish_reason"]) == ("stream", 12, "stop")
    assert (meta["usage"], meta["usage_source"]) == ({"prompt_tokens": 700, "completion_tokens": 12}, "server")
    assert meta["response_model"] == "x-served" and 0 < meta["first_token_seconds"] < meta["latency_seconds"]
    assert seen == [(i + 1, w) for i, w in enumerate(WORDS)]
    assert server.chats()[0]["body"]["stream"] is True


def test_stream_without_usage_records_counted_tokens(server: Stub, prepared: Prepared) -> None:
    server.default = Answer(pieces=WORDS)
    meta = build(server).summarise(prepared, Budget(words=100)).metadata
    assert meta["usage"] == {"prompt_tokens": None, "completion_tokens": 12}  # no tokenizer: prompt not counted
    assert meta["usage_source"] == "counted"


def test_silence_times_out_and_the_connection_is_closed(server: Stub, prepared: Prepared) -> None:
    server.default = Answer(pieces=WORDS, stall_after=3)
    llm = build(server, timeout=0.5, retries=0)
    t0 = time.monotonic()
    with pytest.raises(BackendTimeout) as e:
        llm.summarise(prepared, Budget(words=100))
    failed = time.monotonic()
    assert 0.5 <= failed - t0 < 4.0  # the stalled server would hold the stream for 20 s
    assert str(e.value) == (f"no token for 0.5 s after 3 tokens from {server.base_url}/chat/completions "
                            "(timeout=0.5 s of silence; raise it with -o timeout=SECONDS) (retries=0)")
    [gone] = disconnects(server, 1)  # the server saw the client go, so it can stop generating
    assert abs(gone - failed) < 1.5


def test_a_retry_after_silence_starts_only_after_the_first_connection_is_closed(server: Stub,
                                                                                prepared: Prepared) -> None:
    server.script = [Answer(pieces=WORDS, stall_after=1)]
    server.default = Answer(pieces=WORDS)
    out = build(server, timeout=0.4, retries=1).summarise(prepared, Budget(words=100))
    assert out.metadata["attempts"] == 2 and len(server.chats()) == 2
    assert len(disconnects(server, 1)) == 1


def test_a_slow_drip_cannot_outlive_the_deadline(server: Stub, prepared: Prepared) -> None:
    server.default = Answer(pieces=WORDS * 20, gap=0.1)  # never silent for `timeout`, but 24 s in all
    llm = build(server, timeout=1, deadline=1.0, retries=3)
    t0 = time.monotonic()
    with pytest.raises(BackendTimeout) as e:
        llm.summarise(prepared, Budget(words=100))
    assert time.monotonic() - t0 < 3.0  # the stream alone would take 24 s
    assert str(e.value).startswith(f"{server.base_url}/chat/completions did not finish within deadline=1 s (")
    assert "raise it with -o deadline=SECONDS, and --timeout above it) (1 attempt)" in str(e.value)
    assert len(server.chats()) == 1  # no retry once the deadline is spent
    assert len(disconnects(server, 1)) == 1


def test_timeout_is_a_failure_of_the_cluster_exit_2_not_unavailable(server: Stub, tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    server.default = Answer(pieces=WORDS, stall_after=0)
    code = cli("run", "-s", "llm", "-o", f"base_url={server.base_url}", "-o", "model=x", "-o", "timeout=0.3",
               "-o", "retries=0", "--references", str(REFERENCES), "--results", str(tmp_path / "r"))
    err = capsys.readouterr().err
    assert code == 2 and "backend unavailable" not in err
    assert "no answer for 0.3 s from" in err and "-o timeout=SECONDS" in err


def test_falls_back_to_one_shot_when_the_server_refuses_to_stream(server: Stub, prepared: Prepared) -> None:
    server.script = [Answer(400, b'{"error": {"message": "stream is not supported"}}')]
    server.default = Answer(200, completion("The balloon fell."))
    out = build(server).summarise(prepared, Budget(words=100))
    assert [r["body"]["stream"] for r in server.chats()] == [True, False]
    assert "stream_options" not in server.chats()[1]["body"]
    assert out.metadata["transport"] == "one-shot" and out.sentences == ["The balloon fell."]


def test_stream_false_option_sends_one_shot(server: Stub, prepared: Prepared) -> None:
    server.default = Answer(200, completion("The balloon fell."), pieces=WORDS)
    out = build(server, stream="false").summarise(prepared, Budget(words=100))
    assert server.chats()[0]["body"]["stream"] is False and out.metadata["transport"] == "one-shot"


def test_every_body_read_is_bounded(server: Stub, prepared: Prepared, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chat_http, "MAX_BODY", 1000)
    server.default = Answer(200, completion("word " * 400))
    with pytest.raises(BackendUnavailable, match="is longer than 1000 bytes"):
        build(server).summarise(prepared, Budget(words=100))
    server.default = Answer(pieces=["word "] * 400)
    with pytest.raises(BackendUnavailable, match="stream from .* is longer than 1000 bytes"):
        build(server).summarise(prepared, Budget(words=100))


# ---------------------------------------------------------------- redirects and the API key


def test_redirect_is_not_followed_with_credentials(server: Stub, prepared: Prepared,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVALSUM_API_KEY", KEY)
    with serving(Stub()) as elsewhere:
        server.default = Answer(307, b"", headers={"Location": f"{elsewhere.base_url}/chat/completions"})
        with pytest.raises(BackendUnavailable) as e:
            build(server).summarise(prepared, Budget(words=100))
        assert elsewhere.requests == []
    assert str(e.value) == (f"HTTP 307 from {server.base_url}/chat/completions redirects to {elsewhere.base_url}"
                            "/chat/completions; redirects are not followed (the request carries the API key): "
                            "set base_url to the final address")
    assert server.chats()[0]["headers"]["Authorization"] == f"Bearer {KEY}"


def test_key_echoing_server_leaves_no_trace(server: Stub, paths: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVALSUM_API_KEY", KEY)
    server.models = [f"model-{KEY}"]
    server.default = Answer(200, completion(f"The key is {KEY}. The balloon fell.", model=f"echo-{KEY}",
                                            system_fingerprint=f"fp-{KEY}"))
    path = runner.run_to_disk(RunPlan(
        systems=[SystemSpec(backend="llm", options={"base_url": server.base_url, "backoff": 0})], paths=paths))
    text = path.read_text()
    res = load_record(path).systems[0].results[0]
    assert res.status == "ok", str(res.failure)
    assert server.chats()[0]["body"]["model"] == f"model-{KEY}"  # the served id is sent as it is
    assert KEY not in text
    assert res.summary.sentences == ["The key is ***.", "The balloon fell."]
    meta = res.summary.metadata
    assert (meta["model"], meta["response_model"], meta["system_fingerprint"]) == ("model-***", "echo-***", "fp-***")
    for f in paths.cache.rglob("*.json"):
        assert KEY not in f.read_text()


def test_key_in_a_served_model_id_is_redacted_from_the_refusal(server: Stub, prepared: Prepared,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVALSUM_API_KEY", KEY)
    server.models = [f"model-{KEY}"]
    with pytest.raises(UsageError) as e:
        build(server, model="other").summarise(prepared, Budget(words=100))
    assert str(e.value).endswith("it serves: model-*** (choose with -o model=NAME)")


def test_key_echoed_in_a_stream_and_an_error_is_redacted(server: Stub, prepared: Prepared,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVALSUM_API_KEY", KEY)
    server.default = Answer(pieces=["Echo ", KEY[:10], KEY[10:], " done."])
    llm = build(server)
    seen: list[str] = []
    llm.on_token = lambda n, text: seen.append(text)
    out = llm.summarise(prepared, Budget(words=100))
    assert out.sentences == ["Echo *** done."] and KEY not in json.dumps(out.metadata)
    server.default = Answer(429, json.dumps({"error": f"rate limit for key {KEY}"}).encode())
    with pytest.raises(BackendUnavailable) as e:
        build(server, retries=0).summarise(prepared, Budget(words=100))
    assert KEY not in str(e.value) and "rate limit for key ***" in str(e.value)


@pytest.mark.parametrize("url", ["http://user:sk-secret-123@127.0.0.1:8080/v1",
                                 "https://api.example.org/v1?api_key=sk-secret-123"])
def test_credentials_in_base_url_are_refused(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(UsageError) as e:
        registry.build("llm", {"base_url": url})
    assert "sk-secret-123" not in str(e.value) and "put the key in an environment variable" in str(e.value)
    assert cli("run", "-s", "llm", "-o", f"base_url={url}") == 2
    err = capsys.readouterr().err
    assert "sk-secret-123" not in err and "put the key in an environment variable" in err


def test_client_refuses_a_non_http_url() -> None:
    with pytest.raises(BackendUnavailable, match="must be an http:// or https:// URL"):
        ChatClient("ftp://127.0.0.1/v1", timeout=1, retries=0, backoff=0).chat({})


def test_the_requests_reach_the_stub_on_their_routes(server: Stub, prepared: Prepared) -> None:
    build(server).summarise(prepared, Budget(words=100))
    assert [(r["method"], r["path"]) for r in server.requests] == [
        ("GET", "/v1/models"), ("GET", "/props"), ("POST", "/extras/tokenize"), ("POST", "/tokenize"), ("POST", CHAT)]
    build_once = build(server)
    build_once.summarise(prepared, Budget(words=100))
    build_once.summarise(prepared, Budget(words=100))
    # one instance asks the server about itself once, and stops probing for a tokenizer it lacks
    assert [r["path"] for r in server.requests[5:]] == ["/v1/models", "/props", "/extras/tokenize", "/tokenize",
                                                        CHAT, CHAT]


def test_results_are_recorded_in_the_run(server: Stub, tmp_path: Path) -> None:
    server.default = Answer(pieces=WORDS)
    code = cli("run", "-s", "llm", "-o", f"base_url={server.base_url}", "-o", "model=x",
               "--references", str(REFERENCES), "--results", str(tmp_path / "r"))
    assert code == 0
    [path] = record_paths(tmp_path / "r" / "runs")
    assert load_record(path).systems[0].results[0].summary.metadata["transport"] == "stream"


def test_a_serial_run_reports_tokens_as_they_arrive_under_the_rows_label(server: Stub, paths: Paths) -> None:
    """The CLI's progress line: the run layer hands a streaming backend a hook that names the row."""
    server.default = Answer(pieces=WORDS)
    seen: list[tuple[str, int]] = []
    events = runner.RunEvents(on_tokens=lambda label, n: seen.append((label, n)))
    spec = SystemSpec(backend="llm", label="small", options={"base_url": server.base_url, "model": "x", "backoff": 0})
    runner.evaluate(RunPlan(systems=[spec], paths=paths, use_cache=False), events)
    assert seen == [("small", i + 1) for i in range(len(WORDS))]
