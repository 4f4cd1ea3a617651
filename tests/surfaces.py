"""Shared machinery of the input-surface property tests (tests/test_surfaces_*.py).

Every file evalsum reads, every option and every server reply is a surface. These helpers mutate a
valid instance of one structurally (a key deleted, a value swapped for one of another type, NaN, a
huge number, random unicode, a truncated or byte-garbled file), run the real CLI in process, and
check the contract of the product brief: an exit code of the documented set, never "internal
error" or a traceback, a few lines at most, and for a data error (exit 2) a line that names the file.
"""
from __future__ import annotations

import contextlib
import io
import json
import math
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from evalsum.cli import main
from tests.faults import Env, make_env

# Small by default so the suite stays fast; EVALSUM_FUZZ_EXAMPLES=500 for a long local hunt.
EXAMPLES = int(os.environ.get("EVALSUM_FUZZ_EXAMPLES", "0")) or None


def surface(default: int) -> settings:
    """Deterministic (derandomised, no example database) settings with `default` examples."""
    return settings(max_examples=EXAMPLES or default, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                           HealthCheck.data_too_large, HealthCheck.filter_too_much])


@pytest.fixture(autouse=True)
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every surface test runs in an empty folder: a mutated run file without `results` or
    `references` falls back to ./results and ./references, which must never be the repository's."""
    monkeypatch.chdir(tmp_path)


EXITS = {0, 1, 2, 3}  # DESIGN.md: ok, gate failed, usage or data error, backend unavailable
MAX_ERROR_LINES = 4  # a warning or two, then the one error line


@dataclass
class Outcome:
    argv: list[str]
    code: int
    out: str
    err: str

    def __str__(self) -> str:
        return f"evalsum {' '.join(self.argv)} -> {self.code}\nstdout: {self.out[-2000:]}\nstderr: {self.err[-2000:]}"


def invoke(*argv: object, stdin: bytes = b"", cwd: Path | None = None) -> Outcome:
    """`evalsum ARGV` in process, in `cwd` if given, with `stdin` as its standard input and
    stdout, stderr captured."""
    args = [str(a) for a in argv]
    out, err = io.StringIO(), io.StringIO()
    code = 0
    here = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    saved, sys.stdin = sys.stdin, io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(args)
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
        finally:
            sys.stdin = saved
            os.chdir(here)
    return Outcome(args, code, out.getvalue(), err.getvalue())


def blessed_env(root: Path) -> Env:
    """References with a small checklist, and results holding a real lead3 + textrank run (so a
    record, its index entry, a cache entry and a blessed baseline exist)."""
    env = make_env(root)
    o = invoke("run", "-s", "lead3", "-s", "textrank", "--references", env.refs, "--results", env.results)
    assert o.code == 0, str(o)
    assert invoke("bless", "--results", env.results).code == 0
    return env


def copies(base: Env, prefix: str, *, references: bool) -> Iterator[Callable[[], Env]]:
    """For a fixture: a factory of throwaway copies of `base` (its references too, when a test
    changes them), one per hypothesis example, all removed afterwards."""
    made: list[Path] = []

    def copy() -> Env:
        tmp = Path(tempfile.mkdtemp(prefix=prefix))
        made.append(tmp)
        if references:
            shutil.copytree(base.refs, tmp / "references")
        shutil.copytree(base.results, tmp / "results")
        return Env(tmp=tmp, refs=tmp / "references" if references else base.refs, results=tmp / "results")

    yield copy
    for t in made:
        shutil.rmtree(t, ignore_errors=True)


def assert_clean(o: Outcome, names: Iterable[object] = (), codes: set[int] = EXITS,
                 max_lines: int = MAX_ERROR_LINES) -> None:
    """The contract for any input: a documented exit code, no internal error, no traceback; on a
    failure, few lines on stderr ending in one `error: ` line, which for exit 2 names one of
    `names` (the file that was broken, or a folder holding it) when any are given."""
    text = o.out + o.err
    assert "internal error" not in text, str(o)
    assert "Traceback" not in text, str(o)
    assert o.code in codes, str(o)
    if o.code in (2, 3):
        lines = o.err.splitlines()
        assert lines and len(lines) <= max_lines, str(o)
        assert lines[-1].startswith("error: "), str(o)
        wanted = [str(n) for n in names]
        if o.code == 2 and wanted:
            assert any(w in lines[-1] for w in wanted), (wanted, str(o))


# ---------------------------------------------------------------- values and structural mutations

# Stands for an integer of 5,001 digits, past what Python converts (json.dumps itself cannot write
# one): the writers below put the digits in its place.
OVERLONG = "OVERLONG-INT-MARKER"
OVERLONG_DIGITS = "1" + "0" * 5000
HUGE: list[Any] = [10**30, -(10**30), 2**63, -(2**63) - 1, 10**400, OVERLONG]
ODD_FLOATS = [math.nan, math.inf, -math.inf, -0.0, 1e308, 5e-324, -1.5]
ODD_TEXT = ["", " ", "\x00", "[/x]", "|", "a\nb", "\ud7ff\ufeff", "../../etc", "NaN", "null", "-1", "1e999",
            "é" * 50, "x" * 300, "re:(a+)+$", "*", "{}", "<b>"]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.sampled_from(HUGE),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(ODD_FLOATS),
    st.text(max_size=30), st.sampled_from(ODD_TEXT),
)
values: st.SearchStrategy[Any] = st.recursive(
    scalars, lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner,
                                                                                  max_size=3)),
    max_leaves=6)


def paths_of(tree: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every position in a JSON-like tree, the root included."""
    found = [prefix]
    if isinstance(tree, dict):
        for k, v in tree.items():
            found += paths_of(v, (*prefix, k))
    elif isinstance(tree, list):
        for i, v in enumerate(tree):
            found += paths_of(v, (*prefix, i))
    return found


def _get(tree: Any, path: tuple[Any, ...]) -> Any:
    for p in path:
        tree = tree[p]
    return tree


def _copy(tree: Any) -> Any:
    if isinstance(tree, dict):
        return {k: _copy(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [_copy(v) for v in tree]
    return tree


@st.composite
def tweaked(draw: st.DrawFn, node: Any) -> Any:
    """A value of the same type as `node`, but odd: what passes a type check and tests the logic
    behind it (a negative count, a recall of 7, an empty list, a duplicated item, another id)."""
    if isinstance(node, bool):
        return not node
    if isinstance(node, int):
        return draw(st.sampled_from([0, -1, 1, node + 1, -node, 10**12, 2**63, *HUGE[:2], OVERLONG]))
    if isinstance(node, float):
        return draw(st.sampled_from([0.0, -0.0, -1.0, 1.0, 7.0, node * 1e6, -node, 1e308, 5e-324, *ODD_FLOATS[:3]]))
    if isinstance(node, str):
        return draw(st.one_of(st.sampled_from(ODD_TEXT), st.just(node + node), st.just(node[:1])))
    if isinstance(node, list):
        return draw(st.sampled_from([[], node + node[:1], node[::-1], node[:1]]))
    if isinstance(node, dict):
        keys = list(node)
        return draw(st.sampled_from([{}, {k: node[k] for k in keys[:1]}, {k: node[k] for k in keys[1:]}]))
    return draw(values)


@st.composite
def mutated(draw: st.DrawFn, tree: Any, max_edits: int = 2) -> Any:
    """`tree` with 1 to `max_edits` structural edits: a key or item deleted, a node replaced by a
    value of any type or by an odd one of its own type, a key added, a node wrapped in a list."""
    tree = _copy(tree)
    for _ in range(draw(st.integers(1, max_edits))):
        path = draw(st.sampled_from(paths_of(tree)))
        op = draw(st.sampled_from(["delete", "replace", "tweak", "tweak", "add", "wrap"]))
        if not path:
            if op == "replace":
                tree = draw(values)
            elif op == "tweak":
                tree = draw(tweaked(tree))
            elif op == "wrap":
                tree = [tree]
            elif op == "add" and isinstance(tree, dict):
                tree[draw(st.text(max_size=8))] = draw(values)
            continue
        parent, key = _get(tree, path[:-1]), path[-1]
        if op == "delete":
            del parent[key]
        elif op == "replace":
            parent[key] = draw(values)
        elif op == "tweak":
            parent[key] = draw(tweaked(parent[key]))
        elif op == "wrap":
            parent[key] = [parent[key]]
        elif isinstance(parent[key], dict):
            parent[key][draw(st.text(max_size=8))] = draw(values)
        elif isinstance(parent[key], list):
            parent[key].append(draw(values))
        else:
            parent[key] = draw(values)
    return tree


@st.composite
def garbled(draw: st.DrawFn, data: bytes) -> bytes:
    """`data` truncated, or with random bytes or unicode put in, or with one byte changed."""
    op = draw(st.sampled_from(["truncate", "insert", "unicode", "flip"]))
    at = draw(st.integers(0, len(data)))
    if op == "truncate":
        return data[:at]
    if op == "insert":
        return data[:at] + draw(st.binary(min_size=1, max_size=12)) + data[at:]
    if op == "unicode":
        return data[:at] + draw(st.text(min_size=1, max_size=12)).encode("utf-8", "surrogatepass") + data[at:]
    if not data:
        return b"\xff"
    at = min(at, len(data) - 1)
    return data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1:]


def json_bytes(tree: Any) -> bytes:
    """JSON as a careless writer makes it: NaN and Infinity as Python's json writes them."""
    text = json.dumps(tree, ensure_ascii=False).replace(f'"{OVERLONG}"', OVERLONG_DIGITS)
    return text.encode("utf-8", "surrogatepass")


def toml_value(v: Any) -> str:
    """A TOML rendering of a JSON-like value (None has no TOML spelling: an empty string stands in)."""
    if v is None:
        return '""'
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf") if math.isinf(v) else repr(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return OVERLONG_DIGITS if v == OVERLONG else json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    return "{" + ", ".join(f"{json.dumps(str(k))} = {toml_value(x)}" for k, x in v.items()) + "}"


def toml_bytes(tree: Any) -> bytes:
    """A top-level table as TOML: every key inline (`key = value`), so any tree has a rendering."""
    if not isinstance(tree, dict):
        return f"value = {toml_value(tree)}\n".encode("utf-8", "surrogatepass")
    return "".join(f"{json.dumps(str(k))} = {toml_value(v)}\n" for k, v in tree.items()).encode(
        "utf-8", "surrogatepass")
