"""Misbehaving backends for the reliability tests, registered by name through `register()` (in
process) or a throwaway entry point (`plugin_site()`, for subprocesses)."""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any, ClassVar

from pydantic import Field

from evalsum.contract import Summariser, SystemOptions
from evalsum.errors import BackendUnavailable
from evalsum.models import Budget, Prepared, Summary

SPECS = {
    "raises": "tests.plugins:Raises",
    "empty": "tests.plugins:Empty",
    "not-summary": "tests.plugins:NotSummary",
    "verbose": "tests.plugins:Verbose",
    "hangs": "tests.plugins:Hangs",
    "down": "tests.plugins:Down",
    "slow": "tests.plugins:Slow",
    "slow-b": "tests.plugins:SlowB",
    "exits": "tests.plugins:Exits",
    "sys-exit": "tests.plugins:SysExit",
    "odd-metadata": "tests.plugins:OddMetadata",
    "prints": "tests.plugins:Prints",
    "broken-import": "tests.no_such_module:Nothing",
}


def register(monkeypatch: Any) -> None:
    """Make every test backend resolvable by name for this test only."""
    from evalsum.run import registry

    for name, spec in SPECS.items():
        monkeypatch.setitem(registry.BUILTINS, name, spec)


def plugin_site(root: Path) -> Path:
    """A folder holding a dist-info with `evalsum.systems` entry points for the test backends: put
    it on PYTHONPATH and `python -m evalsum` finds them through the real plugin path."""
    dist = root / "evalsum_test_plugins-0.0.dist-info"
    dist.mkdir(parents=True, exist_ok=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: evalsum-test-plugins\nVersion: 0.0\n")
    eps = "".join(f"{n} = {s}\n" for n, s in SPECS.items())
    (dist / "entry_points.txt").write_text(f"[evalsum.systems]\n{eps}")
    return root


class FailOptions(SystemOptions):
    only: str = Field(default="", description="fail only on this cluster id (empty: every cluster)")


def _first(cluster: Prepared, k: int = 2) -> Summary:
    sents = cluster.sentences[:k]
    return Summary(sentences=[s.text for s in sents], provenance=[(s.doc_id, s.index) for s in sents])


class Raises(Summariser[FailOptions]):
    name: ClassVar[str] = "raises"
    version: ClassVar[str] = "1"
    Options = FailOptions

    def summarise(self, cluster: Prepared, budget: Budget) -> Summary:
        only = self.options.only
        if not only or only == cluster.cluster_id:
            raise RuntimeError("backend exploded\non two lines")
        return _first(cluster)


class Empty(Summariser[SystemOptions]):
    name: ClassVar[str] = "empty"
    version: ClassVar[str] = "1"

    def summarise(self, cluster: Prepared, budget: Budget) -> Summary:
        return Summary(sentences=["", "   "])


class NotSummary(Summariser[SystemOptions]):
    name: ClassVar[str] = "not-summary"
    version: ClassVar[str] = "1"

    def summarise(self, cluster: Prepared, budget: Budget) -> Summary:
        return "a plain string is not a Summary"  # type: ignore[return-value]


class Verbose(Summariser[SystemOptions]):
    name: ClassVar[str] = "verbose"
    version: ClassVar[str] = "1"

    def summarise(self, cluster: Prepared, budget: Budget) -> Summary:
        return Summary(sentences=[" ".join(f"w{i}" for i in range(j, j + 100)) + "." for j in range(0, 10_000, 100)])


class Prints(Summariser[SystemOptions]):
    """Writes to stdout three ways: print() with rich markup, the raw descriptor, and a child process."""

    name: ClassVar[str] = "prints"
    version: ClassVar[str] = "1"

    def summarise(self, cluster: Prepared, budget: Budget) -> Summary:
        import subprocess

        print("[bold]PRINTED[/bold] by the backend")
        sys.stdout.flush()
        os.write(1, b"WRITTEN to descriptor 1\n")
        subprocess.run([sys.executable, "-c", "print('CHILD of the backend')"], check=True)
        return _first(cluster)


class HangOptions(FailOptions):
    seconds: float = 30.0


class Hangs(Summariser[HangOptions]):
    name: ClassVar[str] = "hangs"
    version: ClassVar[str] = "1"
    Options = HangOptions

    def summarise(self, cluster: Prepared, budget: Budget) -> Summary:
        opts = self.options
        if not opts.only or opts.only == cluster.cluster_id:
            time.sleep(opts.seconds)
        return _first(cluster)


class Down(Summariser[SystemOptions]):
    name: ClassVar[str] = "down"
    version: ClassVar[str] = "1"

    def summarise(self, cluster: Prepared, budget: Budget) -> Summary:
        raise BackendUnavailable("endpoint http://127.0.0.1:9/v1 refused the connection")


class Slow(Summariser[SystemOptions]):
    """Sleeps EVALSUM_TEST_DELAY seconds per cluster and appends one line per call to
    EVALSUM_TEST_LOG, so a test can count summariser calls across processes. Both come from the
    environment so they do not change the cache key."""

    name: ClassVar[str] = "slow"
    version: ClassVar[str] = "1"

    def summarise(self, cluster: Prepared, budget: Budget) -> Summary:
        time.sleep(float(os.environ.get("EVALSUM_TEST_DELAY", "0")))
        log = os.environ.get("EVALSUM_TEST_LOG")
        if log:
            with open(log, "a", encoding="utf-8") as fh:
                fh.write(f"{os.getpid()} {self.name} {cluster.cluster_id}\n")
        return _first(cluster)


class SlowB(Slow):
    name: ClassVar[str] = "slow-b"


class Exits(Summariser[FailOptions]):
    """Ends its whole process (as a crashing native library would) on the `only` cluster."""

    name: ClassVar[str] = "exits"
    version: ClassVar[str] = "1"
    Options = FailOptions

    def summarise(self, cluster: Prepared, budget: Budget) -> Summary:
        if not self.options.only or self.options.only == cluster.cluster_id:
            os._exit(3)
        return _first(cluster)


class SysExit(Summariser[FailOptions]):
    """Calls `sys.exit(0)` on the `only` cluster, as a careless script-turned-backend would."""

    name: ClassVar[str] = "sys-exit"
    version: ClassVar[str] = "1"
    Options = FailOptions

    def summarise(self, cluster: Prepared, budget: Budget) -> Summary:
        if not self.options.only or self.options.only == cluster.cluster_id:
            sys.exit(0)
        return _first(cluster)


class OddMetadata(Summariser[FailOptions]):
    """Returns metadata pydantic cannot serialise (an object) on the `only` cluster."""

    name: ClassVar[str] = "odd-metadata"
    version: ClassVar[str] = "1"
    Options = FailOptions

    def summarise(self, cluster: Prepared, budget: Budget) -> Summary:
        out = _first(cluster)
        if not self.options.only or self.options.only == cluster.cluster_id:
            out.metadata["handle"] = object()
        return out
