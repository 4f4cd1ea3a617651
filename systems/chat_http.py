"""A minimal client for OpenAI-compatible servers, on the standard library only (http.client).

Ollama, llama.cpp's server, vLLM and LM Studio all speak this protocol, so the `llm` extra pulls in
nothing heavy. http.client rather than urllib because a streamed answer needs control of the socket:
- `timeout` is silence: each read waits at most that long for the next bytes, so a CPU server that
  takes 150 s but sends a token every second never times out, and one that goes quiet fails fast.
- `deadline` bounds everything (every attempt of one summary): a watchdog shuts the socket down when
  it passes, so not even a server that drips one byte a second keeps a request alive past it.
- A request that is given up is closed at once (shutdown, then close), so the server sees the
  disconnect and stops generating instead of queueing the retry behind an abandoned answer.
- Every body read is bounded (MAX_BODY, MAX_ERROR_BODY). Redirects are never followed, for any
  method: the request carries the API key, and a model server has no reason to redirect.
- The API key is redacted from every string this module returns or raises (`redact`, `scrub`).
"""
from __future__ import annotations

import http.client
import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from evalsum.errors import BackendTimeout, BackendUnavailable
from evalsum.systems.chat_wire import (
    HTTPRefused,
    Progress,
    Reply,
    StreamBroke,
    StreamError,
    TokenHook,
    fold_event,
    proxy_for,
    reason,
    scrub,
    shut,
    snippet,
)
from evalsum.systems.chat_wire import (
    Transient as _Transient,
)

RETRY_STATUSES = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
MISSING_STATUSES = frozenset({404, 405, 501})
MAX_BODY = 8 * 2**20
MAX_ERROR_BODY = 64 * 2**10
__all__ = ["ChatClient", "HTTPRefused", "Reply", "TokenHook", "scrub"]


@dataclass
class ChatClient:
    """Requests to one server within one deadline; retries transient failures on a fixed schedule.

    The wait before retry k (k = 1, 2, ...) is `backoff * 2**(k-1)` seconds: no jitter, so a run is
    reproducible. A refused connection, a redirect, any other HTTP error and a malformed answer are
    not retried: retrying cannot fix them.
    """

    base_url: str
    timeout: float
    retries: int
    backoff: float
    deadline: float = 280.0
    api_key: str | None = field(default=None, repr=False)
    sleep: Callable[[float], None] = time.sleep
    on_token: TokenHook | None = None
    started: float = field(default_factory=time.monotonic)

    @property
    def url(self) -> str:
        return self.endpoint("chat/completions")

    @property
    def root(self) -> str:
        """The server root, for routes outside /v1 (llama.cpp's /props and /tokenize)."""
        base = self.base_url.rstrip("/")
        return base[: -len("/v1")] if base.endswith("/v1") else base

    def endpoint(self, path: str) -> str:
        return self.base_url.rstrip("/") + "/" + path.lstrip("/")

    def redact(self, text: str) -> str:
        """The text with the key (if any) replaced, and on one line."""
        return " ".join(str(scrub(text, self.api_key)).split())

    def fail(self, message: str) -> BackendUnavailable:
        return BackendUnavailable(self.redact(message))

    def left(self) -> float:
        return self.deadline - (time.monotonic() - self.started)

    def chat(self, body: dict[str, Any], stream: bool = True) -> Reply:
        """One chat completion, streamed when `stream` and the server streams (one-shot when it
        answers with plain JSON, or rejects the stream fields); BackendError otherwise."""
        if stream:
            try:
                return self._attempts("POST", self.url, {**body, "stream": True,
                                                         "stream_options": {"include_usage": True}}, chat=True)
            except HTTPRefused as e:
                if e.status not in (400, 422) or "stream" not in e.detail.lower():
                    raise
            except StreamBroke:
                pass  # asked one-shot, the server says what is wrong (or answers after all)
        return self._attempts("POST", self.url, {**body, "stream": False}, chat=True)

    def get_json(self, url: str) -> Any:
        """The parsed JSON at `url`, or None when the server has no such route (404, 405, 501)."""
        return self._missing_is_none("GET", url, None)

    def post_json(self, url: str, body: dict[str, Any]) -> Any:
        return self._missing_is_none("POST", url, body)

    def _missing_is_none(self, method: str, url: str, body: dict[str, Any] | None) -> Any:
        try:
            return self._attempts(method, url, body, chat=False).body.get("json")
        except HTTPRefused as e:
            if e.status in MISSING_STATUSES:
                return None
            raise

    def _attempts(self, method: str, url: str, body: dict[str, Any] | None, chat: bool) -> Reply:
        last, made = _Transient(""), 0
        for attempt in range(1, self.retries + 2):
            if attempt > 1:
                wait = self.backoff * 2 ** (attempt - 2)
                if wait >= self.left():
                    break
                self.sleep(wait)
            made = attempt
            try:
                return self._once(method, url, body, chat, attempt)
            except StreamBroke as e:
                if chat and (body or {}).get("stream"):
                    raise  # asked to stream: chat() asks again one-shot
                raise self.fail(f"{e} (an event stream where one JSON answer was asked for)") from None
            except _Transient as e:
                last = e
                if self.left() <= 0:
                    break
        tries = f"after {made} attempts" if made > 1 else "(retries=0)" if self.retries == 0 else "(1 attempt)"
        message = self.redact(f"{last} {tries}")
        raise BackendTimeout(message) if last.timed_out else BackendUnavailable(message)

    def _connection(self, url: str, quiet: bool) -> tuple[http.client.HTTPConnection, str]:
        """A connection (not yet open) and the request target; `quiet`: no bytes until the end."""
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise self.fail(f"base_url must be an http:// or https:// URL, got {self.base_url!r}")
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        wait = max(0.001, self.left() if quiet else min(self.timeout, self.left()))
        proxy = proxy_for(parts)
        if proxy is None:
            cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
            return cls(parts.hostname, parts.port, timeout=wait), target
        if parts.scheme == "http":
            return http.client.HTTPConnection(proxy.hostname or "", proxy.port, timeout=wait), url
        conn = http.client.HTTPSConnection(proxy.hostname or "", proxy.port, timeout=wait)
        conn.set_tunnel(parts.hostname, parts.port)
        return conn, target

    def _headers(self, has_body: bool) -> dict[str, str]:
        headers = {"Accept": "application/json, text/event-stream", "User-Agent": "evalsum"}
        if has_body:
            headers["Content-Type"] = "application/json"
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        return headers

    def _once(self, method: str, url: str, body: dict[str, Any] | None, chat: bool, attempt: int) -> Reply:
        if self.left() <= 0:
            raise _Transient(self._late(url, 0), timed_out=True)
        conn, target = self._connection(url, quiet=chat and (body or {}).get("stream") is False)
        got = Progress()
        expired = got.expired
        watchdog = threading.Timer(max(0.0, self.left()), shut, (conn, got, True))
        watchdog.daemon = True
        watchdog.start()
        try:
            conn.connect()
            got.sock = conn.sock
            payload = json.dumps(body, sort_keys=True).encode("utf-8") if body is not None else None
            conn.request(method, target, body=payload, headers=self._headers(payload is not None))
            resp = conn.getresponse()
            self._check_status(url, resp, got)
            streamed = "text/event-stream" in (resp.getheader("Content-Type") or "")
            if streamed:
                data = self._read_stream(resp, got)
            else:
                raw = self._read(resp, got, url)
                data = self._parse(url, raw) if chat else {"json": self._parse_any(url, raw)}
        except (TimeoutError, OSError, http.client.HTTPException) as e:
            if expired.is_set() or (isinstance(e, TimeoutError) and self.left() < 0.05):
                raise _Transient(self._late(url, got.pieces), timed_out=True) from None
            if isinstance(e, TimeoutError):
                raise _Transient(self._silent(url, got.pieces), timed_out=True) from None
            if isinstance(e, ConnectionRefusedError):
                raise self.fail(f"cannot reach {url}: {reason(e)} (is the server running?)") from None
            if isinstance(e, socket.gaierror):
                raise self.fail(f"cannot reach {url}: {reason(e)} (check the host in base_url)") from None
            raise _Transient(f"connection to {url} failed: {reason(e)}") from None
        finally:
            watchdog.cancel()
            shut(conn, got)
        return Reply(body=data, latency=time.perf_counter() - got.t0, attempts=attempt, streamed=streamed,
                     pieces=got.pieces, first_token_seconds=got.first)

    def _silent(self, url: str, pieces: int) -> str:
        t = f"{self.timeout:g} s"
        what = f"no token for {t} after {pieces} tokens" if pieces else f"no answer for {t}"
        return f"{what} from {url} (timeout={self.timeout:g} s of silence; raise it with -o timeout=SECONDS)"

    def _late(self, url: str, pieces: int) -> str:
        return (f"{url} did not finish within deadline={self.deadline:g} s ({pieces} tokens received; raise it with "
                "-o deadline=SECONDS, and --timeout above it)")

    def _check_status(self, url: str, resp: http.client.HTTPResponse, got: Progress) -> None:
        if 300 <= resp.status < 400:
            where = resp.getheader("Location") or "?"
            raise self.fail(f"HTTP {resp.status} from {url} redirects to {where}; redirects are not followed "
                            "(the request carries the API key): set base_url to the final address")
        if resp.status < 400:
            return
        self._arm(got, self.timeout)
        detail = snippet(resp.read(MAX_ERROR_BODY))
        line = self.redact(f"HTTP {resp.status} {resp.reason} from {url}" + (f": {detail}" if detail else ""))
        if resp.status in RETRY_STATUSES:
            raise _Transient(line)
        if resp.status == 404 and not self.base_url.rstrip("/").endswith("/v1"):
            line += f" (OpenAI-compatible routes live under /v1: try base_url={self.base_url.rstrip('/')}/v1)"
        raise HTTPRefused(line, resp.status, self.redact(detail))

    def _arm(self, got: Progress, wait: float) -> None:
        if got.sock is not None:
            got.sock.settimeout(max(0.001, min(wait, self.left())))

    def _read(self, resp: http.client.HTTPResponse, got: Progress, url: str) -> bytes:
        """The whole body, at most MAX_BODY bytes. A one-shot answer arrives all at the end, so
        silence is bounded by the deadline alone there."""
        chunks: list[bytes] = []
        total = 0
        while True:
            self._arm(got, self.left())
            chunk = resp.read1(65536)
            if got.expired.is_set():
                raise _Transient(self._late(url, 0), timed_out=True)
            if not chunk:
                return b"".join(chunks)
            total += len(chunk)
            if total > MAX_BODY:
                raise self.fail(f"answer from {url} is longer than {MAX_BODY} bytes")
            chunks.append(chunk)

    def _read_stream(self, resp: http.client.HTTPResponse, got: Progress) -> dict[str, Any]:
        buf, total, done = b"", 0, False
        while not done:
            self._arm(got, self.timeout)
            chunk = resp.read1(65536)
            if not chunk:
                break
            total += len(chunk)
            if total > MAX_BODY:
                raise self.fail(f"stream from {self.url} is longer than {MAX_BODY} bytes")
            *lines, buf = (buf + chunk).split(b"\n")
            for line in lines:
                try:
                    done = done or fold_event(line.strip(), got, self._hook)
                except StreamError as e:
                    raise self.fail(f"error in stream from {self.url}: {e}") from None
                except (UnicodeDecodeError, ValueError):
                    start = snippet(line, 60)
                    raise self.fail(f"malformed event in stream from {self.url}: starts {start!r}") from None
        if got.expired.is_set():
            raise _Transient(self._late(self.url, got.pieces), timed_out=True)
        if not done and got.finish is None:
            broke = f"stream from {self.url} ended before the answer did ({got.pieces} tokens)"
            raise StreamBroke(broke) if got.pieces == 0 else _Transient(broke)
        return got.completion()

    def _hook(self, pieces: int, text: str) -> None:
        if self.on_token is not None:
            self.on_token(pieces, scrub(text, self.api_key))

    def _parse_any(self, url: str, raw: bytes) -> Any:
        try:
            return json.loads(raw.decode("utf-8"))
        except ValueError as e:  # not UTF-8, not JSON, or an integer too long to convert
            raise self.fail(f"malformed response from {url}: not JSON ({getattr(e, 'msg', e)}); "
                            f"starts {snippet(raw, 60)!r}") from None

    def _parse(self, url: str, raw: bytes) -> dict[str, Any]:
        data = self._parse_any(url, raw)
        if not isinstance(data, dict):
            raise self.fail(f"malformed response from {url}: expected a JSON object, got {type(data).__name__}")
        return data
