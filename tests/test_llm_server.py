"""What the `llm` backend learns from the server before it asks for a summary: the served model,
the context window and the prompt's size in tokens (stub servers from tests/llm_stub.py)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evalsum.errors import BackendError, BackendUnavailable, UsageError
from evalsum.gold import corpus
from evalsum.models import Budget, Prepared
from evalsum.run import registry
from evalsum.run.cluster import prepare_cluster
from evalsum.systems.llm_server import ASSUMED_CONTEXT, choose_model, context_from_error
from tests.conftest import CLUSTER_DIR, REFERENCES, cli
from tests.llm_stub import Answer, Stub, completion

LLAMA_CPP_PYTHON_400 = ("This model's maximum context length is 700 tokens. However, you requested 2512 tokens "
                        "(2262 in the messages, 250 in the completion). Please reduce the length of the messages or "
                        "completion.")


@pytest.fixture
def prepared() -> Prepared:
    return prepare_cluster(corpus.load_cluster(CLUSTER_DIR))


def build(srv: Stub, **extra: Any) -> Any:
    return registry.build("llm", {"base_url": srv.base_url, "backoff": 0, **extra})


def prompt_words(srv: Stub, n: int = -1) -> int:
    return sum(len(m["content"].split()) for m in srv.chats()[n]["body"]["messages"])


# ---------------------------------------------------------------- the served model


def test_the_only_served_model_is_used_and_recorded(server: Stub, prepared: Prepared) -> None:
    server.models = ["smollm2-135m"]
    out = build(server).summarise(prepared, Budget(words=100))
    assert server.chats()[0]["body"]["model"] == "smollm2-135m"
    assert (out.metadata["model"], out.metadata["requested_model"]) == ("smollm2-135m", None)


def test_a_model_the_server_does_not_serve_is_refused_listing_them(server: Stub, prepared: Prepared) -> None:
    server.models = ["smollm2-135m", "qwen2.5-0.5b"]
    with pytest.raises(UsageError) as e:
        build(server, model="llama3.2").summarise(prepared, Budget(words=100))
    assert str(e.value) == (f"model 'llama3.2' is not served by {server.base_url}/models; it serves: smollm2-135m, "
                            "qwen2.5-0.5b (choose with -o model=NAME)")
    assert server.chats() == []


def test_cli_model_nope_exits_2_listing_the_served_models(server: Stub, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    server.models = ["/models/SmolLM2-135M-Instruct.Q4_1.gguf"]
    code = cli("run", "-s", "llm", "-o", f"base_url={server.base_url}", "-o", "model=nope",
               "--references", str(REFERENCES), "--results", str(tmp_path / "r"))
    err = capsys.readouterr().err
    assert code == 2
    assert "model 'nope' is not served by" in err and "it serves: /models/SmolLM2-135M-Instruct.Q4_1.gguf" in err
    assert server.chats() == []


def test_several_served_and_none_chosen_is_refused(server: Stub, prepared: Prepared) -> None:
    server.models = ["a", "b"]
    with pytest.raises(UsageError, match=r"serves several models \(a, b\); choose one with -o model=NAME"):
        build(server).summarise(prepared, Budget(words=100))


@pytest.mark.parametrize("asked, served, chosen", [
    ("SmolLM2-135M-Instruct.Q4_1", ("/m/SmolLM2-135M-Instruct.Q4_1.gguf",), "/m/SmolLM2-135M-Instruct.Q4_1.gguf"),
    ("SmolLM2-135M-Instruct.Q4_1.gguf", ("/m/SmolLM2-135M-Instruct.Q4_1.gguf",), "/m/SmolLM2-135M-Instruct.Q4_1.gguf"),
    ("llama3.2", ("qwen:7b", "llama3.2:latest"), "llama3.2:latest"),
    ("anything", (), "anything"),  # a server that lists nothing is taken at its word
])
def test_choose_model(asked: str, served: tuple[str, ...], chosen: str) -> None:
    assert choose_model(asked, served, "u") == chosen


def test_no_model_and_no_listing_asks_for_one() -> None:
    with pytest.raises(UsageError, match="lists no models; name one with -o model=NAME"):
        choose_model(None, (), "http://h/v1/models")


def test_base_url_without_v1_gets_a_hint(server: Stub, prepared: Prepared) -> None:
    root = server.base_url.removesuffix("/v1")
    with pytest.raises(BackendUnavailable) as e:
        build(server, base_url=root, model="x").summarise(prepared, Budget(words=100))
    assert str(e.value) == (f"{root}/models not found: OpenAI-compatible routes live under /v1; "
                            f"try base_url={root}/v1")


# ---------------------------------------------------------------- context fit


def test_prompt_is_fitted_to_the_context_from_props_with_the_servers_tokenizer(server: Stub,
                                                                               prepared: Prepared) -> None:
    server.models, server.props_ctx, server.tokenize = ["m"], 700, True
    out = build(server).summarise(prepared, Budget(words=100))
    tokens = out.metadata["input"]["tokens"]
    assert tokens == prompt_words(server) + 8  # the stub counts a token per word; 8 for the message
    assert tokens <= 700 - 250 - 32  # room for max_tokens (2 x 100 + 50) and the margin
    inp = out.metadata["input"]
    assert (inp["context"], inp["context_source"], inp["tokens_counted_by"]) == (700, "/props", "/extras/tokenize")
    assert inp["cut"] and all(c["kept_words"] < c["words"] for c in inp["cut"])
    assert len(server.chats()) == 1


def test_context_learned_from_the_error_then_remembered(server: Stub, prepared: Prepared) -> None:
    server.models, server.tokenize = ["m"], True
    server.script = [Answer(400, json.dumps({"error": {"message": LLAMA_CPP_PYTHON_400}}).encode())]
    server.default = Answer(200, completion("The balloon fell."))
    llm = build(server)
    out = llm.summarise(prepared, Budget(words=100))
    first, second = server.chats()
    assert prompt_words(server, 0) + 8 > 700 >= prompt_words(server, 1) + 8 + 250
    assert (out.metadata["input"]["context"], out.metadata["input"]["context_source"]) == (700, "error")
    llm.summarise(prepared, Budget(words=100))
    assert len(server.chats()) == 3 and prompt_words(server) == prompt_words(server, 1)


def test_a_stream_that_breaks_before_any_token_is_asked_again_one_shot(server: Stub, prepared: Prepared) -> None:
    # llama-cpp-python: a streamed request over the context opens the stream and ends it at once;
    # only a one-shot request gets the 400 that names the window.
    server.models, server.tokenize = ["m"], True
    overflow = json.dumps({"error": {"message": LLAMA_CPP_PYTHON_400}}).encode()
    server.script = [Answer(broken=True), Answer(400, overflow)]
    server.default = Answer(pieces=["The balloon fell."])
    out = build(server).summarise(prepared, Budget(words=100))
    assert [r["body"]["stream"] for r in server.chats()] == [True, False, True]
    assert out.metadata["transport"] == "stream" and out.metadata["input"]["context"] == 700
    assert prompt_words(server) + 8 + 250 <= 700


def test_a_gateway_that_refuses_props_is_not_a_failure(server: Stub, prepared: Prepared) -> None:
    server.props_status = 403
    out = build(server, model="x").summarise(prepared, Budget(words=100))
    assert out.metadata["input"]["context_source"] == "assumed"


def test_unknown_context_assumes_a_default_and_the_estimate(server: Stub, prepared: Prepared) -> None:
    out = build(server, model="x").summarise(prepared, Budget(words=100))
    inp = out.metadata["input"]
    assert (inp["context"], inp["context_source"], inp["tokens_counted_by"]) == (ASSUMED_CONTEXT, "assumed", "estimate")
    text = server.chats()[0]["body"]["messages"][0]["content"]
    assert inp["tokens"] == -(-len(text) // 3) + 8 <= ASSUMED_CONTEXT - 250 - 32


def test_context_option_is_used_where_the_server_does_not_say(server: Stub, prepared: Prepared) -> None:
    out = build(server, model="x", context=1024).summarise(prepared, Budget(words=100))
    assert (out.metadata["input"]["context"], out.metadata["input"]["context_source"]) == (1024, "option")
    assert out.metadata["input"]["tokens"] <= 1024 - 250 - 32


def test_a_context_error_that_fitting_cannot_fix_is_one_clear_line(server: Stub, prepared: Prepared) -> None:
    server.default = Answer(400, json.dumps({"error": {"message": "the request exceeds the available context size, "
                                                                   "try increasing it"}}).encode())
    with pytest.raises(BackendError) as e:
        build(server, model="x").summarise(prepared, Budget(words=100))
    msg = str(e.value)
    assert "\n" not in msg and msg.startswith("the prompt (")
    assert "lower -o max_input_words (now 6000) or -o max_tokens, or start the server with a larger context" in msg
    assert len(server.chats()) == 1


def test_a_context_too_small_for_any_prompt_is_refused(server: Stub, prepared: Prepared) -> None:
    server.props_ctx = 300
    with pytest.raises(BackendError, match=r"does not fit a context window of 300 tokens \(/props\) with room for "
                                           r"max_tokens=250: lower -o max_tokens"):
        build(server, model="x").summarise(prepared, Budget(words=100))
    assert server.chats() == []


@pytest.mark.parametrize("detail, n", [
    (LLAMA_CPP_PYTHON_400, 700),
    ("Requested tokens (3000) exceed context window of 2048", 2048),
    ('{"code": 400, "type": "exceed_context_size_error", "n_prompt_tokens": 3000, "n_ctx": 4096}', 4096),
    ("the request exceeds the available context size, try increasing it", 0),
    ("model 'x' not found", None),
])
def test_context_from_error(detail: str, n: int | None) -> None:
    assert context_from_error(detail) == n


# ---------------------------------------------------------------- sampling and the system message


def test_sampling_options_and_system_message_are_sent_and_recorded(server: Stub, prepared: Prepared) -> None:
    out = build(server, model="x", system="You summarise news.", top_p="0.9", stop='["\\n\\n", "Note:"]',
                repeat_penalty="1.1", frequency_penalty="0.5", max_tokens="90").summarise(prepared, Budget(words=100))
    body = server.chats()[0]["body"]
    assert body["messages"][0] == {"role": "system", "content": "You summarise news."}
    assert body["messages"][1]["role"] == "user"
    sent = {"max_tokens": 90, "top_p": 0.9, "stop": ["\n\n", "Note:"], "repeat_penalty": 1.1, "frequency_penalty": 0.5}
    assert {k: body[k] for k in sent} == sent
    assert out.metadata["sent"] == sent


def test_a_single_stop_string(server: Stub, prepared: Prepared) -> None:
    build(server, model="x", stop="END").summarise(prepared, Budget(words=100))
    assert server.chats()[0]["body"]["stop"] == ["END"]


def test_transport_options_are_declared() -> None:
    from evalsum.systems.llm import LLMOptions

    assert LLMOptions.TRANSPORT == {"base_url", "timeout", "deadline", "retries", "backoff", "concurrency",
                                    "api_key_env", "stream"}
    assert LLMOptions.TRANSPORT <= set(LLMOptions.model_fields)
