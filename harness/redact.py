"""One redaction point: every string evalsum writes or prints passes through a `Redactor`.

A server can echo the API key in a reply, a URL can carry `user:KEY@`, and whatever a backend
returns ends up in records, the cache, the leaderboard, the baseline and on the terminal. Rather
than each writer guessing, a Redactor knows the secrets of this process and masks them in any
string (`text`) or in any JSON-able structure (`data`, `model`):

- the values of secret-looking environment variables (names holding API_KEY, APIKEY, a KEY
  word, TOKEN, SECRET, PASSWORD, PASSWD or CREDENTIAL, plus EVALSUM_API_KEY and OPENAI_API_KEY,
  plus any names a caller adds, e.g. an llm system's `api_key_env`), as written, URL-quoted and
  JSON-escaped;
- the user and password of URLs a caller registers (`with_url`), and the user-info part of any
  URL in the text (`scheme://user:pass@host` becomes `scheme://***@host`), registered or not;
- `Bearer <token>` and `Basic <token>` credentials (a token: 16+ characters, one a digit).

Where it must run (one call each, on what is about to be written): the record writer (header
and every result line), the cache writer (the entry before it is serialised), the leaderboard
writers (leaderboard.json and LEADERBOARD.md), the baseline writer (`bless`), and the CLI's
printers (stdout and stderr; `evalsum.cli.app` and the error line in `evalsum.cli`).

Secrets shorter than `MIN_SECRET` characters are not masked: masking "1" or "true" everywhere
would mangle ordinary text, and no real key is that short.
"""
from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote, unquote, urlsplit

from pydantic import BaseModel

MASK = "***"
MIN_SECRET = 8
KEY_ENV = ("EVALSUM_API_KEY", "OPENAI_API_KEY")  # the llm system's default key variables
SECRET_NAME = re.compile(r"API_?KEY|(^|_)KEY($|_)|TOKEN|SECRET|PASSW(OR)?D|CREDENTIAL", re.IGNORECASE)
URL_USERINFO = re.compile(r"(?P<scheme>\b[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<userinfo>[^/?#\s@]+)@")
# A token only when it looks like one (16+ characters with a digit): "Basic training" stays.
AUTH_TOKEN = re.compile(r"\b(?P<kind>Bearer|Basic)\s+(?P<token>(?=[A-Za-z0-9._~+/=-]*\d)[A-Za-z0-9._~+/=-]{16,})",
                        re.IGNORECASE)

M = TypeVar("M", bound=BaseModel)

# C0 and C1 control characters but tab and newline: ESC sequences can retitle a terminal, move
# the cursor or hide text, so text from data never carries them to a terminal or a file we write.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def escape_controls(text: str) -> str:
    """`text` with every control character (but tab and newline) written as its escape (`\\x1b`).
    The rule for every terminal line and every markdown file evalsum writes."""
    if CONTROL.search(text) is None:
        return text
    return CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


@dataclass(frozen=True)
class Redactor:
    """Masks known secrets and URL credentials in strings; immutable, so safe to share."""

    secrets: tuple[str, ...] = ()  # longest first, every form each secret may be written in

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None, names: Iterable[str] = ()) -> Redactor:
        """The secrets of this process: secret-looking variables, KEY_ENV, and `names`."""
        env = os.environ if environ is None else environ
        wanted = set(KEY_ENV) | {n.strip() for n in names if n.strip()}
        values = [v for k, v in env.items() if k in wanted or SECRET_NAME.search(k)]
        return cls().with_secrets(*values)

    def with_secrets(self, *values: str) -> Redactor:
        forms = set(self.secrets)
        for v in values:
            v = v.strip()
            if len(v) >= MIN_SECRET:
                forms.update({v, quote(v, safe=""), json.dumps(v)[1:-1]})
        return Redactor(secrets=tuple(sorted(forms, key=lambda s: (-len(s), s))))

    def with_url(self, url: str) -> Redactor:
        """Also mask the user and password written in `url` (wherever they appear later)."""
        try:
            parts = urlsplit(url)
            user, password = parts.username, parts.password
        except ValueError:  # not a URL: nothing to learn from it
            return self
        return self.with_secrets(*(unquote(p) for p in (user, password) if p), *(p for p in (user, password) if p))

    def text(self, s: str) -> str:
        """`s` with every known secret, URL user-info and Bearer/Basic token masked."""
        for secret in self.secrets:
            if secret in s:
                s = s.replace(secret, MASK)
        if "://" in s and "@" in s:
            s = URL_USERINFO.sub(lambda m: f"{m['scheme']}{MASK}@", s)
        if " " in s or "\t" in s:
            s = AUTH_TOKEN.sub(lambda m: f"{m['kind']} {MASK}", s)
        return s

    def data(self, obj: Any) -> Any:
        """A JSON-able structure (dicts, lists, tuples, scalars) with every string redacted,
        keys included; other values are returned as they are."""
        if isinstance(obj, str):
            return self.text(obj)
        if isinstance(obj, dict):
            return {self.data(k): self.data(v) for k, v in obj.items()}
        if isinstance(obj, (list, tuple)):
            return [self.data(v) for v in obj]
        return obj

    def model(self, m: M) -> M:
        """A copy of a pydantic model with every string in it redacted (through its JSON dump,
        so nested models, lists and dicts are all covered)."""
        return type(m).model_validate(self.data(m.model_dump(mode="json")))
