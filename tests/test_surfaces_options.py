"""Property: no option can make evalsum fail with "internal error" or a traceback.

Every backend's `-o key=value` (its declared keys and random ones, with values of every odd
kind), the `-s LABEL=BACKEND[k=v,...]` syntax built from random pieces, and every command's own
options given random values (numbers out of range, NaN, huge, paths with odd characters), all
through the real CLI (tests/surfaces.py).
"""
from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evalsum.run import registry
from tests.conftest import CLUSTER
from tests.faults import Env
from tests.surfaces import (
    assert_clean,
    blessed_env,
    copies,
    elsewhere,  # noqa: F401  (autouse: runs in an empty folder)
    invoke,
    surface,
)

# Text an option value can be: numbers of every odd kind, JSON, markup, paths, control characters.
ODD = ["", " ", "0", "-1", "1", "2", "0.5", "-0.0", "nan", "NaN", "inf", "-inf", "1e999", "1e300", "1e-400",
       str(10**30), str(2**63), "9" * 5000, "true", "false", "yes", "null", "[]", "[1, 2]", '["a", NaN]', "[",
       "{}", '{"a": 1}', "[/x]", "a|b", "a,b", "a]b", "a=b", "\x00", "\x1b[31m", "é", "../../etc/passwd",
       "/dev/null", "/nonexistent/dir", "-", "--", "x" * 400]
odd_text = st.one_of(st.sampled_from(ODD), st.text(max_size=24))


def closed_port() -> int:
    """A 127.0.0.1 port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Env:
    return blessed_env(tmp_path_factory.mktemp("options"))


@pytest.fixture
def fresh(base: Env) -> Iterator[Any]:
    """Throwaway copies of `base`'s results (the references are only read here)."""
    yield from copies(base, "options-", references=False)


def option_keys(backend: str) -> list[str]:
    return list(registry.resolve(backend).Options.model_fields)


BACKENDS = sorted(registry.BUILTINS)


@surface(16)
@given(backend=st.sampled_from(BACKENDS), data=st.data())
def test_backend_options(fresh: Any, backend: str, data: st.DataObject) -> None:
    """`-o key=value` for each backend: its own keys and random ones, any value, plain or `NAME.key=`."""
    env = fresh()
    keys = st.one_of(st.sampled_from(option_keys(backend) or ["k"]), st.text(max_size=12))
    pairs = data.draw(st.lists(st.tuples(keys, odd_text, st.booleans()), min_size=1, max_size=3))
    argv: list[object] = ["run", "-s", backend, "--timeout", "10", "--references", env.refs, "--results", env.results]
    for key, value, scoped in pairs:
        argv += ["-o", f"{backend + '.' if scoped else ''}{key}={value}"]
    if backend == "llm":  # never a real server: a closed local port, and no waiting between attempts
        argv += ["-o", f"base_url=http://127.0.0.1:{closed_port()}/v1", "-o", "backoff=0", "-o", "retries=0"]
    assert_clean(invoke(*argv), codes={0, 2, 3})


# Pieces of `-s [LABEL=]BACKEND[k=v,...]`; llm and embed stay out (they would look for a server or
# a model on this machine: test_backend_options gives llm a closed port instead).
PIECES = ["lead3", "lead-k", "textrank", "random", "oracle", "human", "files", "lead4", "=", "[", "]", ",", "k=",
          "k=5", "seed=1", "damping=0.5", "lines=true", "path=/nonexistent", "label", "my run", " ", "|", "[/x]",
          "nan", "-1", "é", "\x00", "a:b", "x" * 130]


@surface(16)
@given(parts=st.lists(st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), min_size=1, max_size=7)
                      .map("".join), min_size=1, max_size=3))
def test_system_syntax(fresh: Any, parts: list[str]) -> None:
    env = fresh()
    if any("llm" in p or "embed" in p for p in parts):
        return
    argv: list[object] = ["run", "--timeout", "10", "--references", env.refs, "--results", env.results]
    for p in parts:
        argv += ["-s", p]
    assert_clean(invoke(*argv), codes={0, 2, 3})


# ---------------------------------------------------------------- every command's own options

NUMBERS = st.sampled_from(["0", "-1", "-5", "1", "3", "nan", "inf", "-inf", "1e999", "1e300", "0.5", "x", "",
                           str(10**30),
                           "9" * 5000, " 2", "2/2", "0/1", "1/0", "3/2", "a/b", "-1/2"])
PATHS = ["out[/x]", "a b", "é", "-", "..", "/dev/null", "/nonexistent/x", "a\nb", "\x00", "x" * 300, "."]
path_text = st.one_of(st.sampled_from(PATHS), st.text(min_size=1, max_size=12))


def run_options(env: Env) -> dict[str, st.SearchStrategy[str]]:
    return {"--budget": NUMBERS, "--timeout": NUMBERS, "--seed": NUMBERS, "--jobs": st.sampled_from(["0", "-1", "x",
            "1", "nan", "100000000"]), "--shard": NUMBERS, "--rouge-bytes": NUMBERS, "--rouge-alpha": NUMBERS,
            "--policy": odd_text, "--rouge-engine": odd_text, "--rouge": st.sampled_from(["rouge155", "x", ""]),
            "--rouge-variants": st.sampled_from(["rouge3", "rougeW,rouge1", ",", "x", "rougeSU4", ""]),
            "--rouge-show": odd_text, "--cluster": odd_text, "--dataset": path_text,
            "--references": path_text, "--config": path_text}


@surface(16)
@given(data=st.data())
def test_run_options(fresh: Any, data: st.DataObject) -> None:
    env = fresh()
    opts = run_options(env)
    chosen = data.draw(st.lists(st.sampled_from(sorted(opts)), min_size=1, max_size=3, unique=True))
    argv: list[object] = ["run", "-s", "lead3", "--results", env.results]
    if "--references" not in chosen and "--dataset" not in chosen:
        argv += ["--references", env.refs]
    for name in chosen:
        value = data.draw(opts[name])
        argv += [name, str(env.tmp / value) if name in ("--dataset", "--config") and value[:1] not in "/-" else value]
    assert_clean(invoke(*argv), codes={0, 2, 3})


def other_commands(env: Env, draw: Any) -> list[list[object]]:
    """Each command but `run` with random values for its options and arguments."""
    res = ["--results", env.results]
    refs = ["--references", env.refs]
    t = lambda: draw(odd_text)  # noqa: E731
    p = lambda: env.tmp / draw(path_text)  # noqa: E731
    n = lambda: draw(NUMBERS)  # noqa: E731
    return [
        ["leaderboard", *res, *draw(st.sampled_from([[], ["--json"], ["--provenance"], ["--skip-damaged"]]))],
        ["compare", t(), t(), *res], ["compare", "--baseline", t(), "-m", t(), "--seed", n(), *res],
        ["bless", "-s", t(), "--baseline", p(), *res], ["check", "--baseline", p(), *res],
        ["check", "--markdown", p(), "--config", p(), *res],
        ["show", t(), *refs, *res], ["show", CLUSTER, "-s", t(), *refs, "--results", p()],
        ["score", "-c", t(), p(), *refs], ["score", "-c", CLUSTER, "--budget", n(), "--policy", t(), p(), *refs],
        ["inspect", t(), *refs], ["inspect", CLUSTER, "--dataset", p()], ["validate", "--references", p()],
        ["import", p(), "--format", t(), "--summaries", p(), "--out", p(), "--encoding", t()],
        ["import", p(), "--format", "multi-news", "--summaries", p(), "--id-prefix", t(), "--out", p()],
        ["merge", p(), p(), *res], ["cache", "--results", p(), *draw(st.sampled_from([[], ["--prune"], ["--clear"],
                                                                                        ["--prune", "--clear"]]))],
        ["init", p()], ["init", p(), "--cluster", t()], ["schema", "--write", "--dir", p()], ["signature", t()],
        ["systems", *draw(st.sampled_from([[], ["--options"], ["--json"], ["--all"]]))],
        ["report", "--out", p(), *refs, *res],
    ]


N_OTHER = 23


@surface(30)
@given(data=st.data(), command=st.integers(0, N_OTHER - 1))
def test_other_command_options(fresh: Any, data: st.DataObject, command: int) -> None:
    env = fresh()
    argv = other_commands(env, data.draw)[command]
    assert_clean(invoke(*argv))


def test_every_command_is_swept() -> None:
    """The sweep above covers each registered command (a new command must be added to it)."""
    from evalsum.cli.app import app

    env = Env(tmp=Path("/x"), refs=Path("/x/r"), results=Path("/x/res"))
    swept = {str(argv[0]) for argv in other_commands(env, lambda s: "1")} | {"run"}
    registered = {c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands}
    assert len(other_commands(env, lambda s: "1")) == N_OTHER
    assert registered <= swept, registered - swept
