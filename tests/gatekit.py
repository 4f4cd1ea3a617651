"""Helpers for the gate, compare and cache tests: the CLI as a function, test-plugin registration,
and synthetic clusters where lead3 is clearly better than tail3 (the story comes first, the
unrelated local news last)."""
from __future__ import annotations

from pathlib import Path

import pytest

from evalsum.run import registry
from tests import gate_plugins as plugins
from tests.conftest import cli  # noqa: F401  (re-exported for the gate tests)

TOWNS = ["Alderford", "Brackley", "Corrin", "Dunmore", "Elsworth",
         "Farleigh", "Glenroy", "Hadley", "Ivybridge", "Jarrow"]
RIVERS = ["Avon", "Calder", "Derwent", "Eden", "Frome", "Kennet", "Lune", "Ouse", "Tamar", "Wye"]
MAYORS = ["Ruth Okafor", "Daniel Pryce", "Mei Tanaka", "Tomas Silva", "Anna Kowalski", "Owen Hughes",
          "Leila Haddad", "Sven Nilsson", "Grace Mensah", "Priya Raman"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
FILLER = [
    "Separately, a local bakery won a regional prize for its sourdough loaves.",
    "Weather forecasters expect light rain and mild temperatures later in the week.",
    "A school choir performed at the annual spring concert in the town hall.",
    "The football club announced a new coach for the coming season.",
    "Tickets for the summer festival went on sale online yesterday.",
]




def register(monkeypatch: pytest.MonkeyPatch, **extra: str) -> None:
    """Make the test backends resolvable by name, as an installed plugin would be."""
    for name, spec in {**plugins.SPECS, **extra}.items():
        monkeypatch.setitem(registry.BUILTINS, name, spec)


def make_clusters(root: Path, n: int) -> Path:
    """n small clusters under root/references; each has one source and two references."""
    refs = root / "references"
    for i in range(n):
        town, river, mayor, day = TOWNS[i % 10], RIVERS[(3 * i) % 10], MAYORS[(7 * i) % 10], DAYS[i % 5]
        cost = 40 + 7 * i
        story = [
            f"Officials in {town} opened the new {river} bridge on {day} after three years of construction.",
            f"The bridge cost {cost} million pounds and carries four lanes of traffic across the {river}.",
            f"Mayor {mayor} said the bridge would cut commuting times for thousands of residents.",
        ]
        d = refs / f"synthetic-{i:02d}"
        (d / "sources").mkdir(parents=True)
        (d / "summaries").mkdir()
        (d / "cluster.yaml").write_text(f"id: synthetic-{i:02d}\ntitle: A bridge opens in {town}\n", encoding="utf-8")
        (d / "sources" / "a.txt").write_text("\n".join(story + FILLER[: 3 + i % 3]) + "\n", encoding="utf-8")
        # References vary a little from cluster to cluster, so scores (and intervals) do too.
        ann_a = [f"{town} opened its new {river} bridge on {day} after three years of building work.",
                 f"The four-lane bridge over the {river} cost {cost} million pounds.",
                 f"Mayor {mayor} said it would cut commuting times for residents."]
        ann_b = [f"A {cost} million pound bridge across the {river} opened in {town} on {day}.",
                 f"Construction took three years, and Mayor {mayor} expects shorter commutes for thousands."]
        if i % 2:
            ann_a = ann_a[:2]
        if i % 3 == 0:
            ann_b.append("Drivers queued for hours to cross it on the first morning.")
        (d / "summaries" / "ann-a.txt").write_text("\n".join(ann_a) + "\n", encoding="utf-8")
        (d / "summaries" / "ann-b.txt").write_text("\n".join(ann_b) + "\n", encoding="utf-8")
    return refs
