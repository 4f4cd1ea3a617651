"""One redaction point: a Redactor masks the process's secrets and URL credentials in any string,
any JSON-able structure and any pydantic model; the CLI's printers use it."""
from __future__ import annotations

import json
import os
import string
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evalsum.contract import Summariser
from evalsum.errors import BackendError
from evalsum.models import Budget, Prepared, Summary
from evalsum.redact import MASK, Redactor
from tests.faults import cli, make_env

KEY = "sk-test-0123456789abcdef/+=&x"
ENV = {"EVALSUM_API_KEY": KEY, "GH_TOKEN": "ghp_0123456789abcdef", "MY_LLM_KEY": "mykey-0123456789",
       "HOME": "/root", "DB_PASSWORD": "short", "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"}


def test_from_environ_knows_key_variables_and_secret_looking_names_only() -> None:
    r = Redactor.from_environ(ENV)
    found = {s for s in r.secrets if s in ENV.values()}
    assert found == {KEY, "ghp_0123456789abcdef", "mykey-0123456789"}  # 'short' is under MIN_SECRET
    assert Redactor.from_environ({"ODD_NAME": "value-0123456789"}).secrets == ()
    assert "value-0123456789" in Redactor.from_environ({"ODD_NAME": "value-0123456789"}, names=["ODD_NAME"]).secrets


def test_text_masks_every_form_of_the_key() -> None:
    r = Redactor.from_environ(ENV)
    quoted = "sk-test-0123456789abcdef%2F%2B%3D%26x"
    escaped = json.dumps(KEY)[1:-1]
    assert r.text(f"a {KEY} b {quoted} c") == f"a {MASK} b {MASK} c"
    assert r.text(f'{{"model": "{escaped}"}}') == f'{{"model": "{MASK}"}}'
    assert r.text("nothing secret, /root and C.UTF-8 stay") == "nothing secret, /root and C.UTF-8 stay"


def test_url_credentials_are_masked_registered_or_not() -> None:
    r = Redactor()
    assert r.text("POST http://user:pw-1234@127.0.0.1:8080/v1 failed") == f"POST http://{MASK}@127.0.0.1:8080/v1 failed"
    assert r.text("see https://tok-abcdef@example.org/x") == f"see https://{MASK}@example.org/x"
    assert r.text("mail bob@example.org, site https://example.org/a@b") == \
        "mail bob@example.org, site https://example.org/a@b"
    known = r.with_url("http://alice:s%40cret-key-99@host/v1")
    assert known.text("echo: s@cret-key-99 and s%40cret-key-99") == f"echo: {MASK} and {MASK}"
    assert known.text("alice") == "alice"  # too short to mask on its own
    assert Redactor().with_url("http://[bad") == Redactor()


def test_authorization_tokens_are_masked_but_ordinary_words_stay() -> None:
    r = Redactor()
    assert r.text("Authorization: Bearer abcdefghij0123456789") == f"Authorization: Bearer {MASK}"
    assert r.text("Basic dXNlcjpwYXNzd29yZDEyMzQ=") == f"Basic {MASK}"
    assert r.text("Basic training for bearer bonds, Bearer instruments") == \
        "Basic training for bearer bonds, Bearer instruments"


def test_data_walks_every_string_keys_included() -> None:
    r = Redactor.from_environ(ENV)
    data = {"a": [KEY, 1, None, True, 2.5, {KEY: ("x", KEY)}], "b": {"url": "http://u:p-123456@h/"}}
    assert r.data(data) == {"a": [MASK, 1, None, True, 2.5, {MASK: ["x", MASK]}], "b": {"url": f"http://{MASK}@h/"}}


def test_model_returns_a_redacted_copy_of_the_same_type() -> None:
    r = Redactor.from_environ(ENV)
    s = Summary(sentences=[f"The key is {KEY}.", "Fine."], provenance=None,
                metadata={"model": KEY, "usage": {"tokens": 12}, "system_fingerprint": [KEY]})
    red = r.model(s)
    assert isinstance(red, Summary) and KEY not in red.model_dump_json()
    assert red.sentences == [f"The key is {MASK}.", "Fine."]
    assert red.metadata == {"model": MASK, "usage": {"tokens": 12}, "system_fingerprint": [MASK]}
    assert s.sentences[0].endswith(f"{KEY}.")  # the original is untouched


SECRET = st.text(string.ascii_letters + string.digits + "-_./+=&%@:", min_size=8, max_size=40)


@settings(max_examples=200, deadline=None)
@given(secret=SECRET, before=st.text(max_size=30), after=st.text(max_size=30))
def test_a_known_secret_never_survives(secret: str, before: str, after: str) -> None:
    """Whatever surrounds it, the secret (as written, quoted or JSON-escaped) is gone, and
    redacting twice changes nothing more."""
    r = Redactor().with_secrets(secret)
    for form in (secret, json.dumps(secret)[1:-1]):
        once = r.text(before + form + after)
        assert secret not in once
        assert r.text(once) == once


class LeaksKey(Summariser):
    """A backend whose error (as from a server echoing the request) holds the key."""

    name: ClassVar[str] = "leaks-key"
    version: ClassVar[str] = "1"

    def summarise(self, cluster: Prepared, budget: Budget, references: Sequence[str] = ()) -> Summary:
        raise BackendError(f"server said: bad key {os.environ['EVALSUM_API_KEY']} for http://u:{KEY}@h/v1")


def test_cli_error_line_and_printers_mask_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from evalsum.run import registry

    monkeypatch.setenv("EVALSUM_API_KEY", KEY)
    monkeypatch.setitem(registry.BUILTINS, "leaks-key", "tests.test_reliability_redact:LeaksKey")
    env = make_env(tmp_path)
    assert cli("run", "-s", "leaks-key", "--references", str(env.refs), "--results", str(env.results)) == 2
    out, err = capsys.readouterr()
    assert KEY not in out + err and "sk-test" not in err
    assert err.count("\n") == 1 and f"bad key {MASK} for http://{MASK}@h/v1" in err
    # stdout printers: a source that quotes the key is shown masked, in text and in JSON
    src = env.source(0)
    src.write_text(src.read_text(encoding="utf-8") + f"\nThe leaked key was {KEY} today.\n", encoding="utf-8")
    assert cli("inspect", "balloon-2023-02", "--references", str(env.refs)) == 0
    assert cli("inspect", "balloon-2023-02", "--json", "--references", str(env.refs)) == 0
    out, err = capsys.readouterr()
    assert KEY not in out and err == "" and out.count(f"The leaked key was {MASK} today.") == 2


def test_key_variable_named_by_an_option_is_masked_in_the_error_line(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ODD_NAME", "value-0123456789")
    assert cli("run", "-s", "llm", "-o", "api_key_env=ODD_NAME", "--references", str(tmp_path / "value-0123456789"),
               "--results", str(tmp_path / "r")) == 2
    err = capsys.readouterr().err
    assert "value-0123456789" not in err and f"{tmp_path}/{MASK}" in err


def test_a_secret_in_a_summary_reaches_no_file_evalsum_writes(tmp_path, monkeypatch) -> None:
    """The one redaction point guards every writer: record, cache entry, leaderboard.json and
    LEADERBOARD.md (a `files` summary that quotes the key stands in for a key-echoing backend)."""
    from tests.conftest import REFERENCES, cli

    key = "sk-evalsum-test-5f1e2d3c4b"
    monkeypatch.setenv("EVALSUM_API_KEY", key)
    sums = tmp_path / "sums"
    sums.mkdir()
    (sums / "balloon-2023-02.txt").write_text(f"The balloon was shot down. The key is {key} here.\n", encoding="utf-8")
    res = tmp_path / "results"
    assert cli("run", "-s", "files", "-o", f"files.path={sums}", "-s", "textrank", "--references", str(REFERENCES),
               "--results", str(res)) == 0
    written = [p for p in res.rglob("*") if p.is_file()]
    assert any(p.suffix == ".jsonl" for p in written) and any("cache" in p.parts for p in written)
    for p in written:
        assert key not in p.read_text(encoding="utf-8"), p
    assert "The key is *** here." in next(p for p in written if p.suffix == ".jsonl").read_text(encoding="utf-8")
