"""`evalsum.process.one_malloc_arena`: taken on glibc, left alone where the user set it."""
from __future__ import annotations

import os
import platform
import subprocess
import sys

import pytest

CODE = "from evalsum.process import one_malloc_arena; print(one_malloc_arena())"


def _run(env: dict[str, str]) -> str:
    return subprocess.run([sys.executable, "-c", CODE], env=env, capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc", reason="glibc only")
def test_glibc_takes_one_arena_unless_the_environment_says_otherwise() -> None:
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    assert _run(env) == "True\n"
    assert _run({**env, "MALLOC_ARENA_MAX": "4"}) == "False\n"  # the user's setting wins


def test_the_cli_entry_asks_for_it_before_the_cli_starts() -> None:
    import inspect

    from evalsum import entry

    source = inspect.getsource(entry.main)
    assert source.index("one_malloc_arena()") < source.index("from evalsum.cli import main")
