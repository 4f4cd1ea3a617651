"""`llm`: any OpenAI-compatible chat-completions endpoint (Ollama, llama.cpp server, vLLM, LM Studio).

The prompt is a versioned template file (systems/prompts/summarise-v2.txt by default) that states
the word budget; its sha256 is part of the options dump, so editing it changes the cache key and
the record shows which text was sent. The API key is read from an environment variable at call
time and is never stored in the options, a record, the cache or an error message, and it is
redacted from everything the server sends back (a server that echoes it leaves no trace).

Before its first request the backend asks the server what it serves (llm_server): the model is
checked against the listing, the context window learned, and the documents fitted into it with
room for the answer (llm_fit). Answers are streamed (chat_http), so `timeout` is silence between
tokens and `deadline` bounds the whole summary.

Concurrency: the runner summarises clusters one after another, so a plain `evalsum run` has at
most one request in flight and `concurrency` does not speed it up. The limit is a per-instance
semaphore around each HTTP request: it bounds parallel requests when a caller (a notebook, a
future parallel runner) calls `summarise` from several threads, and `summarise_many` uses it to
summarise many clusters in parallel from Python.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import string
import threading
import urllib.parse
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import Field, computed_field, field_validator

from evalsum.contract import Summariser, SystemOptions
from evalsum.errors import BackendError, EvalsumError, UsageError
from evalsum.models import Budget, Prepared, Summary
from evalsum.systems.chat_http import ChatClient, HTTPRefused, Reply, TokenHook, scrub
from evalsum.systems.llm_fit import Rendered, render_documents
from evalsum.systems.llm_prompt import load_template
from evalsum.systems.llm_server import ServerInfo, choose_model, context_for, context_from_error, count_tokens, discover
from evalsum.systems.markdown import strip_markdown
from evalsum.text import split_sentences

DEFAULT_PROMPT = "summarise-v2"
FIT_MARGIN = 32  # tokens kept free besides the answer's cap: chat-template tokens the count cannot see
FIT_ROUNDS = 6
WEEK = 7 * 24 * 3600.0  # the longest timeout, deadline or backoff an option may set
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


SAMPLING = ("top_p", "stop", "repeat_penalty", "frequency_penalty")


class LLMOptions(SystemOptions):
    # Options that change how the model is reached, not what it writes: for provenance only, never
    # part of a label, a cache key or a gate comparison (LLM.transport).
    TRANSPORT: ClassVar[frozenset[str]] = frozenset(
        {"base_url", "timeout", "deadline", "retries", "backoff", "concurrency", "api_key_env", "stream"})

    base_url: str = Field(default="http://localhost:11434/v1",
                          description="OpenAI-compatible API root (Ollama by default)")
    model: str | None = Field(default=None, min_length=1,
                              description="model id as the server lists it (a llama.cpp file name will do); "
                                          "unset: the one model the server serves")
    prompt: str = Field(default=DEFAULT_PROMPT, description="template name in systems/prompts/, or a file path")
    system: str | None = Field(default=None, min_length=1, description="a system message sent before the prompt")
    temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    seed: int = 0
    top_p: float | None = Field(default=None, gt=0.0, le=1.0)
    stop: list[str] | None = Field(default=None, description='stop sequence, or a JSON list: ["\\n\\n", "Note:"]')
    repeat_penalty: float | None = Field(default=None, gt=0.0, description="llama.cpp and Ollama; 1 is off")
    frequency_penalty: float | None = Field(default=None, ge=-2.0, le=2.0, description="OpenAI and vLLM; 0 is off")
    max_tokens: int | None = Field(default=None, ge=1, description="completion cap; unset: 2 x budget words + 50")
    max_input_words: int = Field(default=6000, ge=1,
                                 description="source words sent at most, before fitting the context")
    context: int | None = Field(default=None, ge=256, description="the server's context window in tokens, where the "
                                "server does not tell it (then 4096 is assumed)")
    stream: bool = Field(default=True, description="stream the answer (falls back to one-shot where unsupported)")
    # A CPU server takes 40-150 s for one summary; streamed, only silence counts against `timeout`
    # (before the first token that is reading the prompt). `deadline` stays under the harness's
    # 300 s per-cluster `--timeout`, so an overrun is reported by this backend with its option.
    # At most a week: more is no bound at all, and past ~292 years a socket or timer cannot wait.
    timeout: float = Field(default=180.0, gt=0, le=WEEK, description="seconds without a token before giving up")
    deadline: float = Field(default=280.0, gt=0, le=WEEK,
                            description="seconds one summary may take in all, retries included")
    retries: int = Field(default=2, ge=0, description="extra attempts after a transport error, silence or 5xx/429")
    backoff: float = Field(default=1.0, ge=0, le=WEEK, description="seconds before the first retry; doubles each retry")
    concurrency: int = Field(default=1, ge=1, description="requests in flight at most from this instance")
    api_key_env: str = Field(default="EVALSUM_API_KEY,OPENAI_API_KEY",
                             description="comma-separated environment variable names; the first one set holds the key")

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, v: str) -> str:
        # Never echo the value: it may hold a password.
        parts = urllib.parse.urlsplit(v)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must be an http:// or https:// URL, e.g. http://localhost:11434/v1")
        secret = re.compile(r"(?:^|[&;])[^=&;]*(?:key|token|secret|password)[^=&;]*=", re.IGNORECASE)
        if "@" in parts.netloc or secret.search(parts.query):
            raise ValueError("must not hold credentials: put the key in an environment variable "
                             "(EVALSUM_API_KEY, or name one with -o api_key_env=NAME)")
        # Normalised (scheme and host lower case, no trailing slash), so one address has one spelling.
        path = parts.path.rstrip("/")
        return urllib.parse.urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))

    @field_validator("stop", mode="before")
    @classmethod
    def _stop_list(cls, v: Any) -> Any:
        if isinstance(v, str):
            return json.loads(v) if v.lstrip().startswith("[") else [v]
        return v

    @field_validator("prompt")
    @classmethod
    def _template_usable(cls, v: str) -> str:
        load_template(v)
        return v

    @field_validator("api_key_env")
    @classmethod
    def _env_names(cls, v: str) -> str:
        # Never echo the value: a key pasted here by mistake must not reach an error line.
        names = [n.strip() for n in v.split(",") if n.strip()]
        if not names or not all(ENV_NAME.fullmatch(n) for n in names):
            raise ValueError("must be environment variable NAMES (letters, digits, _), comma-separated, not a key")
        return ",".join(names)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def prompt_sha256(self) -> str:
        """Hash of the template text: in the options dump, hence in the cache key and the record."""
        return hashlib.sha256(load_template(self.prompt).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Fitted:
    """The messages to send and how the documents were fitted into the context window."""

    messages: list[dict[str, str]]
    documents: Rendered
    tokens: int
    counted_by: str
    context: int
    context_source: str

    def record(self) -> dict[str, Any]:
        return {"words": self.documents.words, "tokens": self.tokens, "tokens_counted_by": self.counted_by,
                "context": self.context, "context_source": self.context_source, "cut": self.documents.cut}


class LLM(Summariser[LLMOptions]):
    name: ClassVar[str] = "llm"
    transport: ClassVar[frozenset[str]] = LLMOptions.TRANSPORT
    version: ClassVar[str] = "3"
    description: ClassVar[str] = "a chat model behind an OpenAI-compatible endpoint (Ollama, llama.cpp, vLLM)"
    Options = LLMOptions

    def __init__(self, options: LLMOptions | None = None) -> None:
        super().__init__(options)
        self._slots = threading.BoundedSemaphore(self.opts.concurrency)
        self._lock = threading.Lock()
        self._server: ServerInfo | None = None
        self.on_token: TokenHook | None = None
        """Progress hook, called for each streamed piece: (pieces so far, the new text)."""

    def __reduce__(self) -> tuple[type, tuple[LLMOptions]]:
        # Locks and the server's answers stay behind: a copy in another process starts afresh.
        return (type(self), (self.opts,))

    @property
    def opts(self) -> LLMOptions:
        return self.options

    def _api_key(self) -> str | None:
        for name in self.opts.api_key_env.split(","):
            value = os.environ.get(name, "").strip()
            if value:
                return value
        return None

    def messages(self, documents: str, cluster: Prepared, budget: Budget) -> list[dict[str, str]]:
        text = string.Template(load_template(self.opts.prompt)).substitute(
            words=budget.words, title=cluster.title, documents=documents)
        system = [{"role": "system", "content": self.opts.system}] if self.opts.system else []
        return [*system, {"role": "user", "content": text}]

    def _discover(self, client: ChatClient) -> ServerInfo:
        with self._lock:
            if self._server is None:
                self._server = discover(client)
            return self._server

    def fit(self, client: ChatClient, server: ServerInfo, model: str, cluster: Prepared, budget: Budget,
            max_tokens: int) -> Fitted:
        """Shrink the documents (fairly, see llm_fit) until the prompt leaves room for the answer."""
        context, source = context_for(server, model, self.opts.context)
        room = context - max_tokens - FIT_MARGIN
        limit = self.opts.max_input_words
        for _ in range(FIT_ROUNDS):
            docs = render_documents(cluster, limit)
            messages = self.messages(docs.text, cluster, budget)
            tokens, how = count_tokens(client, server, messages)
            if tokens <= room and docs.words > 0:
                return Fitted(messages, docs, tokens, how, context, source)
            limit = min(docs.words - 1, int(docs.words * room / tokens * 0.95))
            if limit <= 0:
                break
        raise BackendError(f"the prompt does not fit a context window of {context} tokens ({source}) with room for "
                           f"max_tokens={max_tokens}: lower -o max_tokens, shorten the prompt, or give the server a "
                           "larger context (and -o context=TOKENS where it does not say)")

    def summarise(self, cluster: Prepared, budget: Budget) -> Summary:
        o = self.opts
        client = ChatClient(o.base_url, o.timeout, o.retries, o.backoff, deadline=o.deadline,
                            api_key=self._api_key(), on_token=self.on_token)
        server = self._discover(client)
        try:
            model = choose_model(o.model, server.models, client.endpoint("models"))
        except UsageError as e:  # the listing is the server's text: it may echo the key
            raise UsageError(client.redact(str(e))) from None
        max_tokens = o.max_tokens or 2 * budget.words + 50
        sampling = {k: getattr(o, k) for k in SAMPLING if getattr(o, k) is not None}
        fitted = self.fit(client, server, model, cluster, budget, max_tokens)
        for attempt in (1, 2):
            body = {"model": model, "messages": fitted.messages, "temperature": o.temperature, "seed": o.seed,
                    "max_tokens": max_tokens, **sampling}
            try:
                with self._slots:
                    reply = client.chat(body, stream=o.stream)
                sent = {"max_tokens": max_tokens, **sampling}
                return self._summary(client, reply, model, fitted, sent, cluster.title)
            except HTTPRefused as e:
                learned = context_from_error(e.detail)
                if learned is None:
                    raise
                if attempt == 2 or not 0 < learned < fitted.context:
                    raise BackendError(client.redact(
                        f"the prompt ({fitted.tokens} tokens, {fitted.counted_by}) and max_tokens={max_tokens} do not "
                        f"fit the server's context: lower -o max_input_words (now {o.max_input_words}) or -o "
                        f"max_tokens, or start the server with a larger context; it said: {e.detail[:200]}")) from None
                server.context, server.context_source = learned, "error"
                fitted = self.fit(client, server, model, cluster, budget, max_tokens)
        raise AssertionError("unreachable")

    def _summary(self, client: ChatClient, reply: Reply, model: str, fitted: Fitted, sent: dict[str, Any],
                 title: str) -> Summary:
        o = self.opts
        key = client.api_key
        content, choice = self._content(client, reply.body, model)
        lines, stripped = strip_markdown(scrub(content, key), title)
        sentences = split_sentences("\n".join(lines))
        if not sentences:
            raise client.fail(f"model {model!r} at {client.url} returned only markup: {content[:80]!r}")
        usage, source = reply.body.get("usage"), "server"
        if not isinstance(usage, dict):
            counted = fitted.tokens if fitted.counted_by != "estimate" else None
            usage, source = {"prompt_tokens": counted, "completion_tokens": reply.pieces or None}, "counted"
        meta: dict[str, Any] = {
            "model": model, "requested_model": o.model, "response_model": reply.body.get("model"),
            "system_fingerprint": reply.body.get("system_fingerprint"),
            "usage": usage, "usage_source": source, "finish_reason": choice.get("finish_reason"),
            "transport": "stream" if reply.streamed else "one-shot", "streamed_pieces": reply.pieces,
            "latency_seconds": round(reply.latency, 3), "attempts": reply.attempts,
            "first_token_seconds": None if reply.first_token_seconds is None else round(reply.first_token_seconds, 3),
            "prompt": o.prompt, "prompt_sha256": o.prompt_sha256, "sent": sent, "input": fitted.record(),
            "markdown_stripped": stripped, "raw_output": content,
        }
        return Summary(sentences=sentences, provenance=None, metadata=scrub(meta, key))

    def _content(self, client: ChatClient, body: dict[str, Any], model: str) -> tuple[str, dict[str, Any]]:
        choices = body.get("choices")
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
            err = body.get("error")
            why = f"error {err.get('message', err) if isinstance(err, dict) else err}" if err else "no choices"
            raise client.fail(f"malformed response from {client.url}: {why}")
        choice = choices[0]
        message = choice.get("message")
        content = message.get("content") if isinstance(message, dict) else None
        if content is not None and not isinstance(content, str):
            raise client.fail(f"malformed response from {client.url}: message content is {type(content).__name__}")
        if not (content or "").strip():
            raise client.fail(f"model {model!r} at {client.url} returned empty content "
                              f"(finish_reason={choice.get('finish_reason')!r})")
        return str(content), choice

    def summarise_many(self, clusters: Sequence[Prepared], budget: Budget) -> list[Summary | EvalsumError]:
        """Summaries in input order, `concurrency` requests at a time; a failure is returned, not raised."""

        def one(c: Prepared) -> Summary | EvalsumError:
            try:
                return self.summarise(c, budget)
            except EvalsumError as e:
                return e

        with ThreadPoolExecutor(max_workers=self.opts.concurrency) as pool:
            return list(pool.map(one, clusters))
