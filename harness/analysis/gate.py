"""The CI gate: a baseline made from records, and the verdicts of current records against it.

The baseline keeps only what a run determines: per row its label, backend, version, code digest,
output-affecting options (never transport ones such as a URL or a timeout), the evaluation
settings that change scores, per-cluster metrics and their means. No timings, no
timestamps, no run ids, no package versions, so re-blessing unchanged code gives the same file.
Numbers are rounded to ROUND decimals on both sides before comparison, so last-bit float noise
between machines never shows up as a change, and tolerances are absolute.

`check` returns verdict rows; the result fails exactly when a row fails, so the table a user
reads and the exit code CI acts on come from the same rule. Pure: no disk, no printing.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from evalsum.analysis import stats
from evalsum.analysis.gate_config import GateConfig, MetricGate, default_metrics
from evalsum.analysis.leaderboard import cluster_metrics, latest_runs
from evalsum.errors import UsageError
from evalsum.models import Record, Settings, SystemRun
from evalsum.store.baseline import Baseline, BaselineSystem
from evalsum.text.markdown import cell

ROUND = 6
# Settings that change scores; a mismatch makes every number incomparable. The seed only moves
# bootstrap intervals, which the baseline does not hold.
SCORE_SETTINGS = ("budget", "policy", "stemmer")
# A float compared after rounding: anything below this is rounding, not a change.
EPS = 10.0 ** -(ROUND + 3)

VerdictKind = Literal["regression", "improvement", "unchanged", "missing", "mismatch", "new"]
FAILING: frozenset[str] = frozenset({"regression", "missing", "mismatch"})


class VerdictRow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    system: str
    metric: str = Field(description="a metric name, or `system`, `cluster` or `settings` for presence rows")
    cluster: str | None = None
    baseline: float | None = None
    current: float | None = None
    delta: float | None = None
    tolerance: float | None = None
    verdict: VerdictKind
    note: str = ""
    generated: int = Field(default=0, description="the row's summaries this run made by calling the backend")
    cached: int = Field(default=0, description="the row's summaries read from the cache")

    @property
    def summaries(self) -> str:
        """Where the row's summaries came from: `generated`, `cached`, or both with counts."""
        if not self.generated and not self.cached:
            return ""
        if not self.cached:
            return "generated"
        if not self.generated:
            return "cached"
        return f"{self.generated} generated, {self.cached} cached"

    @property
    def failed(self) -> bool:
        return self.verdict in FAILING


class GateResult(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    rows: list[VerdictRow]

    @property
    def failed(self) -> bool:
        """The one rule: the gate fails exactly when a row in the table fails."""
        return any(r.failed for r in self.rows)

    @property
    def failures(self) -> list[VerdictRow]:
        return [r for r in self.rows if r.failed]


def _round(x: float) -> float:
    return round(float(x), ROUND) + 0.0  # + 0.0 turns -0.0 into 0.0, so the file never shows "-0.0"


def _ok_metrics(run: SystemRun) -> dict[str, dict[str, float]]:
    return {r.cluster_id: cluster_metrics(r) for r in run.results if r.status == "ok"}


def _means(per: dict[str, dict[str, float]], clusters: Iterable[str]) -> dict[str, float]:
    """Exact means (fsum) of each metric over the given clusters that have it."""
    rows = [per[c] for c in clusters if c in per]
    keys = sorted({k for r in rows for k in r})
    out = {}
    for k in keys:
        out[k] = stats.mean([r[k] for r in rows if k in r])
    return out


# ROUGE settings of issue 17: compared only when they differ from the default, so baselines blessed
# before they existed still match a default run.
ROUGE_SETTINGS = {"rouge": "rouge-score", "cut_references": False, "rouge_variants": [], "rouge_bytes": None,
                  "rouge_alpha": 0.5, "jackknife": False}


def score_settings(settings: Settings) -> dict[str, Any]:
    data = settings.model_dump(mode="json")
    out = {k: data[k] for k in SCORE_SETTINGS}
    out.update({k: data[k] for k, default in ROUGE_SETTINGS.items() if data.get(k, default) != default})
    return out


def build_baseline(records: Sequence[Record], systems: Sequence[str] | None = None) -> Baseline:
    """The baseline from each system's latest run (optionally only the named systems).

    A failed cluster cannot be blessed: the baseline would silently stop guarding it.
    """
    latest = {run.system.name: (rec, run) for rec, run in latest_runs(records)}
    wanted = list(dict.fromkeys(systems)) if systems else sorted(latest)
    missing = [s for s in wanted if s not in latest]
    if missing:
        have = ", ".join(sorted(latest)) or "none"
        raise UsageError(f"no record for system {missing[0]!r} (recorded: {have}); "
                         f"run `evalsum run --system {missing[0]}` first")
    if not wanted:
        raise UsageError("no records to bless: run `evalsum run --all` first")
    out = {}
    for name in sorted(wanted):
        rec, run = latest[name]
        failed = [r for r in run.results if r.status == "failed"]
        if failed:
            raise UsageError(f"cannot bless {name}: it failed on {failed[0].cluster_id} in run {rec.run_id} "
                             f"({failed[0].failure}); fix it and run again, or leave it out with --system")
        per = _ok_metrics(run)
        out[name] = BaselineSystem(
            name=name, backend=run.system.backend, version=run.system.version, code=run.system.code,
            options=run.system.options,
            uses_references=run.system.uses_references, settings=score_settings(rec.settings),
            clusters={c: {k: _round(v) for k, v in sorted(m.items())} for c, m in sorted(per.items())},
            means={k: _round(v) for k, v in _means(per, per).items()},
        )
    return Baseline(systems=out)


def _judge(system: str, metric: str, base: float, cur: float, gate: MetricGate) -> VerdictRow:
    delta = _round(cur - base)
    worse = -delta if gate.better == "higher" else delta
    if worse > gate.tolerance + EPS:
        verdict: VerdictKind = "regression"
    elif -worse > gate.tolerance + EPS:
        verdict = "improvement"
    else:
        verdict = "unchanged"
    return VerdictRow(system=system, metric=metric, baseline=base, current=cur, delta=delta,
                      tolerance=gate.tolerance, verdict=verdict)


def _check_system(name: str, base: BaselineSystem, rec: Record | None, run: SystemRun | None,
                  config: GateConfig) -> list[VerdictRow]:
    if run is None or rec is None:
        return [VerdictRow(system=name, metric="system", verdict="missing",
                           note="in the baseline but not in the current records")]
    rows: list[VerdictRow] = []
    cur_settings = score_settings(rec.settings)
    if cur_settings != base.settings:
        diff = ", ".join(f"{k}: {base.settings.get(k)!r} -> {cur_settings.get(k)!r}"
                         for k in sorted(set(base.settings) | set(cur_settings))
                         if base.settings.get(k) != cur_settings.get(k))
        rows.append(VerdictRow(system=name, metric="settings", verdict="mismatch",
                               note=f"scored with other settings ({diff}); numbers are not comparable"))
    per = _ok_metrics(run)
    errors = {r.cluster_id: str(r.failure) for r in run.results if r.status != "ok"}
    for cid in base.clusters:
        if cid not in per:
            why = f"failed: {errors[cid]}" if cid in errors else "not in the current run"
            rows.append(VerdictRow(system=name, metric="cluster", cluster=cid, verdict="missing", note=why))
    means = {k: _round(v) for k, v in _means(per, base.clusters).items()}
    note = "; ".join(_changes(base, run))
    ok = [r for r in run.results if r.status == "ok"]
    source = {"cached": sum(r.cached for r in ok), "generated": sum(not r.cached for r in ok)}
    for metric, gate in config.metrics.items():
        if metric in base.means and metric in means:
            row = _judge(name, metric, base.means[metric], means[metric], gate)
            rows.append(row.model_copy(update={"note": note}) if note else row)
        elif metric in base.means:
            rows.append(VerdictRow(system=name, metric=metric, baseline=base.means[metric], tolerance=gate.tolerance,
                                   verdict="missing", note="the current run has no value for this metric"))
        elif metric in means:
            rows.append(VerdictRow(system=name, metric=metric, current=means[metric], tolerance=gate.tolerance,
                                   verdict="new", note="not in the baseline: re-bless to gate it"))
    return [r.model_copy(update=source) for r in rows]


def _changes(base: BaselineSystem, run: SystemRun) -> list[str]:
    """What differs in how the row was made; transport options are not recorded here at all."""
    s, changed = run.system, []
    if s.backend != base.backend:
        changed.append(f"backend {base.backend} -> {s.backend}")
    if s.version != base.version:
        changed.append(f"version {base.version} -> {s.version}")
    if s.code != base.code:
        changed.append(f"backend code changed since the baseline ({base.code or '?'} -> {s.code or '?'})")
    if s.options != base.options:
        diff = sorted(k for k in set(s.options) | set(base.options) if s.options.get(k) != base.options.get(k))
        changed.append(f"options changed: {', '.join(diff)}")
    return changed


def unknown_metrics(baseline: Baseline, config: GateConfig) -> list[str]:
    """Gated metric names that neither a baseline system nor the default gate knows: almost always a
    typo that would otherwise switch that gate off without a word."""
    known = {m for s in baseline.systems.values() for m in s.means} | set(default_metrics())
    return sorted(m for m in config.metrics if m not in known)


def check(baseline: Baseline, records: Sequence[Record], config: GateConfig) -> GateResult:
    """Verdicts for every baseline system, then a `new` row for systems the baseline lacks."""
    latest = {run.system.name: (rec, run) for rec, run in latest_runs(records)}
    rows: list[VerdictRow] = []
    for name, base in sorted(baseline.systems.items()):
        rec, run = latest.get(name, (None, None))
        rows += _check_system(name, base, rec, run, config)
    for name in sorted(set(latest) - set(baseline.systems)):
        rows.append(VerdictRow(system=name, metric="system", verdict="new",
                               note="not in the baseline: re-bless to gate it"))
    return GateResult(rows=rows)


def _num(x: float | None, signed: bool = False) -> str:
    if x is None:
        return "–"
    return f"{x:+.4f}" if signed else f"{x:.4f}"


def render_markdown(result: GateResult, baseline_name: str) -> str:
    """The verdict table for a terminal, a pull-request comment or $GITHUB_STEP_SUMMARY."""
    status = "FAILED" if result.failed else "passed"
    lines = [f"## evalsum check: {status}", "",
             f"Current records against `{baseline_name}`. Means over the baseline's clusters, raw metric units "
             "(ROUGE F and fact recall 0-1; contradictions per summary). A change within the tolerance is "
             "unchanged.", "",
             "| System | Summaries | Metric | Baseline | Current | Δ | Tolerance | Verdict | Note |",
             "|---|---|---|---:|---:|---:|---:|---|---|"]
    for r in result.rows:
        metric = cell(f"{r.metric} {r.cluster}" if r.cluster else r.metric)
        verdict = f"**{r.verdict}**" if r.failed else r.verdict
        note = cell(r.note)  # a backend's error text must not break the table
        lines.append(f"| {cell(r.system)} | {r.summaries or '–'} | {metric} | {_num(r.baseline)} | {_num(r.current)} | "
                     f"{_num(r.delta, True)} | "
                     f"{_num(r.tolerance)} | {verdict} | {note} |")
    if result.failed:
        names = ", ".join(dict.fromkeys(cell(r.system) for r in result.failures))
        lines += ["", f"Failed for: {names}. If the change is intended, re-bless: "
                      "`evalsum run && evalsum bless`, and commit results/baseline.json."]
    return "\n".join(lines) + "\n"
