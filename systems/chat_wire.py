"""Wire-level pieces of the chat client: the reply, SSE events, proxies, sockets, redaction.

Kept apart from chat_http.ChatClient (the request and retry logic) so each stays small; nothing
here does I/O except `shut`, which ends a connection so the server sees the disconnect.
"""
from __future__ import annotations

import http.client
import ipaddress
import json
import socket
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from evalsum.errors import BackendUnavailable

TokenHook = Callable[[int, str], None]
"""Called for every streamed piece of text: (pieces so far, the new text). For progress displays."""


class HTTPRefused(BackendUnavailable):
    """The server answered with an HTTP error that retrying cannot fix; keeps status and body text."""

    def __init__(self, message: str, status: int, detail: str) -> None:
        super().__init__(message)
        self.status, self.detail = status, detail

    def __reduce__(self) -> tuple[type, tuple[str, int, str]]:
        return (type(self), (str(self), self.status, self.detail))


class StreamError(Exception):
    """The server sent an error event inside the stream."""


class Transient(Exception):
    """A failure worth another attempt (dropped connection, 5xx, silence)."""

    def __init__(self, message: str, timed_out: bool = False) -> None:
        super().__init__(message)
        self.timed_out = timed_out


class StreamBroke(Exception):
    """The stream ended before its first token: some servers (llama-cpp-python) fail a streamed
    request that way when it cannot start (a prompt over the context), and say why only one-shot."""


@dataclass(frozen=True)
class Reply:
    """A chat.completion object (assembled from the stream when streamed) and how it came."""

    body: dict[str, Any]
    latency: float
    attempts: int
    streamed: bool
    pieces: int = 0
    first_token_seconds: float | None = None


@dataclass
class Progress:
    """What one attempt has received so far; `expired` is set by the deadline watchdog."""

    pieces: int = 0
    first: float | None = None
    finish: str | None = None
    text: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    expired: threading.Event = field(default_factory=threading.Event)
    t0: float = field(default_factory=time.perf_counter)
    sock: socket.socket | None = None  # kept: http.client drops its own reference once a response will close

    def completion(self) -> dict[str, Any]:
        """The streamed pieces as one chat.completion object, like a one-shot answer."""
        choice = {"index": 0, "message": {"role": "assistant", "content": "".join(self.text)},
                  "finish_reason": self.finish}
        return {**self.meta, "choices": [choice]}


def fold_event(line: bytes, got: Progress, hook: TokenHook | None) -> bool:
    """Fold one SSE line into `got`; True at the end of the stream. ValueError: not JSON."""
    if not line.startswith(b"data:"):
        return False
    data = line[5:].strip()
    if data == b"[DONE]":
        return True
    event = json.loads(data.decode("utf-8"))
    if not isinstance(event, dict):
        raise ValueError(f"event is {type(event).__name__}, not an object")
    if "error" in event and not event.get("choices"):
        err = event["error"]
        raise StreamError(err.get("message", err) if isinstance(err, dict) else err)
    for key in ("id", "model", "system_fingerprint", "usage", "timings"):
        if event.get(key) is not None:
            got.meta[key] = event[key]
    choices = event.get("choices") or []
    if not isinstance(choices, list) or not all(isinstance(c, dict) for c in choices):
        raise ValueError("choices is not a list of objects")  # the caller names it a malformed event
    for choice in choices:
        delta = choice.get("delta") or choice.get("message") or {}
        piece = delta.get("content") if isinstance(delta, dict) else None
        if isinstance(piece, str) and piece:
            got.pieces += 1
            got.first = got.first if got.first is not None else time.perf_counter() - got.t0
            got.text.append(piece)
            if hook is not None:
                hook(got.pieces, piece)
        finish = choice.get("finish_reason")
        got.finish = finish if isinstance(finish, str) and finish else got.finish
    return False


def scrub(value: Any, secret: str | None) -> Any:
    """`value` with `secret` replaced in every string inside it (dict keys too)."""
    if not secret:
        return value
    if isinstance(value, str):
        return value.replace(secret, "***")
    if isinstance(value, dict):
        return {scrub(k, secret): scrub(v, secret) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(v, secret) for v in value]
    return value


def shut(conn: http.client.HTTPConnection, got: Progress, watchdog: bool = False) -> None:
    """Shut the socket down, so the peer sees the disconnect at once (even mid-read, even while a
    response object still holds the socket); at the normal end of a request also close it. The
    deadline watchdog calls this with `watchdog`, only shutting down: the reader closes."""
    if watchdog:
        got.expired.set()
    sock = got.sock or conn.sock
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        if not watchdog:
            sock.close()
    if not watchdog:
        conn.close()


def proxy_for(parts: urllib.parse.SplitResult) -> urllib.parse.SplitResult | None:
    """The *_proxy to use, honouring no_proxy; a model server on this machine never goes through one."""
    host = parts.hostname or ""
    try:
        if host == "localhost" or ipaddress.ip_address(host).is_loopback:
            return None
    except ValueError:
        pass
    proxy = urllib.request.getproxies().get(parts.scheme)
    if not proxy or urllib.request.proxy_bypass(host):
        return None
    return urllib.parse.urlsplit(proxy if "://" in proxy else f"http://{proxy}")


def reason(e: object) -> str:
    return str(e) or type(e).__name__


def snippet(raw: bytes, limit: int = 300) -> str:
    text = " ".join(raw.decode("utf-8", "replace").split())
    return text if len(text) <= limit else text[:limit] + "…"
