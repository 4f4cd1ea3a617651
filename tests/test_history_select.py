"""Issue 16, history that stays cheap: the leaderboard chooses its rows from the record index and
folds only the records those rows come from. Over random histories (systems rerun on part of the
clusters, failed clusters, changed gold data, other settings keys) that gives exactly the board of
the records in memory, from a fresh index and from a saved one; and a refresh after 400 old
records re-reads only the records its rows come from."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evalsum.analysis import leaderboard, leaderboard_fold
from evalsum.gold import dataset, synthetic
from evalsum.models import Failure, RecordHeader, ResultLine
from evalsum.run import runner
from evalsum.run.plan import Paths, RunPlan, SystemSpec
from evalsum.store import records
from evalsum.store.index import RecordIndex, latest_record_paths

CLUSTERS = 6


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[RecordHeader, list[ResultLine]]:
    """A real record: lead3, random and oracle on six synthetic clusters."""
    tmp = tmp_path_factory.mktemp("history")
    data = tmp / "synthetic.jsonl"
    data.write_text("".join(dataset.dumps_line(c) for c in synthetic.clusters(CLUSTERS, seed=3)), encoding="utf-8")
    specs = tuple(SystemSpec(backend=n) for n in ("lead3", "random", "oracle"))
    path = runner.run_to_disk(RunPlan(systems=specs, paths=Paths(results=tmp / "r"), use_cache=False, dataset=data,
                                      rouge_engine="python"))
    items = list(records.iter_record(path))
    header = items[0]
    assert isinstance(header, RecordHeader)
    return header, [i for i in items if isinstance(i, ResultLine)]


# One record of a history: which systems, which clusters, which fail, whose gold changed, which key.
runs = st.fixed_dictionaries({
    "systems": st.sets(st.sampled_from(["lead3", "random", "oracle"]), min_size=1),
    "clusters": st.one_of(st.just(set(range(CLUSTERS))), st.sets(st.integers(0, CLUSTERS - 1), min_size=1)),
    "failed": st.one_of(st.just(set()), st.sets(st.integers(0, CLUSTERS - 1), max_size=2)),
    "gold": st.one_of(st.just(set()), st.just(set()), st.sets(st.integers(0, CLUSTERS - 1), max_size=1)),
    "key": st.sampled_from([None, None, "other-settings"]),
    "shard": st.booleans(),
})


def _write(folder: Path, n: int, spec: dict[str, Any], base: tuple[RecordHeader, list[ResultLine]],
           edits: dict[int, str]) -> None:
    header, lines = base
    ids = sorted({r.result.cluster_id for r in lines})
    for c in spec["gold"]:
        edits[c] = f"{n:064x}"  # this record and later ones see a new hash for that cluster's gold
    run_id = f"20200101T{n // 3600:02d}{n // 60 % 60:02d}{n % 60:02d}Z-{n:08x}"  # sorts by n
    systems = [s for s in header.systems if s.name in spec["systems"]]
    head = header.model_copy(update={"run_id": run_id, "systems": systems, "key": spec["key"] or header.key,
                                     "shard": "1/2" if spec["shard"] and n % 3 == 0 else None})
    out = [head.model_dump(mode="json")]
    for line in lines:
        i = ids.index(line.result.cluster_id)
        if line.system not in spec["systems"] or i not in spec["clusters"]:
            continue
        files = {k: edits.get(i, v) for k, v in line.cluster_files.items()}
        result = line.result
        if i in spec["failed"]:
            result = result.model_copy(update={"status": "failed", "scores": None,
                                               "failure": Failure(kind="backend", message=f"boom {n}")})
        out.append(line.model_copy(update={"cluster_files": files, "result": result}).model_dump(mode="json"))
    out.append({"kind": "footer", "results": len(out) - 1, "seconds": 0.0})
    text = "".join(json.dumps(o, allow_nan=False) + "\n" for o in out)
    (folder / f"{run_id}{records.SUFFIX}").write_text(text, encoding="utf-8")


@settings(max_examples=25, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(runs, min_size=1, max_size=7))
def test_the_indexed_board_equals_the_board_of_every_record(base: tuple[RecordHeader, list[ResultLine]],
                                                           tmp_path_factory: pytest.TempPathFactory,
                                                           history: list[dict[str, Any]]) -> None:
    res = tmp_path_factory.mktemp("h")
    (res / "runs").mkdir()
    edits: dict[int, str] = {}
    for n, spec in enumerate(history):
        _write(res / "runs", n, spec, base, edits)
    paths = records.record_paths(res / "runs")
    whole = leaderboard.build(records.load_records(res / "runs"))
    index = RecordIndex(res)
    assert leaderboard.build_from_paths(paths, index=index) == whole
    assert index.reads == len(paths)
    index.save()
    again = RecordIndex(res)
    assert leaderboard.build_from_paths(paths, index=again) == whole
    assert again.reads == 0
    assert leaderboard.build_from_paths(paths) == whole  # no index: every record read, same board
    every = leaderboard.latest_runs(records.load_records(res / "runs"))
    some = leaderboard.latest_runs([records.load_record(p) for p in latest_record_paths(res)])
    assert [(r.run_id, run) for r, run in some] == [(r.run_id, run) for r, run in every]  # what the gate reads


def test_a_refresh_after_400_old_records_reads_only_the_records_its_rows_come_from(
        base: tuple[RecordHeader, list[ResultLine]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    res = tmp_path / "results"
    (res / "runs").mkdir(parents=True)
    everything = {"systems": {"lead3", "random", "oracle"}, "clusters": set(range(CLUSTERS)), "failed": set(),
                  "gold": set(), "key": None, "shard": False}
    for n in range(400):
        _write(res / "runs", n, everything, base, {})
    index = RecordIndex(res)
    leaderboard.build_from_paths(records.record_paths(res / "runs"), index=index)
    index.save()
    _write(res / "runs", 400, {**everything, "systems": {"lead3"}}, base, {})  # a new run of one system
    opened: list[Path] = []
    real = leaderboard_fold.iter_record
    monkeypatch.setattr(leaderboard_fold, "iter_record", lambda p: (opened.append(Path(p)), real(p))[1])
    paths = records.record_paths(res / "runs")
    index = RecordIndex(res)
    board = leaderboard.build_from_paths(paths, index=index)
    assert index.reads == 1  # the new record, read into the index
    # lead3's row is the new record, random's and oracle's the newest old one: two records folded
    assert sorted(p.name for p in opened) == sorted(p.name for p in paths[-2:])
    assert {r.system: r.section for r in board.rows} == {"lead3": "ranked", "random": "ranked", "oracle": "ceiling"}
    # compare, bless and check read the records of each system's latest run, the same two
    assert latest_record_paths(res) == paths[-2:]


def test_a_whole_record_with_no_results_makes_no_table(base: tuple[RecordHeader, list[ResultLine]],
                                                       tmp_path: Path) -> None:
    """A header and a footer only (hand-made) is nothing to rank, not an error in the rank test."""
    res = tmp_path / "results"
    (res / "runs").mkdir(parents=True)
    everything = {"systems": {"lead3", "random"}, "clusters": set(range(CLUSTERS)), "failed": set(), "gold": set(),
                  "key": None, "shard": False}
    _write(res / "runs", 0, everything, base, {})
    header, _ = base
    empty = header.model_copy(update={"run_id": "20200101T000001Z-00000001"})
    (res / "runs" / f"{empty.run_id}{records.SUFFIX}").write_text(
        json.dumps(empty.model_dump(mode="json")) + "\n" + '{"kind": "footer", "results": 0, "seconds": 0.0}\n',
        encoding="utf-8")
    board = leaderboard.build_from_paths(records.record_paths(res / "runs"), index=RecordIndex(res))
    assert len(board.tables) == 1 and board.tables[0].clusters == CLUSTERS
    assert sorted(r.system for r in board.rows) == ["lead3", "random"]
