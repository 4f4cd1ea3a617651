"""Test backends, registered per test by monkeypatching `registry.BUILTINS` (the same lookup path
a plugin's entry point takes): a degraded lead3, a clearly worse tail baseline, a backend that
counts its calls in a file, and one whose endpoint is down."""
from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from evalsum.contract import Summariser, SystemOptions
from evalsum.errors import BackendUnavailable
from evalsum.models import Budget, Prepared, Summary
from evalsum.systems.lead import Lead3, LeadK, lead_document

# Register with monkeypatch.setitem(registry.BUILTINS, name, spec).
SPECS = {
    "tail3": "tests.gate_plugins:Tail3",
    "counting": "tests.gate_plugins:Counting",
    "endpoint": "tests.gate_plugins:Endpoint",
}
DROP_BEST = "tests.gate_plugins:Lead3DropBest"


class Lead3DropBest(Lead3):
    """lead3 after a bad change: it loses its first sentence, the lede. On the bundled cluster
    that is lead3's best sentence (test_gate checks this), so every ROUGE score must fall.
    The version is bumped as the contract asks, so the cache does not serve the old output."""

    version: ClassVar[str] = "1-dropbest"

    def summarise(self, cluster: Prepared, budget: Budget) -> Summary:
        full = super().summarise(cluster, budget)
        prov = full.provenance[1:] if full.provenance else None
        return Summary(sentences=full.sentences[1:], provenance=prov, metadata=full.metadata)


class Tail3(LeadK):
    """The last three sentences of the lead document: clearly worse than lead3 on clusters whose
    important facts come first."""

    name: ClassVar[str] = "tail3"
    version: ClassVar[str] = "1"
    description: ClassVar[str] = "test: last three sentences of the lead document"

    def summarise(self, cluster: Prepared, budget: Budget) -> Summary:
        chosen = lead_document(cluster, self.options.lead).sentences[-3:]
        return Summary(sentences=[s.text for s in chosen], provenance=[(s.doc_id, s.index) for s in chosen])


class CountingOptions(SystemOptions):
    log: str


class Counting(Summariser[CountingOptions]):
    """Appends one line per summarise() call to the `log` file, so a test can count real calls
    across separate CLI invocations without any global state."""

    name: ClassVar[str] = "counting"
    version: ClassVar[str] = "1"
    description: ClassVar[str] = "test: first sentence, logging each call"
    Options = CountingOptions

    def summarise(self, cluster: Prepared, budget: Budget) -> Summary:
        log = self.options.log
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(cluster.cluster_id + "\n")
        first = cluster.sentences[0]
        return Summary(sentences=[first.text], provenance=[(first.doc_id, first.index)])


def calls(log: Path) -> list[str]:
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


class Endpoint(Summariser[SystemOptions]):
    """A backend whose server is down: every call raises BackendUnavailable."""

    name: ClassVar[str] = "endpoint"
    version: ClassVar[str] = "1"
    description: ClassVar[str] = "test: an endpoint that is down"

    def summarise(self, cluster: Prepared, budget: Budget) -> Summary:
        raise BackendUnavailable("endpoint http://127.0.0.1:9/v1 refused the connection")
