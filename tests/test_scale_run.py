"""Many clusters: --jobs gives the --jobs 1 record, shards partition the clusters, and merging the
shard records gives the unsharded record; the leaderboard streams and skips shard records."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from evalsum.analysis import leaderboard as report
from evalsum.analysis import leaderboard_rows
from evalsum.errors import DataError, UsageError
from evalsum.gold import dataset, synthetic
from evalsum.models import Settings
from evalsum.run import merge, runner
from evalsum.run import shards as shard
from evalsum.run.plan import Paths, RunPlan, SystemSpec
from evalsum.store import records
from tests.test_dataset_import import _comparable
from tests.test_smoke_cli import cli

SPECS = [SystemSpec(backend=n) for n in ("lead3", "random", "oracle", "human")]


@pytest.fixture(scope="module")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("data") / "synthetic.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for c in synthetic.clusters(14, seed=7):
            fh.write(dataset.dumps_line(c))
    return path


LIGHT = [SystemSpec(backend="lead3"), SystemSpec(backend="random")]


def run(path: Path, results: Path, specs: list[SystemSpec] = SPECS, **kw: Any) -> Path:
    return runner.run_to_disk(RunPlan(systems=specs, paths=Paths(results=results), use_cache=False, dataset=path,
                                      rouge_engine="python", **kw))


def test_synthetic_clusters_are_seeded() -> None:
    a = [dataset.dumps_line(c) for c in synthetic.clusters(3, seed=1)]
    assert a == [dataset.dumps_line(c) for c in synthetic.clusters(3, seed=1)]
    assert a != [dataset.dumps_line(c) for c in synthetic.clusters(3, seed=2)]
    assert [c.id for c in synthetic.clusters(3, seed=1)] == ["syn-1-000000", "syn-1-000001", "syn-1-000002"]


def test_jobs_give_the_same_record_in_the_same_order(synth: Path, tmp_path: Path) -> None:
    one = _comparable(run(synth, tmp_path / "one"))
    two = _comparable(run(synth, tmp_path / "two", jobs=2))
    assert len(one) == 2 + 14 * len(SPECS)
    assert one == two


def test_shards_partition_deterministically() -> None:
    ids = [f"cluster-{i:03d}" for i in range(200)]
    parts = [shard.select(ids, shard.Shard(i, 4)) for i in range(1, 5)]
    assert sorted(x for p in parts for x in p) == ids                    # every cluster once
    assert all(p == [x for x in ids if x in set(p)] for p in parts)       # order kept
    assert all(30 <= len(p) <= 70 for p in parts)                        # roughly balanced
    # Pinned: sha256("balloon-2023-02") starts 1517ecb4318c284a = 1519943657930369098, and
    # 1 + that mod (1, 2, 3, 4, 7) is (1, 1, 2, 3, 1). The assignment must never change silently.
    assert [shard.shard_of("balloon-2023-02", n) for n in (1, 2, 3, 4, 7)] == [1, 1, 2, 3, 1]
    # A cluster's shard depends on its id only, not on the others.
    assert shard.select(ids[:10], shard.Shard(2, 4)) == [x for x in parts[1] if x in ids[:10]]


@pytest.mark.parametrize("spec", ["0/4", "5/4", "2", "a/b", "1/0"])
def test_bad_shard_specs(spec: str) -> None:
    with pytest.raises(UsageError, match="--shard"):
        shard.parse(spec)


def test_merged_shards_equal_the_unsharded_run(synth: Path, tmp_path: Path) -> None:
    whole = run(synth, tmp_path / "whole")
    parts = [run(synth, tmp_path / f"s{i}", shard=shard.Shard(i, 3)) for i in (1, 2, 3)]
    counts = [sum(1 for x in records.iter_record(p) if isinstance(x, records.ResultLine)) for p in parts]
    assert sum(counts) == 14 * len(SPECS) and all(counts)
    merged = merge.merge(parts[::-1], tmp_path / "merged")  # the order of the arguments does not matter
    assert _comparable(merged) == _comparable(whole)
    header = records.read_header(merged)
    assert header.run_id.split("-", 1)[1] == records.read_header(whole).run_id.split("-", 1)[1]  # same run, other time


def test_merge_via_cli_and_leaderboard_ignores_shard_records(synth: Path, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    res = tmp_path / "results"
    for i in (1, 2):
        assert cli("run", "-s", "lead3", "-s", "random", "--dataset", str(synth), "--shard", f"{i}/2",
                   "--results", str(res), "--no-cache") == 0
    assert "shard 2/2:" in capsys.readouterr().out
    assert not report.build_from_paths(records.record_paths(res / "runs")).rows  # shards alone are no run
    shards = records.record_paths(res / "runs")
    assert cli("merge", *map(str, shards), "--results", str(res)) == 0
    assert "merged 2 shards" in capsys.readouterr().out
    board = report.build_from_paths(records.record_paths(res / "runs"))
    assert {r.system: r.clusters for r in board.rows} == {"lead3": 14, "random": 14}
    expected = report.build([records.load_record(run(synth, tmp_path / "whole", LIGHT))])
    assert {r.system: r.metrics for r in board.rows} == {r.system: r.metrics for r in expected.rows}


def test_merge_refuses_what_does_not_belong_together(synth: Path, tmp_path: Path) -> None:
    a1 = run(synth, tmp_path / "a1", LIGHT, shard=shard.Shard(1, 2))
    a2 = run(synth, tmp_path / "a2", LIGHT, shard=shard.Shard(2, 2))
    other_budget = run(synth, tmp_path / "b", LIGHT, settings=Settings(budget=50), shard=shard.Shard(2, 2))
    fewer_systems = run(synth, tmp_path / "c", LIGHT[:1], shard=shard.Shard(2, 2))
    three = run(synth, tmp_path / "d", LIGHT, shard=shard.Shard(3, 3))
    unsharded = run(synth, tmp_path / "e", LIGHT)
    out = tmp_path / "out"
    cases = [
        ([a1, other_budget], f"{other_budget}:header signature: differs from {a1}"),
        ([a1, fewer_systems], f"{fewer_systems}:header systems: differs from {a1}; shards must come from one run"),
        ([a1], f"{a1}: missing shard record(s) 2/2: merge needs all 2"),
        ([a1, a1, a2], f"{a1}:header shard: shard 1/2 is also {a1}"),
        ([a1, three], f"{three}:header shard: is 3/3, but {a1} is one of 2 shards"),
        ([a1, unsharded], f"{unsharded}:line 1: not a shard record"),
    ]
    for paths, message in cases:
        with pytest.raises(DataError) as e:
            merge.merge(paths, out)
        assert str(e.value).startswith(message), str(e.value)
    assert records.record_paths(out) == []  # nothing was published


def test_merge_detects_a_truncated_shard(synth: Path, tmp_path: Path) -> None:
    a1 = run(synth, tmp_path / "a1", LIGHT, shard=shard.Shard(1, 2))
    a2 = run(synth, tmp_path / "a2", LIGHT, shard=shard.Shard(2, 2))
    lines = a2.read_text().splitlines(keepends=True)
    a2.write_text("".join(lines[:3] + lines[-1:]))  # header, two results, footer
    # Caught as the record streams (records.iter_record checks the footer's count), before merge's own checks.
    with pytest.raises(DataError, match=r"line 4, field results: footer counts \d+ results but the record holds 2"):
        merge.merge([a1, a2], tmp_path / "out")


def test_streamed_leaderboard_equals_the_materialised_one(synth: Path, tmp_path: Path) -> None:
    res = tmp_path / "r"
    runner.run_to_disk(RunPlan(systems=SPECS[:2], settings=Settings(), paths=Paths(results=res), use_cache=False,
                               dataset=synth, rouge_engine="python"))
    run(synth, res, [SPECS[1], SPECS[3]], clusters=("syn-7-000003", "syn-7-000001"))
    paths = records.record_paths(res / "runs")
    assert len(paths) == 2
    streamed = report.build_from_paths(paths)
    assert streamed == report.build(records.load_records(res / "runs"))
    # Later records replace earlier ones per system: the second run sorts last even within one
    # second (run id time, then file age), so its 2-cluster random run wins.
    assert [s.name for s in records.read_header(paths[-1]).systems] == [SPECS[1].backend, SPECS[3].backend]
    assert {r.system: r.clusters for r in streamed.rows} == {"lead3": 14, "random": 2, "human": 2}


def test_a_data_error_in_a_worker_reads_as_with_one_job(refs_copy: Path, tmp_path: Path) -> None:
    for p in (refs_copy / "balloon-2023-02" / "summaries").iterdir():
        p.unlink()
    messages = []
    for jobs in (1, 2):
        with pytest.raises(DataError) as e:
            runner.run_to_disk(RunPlan(systems=LIGHT, settings=Settings(), paths=Paths(refs_copy, tmp_path / str(jobs)),
                                       use_cache=False, jobs=jobs))
        messages.append(str(e.value))
    assert messages[0] == messages[1] == (f"{refs_copy / 'balloon-2023-02'}:summaries/: "
                                          "cluster has no reference summaries")


def test_folded_means_and_intervals_equal_the_list_based_ones(synth: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    path = run(synth, tmp_path / "r", LIGHT)
    rec = records.load_record(path)
    monkeypatch.setattr(leaderboard_rows, "DETAIL_CLUSTERS", 5)
    board = report.build_from_paths([path])
    for srun in rec.systems:
        [row] = [r for r in board.rows if r.system == srun.system.name]
        assert row.metrics == report.mean_metrics(srun)          # bit for bit, not approximately
        assert row.intervals == report.intervals(srun, 0)
        assert set(row.intervals) == {"rouge1_f", "rouge2_f", "rougeLsum_f"}
        assert len(row.details.quality) == 5 and row.details.quality_omitted == 9
    assert "... and 9 more clusters (their details are in the record)." in report.render_markdown(board)


def test_gate_ignores_shard_records_until_merged(tmp_path: Path) -> None:
    from tests.conftest import REFERENCES, cli

    res = tmp_path / "results"
    base = ("--references", str(REFERENCES), "--results", str(res))
    assert cli("run", "-s", "lead3", *base) == 0
    assert cli("bless", "--results", str(res)) == 0
    # Shard 2/2 of a one-cluster run holds no result at all: it must not replace the full run.
    for i in (1, 2):
        assert cli("run", "-s", "lead3", "--shard", f"{i}/2", *base) in (0, 2)
    assert cli("check", "--results", str(res)) == 0
    [(rec, _)] = report.latest_runs(records.load_records(res / "runs"))
    assert rec.shard is None
