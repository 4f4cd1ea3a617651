"""A scripted OpenAI-compatible server on 127.0.0.1, for the `llm` backend's tests.

It serves GET /v1/models (when `models` is set), GET /props (when `props_ctx` is set), POST
/extras/tokenize (when `tokenize`: one token per whitespace-separated word) and POST
/v1/chat/completions from a script: one-shot JSON, or a stream of SSE pieces with set delays that
may stop sending altogether (`stall_after`). Every request is recorded (method, path, headers,
body), and so is every disconnect it sees while stalled, so a test can assert that the client
closed the connection.
"""
from __future__ import annotations

import json
import select
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CHAT = "/v1/chat/completions"


def completion(content: Any, **extra: Any) -> bytes:
    body = {"id": "cmpl-1", "object": "chat.completion", "model": "x-served",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 900, "completion_tokens": 40, "total_tokens": 940}, **extra}
    return json.dumps(body).encode()


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    delay: float = 0.0
    pieces: list[str] | None = None  # streamed when set (and the request asked to stream)
    gap: float = 0.0  # seconds before each piece
    stall_after: int | None = None  # stop sending after this many pieces, until the client goes
    usage: dict[str, int] | None = None  # sent in a last chunk with no choices
    broken: bool = False  # open the stream, then end it before any token (as llama-cpp-python does on overflow)
    headers: dict[str, str] = field(default_factory=dict)
    raw: bool = False  # send status, exactly `headers` (no Content-Type/Length of ours) and body, streamed or not


@dataclass(repr=False)
class Stub:
    base_url: str = ""
    script: list[Answer] = field(default_factory=list)
    default: Answer = field(default_factory=lambda: Answer(200, completion("The balloon was shot down.")))
    models: list[str] | None = None
    by_model: dict[str, Answer] = field(default_factory=dict)  # answer a chat by its "model" field
    props_ctx: int | None = None
    props_status: int = 0  # answer /props with this error status instead
    tokenize: bool = False
    routes: dict[str, Answer] = field(default_factory=dict)  # a raw answer (Answer.raw) for any other path
    requests: list[dict[str, Any]] = field(default_factory=list)
    disconnects: list[float] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    in_flight: int = 0
    max_in_flight: int = 0
    barrier: threading.Barrier | None = None

    def __repr__(self) -> str:  # short, for hypothesis' and pytest's reports
        return f"Stub({self.base_url})"

    def chats(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["path"] == CHAT]

    def next_answer(self) -> Answer:
        with self.lock:
            return self.script.pop(0) if self.script else self.default


def _handler(srv: Stub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, body: bytes, ctype: str = "application/json",
                  headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            srv.requests.append({"method": "GET", "path": self.path, "headers": dict(self.headers), "body": None})
            if self.path in srv.routes:
                self._raw(srv.routes[self.path])
            elif self.path == "/v1/models" and srv.models is not None:
                data = [{"id": m, "object": "model", "owned_by": "me"} for m in srv.models]
                self._send(200, json.dumps({"object": "list", "data": data}).encode())
            elif self.path == "/props" and srv.props_status:
                self._send(srv.props_status, b'{"error": "forbidden"}')
            elif self.path == "/props" and srv.props_ctx is not None:
                self._send(200, json.dumps({"default_generation_settings": {"n_ctx": srv.props_ctx}}).encode())
            else:
                self._send(404, b'{"detail": "Not Found"}')

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            body = json.loads(raw)
            with srv.lock:
                srv.requests.append({"method": "POST", "path": self.path, "headers": dict(self.headers), "body": body})
            if self.path in srv.routes:
                self._raw(srv.routes[self.path])
                return
            if self.path == "/extras/tokenize" and srv.tokenize:
                self._send(200, json.dumps({"tokens": list(range(len(body["input"].split())))}).encode())
                return
            if self.path != CHAT:
                self._send(404, b'{"detail": "Not Found"}')
                return
            with srv.lock:
                srv.in_flight += 1
                srv.max_in_flight = max(srv.max_in_flight, srv.in_flight)
            try:
                if srv.barrier is not None:
                    srv.barrier.wait()
                ans = srv.by_model.get(str(body.get("model"))) or srv.next_answer()
                if ans.delay:
                    srv.release.wait(ans.delay)
                if ans.raw:
                    self._raw(ans)
                elif ans.broken and body.get("stream"):
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.end_headers()
                elif ans.pieces is not None and body.get("stream"):
                    self._stream(ans)
                else:
                    self._send(ans.status, ans.body, headers=ans.headers)
            except (BrokenPipeError, ConnectionResetError):
                with srv.lock:
                    srv.disconnects.append(time.monotonic())
            finally:
                with srv.lock:
                    srv.in_flight -= 1

        def _raw(self, ans: Answer) -> None:
            """Whatever a test scripted: lying Content-Length, odd Content-Type, any body."""
            self.send_response(ans.status)
            for k, v in ans.headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(ans.body)
            self.wfile.flush()

        def _stream(self, ans: Answer) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            pieces = ans.pieces or []
            for i, piece in enumerate(pieces):
                if ans.stall_after is not None and i >= ans.stall_after:
                    self._wait_for_disconnect()
                    return
                if ans.gap:
                    time.sleep(ans.gap)
                last = i == len(pieces) - 1
                event = {"id": "c1", "model": "x-served", "choices": [
                    {"index": 0, "delta": {"content": piece}, "finish_reason": "stop" if last else None}]}
                self.wfile.write(b"data: " + json.dumps(event).encode() + b"\n\n")
                self.wfile.flush()
            if ans.usage is not None:
                last_chunk = {"id": "c1", "choices": [], "usage": ans.usage}
                self.wfile.write(b"data: " + json.dumps(last_chunk).encode() + b"\n\n")
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()

        def _wait_for_disconnect(self) -> None:
            """Send nothing more; record the moment the client closes its end."""
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and not srv.release.is_set():
                ready, _, _ = select.select([self.connection], [], [], 0.05)
                if ready and self.connection.recv(1) == b"":
                    with srv.lock:
                        srv.disconnects.append(time.monotonic())
                    return

    return Handler


@contextmanager
def serving(stub: Stub) -> Iterator[Stub]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(stub))
    httpd.daemon_threads = True
    stub.base_url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        stub.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)
