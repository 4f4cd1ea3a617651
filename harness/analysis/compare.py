"""`evalsum compare` as a library call: systems' latest runs (rows named by label), paired over the
clusters both scored, per metric. Several systems make a family of pairwise tests (every pair, or
one baseline against each other), so p-values are Holm-corrected per metric over that family.
Pure: takes records, returns a model and markdown."""
from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from evalsum.analysis import significance, stats
from evalsum.analysis.gate import score_settings
from evalsum.analysis.leaderboard import cluster_metrics, latest_runs
from evalsum.errors import UsageError
from evalsum.metrics import catalogue
from evalsum.models import Record, SystemRun
from evalsum.text.markdown import cell

# Compared by default: the metrics the gate guards, but R-L, which every default run reports for
# reference only (it would widen every Holm family by a score nobody asked about).
METRICS = tuple(k for k in catalogue.GATED if k != "rougeL_f")


class MetricComparison(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    metric: str
    mean_a: float
    mean_b: float
    clusters: list[str]
    test: stats.PairedTest
    p_holm: float | None = None


class Comparison(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    a: str
    b: str
    run_a: str
    run_b: str
    seed: int
    shared: list[str]
    only_a: list[str]
    only_b: list[str]
    metrics: list[MetricComparison]
    warnings: list[str]


def _latest(records: Sequence[Record], name: str) -> tuple[Record, SystemRun]:
    latest = {run.system.name: (rec, run) for rec, run in latest_runs(records)}
    if name not in latest:
        have = ", ".join(sorted(latest)) or "none"
        raise UsageError(f"no record for system {name!r} (recorded: {have}); run `evalsum run --system {name}` first")
    return latest[name]


def compare(records: Sequence[Record], a: str, b: str, metrics: Sequence[str] | None = None, *, seed: int | None = None,
            resamples: int = stats.RESAMPLES, permutations: int = stats.PERMUTATIONS) -> Comparison:
    """A minus B per metric (keys or labels: `R-2`, `rouge2_f`) over shared clusters. The seed
    defaults to the one in A's record."""
    keys = [catalogue.lookup(m).key for m in metrics] if metrics else list(METRICS)
    rec_a, run_a = _latest(records, a)
    rec_b, run_b = _latest(records, b)
    seed = rec_a.settings.seed if seed is None else seed
    per_a = {r.cluster_id: cluster_metrics(r) for r in run_a.results if r.status == "ok"}
    per_b = {r.cluster_id: cluster_metrics(r) for r in run_b.results if r.status == "ok"}
    shared = sorted(set(per_a) & set(per_b))
    warnings = []
    if a == b:
        warnings.append(f"{a} is compared with itself: every difference is 0")
    if score_settings(rec_a.settings) != score_settings(rec_b.settings):
        warnings.append(f"{a} and {b} were scored with different settings ({score_settings(rec_a.settings)} vs "
                        f"{score_settings(rec_b.settings)}): the differences mix system and setting")
    if not shared:
        warnings.append(f"{a} and {b} share no successfully scored cluster: nothing to compare")
    out = []
    for metric in dict.fromkeys(keys):
        cids = [c for c in shared if metric in per_a[c] and metric in per_b[c]]
        if not cids:
            if metrics:
                warnings.append(f"metric {metric!r} has no value on a shared cluster")
            continue
        xa = [per_a[c][metric] for c in cids]
        xb = [per_b[c][metric] for c in cids]
        out.append(MetricComparison(metric=metric, mean_a=stats.mean(xa), mean_b=stats.mean(xb), clusters=cids,
                                    test=(t := stats.paired(xa, xb, seed, resamples, permutations)), p_holm=t.p_value))
    return Comparison(a=a, b=b, run_a=rec_a.run_id, run_b=rec_b.run_id, seed=seed, shared=shared,
                      only_a=sorted(set(per_a) - set(per_b)), only_b=sorted(set(per_b) - set(per_a)),
                      metrics=out, warnings=warnings)


class Family(BaseModel):
    """Pairwise comparisons of several systems, p-values Holm-corrected per metric over the family."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    baseline: str | None
    comparisons: list[Comparison]


def compare_many(records: Sequence[Record], labels: Sequence[str], metrics: Sequence[str] | None = None, *,
                 baseline: str | None = None, seed: int | None = None) -> Family:
    """Every pair of `labels`, or `baseline` against each label (default: every other recorded row)."""
    if metrics:
        for m in metrics:
            catalogue.lookup(m)  # an unknown name exits 2 with the valid ones before any work
    if baseline is not None:
        others = list(dict.fromkeys(labels)) or sorted(
            {run.system.name for _, run in latest_runs(records)} - {baseline})
        pairs = [(baseline, o) for o in others]
    else:
        if len(labels) < 2:
            raise UsageError("name at least two systems to compare, or one with --baseline LABEL")
        names = list(dict.fromkeys(labels)) if len(set(labels)) > 1 else list(labels)
        pairs = [(x, y) for i, x in enumerate(names) for y in names[i + 1:]]
    if not pairs:
        raise UsageError(f"nothing to compare {baseline!r} with: no other system is recorded")
    comps = [compare(records, a, b, metrics, seed=seed) for a, b in pairs]
    keys = list(dict.fromkeys(m.metric for c in comps for m in c.metrics))
    for key in keys:
        found = [(i, j) for i, c in enumerate(comps) for j, m in enumerate(c.metrics) if m.metric == key]
        adjusted = significance.holm([comps[i].metrics[j].test.p_value for i, j in found])
        for (i, j), p in zip(found, adjusted, strict=True):
            comps[i].metrics[j] = comps[i].metrics[j].model_copy(update={"p_holm": p})
    return Family(baseline=baseline, comparisons=comps)


def render_family(f: Family) -> str:
    parts = [render_markdown(c, family=len(f.comparisons)) for c in f.comparisons]
    if len(f.comparisons) > 1:
        parts.append(f"p (Holm): each metric's p-values corrected with Holm's step-down method over the "
                     f"{len(f.comparisons)} comparisons above (family-wise error rate).\n")
    return "\n".join(parts)


def _label(metric: str) -> str:
    return catalogue.get(metric).label


def _v(metric: str, x: float | None, signed: bool = False) -> str:
    return catalogue.get(metric).format(x, signed)


def _p(p: float | None) -> str:
    if p is None:
        return "n/a"
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def _lower_note(c: Comparison) -> str:
    lower = [catalogue.get(m.metric).label for m in c.metrics if catalogue.get(m.metric).better == "lower"]
    return f" (for {', '.join(lower)}, higher is worse)" if lower else ""


def render_markdown(c: Comparison, family: int = 1) -> str:
    c = c.model_copy(update={"a": cell(c.a), "b": cell(c.b), "shared": [cell(x) for x in c.shared],
                             "only_a": [cell(x) for x in c.only_a], "only_b": [cell(x) for x in c.only_b],
                             "warnings": [cell(w) for w in c.warnings]})
    conf = f"{stats.CONFIDENCE:.0%}"
    lines = [f"## {c.a} vs {c.b}", "",
             f"Paired over {len(c.shared)} shared cluster{'s' if len(c.shared) != 1 else ''}; A − B > 0 means "
             f"{c.a} scores higher{_lower_note(c)}. ROUGE and facts x100.", ""]
    holm = family > 1
    lines += [f"| Metric | n | {c.a} | {c.b} | A − B | {conf} CI | p |" + (" p (Holm) |" if holm else ""),
              "|---|---:|---:|---:|---:|---|---:|" + ("---:|" if holm else "")]
    notes = []
    for m in c.metrics:
        t = m.test
        iv = t.difference
        ci = f"[{_v(m.metric, iv.low, True)}, {_v(m.metric, iv.high, True)}]" if iv.low is not None else f"n={iv.n}"
        lines.append(f"| {_label(m.metric)} | {t.n} | {_v(m.metric, m.mean_a)} | {_v(m.metric, m.mean_b)} | "
                     f"{_v(m.metric, iv.mean, True)} | {ci} | {_p(t.p_value)} |"
                     + (f" {_p(m.p_holm)} |" if holm else ""))
        if t.note and t.note not in notes:
            notes.append(t.note)
    lines.append("")
    methods = sorted({m.test.method for m in c.metrics if m.test.method})
    lines.append(f"CI: {conf} percentile bootstrap of the mean difference over clusters, {stats.RESAMPLES} resamples, "
                 f"seed {c.seed}{'; no interval with one cluster' if len(c.shared) < 2 else ''}. "
                 "p: two-sided paired sign-flip permutation test "
                 f"({', '.join(methods) or 'not run'}; exact up to {stats.EXACT_MAX_N} clusters, "
                 f"else {stats.PERMUTATIONS:,} seeded permutations).")
    for note in notes:
        lines.append(f"**{note[0].upper()}{note[1:]}.**")
    for w in c.warnings:
        lines.append(f"Warning: {w}.")
    if c.only_a or c.only_b:
        lines.append(f"Not paired: only {c.a}: {', '.join(c.only_a) or 'none'}; "
                     f"only {c.b}: {', '.join(c.only_b) or 'none'}.")
    if c.metrics:
        lines += ["", f"### Per-cluster differences ({c.a} − {c.b})", "",
                  "| Cluster | " + " | ".join(_label(m.metric) for m in c.metrics) + " |",
                  "|---|" + "|".join("---:" for _ in c.metrics) + "|"]
        diffs = {m.metric: dict(zip(map(cell, m.clusters), m.test.differences, strict=True)) for m in c.metrics}
        for cid in c.shared:
            cells = [_v(m.metric, diffs[m.metric].get(cid), True) for m in c.metrics]
            lines.append(f"| {cid} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
