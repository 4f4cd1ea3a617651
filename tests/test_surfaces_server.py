"""Property: no server reply can make the `llm` backend fail with "internal error", a traceback,
or a failure recorded as a bug.

A 127.0.0.1 stub (tests/llm_stub.py) answers every chat request with a reply hypothesis makes:
any status, lying or missing Content-Length, any Content-Type, bodies that are not JSON, an OpenAI
chat completion with any field (choices, message, content, role, finish_reason, usage.*, model,
system_fingerprint, id, created) deleted or of another type, and the streamed (SSE) form with
malformed `data:` lines, chunks of any shape, no [DONE] and truncated bodies. Each run must end
as documented: exit 0, or a published record whose failures are typed backend, data, timeout or
unavailable with exit 2 or 3, or one line and exit 2 or 3.
"""
from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evalsum.models import ResultLine
from evalsum.store.records import iter_record, record_paths
from tests.conftest import REFERENCES
from tests.llm_stub import Answer, Stub, serving
from tests.surfaces import (
    assert_clean,
    elsewhere,  # noqa: F401  (autouse: runs in an empty folder)
    garbled,
    invoke,
    json_bytes,
    mutated,
    surface,
    values,
)

COMPLETION: dict[str, Any] = {
    "id": "cmpl-1", "object": "chat.completion", "created": 1700000000, "model": "m", "system_fingerprint": "fp_1",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "The balloon was shot down over the sea."},
                 "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 900, "completion_tokens": 40, "total_tokens": 940}}
CHUNK: dict[str, Any] = {"id": "c1", "object": "chat.completion.chunk", "created": 1700000000, "model": "m",
                         "choices": [{"index": 0, "delta": {"role": "assistant", "content": "The balloon "},
                                      "finish_reason": None}]}
LAST: dict[str, Any] = {"id": "c1", "choices": [{"index": 0, "delta": {"content": "drifted."},
                                                "finish_reason": "stop"}],
                        "usage": {"prompt_tokens": 900, "completion_tokens": 4, "total_tokens": 904}}

STATUS = st.sampled_from([200, 200, 200, 201, 204, 301, 302, 400, 401, 403, 404, 408, 413, 422, 429, 500, 502, 503,
                          599])
CTYPE = st.sampled_from(["application/json", "application/json; charset=utf-8", "text/event-stream", "text/html",
                         "text/plain; charset=latin-1", "", "application/json; charset=nope"])
FAILURE_KINDS = {"backend", "data", "timeout", "unavailable"}


@st.composite
def one_shot(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["fields", "fields", "fields", "any", "bytes", "garbled"]))
    if kind == "fields":
        return json_bytes(draw(mutated(COMPLETION, max_edits=3)))
    if kind == "any":
        return json_bytes(draw(values))
    if kind == "bytes":
        return draw(st.binary(max_size=120))
    return draw(garbled(json_bytes(COMPLETION)))


@st.composite
def sse(draw: st.DrawFn) -> bytes:
    """A stream of `data:` events, some chunks mutated, some lines malformed, [DONE] or not, maybe cut."""
    events: list[bytes] = []
    for chunk in (CHUNK, CHUNK, LAST):
        how = draw(st.sampled_from(["ok", "ok", "mutated", "garbled", "line"]))
        if how == "ok":
            events.append(b"data: " + json_bytes(chunk))
        elif how == "mutated":
            events.append(b"data: " + json_bytes(draw(mutated(chunk, max_edits=3))))
        elif how == "garbled":
            events.append(b"data: " + draw(garbled(json_bytes(chunk))))
        else:
            events.append(draw(st.sampled_from([b"data:", b"data: ", b"data: null", b"data: []", b"data: 42",
                                                b": comment", b"event: ping", b"data: {\"error\": 1}",
                                                b'data: {"error": {"message": "[/x] boom"}}', b"id: 7",
                                                b"retry: x"])))
    if draw(st.booleans()):
        events.append(b"data: [DONE]")
    sep = draw(st.sampled_from([b"\n\n", b"\r\n\r\n", b"\n"]))
    body = sep.join(events) + sep
    return body[: draw(st.integers(0, len(body)))] if draw(st.integers(0, 4)) == 0 else body


@st.composite
def replies(draw: st.DrawFn) -> Answer:
    stream = draw(st.booleans())
    body = draw(sse()) if stream else draw(one_shot())
    headers = {"Content-Type": draw(CTYPE)} if draw(st.integers(0, 5)) else {}
    length = draw(st.sampled_from(["right", "right", "none", "less", "more", "chunked"]))
    if length == "chunked":  # HTTP/1.1 chunks, whole or with a size line that lies or is not hex
        headers["Transfer-Encoding"] = "chunked"
        size = draw(st.sampled_from([f"{len(body):x}", f"{len(body) + 9:x}", "zz", "-1", ""]))
        body = size.encode() + b"\r\n" + body + b"\r\n0\r\n\r\n"
    elif length != "none":
        headers["Content-Length"] = str({"right": len(body), "less": max(len(body) // 2, 0),
                                         "more": len(body) + 17}[length])
    return Answer(status=draw(STATUS), body=body, headers=headers, raw=True)


@pytest.fixture
def stub() -> Iterator[Stub]:
    with serving(Stub(models=["m"])) as s:
        yield s


@pytest.fixture
def scratch() -> Iterator[Any]:
    made: list[Path] = []

    def new() -> Path:
        made.append(Path(tempfile.mkdtemp(prefix="server-")))
        return made[-1]

    yield new
    for t in made:
        shutil.rmtree(t, ignore_errors=True)


def failure_kinds(results: Path) -> list[str]:
    kinds = []
    for path in record_paths(results / "runs"):
        for item in iter_record(path):
            if isinstance(item, ResultLine) and item.result.failure is not None:
                kinds.append(item.result.failure.kind)
    return kinds


@surface(24)
@given(answer=replies(), stream=st.booleans())
def test_any_server_reply(stub: Stub, scratch: Any, answer: Answer, stream: bool) -> None:
    stub.default = answer
    results = scratch() / "results"
    o = invoke("run", "-s", "llm", "-o", f"base_url={stub.base_url}", "-o", "model=m",
               "-o", f"stream={'true' if stream else 'false'}", "-o", "retries=0", "-o", "backoff=0",
               "-o", "timeout=3", "-o", "deadline=6", "--references", REFERENCES, "--results", results)
    assert_clean(o, names=[results, stub.base_url], codes={0, 2, 3})
    kinds = failure_kinds(results)
    assert set(kinds) <= FAILURE_KINDS, (kinds, str(o))
    if o.code == 0:
        assert kinds == [] and record_paths(results / "runs"), str(o)


def test_the_stub_serves_raw_replies_as_scripted(stub: Stub, scratch: Any) -> None:
    """The raw mode the property relies on: a good completion sent raw scores (exit 0)."""
    body = json.dumps(COMPLETION).encode()
    stub.default = Answer(status=200, body=body, headers={"Content-Type": "application/json",
                                                           "Content-Length": str(len(body))}, raw=True)
    results = scratch() / "results"
    o = invoke("run", "-s", "llm", "-o", f"base_url={stub.base_url}", "-o", "model=m", "-o", "stream=false",
               "--references", REFERENCES, "--results", results)
    assert o.code == 0, str(o)
    assert failure_kinds(results) == []


@surface(8)
@given(text=st.one_of(st.text(max_size=80), st.just("$documents"), st.just("Sum up $title in $words:\n$documents"),
                      st.lists(st.sampled_from(["$documents", "$words", "$title", "$", "$$", "${documents}", "${x",
                                                "$other", "\x00", "é", "\n"]), max_size=6).map("".join)),
       raw=st.binary(max_size=40), as_bytes=st.booleans())
def test_prompt_template_file(stub: Stub, scratch: Any, text: str, raw: bytes, as_bytes: bool) -> None:
    """`-o prompt=FILE`: a template the llm backend reads, of any content."""
    folder = scratch()
    path = folder / "prompt.txt"
    path.write_bytes(raw if as_bytes else text.encode("utf-8"))
    o = invoke("run", "-s", "llm", "-o", f"base_url={stub.base_url}", "-o", "model=m", "-o", f"prompt={path}",
               "-o", "retries=0", "--references", REFERENCES, "--results", folder / "results")
    assert_clean(o, names=[path], codes={0, 2})


# What the backend asks before the chat (systems/llm_server.py), each with a valid answer to mutate.
DISCOVERY: dict[str, Any] = {
    "/v1/models": {"object": "list", "data": [{"id": "m", "object": "model", "owned_by": "me", "max_model_len": 8192}]},
    "/props": {"default_generation_settings": {"n_ctx": 8192}, "n_ctx": 8192},
    "/extras/tokenize": {"tokens": [1, 2, 3]},
    "/tokenize": {"tokens": [1, 2, 3]},
}


@st.composite
def discovery_reply(draw: st.DrawFn, route: str) -> Answer:
    kind = draw(st.sampled_from(["fields", "fields", "any", "bytes"]))
    body = (json_bytes(draw(mutated(DISCOVERY[route], max_edits=3))) if kind == "fields" else
            json_bytes(draw(values)) if kind == "any" else draw(st.binary(max_size=60)))
    headers = {"Content-Type": draw(CTYPE), "Content-Length": str(len(body))}
    return Answer(status=draw(STATUS), body=body, headers=headers, raw=True)


@surface(16)
@given(data=st.data(), routes=st.lists(st.sampled_from(sorted(DISCOVERY)), min_size=1, max_size=4, unique=True),
       model=st.sampled_from([None, "m", "other"]))
def test_any_discovery_reply(stub: Stub, scratch: Any, data: st.DataObject, routes: list[str],
                             model: str | None) -> None:
    """/v1/models, /props and the tokenizer routes answering anything; the chat itself is fine."""
    stub.routes = {r: data.draw(discovery_reply(r)) for r in routes}
    results = scratch() / "results"
    o = invoke("run", "-s", "llm", "-o", f"base_url={stub.base_url}", *(["-o", f"model={model}"] if model else []),
               "-o", "retries=0", "-o", "backoff=0", "-o", "timeout=3", "-o", "deadline=6",
               "--references", REFERENCES, "--results", results)
    assert_clean(o, names=[results, stub.base_url], codes={0, 2, 3})
    assert set(failure_kinds(results)) <= FAILURE_KINDS, str(o)
