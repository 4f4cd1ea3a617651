"""`llm`: any OpenAI-compatible chat-completions endpoint (Ollama, llama.cpp server, vLLM, LM Studio).

The prompt is a versioned template file (systems/prompts/summarise-v1.txt by default) that states
the word budget; its sha256 is part of the options dump, so editing it changes the cache key and
the record shows which text was sent. The API key is read from an environment variable at call
time and is never stored in the options, a record, the cache or an error message.

Concurrency: the runner summarises clusters one after another, so a plain `evalsum run` has at
most one request in flight and `concurrency` does not speed it up. The limit is a per-instance
semaphore around each HTTP request: it bounds parallel requests when a caller (a notebook, a
future parallel runner) calls `summarise` from several threads, and `summarise_many` uses it to
summarise many clusters in parallel from Python.
"""
from __future__ import annotations

import hashlib
import os
import re
import string
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

from pydantic import Field, computed_field, field_validator

from evalsum.contract import Summariser, SystemOptions
from evalsum.errors import BackendUnavailable
from evalsum.models import Budget, Prepared, Summary
from evalsum.systems.chat_http import ChatClient
from evalsum.systems.markdown import strip_markdown
from evalsum.text import split_sentences, words

DEFAULT_PROMPT = "summarise-v1"
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
PLACEHOLDERS = {"words", "title", "documents"}


def template_path(prompt: str) -> Path:
    """A bare name is a template shipped in systems/prompts/; anything else is a file path."""
    if re.fullmatch(r"[A-Za-z0-9_.-]+", prompt) and not prompt.endswith(".txt"):
        return Path(str(resources.files("evalsum.systems") / "prompts" / f"{prompt}.txt"))
    return Path(prompt).expanduser()


def placeholders(text: str) -> tuple[set[str], bool]:
    """The $names a template uses, and whether it has a stray `$` that string.Template rejects."""
    names, invalid = set(), False
    for m in string.Template.pattern.finditer(text):
        if m.group("invalid") is not None:
            invalid = True
        elif m.group("named") or m.group("braced"):
            names.add(m.group("named") or m.group("braced"))
    return names, invalid


def load_template(prompt: str) -> str:
    """The template text; ValueError (shown as an invalid option) when missing or unusable."""
    path = template_path(prompt)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise ValueError(f"prompt template {str(path)!r} cannot be read (give a name in systems/prompts/ or a file path)") from None
    names, invalid = placeholders(text)
    unknown = sorted(names - PLACEHOLDERS)
    if unknown or invalid or "documents" not in names:
        allowed = ", ".join("$" + p for p in sorted(PLACEHOLDERS))
        found = ", ".join("$" + u for u in unknown) or ("a stray $ (write $$)" if invalid else "no $documents")
        raise ValueError(f"prompt template {str(path)!r} must use $documents and only {allowed}; found {found}")
    return text


class LLMOptions(SystemOptions):
    base_url: str = Field(default="http://localhost:11434/v1", description="OpenAI-compatible API root (Ollama by default)")
    model: str = Field(default="llama3.2", min_length=1, description="model name as the server knows it")
    prompt: str = Field(default=DEFAULT_PROMPT, description="template name in systems/prompts/, or a file path")
    temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    seed: int = 0
    max_tokens: int = Field(default=400, ge=1, description="completion limit; the word budget is enforced after")
    max_input_words: int = Field(default=6000, ge=1, description="source words sent at most (small local contexts)")
    # 60 s x 3 attempts stays under the harness's 300 s per-cluster limit (`--timeout`), so a hung
    # endpoint is reported as unavailable (exit 3) by this backend, not as a generic time-out.
    # For slow CPU models raise both: `-o timeout=300 --timeout 1000`.
    timeout: float = Field(default=60.0, gt=0, description="seconds per request")
    retries: int = Field(default=2, ge=0, description="extra attempts after a transport error, timeout or 5xx/429")
    backoff: float = Field(default=1.0, ge=0, description="seconds before the first retry; doubles each retry")
    concurrency: int = Field(default=1, ge=1, description="requests in flight at most from this instance")
    api_key_env: str = Field(default="EVALSUM_API_KEY,OPENAI_API_KEY",
                             description="comma-separated environment variable names; the first one set holds the key")

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, v: str) -> str:
        if not v.startswith(("http://", "https://")) or len(v) <= len("https://"):
            raise ValueError("must be an http:// or https:// URL, e.g. http://localhost:11434/v1")
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


def render_documents(cluster: Prepared, max_words: int) -> tuple[str, int, bool]:
    """The cleaned articles as numbered plain text, cut at `max_words`; (text, words sent, cut?)."""
    parts, used, cut = [], 0, False
    for n, doc in enumerate(cluster.documents, 1):
        if used >= max_words:
            cut = True
            break
        body: list[str] = []
        for s in doc.sentences:
            w = words(s.text)
            if used + len(w) > max_words:
                cut = True
                break
            body.append(s.text)
            used += len(w)
        date = f", {doc.date.isoformat()}" if doc.date else ""
        parts.append(f"Article {n}{date}:\n" + " ".join(body))
    return "\n\n".join(parts), used, cut


class LLM(Summariser[LLMOptions]):
    name: ClassVar[str] = "llm"
    version: ClassVar[str] = "2"
    description: ClassVar[str] = "a chat model behind an OpenAI-compatible endpoint (Ollama, llama.cpp, vLLM)"
    Options = LLMOptions

    def __init__(self, options: LLMOptions | None = None) -> None:
        super().__init__(options)
        self._slots = threading.BoundedSemaphore(self.opts.concurrency)

    @property
    def opts(self) -> LLMOptions:
        return self.options

    def _api_key(self) -> str | None:
        for name in self.opts.api_key_env.split(","):
            value = os.environ.get(name, "").strip()
            if value:
                return value
        return None

    def messages(self, cluster: Prepared, budget: Budget) -> tuple[list[dict[str, str]], dict[str, Any]]:
        docs, sent, cut = render_documents(cluster, self.opts.max_input_words)
        text = string.Template(load_template(self.opts.prompt)).substitute(
            words=budget.words, title=cluster.title, documents=docs)
        return [{"role": "user", "content": text}], {"input_words": sent, "input_cut": cut}

    def summarise(self, cluster: Prepared, budget: Budget) -> Summary:
        o = self.opts
        messages, sent = self.messages(cluster, budget)
        client = ChatClient(o.base_url, o.timeout, o.retries, o.backoff, api_key=self._api_key())
        body = {"model": o.model, "messages": messages, "temperature": o.temperature, "seed": o.seed,
                "max_tokens": o.max_tokens, "stream": False}
        with self._slots:
            reply = client.post(body)
        content, choice = self._content(client, reply.body)
        lines, stripped = strip_markdown(content)
        sentences = split_sentences("\n".join(lines))
        if not sentences:
            raise client.fail(f"model {o.model!r} at {client.url} returned only markup: {content[:80]!r}")
        meta: dict[str, Any] = {
            "model": reply.body.get("model", o.model), "requested_model": o.model,
            "system_fingerprint": reply.body.get("system_fingerprint"),
            "usage": reply.body.get("usage"), "finish_reason": choice.get("finish_reason"),
            "latency_seconds": round(reply.latency, 3), "attempts": reply.attempts,
            "prompt": o.prompt, "prompt_sha256": o.prompt_sha256, **sent,
            "markdown_stripped": stripped, "raw_output": content,
        }
        return Summary(sentences=sentences, provenance=None, metadata=meta)

    def _content(self, client: ChatClient, body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
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
            raise client.fail(f"model {self.opts.model!r} at {client.url} returned empty content "
                              f"(finish_reason={choice.get('finish_reason')!r})")
        return str(content), choice

    def summarise_many(self, clusters: Sequence[Prepared], budget: Budget) -> list[Summary | BackendUnavailable]:
        """Summaries in input order, `concurrency` requests at a time; a failure is returned, not raised."""

        def one(c: Prepared) -> Summary | BackendUnavailable:
            try:
                return self.summarise(c, budget)
            except BackendUnavailable as e:
                return e

        with ThreadPoolExecutor(max_workers=self.opts.concurrency) as pool:
            return list(pool.map(one, clusters))
