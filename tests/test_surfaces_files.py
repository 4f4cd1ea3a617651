"""Property: no file evalsum reads can make it fail with "internal error" or a traceback.

Each test starts from a valid file (the bundled cluster, or the results of a real run), mutates it
structurally or byte by byte, and runs, through the real CLI, every command that reads it. The
result must be a documented exit code with one clear line naming the file (tests/surfaces.py).
"""
from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from evalsum.store.records import record_paths
from tests.conftest import CLUSTER
from tests.faults import Env
from tests.surfaces import (
    OVERLONG,
    OVERLONG_DIGITS,
    assert_clean,
    blessed_env,
    copies,
    elsewhere,  # noqa: F401  (autouse: runs in an empty folder)
    garbled,
    invoke,
    json_bytes,
    mutated,
    surface,
    toml_bytes,
)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Env:
    return blessed_env(tmp_path_factory.mktemp("surfaces"))


@pytest.fixture
def fresh(base: Env) -> Iterator[Any]:
    yield from copies(base, "surface-", references=True)


def gold_commands(env: Env) -> list[tuple[object, ...]]:
    """Every command that reads a cluster's gold files."""
    summary = env.tmp / "summary.txt"
    summary.write_text("A Chinese balloon flew over Montana. Blinken postponed his trip.\n", encoding="utf-8")
    refs = ("--references", env.refs)
    return [("run", "-s", "lead3", *refs, "--results", env.results), ("validate", *refs),
            ("inspect", CLUSTER, *refs), ("score", "-c", CLUSTER, summary, *refs),
            ("show", CLUSTER, *refs, "--results", env.results)]


def yaml_bytes(tree: Any) -> bytes:
    text = yaml.safe_dump(tree, allow_unicode=True, sort_keys=False)
    return text.replace(OVERLONG, OVERLONG_DIGITS).encode("utf-8")


def yaml_tree(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


GOLD_YAML = st.sampled_from(["cluster.yaml", "checklist.yaml"])
GOLD_TEXT = st.sampled_from(["sources/000_83e826a67299ec89.txt", "sources/003_ff379b134e867ec4.txt",
                             "summaries/annotator-a.txt", "summaries/annotator-d.txt"])


@surface(12)
@given(name=GOLD_YAML, data=st.data(), command=st.integers(0, 4))
def test_mutated_gold_yaml(fresh: Any, name: str, data: st.DataObject, command: int) -> None:
    env = fresh()
    path = env.cdir / name
    tree = yaml_tree(path)
    structural = data.draw(st.booleans())
    raw = yaml_bytes(data.draw(mutated(tree))) if structural else data.draw(garbled(path.read_bytes()))
    path.write_bytes(raw)
    assert_clean(invoke(*gold_commands(env)[command]), names=[env.refs])


@surface(8)
@given(name=GOLD_TEXT, data=st.data(), command=st.integers(0, 4))
def test_garbled_gold_text(fresh: Any, name: str, data: st.DataObject, command: int) -> None:
    env = fresh()
    path = env.cdir / name
    path.write_bytes(data.draw(garbled(path.read_bytes())))
    assert_clean(invoke(*gold_commands(env)[command]), names=[env.refs])


# ---------------------------------------------------------------- results/


def results_commands(env: Env) -> list[tuple[object, ...]]:
    """Every command that reads records, the index, the baseline or the cache."""
    res = ("--results", env.results)
    [record] = record_paths(env.runs)
    return [("leaderboard", *res), ("leaderboard", "--skip-damaged", *res), ("check", *res), ("bless", *res),
            ("show", CLUSTER, "--references", env.refs, *res), ("compare", "lead3", "textrank", *res),
            ("run", "-s", "lead3", "-s", "textrank", "--references", env.refs, *res), ("merge", record, *res),
            ("cache", *res), ("cache", "--prune", *res), ("report", "--references", env.refs, *res)]


N_RESULTS = 11


def record_lines(env: Env) -> tuple[Path, list[bytes]]:
    [path] = record_paths(env.runs)
    return path, path.read_bytes().splitlines(keepends=True)


@surface(20)
@given(data=st.data(), line=st.integers(0, 3), command=st.integers(0, N_RESULTS - 1))
def test_mutated_record_line(fresh: Any, data: st.DataObject, line: int, command: int) -> None:
    """A header, result or footer line with a field deleted, of another type, NaN, huge, nested."""
    env = fresh()
    path, lines = record_lines(env)
    n = min(line, len(lines) - 1)
    if data.draw(st.booleans()):
        lines[n] = json_bytes(data.draw(mutated(json.loads(lines[n]), max_edits=3))) + b"\n"
    else:
        lines[n] = data.draw(garbled(lines[n]))
    path.write_bytes(b"".join(lines))
    assert_clean(invoke(*results_commands(env)[command]), names=[env.results])


@surface(8)
@given(data=st.data(), command=st.integers(0, N_RESULTS - 1))
def test_mutated_index(fresh: Any, data: st.DataObject, command: int) -> None:
    env = fresh()
    path = env.results / ".index.json"
    head, rest = path.read_bytes().split(b"\n", 1)  # the head line, then one line per record
    raw = json_bytes(data.draw(mutated(json.loads(head), max_edits=3))) + b"\n" + rest \
        if data.draw(st.booleans()) else data.draw(garbled(path.read_bytes()))
    path.write_bytes(raw)
    assert_clean(invoke(*results_commands(env)[command]), names=[env.results])


@surface(8)
@given(data=st.data(), command=st.sampled_from([2, 2, 3]))
def test_mutated_baseline(fresh: Any, data: st.DataObject, command: int) -> None:
    env = fresh()
    path = env.results / "baseline.json"
    tree = json.loads(path.read_bytes())
    raw = json_bytes(data.draw(mutated(tree, max_edits=3))) if data.draw(st.booleans()) else \
        data.draw(garbled(path.read_bytes()))
    path.write_bytes(raw)
    assert_clean(invoke(*results_commands(env)[command]), names=[path])


@surface(8)
@given(data=st.data(), command=st.sampled_from([6, 8, 9]))
def test_mutated_cache_entry(fresh: Any, data: st.DataObject, command: int) -> None:
    """A damaged cache entry is a miss (regenerated), never an error."""
    env = fresh()
    [path] = list((env.results / "cache").rglob("*.json"))
    tree = json.loads(path.read_bytes())
    raw = json_bytes(data.draw(mutated(tree, max_edits=3))) if data.draw(st.booleans()) else \
        data.draw(garbled(path.read_bytes()))
    path.write_bytes(raw)
    assert_clean(invoke(*results_commands(env)[command]), codes={0})


# ---------------------------------------------------------------- the run file and the gate config

RUN_FILE = {"references": "references", "results": "results", "budget": 100, "policy": "pooled",
            "systems": [{"backend": "lead3"}, {"backend": "lead-k", "label": "lead5", "options": {"k": 5}}],
            "gate": {"metrics": {"rouge2_f": {"tolerance": 0.005},
                                 "contradictions": {"tolerance": 0.0, "better": "lower"}}}}


@surface(12)
@given(data=st.data(), pyproject=st.booleans(), check=st.booleans())
def test_mutated_run_file(fresh: Any, data: st.DataObject, pyproject: bool, check: bool) -> None:
    """evalsum.toml, or [tool.evalsum] of pyproject.toml, read by `run` and (its gate) by `check`."""
    env = fresh()
    tree: Any = data.draw(mutated(RUN_FILE, max_edits=3))
    if pyproject:
        path = env.tmp / "pyproject.toml"
        body = toml_bytes(tree) if isinstance(tree, dict) else b""
        raw = b"[project]\nname = \"x\"\n[tool.evalsum]\n" + body
    else:
        path, raw = env.tmp / "evalsum.toml", toml_bytes(tree)
    if data.draw(st.booleans()):
        raw = data.draw(garbled(raw))
    path.write_bytes(raw)
    argv = ("check", "--config", path, "--results", env.results) if check else ("run", "--config", path)
    # The run file, a folder it names, or the default ./references a file without `references` means.
    assert_clean(invoke(*argv, cwd=env.tmp), names=[env.tmp, "error: references:"])


# ---------------------------------------------------------------- `files` backend inputs

FILES_LINE = {"cluster": CLUSTER, "system": "prod", "summary": ["A balloon flew over Montana.", "Blinken waited."],
              "metadata": {"model": "m", "n": 1}}


@surface(10)
@given(data=st.data(), jsonl=st.booleans())
def test_files_backend_inputs(fresh: Any, data: st.DataObject, jsonl: bool) -> None:
    env = fresh()
    if jsonl:
        path = env.tmp / "summaries.jsonl"
        lines = [json_bytes(FILES_LINE), json_bytes({**FILES_LINE, "system": "other"})]
        lines[0] = json_bytes(data.draw(mutated(FILES_LINE))) if data.draw(st.booleans()) else \
            data.draw(garbled(lines[0]))
        path.write_bytes(b"\n".join(lines) + b"\n")
    else:
        path = env.tmp / "folder"
        path.mkdir()
        text = b"A balloon flew over Montana.\nBlinken waited.\n"
        (path / f"{CLUSTER}.txt").write_bytes(data.draw(garbled(text)))
    lines_opt = data.draw(st.sampled_from(["true", "false"]))
    o = invoke("run", "-s", "files", "-o", f"path={path}", "-o", "system=prod", "-o", f"lines={lines_opt}",
               "--references", env.refs, "--results", env.results)
    assert_clean(o, names=[path, env.runs])


# ---------------------------------------------------------------- datasets and importers

DATASET_LINE = {"id": "flood-2024-03", "title": "A flood", "documents": [
    {"id": "d1", "date": "2024-03-01", "text": "The river rose two metres in Leeds on Friday. Homes were flooded."},
    {"id": "d2", "text": "Rescuers moved 40 people. The council opened a shelter."}],
    "references": [{"author": "a", "text": "The river flooded homes in Leeds."},
                   {"author": "b", "text": "Rescuers moved 40 people after the flood."}]}


def dataset_commands(path: Path, env: Env) -> list[tuple[object, ...]]:
    return [("import", path, "--out", env.tmp / "imported"), ("validate", "--dataset", path),
            ("inspect", "flood-2024-03", "--dataset", path),
            ("run", "-s", "lead3", "--dataset", path, "--results", env.results)]


@surface(12)
@given(data=st.data(), command=st.integers(0, 3))
def test_mutated_dataset_jsonl(fresh: Any, data: st.DataObject, command: int) -> None:
    env = fresh()
    path = env.tmp / "clusters.jsonl"
    line = json_bytes(data.draw(mutated(DATASET_LINE, max_edits=3))) if data.draw(st.booleans()) else \
        data.draw(garbled(json_bytes(DATASET_LINE)))
    second = json_bytes({**DATASET_LINE, "id": "flood-2"})
    path.write_bytes(line + b"\n" + second + b"\n")
    assert_clean(invoke(*dataset_commands(path, env)[command]), names=[path])


@surface(6)
@given(src=st.binary(max_size=200) | st.just(b"Doc one. ||||| Doc two.\n"),
       tgt=st.binary(max_size=80) | st.just(b"- A summary .\n"), prefix=st.sampled_from(["", "mn", "../x", "a|b"]))
def test_multinews_files(fresh: Any, src: bytes, tgt: bytes, prefix: str) -> None:
    env = fresh()
    (env.tmp / "test.src").write_bytes(src)
    (env.tmp / "test.tgt").write_bytes(tgt)
    o = invoke("import", env.tmp / "test.src", "--format", "multi-news", "--summaries", env.tmp / "test.tgt",
               "--id-prefix", prefix, "--out", env.tmp / "imported")
    assert_clean(o, names=[env.tmp])


LAYOUTS = Path(__file__).parent / "fixtures" / "duc_layouts"


@surface(10)
@given(layout=st.sampled_from(sorted(p.name for p in LAYOUTS.iterdir() if p.is_dir())), data=st.data())
def test_garbled_duc_layout(fresh: Any, layout: str, data: st.DataObject) -> None:
    """One document or model file of a DUC/TAC layout garbled (SGML tags cut, bytes that are not
    the encoding), or removed."""
    env = fresh()
    root = env.tmp / layout
    shutil.copytree(LAYOUTS / layout, root)
    files = sorted(p for p in root.rglob("*") if p.is_file())
    victim = data.draw(st.sampled_from(files))
    if data.draw(st.integers(0, 4)) == 0:
        victim.unlink()
    else:
        victim.write_bytes(data.draw(garbled(victim.read_bytes())))
    o = invoke("import", root / "docs", "--format", "duc", "--summaries", root / "models", "--out",
               env.tmp / "imported", "--encoding", data.draw(st.sampled_from(["utf-8", "latin-1", "ascii"])))
    assert_clean(o, names=[root])


# ---------------------------------------------------------------- summaries given to `score`


@surface(8)
@given(data=st.data(), from_stdin=st.booleans())
def test_scored_summary(fresh: Any, data: st.DataObject, from_stdin: bool) -> None:
    """A summary file (or stdin) for `score`: any bytes, the valid text garbled, or empty."""
    env = fresh()
    good = b"A Chinese balloon flew over Montana. Blinken postponed his trip to Beijing.\n"
    raw = data.draw(st.one_of(garbled(good), st.binary(max_size=60), st.just(b""), st.just(b" \n\t")))
    path = env.tmp / "summary.txt"
    path.write_bytes(raw)
    argv: tuple[object, ...] = ("score", "-c", CLUSTER, "-" if from_stdin else path, "--references", env.refs)
    assert_clean(invoke(*argv, stdin=raw), names=["<stdin>" if from_stdin else path])


# ---------------------------------------------------------------- shard records given to `merge`


@pytest.fixture(scope="module")
def shards(base: Env) -> Path:
    """The two shard records of one lead3 run over two clusters (the bundled one and a copy)."""
    refs = base.tmp / "two-clusters"
    shutil.copytree(base.refs, refs)
    second = refs / "balloon-copy"
    shutil.copytree(refs / CLUSTER, second)
    (second / "cluster.yaml").write_text("id: balloon-copy\ntitle: The balloon again\n", encoding="utf-8")
    out = base.tmp / "shards"
    for i in ("1/2", "2/2"):
        o = invoke("run", "-s", "lead3", "--shard", i, "--references", refs, "--results", out)
        assert o.code == 0, str(o)
    return out / "runs"


@surface(10)
@given(data=st.data(), which=st.integers(0, 1), line=st.integers(0, 2))
def test_mutated_shard_record(fresh: Any, shards: Path, data: st.DataObject, which: int, line: int) -> None:
    env = fresh()
    folder = env.tmp / "shards"
    shutil.copytree(shards, folder)
    paths = record_paths(folder)
    lines = paths[which].read_bytes().splitlines(keepends=True)
    n = min(line, len(lines) - 1)
    lines[n] = (json_bytes(data.draw(mutated(json.loads(lines[n]), max_edits=3))) + b"\n"
                if data.draw(st.booleans()) else data.draw(garbled(lines[n])))
    paths[which].write_bytes(b"".join(lines))
    assert_clean(invoke("merge", *paths, "--results", env.tmp / "merged"), names=[folder])


# ---------------------------------------------------------------- the results folder's layout

RESULTS_PARTS = [".lock", ".index.json", "baseline.json", "LEADERBOARD.md", "leaderboard.json", "cache", "runs",
                 "cache/??", "cache/??/*.json", "runs/*.jsonl"]


@surface(10)
@given(part=st.sampled_from(RESULTS_PARTS), shape=st.sampled_from(["folder", "loop", "dangling", "empty"]),
       command=st.integers(0, N_RESULTS - 1))
def test_results_layout(fresh: Any, part: str, shape: str, command: int) -> None:
    """A file or folder of results/ replaced by a folder, a symlink loop or to nowhere, or an empty file."""
    env = fresh()
    argv = results_commands(env)[command]  # named before the record is touched: merge takes its path
    for path in sorted(env.results.glob(part)) or [env.results / part]:
        shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink(missing_ok=True)
        if shape == "folder":
            path.mkdir()
        elif shape == "loop":
            path.symlink_to(path.name)
        elif shape == "dangling":
            path.symlink_to(env.tmp / "nowhere")
        else:
            path.write_bytes(b"")
    assert_clean(invoke(*argv), names=[env.results])
