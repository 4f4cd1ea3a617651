"""Shared fixtures: the bundled cluster, and throwaway copies of it for tests that write."""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from evalsum.cli import main
from evalsum.run.plan import Paths
from tests.llm_stub import Stub, serving

ROOT = Path(__file__).resolve().parent.parent
REFERENCES = ROOT / "references"
CLUSTER = "balloon-2023-02"
CLUSTER_DIR = REFERENCES / CLUSTER


@pytest.fixture
def server() -> Iterator[Stub]:
    """A scripted OpenAI-compatible server on 127.0.0.1 (tests/llm_stub.py), stopped after the test."""
    with serving(Stub()) as stub:
        yield stub


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    """The bundled references (read-only) and an empty results folder."""
    return Paths(references=REFERENCES, results=tmp_path / "results")


@pytest.fixture
def refs_copy(tmp_path: Path) -> Path:
    """A writable copy of references/ for tests that break gold data on purpose."""
    dst = tmp_path / "references"
    shutil.copytree(REFERENCES, dst, ignore=shutil.ignore_patterns("README.md"))
    return dst


def cli(*args: str) -> int:
    """Run the CLI in-process as a user would; returns the exit code."""
    try:
        main(list(args))
    except SystemExit as e:
        return int(e.code or 0)
    return 0


def without(data: Any, volatile: set[str]) -> Any:
    """A JSON-like value with the keys in `volatile` (timings, timestamps, run ids) left out at any
    depth: what must be equal between two runs of the same plan."""
    if isinstance(data, dict):
        return {k: without(v, volatile) for k, v in data.items() if k not in volatile}
    if isinstance(data, list):
        return [without(v, volatile) for v in data]
    return data
