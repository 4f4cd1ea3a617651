"""lead3 / lead-k, the budget rule, and record determinism."""
from __future__ import annotations

import json

from evalsum.models import Budget, Summary
from evalsum.run.budget import enforce_budget
from evalsum.run.plan import RunPlan, SystemSpec
from evalsum.run.runner import evaluate, run_to_disk
from evalsum.store import records
from evalsum.text import is_boilerplate


def test_lead3_takes_first_three_sentences_of_earliest_dated_document(paths) -> None:
    res = evaluate(RunPlan(systems=["lead3"], paths=paths)).systems[0].results[0]
    assert res.summary is not None
    # 003 and 004 are both dated 2023-02-03; the tie goes to the first file name.
    assert res.summary.metadata["lead_document"] == "003_ff379b134e867ec4"
    assert [p[1] for p in res.summary.provenance or []] == [0, 1, 2]
    assert res.summary.sentences[0].startswith("Canada’s national defence confirmed on Friday")
    assert all(is_boilerplate(s) is None for s in res.summary.sentences)
    assert not any("Sign up" in s or "email" in s for s in res.summary.sentences)


def test_lead_k_options(paths) -> None:
    res = evaluate(RunPlan(systems=[SystemSpec(backend="lead-k", options={"k": 5, "lead": "first-file"})],
                           paths=paths)).systems[0].results[0]
    assert res.summary is not None
    assert res.summary.metadata["lead_document"] == "000_83e826a67299ec89"
    assert len(res.summary.sentences) == 5
    assert res.summary.sentences[1].startswith("In a statement, Brigadier General Patrick Ryder")


def test_budget_cuts_mid_sentence_and_records_it() -> None:
    s = Summary(sentences=["one two three", "four five six seven", "eight"])
    b = enforce_budget(s, Budget(words=5))
    assert b.sentences == ["one two three", "four five"]
    assert (b.words, b.original_words, b.truncated) == (5, 8, True)
    b = enforce_budget(s, Budget(words=8))
    assert (b.sentences, b.truncated) == (["one two three", "four five six seven", "eight"], False)


def _strip_volatile(path) -> list[dict]:
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        d = json.loads(raw)
        d.pop("created", None)
        d.pop("seconds", None)
        d.pop("run_id", None)  # a timestamp plus a content hash
        if d["kind"] == "result":
            d["result"].pop("seconds")
            d["result"].pop("cached")
        lines.append(d)
    return lines


def test_two_runs_give_identical_records_apart_from_timestamps(tmp_path, paths) -> None:
    a = run_to_disk(RunPlan(systems=["lead3", SystemSpec(backend="random", options={"seed": 3}), "human"], paths=paths,
                            use_cache=False))
    b = run_to_disk(RunPlan(systems=["lead3", SystemSpec(backend="random", options={"seed": 3}), "human"], paths=paths,
                            use_cache=False))
    assert a != b
    assert _strip_volatile(a) == _strip_volatile(b)
    assert records.read_header(a).run_id.split("-")[1] == records.read_header(b).run_id.split("-")[1]


def test_record_holds_everything(paths) -> None:
    path = run_to_disk(RunPlan(systems=["lead3"], paths=paths))
    rec = records.load_record(path)
    assert rec.signature.count("|") >= 8 and "refs:pooled" in rec.signature and "budget:100w" in rec.signature
    assert set(rec.packages) >= {"rouge-score", "nltk", "pydantic"}
    files = rec.clusters["balloon-2023-02"]
    assert len([f for f in files if f.startswith("sources/")]) == 5
    assert len([f for f in files if f.startswith("summaries/")]) >= 4
    assert {"checklist.yaml", "cluster.yaml"} <= set(files)
    run = rec.systems[0]
    assert run.system.options == {"k": 3, "lead": "earliest"} and run.system.version
    assert run.results[0].summary and run.results[0].scores and set(run.results[0].scores.rouge) == {
        "rouge1", "rouge2", "rougeL", "rougeLsum"}


def test_atomic_writes_respect_the_umask(tmp_path) -> None:
    import os
    import stat

    from evalsum.files import write_atomic

    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "x.md", "hello\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "x.md").stat().st_mode) == 0o644
    assert (tmp_path / "x.md").read_text() == "hello\n"
