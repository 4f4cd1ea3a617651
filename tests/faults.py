"""Helpers for the bad-input catalogue: a writable copy of references/ (plus a valid checklist)
that each case breaks in exactly one way, the CLI called in process, and synthetic clusters."""
from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from pathlib import Path

from evalsum.cli import main
from tests.conftest import CLUSTER, REFERENCES

# A small valid checklist for the bundled cluster, so checklist cases break one thing in it.
CHECKLIST = """\
facts:
  - id: second-balloon
    statement: A second balloon was reported over Latin America.
    patterns: [["balloon"], ["Latin America"]]
  - id: blinken-trip
    statement: Blinken postponed his trip to China.
    patterns: [["Blinken"], ["postpone", "re:put off"]]
probes:
  - id: shot-down
    statement: A balloon was shot down.
    patterns: [["shot down"]]
"""


@dataclass
class Env:
    """Where one case runs: its own references copy and results folder."""

    tmp: Path
    refs: Path
    results: Path

    @property
    def cdir(self) -> Path:
        return self.refs / CLUSTER

    @property
    def runs(self) -> Path:
        return self.results / "runs"

    def source(self, i: int = 0) -> Path:
        return sorted((self.cdir / "sources").glob("*.txt"))[i]

    def fmt(self, s: str) -> str:
        return s.format(refs=self.refs, results=self.results, cdir=self.cdir, runs=self.runs, cluster=CLUSTER,
                        tmp=self.tmp)


def make_env(tmp: Path) -> Env:
    """Copy references/ into tmp with the small checklist above (so checklist cases do not depend
    on how the bundled one evolves): the healthy starting point."""
    refs = tmp / "references"
    shutil.copytree(REFERENCES, refs, ignore=shutil.ignore_patterns("README.md"))
    (refs / CLUSTER / "checklist.yaml").write_text(CHECKLIST, encoding="utf-8")
    return Env(tmp=tmp, refs=refs, results=tmp / "results")


def cli(*args: str) -> int:
    """Run `evalsum ARGS` in process; the exit code (0 when main returns)."""
    try:
        main(list(args))
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
    return 0


WORDS = ("balloon pentagon china canada ministry airspace montana flight weather officials statement "
         "monitoring latin america trip secretary postponed defence military spokesperson reports").split()


def synthetic_corpus(root: Path, n: int, seed: int = 0) -> list[str]:
    """`n` small valid clusters under root (two sources, two references each); returns their ids."""
    rng = random.Random(seed)
    ids = []
    for i in range(n):
        cid = f"synthetic-{i:03d}"
        d = root / cid
        (d / "sources").mkdir(parents=True)
        (d / "summaries").mkdir()
        (d / "cluster.yaml").write_text(f"id: {cid}\ntitle: Synthetic story {i}\n", encoding="utf-8")

        def sentence() -> str:
            return " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14))).capitalize() + "."

        for j in range(2):
            body = "\n\n".join(" ".join(sentence() for _ in range(2)) for _ in range(4))
            (d / "sources" / f"{j:03d}.txt").write_text(f"date 2023-02-0{j + 1} {body}\n", encoding="utf-8")
        for a in ("a", "b"):
            (d / "summaries" / f"annotator-{a}.txt").write_text("\n".join(sentence() for _ in range(4)) + "\n",
                                                                 encoding="utf-8")
        ids.append(cid)
    return ids
