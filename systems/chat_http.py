"""A minimal client for OpenAI-compatible chat-completions endpoints, on the standard library only.

Ollama, llama.cpp's server, vLLM and LM Studio all speak this protocol, so urllib and json are
enough, and the `llm` extra pulls in nothing heavy. Every failure becomes BackendUnavailable with
one line of text; the API key is redacted from that line whatever the server sends back.
"""
from __future__ import annotations

import http.client
import ipaddress
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from evalsum.errors import BackendUnavailable

RETRY_STATUSES = frozenset({408, 409, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Reply:
    """What came back: the parsed JSON, the wall time of the successful attempt, and attempts used."""

    body: dict[str, Any]
    latency: float
    attempts: int


@dataclass
class ChatClient:
    """POSTs to `<base_url>/chat/completions`, retrying transient failures on a fixed schedule.

    The wait before retry k (k = 1, 2, ...) is `backoff * 2**(k-1)` seconds: no jitter, so a run is
    reproducible; `backoff=0` retries at once (tests). Timeouts, dropped connections and the HTTP
    statuses in RETRY_STATUSES are retried. A refused connection (nothing listening), any other
    HTTP error and any malformed answer are not: retrying cannot fix them.
    """

    base_url: str
    timeout: float
    retries: int
    backoff: float
    api_key: str | None = field(default=None, repr=False)
    sleep: Callable[[float], None] = time.sleep

    @property
    def url(self) -> str:
        return self.base_url.rstrip("/") + "/chat/completions"

    def redact(self, text: str) -> str:
        """The text with the key (if any) replaced, and on one line."""
        if self.api_key:
            text = text.replace(self.api_key, "***")
        return " ".join(text.split())

    def fail(self, message: str) -> BackendUnavailable:
        return BackendUnavailable(self.redact(message))

    def _opener(self) -> urllib.request.OpenerDirector:
        # A model server on this machine is never reached through a proxy, whatever *_proxy says.
        host = urllib.parse.urlsplit(self.url).hostname or ""
        try:
            loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        return urllib.request.build_opener(urllib.request.ProxyHandler({})) if loopback else urllib.request.build_opener()

    def _request(self, payload: bytes) -> urllib.request.Request:
        headers = {"Content-Type": "application/json", "Accept": "application/json", "User-Agent": "evalsum"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        return urllib.request.Request(self.url, data=payload, headers=headers, method="POST")

    def post(self, body: dict[str, Any]) -> Reply:
        """Send one chat-completions request; the parsed JSON object, or BackendUnavailable."""
        scheme = urllib.parse.urlsplit(self.url).scheme
        if scheme not in ("http", "https"):
            raise self.fail(f"base_url must start with http:// or https://, got {self.base_url!r}")
        payload = json.dumps(body, sort_keys=True).encode("utf-8")
        opener = self._opener()
        attempts = self.retries + 1
        last = ""
        for attempt in range(1, attempts + 1):
            if attempt > 1:
                self.sleep(self.backoff * 2 ** (attempt - 2))
            t0 = time.perf_counter()
            try:
                with opener.open(self._request(payload), timeout=self.timeout) as resp:
                    raw = resp.read()
            except urllib.error.HTTPError as e:
                detail = _snippet(e.read() if e.fp is not None else b"")
                last = f"HTTP {e.code} {e.reason} from {self.url}" + (f": {detail}" if detail else "")
                if e.code not in RETRY_STATUSES:
                    raise self.fail(last) from None
                continue
            except TimeoutError:
                last = f"no answer from {self.url} within timeout={self.timeout:g}s"
                continue
            except urllib.error.URLError as e:
                if isinstance(e.reason, TimeoutError):
                    last = f"no answer from {self.url} within timeout={self.timeout:g}s"
                    continue
                last = f"cannot reach {self.url}: {_reason(e.reason)}"
                if isinstance(e.reason, ConnectionRefusedError):
                    # Nothing listens there: waiting will not start a server, so say so at once.
                    raise self.fail(f"{last} (is the server running?)") from None
                continue
            except (http.client.HTTPException, ConnectionError, OSError) as e:
                last = f"connection to {self.url} failed: {_reason(e)}"
                continue
            latency = time.perf_counter() - t0
            return Reply(body=self._parse(raw), latency=latency, attempts=attempt)
        tries = f"after {attempts} attempts" if attempts > 1 else "(retries=0)"
        raise self.fail(f"{last} {tries}")

    def _parse(self, raw: bytes) -> dict[str, Any]:
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise self.fail(f"malformed response from {self.url}: not JSON ({e.msg if hasattr(e, 'msg') else e}); "
                            f"starts {_snippet(raw, 60)!r}") from None
        if not isinstance(data, dict):
            raise self.fail(f"malformed response from {self.url}: expected a JSON object, got {type(data).__name__}")
        return data


def _reason(reason: object) -> str:
    return str(reason) or type(reason).__name__


def _snippet(raw: bytes, limit: int = 200) -> str:
    text = " ".join(raw.decode("utf-8", "replace").split())
    return text if len(text) <= limit else text[:limit] + "…"
