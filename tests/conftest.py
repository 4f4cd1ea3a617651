"""Shared fixtures: the bundled cluster, and throwaway copies of it for tests that write."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from evalsum.cli import main
from evalsum.run.plan import Paths

ROOT = Path(__file__).resolve().parent.parent
REFERENCES = ROOT / "references"
CLUSTER = "balloon-2023-02"
CLUSTER_DIR = REFERENCES / CLUSTER


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
