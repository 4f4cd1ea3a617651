"""The run plan and the Python API: one `run` into two sinks, typed failures, schema 2, the
README's Python examples (executed here, so they cannot drift) and in-memory scoring."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import evalsum
from evalsum.errors import BackendError, BackendTimeout, BackendUnavailable, DataError, UsageError
from evalsum.gold import dataset, synthetic
from evalsum.models import Failure, Settings
from evalsum.run import runner
from evalsum.run.cluster import failure_of
from evalsum.run.plan import Paths, RunPlan, SystemSpec
from evalsum.run.timeout import TimedOut
from evalsum.store.records import load_record, read_header
from tests.conftest import REFERENCES, ROOT, cli, without

VOLATILE = {"seconds", "created", "run_id"}


def stable(data: Any) -> Any:
    return without(data, VOLATILE)


@pytest.fixture
def synth(tmp_path: Path) -> Path:
    path = tmp_path / "synth.jsonl"
    path.write_text("".join(dataset.dumps_line(c) for c in synthetic.clusters(6, seed=11)), encoding="utf-8")
    return path


def test_memory_and_disk_sinks_give_the_same_record(synth: Path, tmp_path: Path) -> None:
    plan = RunPlan(systems=["lead3", "human"], dataset=synth, shard="1/2", paths=Paths(results=tmp_path / "r"),
                   use_cache=False, rouge_engine="python")
    in_memory = runner.evaluate(plan)
    on_disk = load_record(runner.run_to_disk(plan))
    assert stable(in_memory.model_dump(mode="json")) == stable(on_disk.model_dump(mode="json"))
    # the shard keeps exactly the clusters the sharding rule assigns to 1/2, in dataset order
    everything = [c.id for c in synthetic.clusters(6, seed=11)]
    mine = [c for c in everything if plan.shard is not None and plan.shard.owns(c)]
    assert 0 < len(mine) < 6
    assert [r.cluster_id for r in in_memory.systems[0].results] == mine
    assert in_memory.shard == "1/2" and in_memory.schema_version == 2
    assert in_memory.settings == evalsum.Settings()


def test_plan_is_frozen_keyword_only_and_validated(tmp_path: Path) -> None:
    plan = RunPlan(systems=["lead3"])
    assert plan.systems == (SystemSpec(backend="lead3"),) and plan.jobs == 1 and plan.timeout == 300.0
    with pytest.raises(Exception, match="frozen"):
        plan.jobs = 2  # type: ignore[misc]
    with pytest.raises(TypeError):
        RunPlan(["lead3"])  # type: ignore[misc]
    with pytest.raises(ValueError, match="jobs"):
        RunPlan(systems=["lead3"], jobs=0)
    with pytest.raises(UsageError, match="--shard must look like i/n"):
        RunPlan(systems=["lead3"], shard="half")


def test_two_systems_under_one_label_are_refused(paths: Paths) -> None:
    plan = RunPlan(systems=[SystemSpec(backend="random", options={"seed": 1}, label="r"),
                            SystemSpec(backend="lead-k", options={"k": 2}, label="r")], paths=paths)
    both = r"systems 1 and 2 of this run are both labelled 'r' \(random \{\"seed\":1\} and lead-k"
    with pytest.raises(UsageError, match=both):
        runner.evaluate(plan)
    defaults = runner.evaluate(plan.model_copy(update={"systems": (SystemSpec(backend="random", options={"seed": 1}),
                                                                   SystemSpec(backend="random", options={"seed": 2}))}))
    assert [s.system.name for s in defaults.systems] == ["random[seed=1]", "random[seed=2]"]
    labelled = plan.model_copy(update={"systems": (SystemSpec(backend="random", options={"seed": 1}, label="r1"),
                                                   SystemSpec(backend="random", options={"seed": 2}, label="r2"))})
    rec = runner.evaluate(labelled)
    assert [(s.system.name, s.system.backend, s.system.options) for s in rec.systems] == [
        ("r1", "random", {"seed": 1}), ("r2", "random", {"seed": 2})]
    a, b = (s.results[0].summary for s in rec.systems)
    assert a is not None and b is not None and a.sentences != b.sentences


@pytest.mark.parametrize(("error", "kind", "message"), [
    (BackendUnavailable("endpoint down"), "unavailable", "endpoint down"),
    (TimedOut(2.5), "timeout", "timed out after 2.5 s"),
    (BackendTimeout("request took too long"), "timeout", "request took too long"),
    (DataError("refs/x", "line 3", "bad"), "data", "refs/x:line 3: bad"),
    (BackendError("no summary for c1"), "backend", "no summary for c1"),
    (UsageError("odd option"), "backend", "odd option"),
    (KeyError("k"), "bug", "KeyError: 'k'"),
])
def test_failure_kinds(error: BaseException, kind: str, message: str) -> None:
    assert failure_of(error) == Failure(kind=kind, message=message)  # type: ignore[arg-type]
    assert str(failure_of(error)) == f"{kind}: {message}"


def test_a_schema_1_record_is_refused_with_one_clear_line(tmp_path: Path, paths: Paths) -> None:
    path = runner.run_to_disk(RunPlan(systems=["lead3"], paths=paths))
    lines = path.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    assert header["schema_version"] == 2 and header["settings"] == Settings().model_dump(mode="json")
    assert header["settings"]["budget"] == 100 and header["settings"]["policy"] == "pooled"
    old = tmp_path / "old.jsonl"
    old.write_text("\n".join([json.dumps({**header, "schema_version": 1}), *lines[1:]]) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as e:
        read_header(old)
    assert str(e.value) == (f"{old}:line 1, field schema_version: record schema 1, but this evalsum reads schema 2; "
                            "run the systems again to get a new record, and delete this one")


def test_score_texts_hand_computed() -> None:
    one, two = evalsum.score_texts(["the cat sat", "a dog ran far away"], references="the cat ran")
    # unigrams: the, cat match (2 of 3 each way); bigrams: "the cat" (1 of 2)
    assert (one.rouge["rouge1"].p, one.rouge["rouge1"].r) == (2 / 3, 2 / 3)
    assert one.rouge["rouge2"].f == 0.5 and one.facts is None and one.quality is None
    # only "ran" matches: P = 1/5, R = 1/3, F = 2PR/(P+R) = 0.25
    assert two.rouge["rouge1"].f == pytest.approx(0.25) and two.rouge["rouge2"].f == 0.0


def test_score_texts_with_sources_adds_faithfulness_and_takes_the_budget() -> None:
    [scores] = evalsum.score_texts("Officials said 40 people were hurt.", "Officials said 4 people were hurt.",
                                   sources=["Officials said 4 people were hurt on Monday."],
                                   settings=evalsum.Settings(budget=3))
    # cut to "Officials said 40": 2 of its 3 tokens match, 2 of the reference's 6
    assert (scores.rouge["rouge1"].p, scores.rouge["rouge1"].r) == (2 / 3, 1 / 3)
    # the sources say 4, not 40: one unsupported number (faithfulness needs the sources)
    assert scores.quality is not None
    assert (scores.quality.faithfulness.unsupported, scores.quality.faithfulness.claims_checked) == (1, 1)


def test_score_texts_bad_input_names_the_field() -> None:
    with pytest.raises(DataError, match=r"^<memory>:field references\.0\.text: reference has no words$"):
        evalsum.score_texts(["a summary"], [" "])
    with pytest.raises(DataError, match=r"^<memory>:summaries\.1: the summary has no words$"):
        evalsum.score_texts(["a summary", "  "], ["a reference"])


def python_blocks(section: str) -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    body = text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", body, re.S)


def test_readme_python_api_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = python_blocks("Python API")
    assert len(blocks) == 2 and "evalsum.evaluate(plan)" in blocks[0] and "score_texts" in blocks[1]
    shutil.copytree(REFERENCES, tmp_path / "references")
    monkeypatch.chdir(tmp_path)
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {"__name__": "readme"})


def test_readme_plugin_example_uses_the_public_contract() -> None:
    [block] = python_blocks("Backends")
    assert "from evalsum.contract import Summariser, SystemOptions" in block
    namespace: dict[str, Any] = {"__name__": "readme_plugin"}
    exec(compile(block, "README.md", "exec"), namespace)
    from evalsum.gold import corpus
    from evalsum.models import Budget
    from evalsum.run.cluster import prepare_cluster

    prepared = prepare_cluster(corpus.load_cluster(REFERENCES / "balloon-2023-02"))
    out = namespace["FirstN"]().summarise(prepared, Budget())
    assert out.sentences == [s.text for s in prepared.sentences[:2]]


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("--version") == 0
    assert capsys.readouterr().out == f"evalsum {evalsum.__version__}\n"


def test_import_evalsum_stays_cheap() -> None:
    heavy = ("pydantic", "typer", "nltk", "evalsum.run")
    code = f"import sys, evalsum; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    assert {"evaluate", "RunPlan", "SystemSpec", "Settings", "score_texts"} <= set(dir(evalsum))
    assert set(evalsum.__all__) == {"__version__", *evalsum._LAZY}
    assert all(getattr(evalsum, name) is not None for name in evalsum.__all__)


def test_a_plugin_that_is_not_a_backend_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from evalsum.run import registry

    monkeypatch.setitem(registry.BUILTINS, "not-a-backend", "evalsum.models:Summary")
    with pytest.raises(UsageError, match=r"^system 'not-a-backend' \(evalsum.models:Summary\) is not a subclass of "
                                         r"evalsum.contract.Summariser or evalsum.contract.ReferenceReader$"):
        registry.resolve("not-a-backend")
