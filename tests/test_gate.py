"""The CI gate: verdict rules on hand-made records, the baseline file, config, and the CLI's exit
codes 0, 1, 2 and 3 on real runs (a deliberately degraded lead3 must fail the gate by name)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from evalsum.analysis import gate
from evalsum.analysis.gate_config import GateConfig, MetricGate
from evalsum.analysis.leaderboard import cluster_metrics, latest_runs
from evalsum.config import Config, load_config
from evalsum.errors import DataError, UsageError
from evalsum.metrics.scorer import Scorer
from evalsum.models import (
    PRF,
    BudgetedSummary,
    ClusterResult,
    ClusterScore,
    FactScore,
    Failure,
    Record,
    Settings,
    SystemInfo,
    SystemRun,
)
from evalsum.run import registry
from evalsum.run.cluster import prepare_cluster
from evalsum.store.baseline import load_baseline, save_baseline
from evalsum.store.records import load_records
from evalsum.systems.lead import Lead3
from tests.conftest import CLUSTER, REFERENCES
from tests.gate_plugins import DROP_BEST
from tests.gatekit import cli, make_clusters, register

# ------------------------------------------------------------------ hand-made records


def result(cluster: str, r2: float, contradictions: int = 0, status: str = "ok") -> ClusterResult:
    if status != "ok":
        return ClusterResult(cluster_id=cluster, status="failed", failure=Failure(kind="backend", message="boom"))
    facts = FactScore(recall=0.5, total_weight=2, hit_weight=1, weights={"f1": 1, "f2": 1}, hits=[],
                      contradictions=[{"id": f"p{i}", "weight": 1, "sentence": "x"} for i in range(contradictions)])
    return ClusterResult(cluster_id=cluster, status="ok",
                         summary=BudgetedSummary(sentences=["x"], words=1, original_words=1, truncated=False),
                         scores=ClusterScore(rouge={"rouge2": PRF(p=r2, r=r2, f=r2)}, facts=facts), seconds=1.5)


def record(runs: dict[str, list[ClusterResult]], run_id: str = "20250101T000000Z-aaaa", budget: int = 100,
           seed: int = 0, packages: dict[str, str] | None = None) -> Record:
    return Record(run_id=run_id, created="2025-01-01T00:00:00+00:00", signature="sig",
                  settings=Settings(budget=budget, seed=seed).model_dump(mode="json"),
                  packages=packages or {"evalsum": "0.1.0"}, clusters={},
                  systems=[SystemRun(system=SystemInfo(name=n, backend=n, version="1", options={"k": 3}), results=r)
                           for n, r in runs.items()], seconds=3.0)


R2_ONLY = GateConfig(metrics={"rouge2_f": MetricGate(tolerance=0.005),
                              "contradictions": MetricGate(tolerance=0.0, better="lower")})


def verdicts(res: gate.GateResult) -> list[tuple[str, str, str | None, str]]:
    return [(r.system, r.metric, r.cluster, r.verdict) for r in res.rows]


def test_baseline_keeps_only_deterministic_fields() -> None:
    base = gate.build_baseline([record({"s": [result("c1", 0.3), result("c2", 0.2)]})])
    text = json.dumps(base.model_dump(mode="json"))
    for banned in ("created", "run_id", "seconds", "packages", "signature", "20250101", "0.1.0", "cached", "seed"):
        assert banned not in text
    s = base.systems["s"]
    assert s.means["rouge2_f"] == 0.25 and s.clusters["c2"]["rouge2_f"] == 0.2
    assert s.settings == {"budget": 100, "policy": "pooled", "stemmer": True}
    assert (s.version, s.options) == ("1", {"k": 3})


def test_baseline_is_identical_across_runs_timings_and_package_versions(tmp_path: Path) -> None:
    a = gate.build_baseline([record({"s": [result("c1", 1 / 3)]}, run_id="20250101T000000Z-aaaa")])
    b = gate.build_baseline([record({"s": [result("c1", 1 / 3)]}, run_id="20260202T000000Z-bbbb", seed=9,
                                    packages={"evalsum": "9.9", "numpy": "3.0"})])
    save_baseline(tmp_path / "a.json", a)
    save_baseline(tmp_path / "b.json", b)
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    text = (tmp_path / "a.json").read_text()
    assert '"rouge2_f": 0.333333' in text and text.endswith("}\n")
    assert load_baseline(tmp_path / "a.json") == a


def test_bless_refuses_a_failed_cluster_and_unknown_system() -> None:
    with pytest.raises(UsageError, match="cannot bless s: it failed on c2"):
        gate.build_baseline([record({"s": [result("c1", 0.3), result("c2", 0, status="failed")]})])
    with pytest.raises(UsageError, match="no record for system 'zz'"):
        gate.build_baseline([record({"s": [result("c1", 0.3)]})], ["zz"])


@pytest.mark.parametrize("current, verdict", [
    (0.294, "regression"),     # -0.006: beyond the 0.005 tolerance
    (0.295, "unchanged"),      # -0.005: exactly at the tolerance is allowed
    (0.296, "unchanged"),
    (0.305, "unchanged"),
    (0.306, "improvement"),
])
def test_tolerance_band(current: float, verdict: str) -> None:
    base = gate.build_baseline([record({"s": [result("c1", 0.3)]})])
    res = gate.check(base, [record({"s": [result("c1", current)]})], R2_ONLY)
    [r2] = [r for r in res.rows if r.metric == "rouge2_f"]
    assert r2.verdict == verdict
    assert r2.delta == pytest.approx(current - 0.3)
    assert res.failed == (verdict == "regression")


def test_contradictions_must_not_rise() -> None:
    base = gate.build_baseline([record({"s": [result("c1", 0.3, contradictions=1)]})])
    worse = gate.check(base, [record({"s": [result("c1", 0.3, contradictions=2)]})], R2_ONLY)
    better = gate.check(base, [record({"s": [result("c1", 0.3, contradictions=0)]})], R2_ONLY)
    assert ("s", "contradictions", None, "regression") in verdicts(worse) and worse.failed
    assert ("s", "contradictions", None, "improvement") in verdicts(better) and not better.failed


def test_mean_is_over_the_baseline_clusters_and_missing_ones_fail() -> None:
    base = gate.build_baseline([record({"s": [result("c1", 0.3), result("c2", 0.1)], "t": [result("c1", 0.2)]})])
    cur = record({"s": [result("c1", 0.3), result("c2", 0.1, status="failed"), result("c3", 0.0)],
                  "u": [result("c1", 0.2)]})
    res = gate.check(base, [cur], R2_ONLY)
    rows = verdicts(res)
    assert ("s", "cluster", "c2", "missing") in rows
    assert ("t", "system", None, "missing") in rows
    assert ("u", "system", None, "new") in rows
    # s's mean over the baseline's clusters that exist now (c1 only): 0.3 vs baseline 0.2 -> better.
    [r2] = [r for r in res.rows if r.system == "s" and r.metric == "rouge2_f"]
    assert (r2.baseline, r2.current, r2.verdict) == (0.2, 0.3, "improvement")
    assert res.failed and {r.system for r in res.failures} == {"s", "t"}


def test_other_score_settings_are_a_mismatch_but_seed_is_not() -> None:
    base = gate.build_baseline([record({"s": [result("c1", 0.3)]})])
    assert not gate.check(base, [record({"s": [result("c1", 0.3)]}, seed=7)], R2_ONLY).failed
    res = gate.check(base, [record({"s": [result("c1", 0.3)]}, budget=50)], R2_ONLY)
    assert ("s", "settings", None, "mismatch") in verdicts(res) and res.failed
    assert "budget: 100 -> 50" in res.rows[0].note


def test_a_metric_that_disappears_is_missing() -> None:
    base = gate.build_baseline([record({"s": [result("c1", 0.3)]})])
    cfg = GateConfig(metrics={"rouge2_f": MetricGate(), "novelty": MetricGate()})
    res = gate.check(base, [record({"s": [result("c1", 0.3)]})], cfg)
    assert verdicts(res) == [("s", "rouge2_f", None, "unchanged")]  # novelty: in neither, no row...
    assert gate.unknown_metrics(base, cfg) == ["novelty"]  # ...and the CLI refuses such a config
    base2 = base.model_copy(update={"systems": {"s": base.systems["s"].model_copy(
        update={"means": {**base.systems["s"].means, "novelty": 0.5}})}})
    assert ("s", "novelty", None, "missing") in verdicts(gate.check(base2, [record({"s": [result("c1", 0.3)]})], cfg))


# ------------------------------------------------------------------ config


def test_config_defaults_and_pyproject(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_config() == Config()
    assert set(Config().gate.metrics) == {"rouge1_f", "rouge2_f", "rougeLsum_f", "facts", "contradictions",
                                          "rouge3_f", "rouge4_f", "rougeL_f", "rougeW_f", "rougeSU4_f"}
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert load_config() == Config()
    (tmp_path / "pyproject.toml").write_text("[tool.evalsum.gate.metrics]\nrouge2_f = { tolerance = 0.01 }\n")
    assert load_config().gate.metrics == {"rouge2_f": MetricGate(tolerance=0.01)}
    plain = tmp_path / "gate.toml"
    plain.write_text("[gate.metrics]\ncontradictions = { tolerance = 1, better = 'lower' }\n")
    assert load_config(plain).gate.metrics == {"contradictions": MetricGate(tolerance=1.0, better="lower")}


def test_repository_pyproject_states_the_default_gate() -> None:
    assert load_config(REFERENCES.parent / "pyproject.toml").gate == Config().gate


@pytest.mark.parametrize("body, where", [
    ("[tool.evalsum.gate.metrics]\nrouge2_f = { tolerance = -1 }\n",
     "field tool.evalsum.gate.metrics.rouge2_f.tolerance"),
    ("[tool.evalsum.gate]\nmetric = {}\n", "field tool.evalsum.gate.metric"),
    ("[tool.evalsum.gate.metrics]\nrouge2_f = { better = 'up' }\n", "field tool.evalsum.gate.metrics.rouge2_f.better"),
    ("[tool.evalsum\n", None),
])
def test_bad_config_names_file_and_field(tmp_path: Path, body: str, where: str | None) -> None:
    p = tmp_path / "pyproject.toml"
    p.write_text(body)
    with pytest.raises(DataError) as e:
        load_config(p)
    assert e.value.path == str(p) and e.value.where == where
    if where is None:
        assert "TOML syntax error" in str(e.value)


# ------------------------------------------------------------------ baseline file errors


@pytest.mark.parametrize("content, where", [
    (None, None),
    ('{"schema_version": 1, "systems": {\n', "line 2"),
    ('{"schema_version": 2, "systems": {"s": {"name": "s"}}}', "field systems.s.backend"),
    ('{"schema_version": 1, "systems": {}}', "field schema_version"),
    ("[1, 2]", None),
])
def test_missing_or_corrupt_baseline_is_a_data_error(tmp_path: Path, content: str | None, where: str | None) -> None:
    p = tmp_path / "baseline.json"
    if content is not None:
        p.write_text(content)
    with pytest.raises(DataError) as e:
        load_baseline(p)
    assert e.value.path == str(p) and e.value.where == where


# ------------------------------------------------------------------ through the CLI


def _run(res: Path, *systems: str, refs: Path = REFERENCES, extra: tuple[str, ...] = ()) -> int:
    args = ["run", "--references", str(refs), "--results", str(res), *extra]
    for s in systems:
        args += ["--system", s]
    return cli(*args)


def test_drop_best_plugin_drops_lead3s_best_sentence() -> None:
    """Of lead3's three sentences on the bundled cluster, removing the first lowers every ROUGE F
    the most: the degraded plugin removes exactly that one."""
    from evalsum.gold import corpus
    from evalsum.models import Budget

    cluster = corpus.load_cluster(REFERENCES / CLUSTER)
    scorer = Scorer(Settings())
    gold = scorer.gold(cluster)
    sents = Lead3().summarise(prepare_cluster(cluster), Budget()).sentences
    assert len(sents) == 3
    full = scorer.score(sents, gold).rouge
    losses = [{t: full[t].f - scorer.score(sents[:i] + sents[i + 1:], gold).rouge[t].f for t in full} for i in range(3)]
    for t in ("rouge1", "rouge2", "rougeLsum"):
        assert max(range(3), key=lambda i: losses[i][t]) == 0
        assert losses[0][t] > 0.02


def test_check_fails_with_the_degraded_backend_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    res = tmp_path / "results"
    assert _run(res, "lead3", "random") == 0
    assert cli("bless", "--results", str(res)) == 0
    baseline = res / "baseline.json"
    blessed = baseline.read_bytes()
    base_r2 = load_baseline(baseline).systems["lead3"].means["rouge2_f"]

    # Unchanged backends: a fresh run passes.
    assert _run(res, "lead3", "random") == 0
    capsys.readouterr()
    assert cli("check", "--baseline", str(baseline), "--results", str(res)) == 0
    out = capsys.readouterr().out
    assert "## evalsum check: passed" in out
    assert f"| lead3 | generated | rouge2_f | {base_r2:.4f} | {base_r2:.4f} | +0.0000 | 0.0050 | unchanged |  |" in out
    assert "regression" not in out and "missing" not in out

    # lead3 loses its best sentence: the gate fails and names it; random is untouched.
    monkeypatch.setitem(registry.BUILTINS, "lead3", DROP_BEST)
    assert _run(res, "lead3", "random") == 0
    [(_, degraded)] = [(r, s) for r, s in latest_runs(load_records(res / "runs")) if s.system.name == "lead3"]
    cur_r2 = round(cluster_metrics(degraded.results[0])["rouge2_f"], 6)
    assert cur_r2 < base_r2 - 0.005
    md = tmp_path / "summary.md"
    capsys.readouterr()
    assert cli("check", "--baseline", str(baseline), "--results", str(res), "--markdown", str(md)) == 1
    captured = capsys.readouterr()
    table = md.read_text()
    assert table == captured.out
    assert "## evalsum check: FAILED" in table
    for metric in ("rouge1_f", "rouge2_f", "rougeLsum_f"):
        assert f"gate failed: lead3 {metric}: regression (version 1 -> 1-dropbest; backend code changed" in captured.err
        assert f"| random | generated | {metric} |" in table
    assert (f"| lead3 | generated | rouge2_f | {base_r2:.4f} | {cur_r2:.4f} | {round(cur_r2 - base_r2, 6):+.4f} | "
            "0.0050 | **regression** | version 1 -> 1-dropbest; backend code changed since the baseline (") in table
    assert "random" not in captured.err
    assert "Failed for: lead3." in table
    assert baseline.read_bytes() == blessed  # check never rewrites the baseline

    # --json: the same rows and the same rule.
    capsys.readouterr()
    assert cli("check", "--baseline", str(baseline), "--results", str(res), "--json") == 1
    data = json.loads(capsys.readouterr().out)
    assert data["failed"] is True
    failing = {(r["system"], r["metric"]) for r in data["rows"] if r["failed"]}
    assert {("lead3", "rouge1_f"), ("lead3", "rouge2_f"), ("lead3", "rougeLsum_f")} <= failing
    assert {system for system, _ in failing} == {"lead3"}


def test_exit_code_follows_the_verdict_rows(tmp_path: Path, capsys) -> None:
    """Missing system or cluster fails; a new system alone does not."""
    refs = make_clusters(tmp_path, 2)
    res = tmp_path / "results"
    assert _run(res, "lead3", refs=refs) == 0
    assert cli("bless", "--results", str(res)) == 0
    base = res / "baseline.json"

    assert _run(res, "lead-k", refs=refs) == 0  # lead3's latest run is still there; lead-k is new
    capsys.readouterr()
    assert cli("check", "--baseline", str(base), "--results", str(res), "--json") == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert ("lead-k", "system", "new", False) in {(r["system"], r["metric"], r["verdict"], r["failed"]) for r in rows}

    assert _run(res, "lead3", refs=refs, extra=("--cluster", "synthetic-01")) == 0
    capsys.readouterr()
    assert cli("check", "--baseline", str(base), "--results", str(res)) == 1
    assert "gate failed: lead3 cluster synthetic-00: missing (not in the current run)" in capsys.readouterr().err

    other = tmp_path / "other"
    assert _run(other, "lead-k", refs=refs) == 0
    capsys.readouterr()
    assert cli("check", "--baseline", str(base), "--results", str(other)) == 1
    assert "gate failed: lead3 system: missing" in capsys.readouterr().err

    assert _run(res, "lead3", refs=refs, extra=("--budget", "50")) == 0
    capsys.readouterr()
    assert cli("check", "--baseline", str(base), "--results", str(res)) == 1
    assert "lead3 settings: mismatch" in capsys.readouterr().err


def test_check_exit_2_on_missing_or_corrupt_baseline_and_bad_config(tmp_path: Path, capsys) -> None:
    res = tmp_path / "results"
    assert _run(res, "lead3") == 0
    capsys.readouterr()
    missing = tmp_path / "nope.json"
    assert cli("check", "--baseline", str(missing), "--results", str(res)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(missing) in err and "Traceback" not in err

    corrupt = tmp_path / "baseline.json"
    corrupt.write_text('{"schema_version": 1,\n "systems": [\n')
    assert cli("check", "--baseline", str(corrupt), "--results", str(res)) == 2
    err = capsys.readouterr().err
    assert err == (f"error: {corrupt}:line 3: corrupt baseline (not valid JSON: Expecting value); "
                   "restore it from git or re-bless\n")

    assert cli("bless", "--results", str(res)) == 0
    bad = tmp_path / "gate.toml"
    bad.write_text("[gate.metrics]\nrouge2_f = { tolerance = 'wide' }\n")
    capsys.readouterr()
    assert cli("check", "--results", str(res), "--config", str(bad)) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {bad}:field gate.metrics.rouge2_f.tolerance: ") and err.count("\n") == 1

    empty = tmp_path / "empty"
    assert cli("check", "--baseline", str(res / "baseline.json"), "--results", str(empty)) == 2
    assert "no records yet" in capsys.readouterr().err


def test_unavailable_backend_exits_3_and_still_writes_the_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 capsys) -> None:
    register(monkeypatch)
    res = tmp_path / "results"
    assert _run(res, "lead3", "endpoint") == 3
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    assert "backend unavailable: endpoint on balloon-2023-02: endpoint http://127.0.0.1:9/v1" in err
    assert len(list((res / "runs").glob("*.jsonl"))) == 1 and (res / "LEADERBOARD.md").is_file()
    # Blessing a backend that could not run is refused (exit 2) rather than silently dropped.
    assert cli("bless", "--results", str(res)) == 2
    assert "cannot bless endpoint" in capsys.readouterr().err
    assert cli("bless", "--results", str(res), "--system", "lead3") == 0


def test_latest_run_is_the_last_written_even_within_one_second(tmp_path: Path) -> None:
    """The gate reads each system's latest run: two runs in the same second must not swap, neither
    through the writer's `-2` suffix (which sorts before `.jsonl`) nor through arbitrary hashes."""
    import os

    from evalsum.analysis.leaderboard import latest_runs
    from evalsum.models import RecordHeader, ResultLine
    from evalsum.store.records import RecordWriter, load_records

    def write(run_id: str, r2: float, mtime_ns: int | None = None) -> Path:
        head = RecordHeader(run_id=run_id, created="2025-01-01T00:00:00+00:00", signature="sig", settings={},
                            packages={}, systems=[SystemInfo(name="s", backend="s", version="1", options={})])
        w = RecordWriter(tmp_path, head)
        w.add(ResultLine(system="s", result=result("c1", r2)))
        path = w.close(0.0)
        if mtime_ns is not None:
            os.utime(path, ns=(mtime_ns, mtime_ns))
        return path

    first = write("20250101T000000Z-aaaaaaaa", 0.1, 1_000_000_000)
    second = write("20250101T000000Z-aaaaaaaa", 0.2, 1_000_000_000)  # same id, same mtime tick
    assert (first.name, second.name) == ("20250101T000000Z-aaaaaaaa.jsonl", "20250101T000000Z-aaaaaaaa-2.jsonl")
    [(_, run)] = latest_runs(load_records(tmp_path))
    assert run.results[0].scores is not None and run.results[0].scores.rouge["rouge2"].f == 0.2
    write("20250101T000000Z-00000000", 0.3, 2_000_000_000)  # other hash, written later, sorts first by name
    [(_, run)] = latest_runs(load_records(tmp_path))
    assert run.results[0].scores is not None and run.results[0].scores.rouge["rouge2"].f == 0.3
    write("20241231T235959Z-ffffffff", 0.4, 3_000_000_000)  # an older run id copied in later stays older
    [(_, run)] = latest_runs(load_records(tmp_path))
    assert run.results[0].scores is not None and run.results[0].scores.rouge["rouge2"].f == 0.3


def test_committed_baseline_passes_on_a_fresh_run_of_its_systems(tmp_path: Path, capsys) -> None:
    """What .ci/run checks, for the systems this checkout's baseline holds."""
    committed = REFERENCES.parent / "results" / "baseline.json"
    base = load_baseline(committed)
    assert {"lead3", "random", "oracle", "human"} <= set(base.systems)
    res = tmp_path / "results"
    # Each row as `-s BACKEND[options]`: the default label gives the row its name back.
    runnable = [f"{b.backend}[{','.join(f'{k}={v}' for k, v in b.options.items())}]"
                for b in base.systems.values() if b.backend in registry.specs()]
    assert _run(res, *runnable) == 0
    capsys.readouterr()
    assert cli("check", "--baseline", str(committed), "--results", str(res)) == 0, capsys.readouterr().err


def test_bless_all_takes_the_ci_systems_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setattr(registry, "CORE", ("lead3", "random"))
    res = tmp_path / "results"
    assert _run(res, "lead3", "random", "lead-k") == 0
    capsys.readouterr()
    assert cli("bless", "--all", "--results", str(res)) == 0
    assert capsys.readouterr().out == f"blessed 2 systems (lead3, random) on 1 cluster: {res / 'baseline.json'}\n"
    assert set(load_baseline(res / "baseline.json").systems) == {"lead3", "random"}
    monkeypatch.setattr(registry, "CORE", ("lead3", "textrank"))
    assert cli("bless", "--all", "--results", str(res)) == 2
    assert "no record for system 'textrank'" in capsys.readouterr().err


def test_markdown_escapes_pipes_and_newlines_in_notes() -> None:
    base = gate.build_baseline([record({"s": [result("c1", 0.3)]})])
    bad = result("c1", 0, status="failed").model_copy(update={"failure": Failure(kind="backend",
                                                                                 message="HTTP 500 | upstream\nreset")})
    md = gate.render_markdown(gate.check(base, [record({"s": [bad]})], R2_ONLY), "b.json")
    assert "| s | – | cluster c1 | – | – | – | – | **missing** | failed: backend: HTTP 500 \\| upstream reset |" in md
    assert all(line.count(" | ") == 8 for line in md.splitlines() if line.startswith("| s |"))


def test_leaderboard_intervals_cover_rouge_and_facts_only_at_6_clusters() -> None:
    from evalsum.analysis import leaderboard as report
    from evalsum.analysis import stats

    r2 = [0.1, 0.3, 0.2, 0.25, 0.15, 0.35]
    rec = record({"s": [result(f"c{i}", v) for i, v in enumerate(r2)]}, seed=5)
    [row] = report.build([rec]).rows
    assert set(row.intervals) == {"rouge2_f", "facts"}  # rouge1/Lsum absent from these hand-made scores
    assert row.intervals["rouge2_f"] == stats.bootstrap(r2, seed=5)
    assert row.intervals["facts"].low == row.intervals["facts"].high == 0.5
    assert row.seed == 5 and (row.section, row.rank, row.group) == ("ranked", 1, 1)
    assert "| 1 | 1 | s | 6 | – | 22.5 [" in report.render_markdown(report.build([rec]))
    # Five clusters: no interval, and the note gives that reason, not "a single cluster".
    five = report.build([record({"s": [result(f"c{i}", v) for i, v in enumerate(r2[:5])]})])
    assert five.rows[0].intervals == {}
    assert "No interval (n=5 clusters, below 6): s." in report.render_markdown(five)
    # A failed cluster: incomplete, with its coverage and reason, no interval.
    runs = [*(result(f"c{i}", v) for i, v in enumerate(r2)), result("c9", 0, status="failed")]
    failed = report.build([record({"s": runs})])
    [row] = failed.rows
    assert (row.section, row.coverage, row.intervals, row.rank) == ("incomplete", "6/7", {}, None)
    assert row.reason == "1 failed (first: c9: backend: boom)"
    assert "| s | 6/7 | 22.5 | 1 failed (first: c9: backend: boom) |" in report.render_markdown(failed)


def test_misspelt_gate_metric_exits_2_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    res = tmp_path / "results"
    assert cli("run", "-s", "lead3", "--references", str(REFERENCES), "--results", str(res)) == 0
    assert cli("bless", "--results", str(res)) == 0
    cfg = tmp_path / "gate.toml"
    cfg.write_text("[gate.metrics]\nrouge1_F = { tolerance = 0.005 }\n")
    capsys.readouterr()
    assert cli("check", "--results", str(res), "--config", str(cfg)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"{cfg}:field gate.metrics.rouge1_F: no baseline system has metric 'rouge1_F'" in err
