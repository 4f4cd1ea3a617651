"""What an OpenAI-compatible server says about itself: the models it serves, its context window,
and how many tokens a prompt takes.

Asked once per backend instance, on the first summary that is not served from the cache (a cached
rerun makes no request at all). Each route is optional: a server without it gets a documented
fallback rather than an error.

- Models: `GET /v1/models` (every OpenAI-compatible server). A listing lets the backend refuse a
  model the server does not serve (the server would answer anyway and echo the wrong name back).
- Context window: llama.cpp's `GET /props` (`default_generation_settings.n_ctx`), vLLM's
  `max_model_len` in the model listing, or the number in a context-length error; otherwise the
  `context` option, otherwise ASSUMED_CONTEXT (Ollama's default window).
- Tokens: llama-cpp-python's `POST /extras/tokenize`, llama.cpp's `POST /tokenize`; otherwise the
  estimate `ceil(characters / 3)`, which over-counts English (about 4 characters a token) so a
  prompt fitted by it fits. MESSAGE_OVERHEAD tokens per message cover the chat template.
"""
from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from typing import Any

from evalsum.errors import UsageError
from evalsum.systems.chat_http import ChatClient, HTTPRefused

ASSUMED_CONTEXT = 4096
MESSAGE_OVERHEAD = 8
CONTEXT_ERROR = re.compile(r"context (?:length|window|size)|exceed_context|too many tokens|prompt is too long", re.I)
CONTEXT_NUMBER = (re.compile(r"maximum context length is (\d+)", re.I), re.compile(r"context window of (\d+)", re.I),
                  re.compile(r"\"n_ctx\"\s*:\s*(\d+)"), re.compile(r"context (?:size|length) (?:is |of )?(\d+)", re.I))


@dataclass
class ServerInfo:
    """The server's answers, kept for the backend instance's lifetime."""

    models: tuple[str, ...] = ()
    contexts: dict[str, int] = field(default_factory=dict)
    context: int | None = None
    context_source: str | None = None
    tokenizer: str | None = None
    tokenizer_tried: bool = False


def discover(client: ChatClient) -> ServerInfo:
    """Ask /v1/models and /props; a base_url without /v1 that finds no listing gets a hint."""
    url = client.endpoint("models")
    listing = client.get_json(url)
    base = client.base_url.rstrip("/")
    if listing is None and not base.endswith("/v1"):
        raise client.fail(f"{url} not found: OpenAI-compatible routes live under /v1; try base_url={base}/v1")
    info = ServerInfo()
    data = listing.get("data") if isinstance(listing, dict) else None
    for m in data if isinstance(data, list) else []:
        if isinstance(m, dict) and isinstance(m.get("id"), str):
            info.models += (m["id"],)
            n = m.get("max_model_len")
            if isinstance(n, int) and n > 0:
                info.contexts[m["id"]] = n
    try:
        props = client.get_json(client.root + "/props")
    except HTTPRefused:  # a gateway that guards unknown routes: no props, not a failure
        props = None
    if isinstance(props, dict):
        settings = props.get("default_generation_settings")
        n = (settings if isinstance(settings, dict) else {}).get("n_ctx", props.get("n_ctx"))
        if isinstance(n, int) and n > 0:
            info.context, info.context_source = n, "/props"
    return info


def choose_model(requested: str | None, served: tuple[str, ...], url: str) -> str:
    """The served id to ask for: the requested one (also by file name or Ollama's `:latest` tag),
    or the only one served. UsageError (exit 2) listing the served models otherwise."""
    if not served:
        if requested:
            return requested
        raise UsageError(f"the server at {url} lists no models; name one with -o model=NAME")
    listed = ", ".join(served)
    if requested is None:
        if len(served) == 1:
            return served[0]
        raise UsageError(f"the server at {url} serves several models ({listed}); choose one with -o model=NAME")
    for sid in served:
        stem = os.path.basename(sid)
        if requested in (sid, stem, stem.removesuffix(".gguf")) or sid == f"{requested}:latest":
            return sid
    raise UsageError(f"model {requested!r} is not served by {url}; it serves: {listed} (choose with -o model=NAME)")


def context_for(info: ServerInfo, model: str, option: int | None) -> tuple[int, str]:
    """The context window in tokens and where it came from."""
    if info.context is not None and info.context_source in ("/props", "error"):
        return info.context, info.context_source or ""
    if model in info.contexts:
        return info.contexts[model], "/v1/models"
    if option is not None:
        return option, "option"
    return ASSUMED_CONTEXT, "assumed"


def context_from_error(detail: str) -> int | None:
    """The window a context-length error names; 0 when it is one but names no number; None when
    it is not a context-length error."""
    if not CONTEXT_ERROR.search(detail):
        return None
    for pattern in CONTEXT_NUMBER:
        m = pattern.search(detail)
        if m:
            return int(m.group(1))
    return 0


def count_tokens(client: ChatClient, info: ServerInfo, messages: list[dict[str, str]]) -> tuple[int, str]:
    """Tokens the messages take, counted by the server's tokenizer where it has one; (n, how)."""
    text = "\n".join(m["content"] for m in messages)
    overhead = MESSAGE_OVERHEAD * len(messages)
    routes: list[tuple[str, dict[str, Any]]] = [(client.root + "/extras/tokenize", {"input": text}),
                                                (client.root + "/tokenize", {"content": text})]
    if info.tokenizer_tried:
        routes = [r for r in routes if r[0] == info.tokenizer]
    info.tokenizer_tried = True
    for url, body in routes:
        try:
            answer = client.post_json(url, body)
        except HTTPRefused:  # a route of that name that wants other fields: not a tokenizer
            continue
        tokens = answer.get("tokens") if isinstance(answer, dict) else None
        if isinstance(tokens, list):
            info.tokenizer = url
            return len(tokens) + overhead, url.removeprefix(client.root)
    info.tokenizer = None
    return math.ceil(len(text) / 3) + overhead, "estimate"
