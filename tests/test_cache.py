"""The generation cache: a warm second run makes no summariser call, --no-cache makes them all,
re-scoring under other metric settings and re-rendering never regenerate, and the key covers
every input that can change a backend's output."""
from __future__ import annotations

from pathlib import Path

import pytest

from evalsum.models import Settings
from evalsum.run import runner
from evalsum.run.cache import CacheKey
from evalsum.run.plan import Paths, RunPlan
from evalsum.store.records import load_record
from tests.gate_plugins import calls
from tests.gatekit import cli, make_clusters, register

# textrank is cached; oracle is made cacheable in these tests to cover a ReferenceReader's key.
CORE_HERE = ["textrank", "oracle"]
# Deterministic and as cheap as a cache read: never cached (contract.Backend.cacheable).
UNCACHED = ["lead3", "lead-k", "random", "oracle", "human", "files"]


@pytest.fixture(autouse=True)
def cached_oracle(monkeypatch: pytest.MonkeyPatch) -> None:
    from evalsum.systems.bounds import Oracle
    monkeypatch.setattr(Oracle, "cacheable", True)


def test_cheap_backends_skip_the_cache(paths: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    from evalsum.run import registry
    from evalsum.systems.bounds import Oracle
    monkeypatch.setattr(Oracle, "cacheable", False)
    assert [n for n in registry.BUILTINS if not registry.resolve(n).cacheable] == UNCACHED
    for _ in range(2):
        events = runner.RunEvents()
        rec = runner.evaluate(RunPlan(systems=["lead3", "random"], paths=paths), events)
        assert events.calls == {"lead3": 1, "random": 1}
        assert not any(r.cached for s in rec.systems for r in s.results)
    assert not paths.cache.exists()


def test_warm_cache_makes_no_summariser_call(paths: Paths) -> None:
    cold = runner.RunEvents()
    first = runner.run_to_disk(RunPlan(systems=CORE_HERE, settings=Settings(), paths=paths), cold)
    assert cold.calls == {"textrank": 1, "oracle": 1}
    warm = runner.RunEvents()
    second = runner.run_to_disk(RunPlan(systems=CORE_HERE, settings=Settings(), paths=paths), warm)
    assert warm.calls == {}
    a, b = load_record(first), load_record(second)
    assert [r.cached for s in b.systems for r in s.results] == [True] * 2
    assert [r.summary for s in a.systems for r in s.results] == [r.summary for s in b.systems for r in s.results]
    assert [r.scores for s in a.systems for r in s.results] == [r.scores for s in b.systems for r in s.results]


def test_rescoring_with_other_metric_settings_reuses_summaries(paths: Paths) -> None:
    runner.run_to_disk(RunPlan(systems=CORE_HERE, settings=Settings(), paths=paths))
    events = runner.RunEvents()
    rec = runner.evaluate(RunPlan(systems=CORE_HERE, settings=Settings(policy="max", stemmer=False, seed=3),
                                  paths=paths), events)
    assert events.calls == {}
    assert all(r.cached for s in rec.systems for r in s.results)
    # A different budget is a different generation request: each backend runs again.
    events = runner.RunEvents()
    runner.evaluate(RunPlan(systems=["textrank"], settings=Settings(budget=50), paths=paths), events)
    assert events.calls == {"textrank": 1}


def test_cli_second_run_makes_no_call_and_prints_hits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys) -> None:
    """Counted by the backend itself (a line per call in a log file), across separate CLI runs."""
    register(monkeypatch)
    refs = make_clusters(tmp_path, 3)
    res, log = tmp_path / "results", tmp_path / "calls.log"
    args = ["run", "-s", "counting", "-s", "textrank", "-o", f"counting.log={log}", "--references", str(refs),
            "--results", str(res)]
    assert cli(*args) == 0
    assert calls(log) == ["synthetic-00", "synthetic-01", "synthetic-02"]
    assert "cache hits: 0;" in capsys.readouterr().out
    assert cli(*args) == 0
    assert len(calls(log)) == 3
    assert "cache hits: 6;" in capsys.readouterr().out
    assert cli("leaderboard", "--results", str(res)) == 0
    assert len(calls(log)) == 3
    assert cli(*args, "--no-cache") == 0
    assert len(calls(log)) == 6
    assert "cache hits: 0;" in capsys.readouterr().out
    # A changed source is a new cluster hash: only that cluster is regenerated.
    src = refs / "synthetic-01" / "sources" / "a.txt"
    src.write_text(src.read_text() + "Officials said more bridges are planned.\n")
    assert cli(*args) == 0
    assert calls(log)[6:] == ["synthetic-01"]
    assert "cache hits: 4;" in capsys.readouterr().out


@pytest.mark.parametrize("change", ["backend", "version", "code", "options", "input", "budget"])
def test_cache_key_covers_every_generation_input(change: str) -> None:
    base: dict[str, object] = dict(backend="lead-k", version="1", code="c0de", options={"k": 3}, input="ab" * 32,
                                   budget=100)
    other = dict(base, **{
        "backend": {"backend": "lead3"}, "version": {"version": "2"}, "code": {"code": "c0df"},
        "options": {"options": {"k": 4}}, "input": {"input": "cd" * 32}, "budget": {"budget": 50},
    }[change])
    assert CacheKey.model_validate(base).digest() == CacheKey.model_validate(dict(base)).digest()
    assert CacheKey.model_validate(other).digest() != CacheKey.model_validate(base).digest()
    ab = CacheKey(backend="s", version="1", code="", options={"a": 1, "b": 2}, budget=1, input="x")
    assert ab.digest() == ab.model_copy(update={"options": {"b": 2, "a": 1}}).digest()


def test_editing_gold_reuses_summaries_of_systems_that_do_not_read_it(refs_copy: Path, tmp_path: Path) -> None:
    paths = Paths(references=refs_copy, results=tmp_path / "results")
    runner.run_to_disk(RunPlan(systems=CORE_HERE, paths=paths))
    checklist = refs_copy / "balloon-2023-02" / "checklist.yaml"
    checklist.write_text(checklist.read_text(encoding="utf-8").replace("China urged calm.", "China urged calm!"),
                         encoding="utf-8")
    events = runner.RunEvents()
    runner.run_to_disk(RunPlan(systems=CORE_HERE, paths=paths), events)
    assert events.calls == {}  # a checklist edit re-scores only
    ref = refs_copy / "balloon-2023-02" / "summaries" / "annotator-a.txt"
    ref.write_text(ref.read_text(encoding="utf-8") + "Extra line.\n", encoding="utf-8")
    events = runner.RunEvents()
    runner.run_to_disk(RunPlan(systems=CORE_HERE, paths=paths), events)
    assert events.calls == {"oracle": 1}  # only the systems that read the references
    src = next((refs_copy / "balloon-2023-02" / "sources").glob("*.txt"))
    src.write_text(src.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    events = runner.RunEvents()
    runner.run_to_disk(RunPlan(systems=CORE_HERE, paths=paths), events)
    assert events.calls == {"textrank": 1, "oracle": 1}


def test_unwritable_cache_fails_its_clusters_with_one_line_and_publishes(tmp_path: Path, capsys) -> None:
    """The cache write is part of each cluster's unit (issue 16): a cache that cannot be written
    fails those clusters as data failures naming the folder, and the record is still published."""
    from evalsum.store.records import load_record
    from tests.conftest import REFERENCES

    res = tmp_path / "results"
    res.mkdir()
    (res / "cache").write_text("not a folder")
    assert cli("run", "-s", "textrank", "--references", str(REFERENCES), "--results", str(res)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{res / 'cache'}" in err and "cannot write results here" in err
    [path] = list((res / "runs").glob("*.jsonl"))
    [result] = load_record(path).systems[0].results
    assert result.status == "failed" and result.failure is not None and result.failure.kind == "data"
