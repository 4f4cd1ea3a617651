"""The metric catalogue: every fact about every per-cluster number in one place.

Key, label, scale, digits, which way is better, gated or not, interval or not: the leaderboard
(markdown and JSON), `compare`, the gate's defaults and the terminal tables all read these
entries, so one metric prints the same way everywhere. `values` turns one result into the flat
per-cluster numbers that means, intervals and the gate work on; every key it yields is here.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from evalsum.errors import UsageError
from evalsum.models import ClusterResult

Better = Literal["higher", "lower"]


class Metric(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str = Field(description="the name in records, leaderboard.json, the baseline and the gate config")
    label: str = Field(description="the column heading in every table")
    scale: float = Field(description="shown as value x scale: 100 for 0-1 scores, 1 for counts and ratios")
    digits: int
    better: Better | None = Field(description="which way is better; None when neither is (length, copying)")
    gated: bool = Field(default=False, description="checked by the CI gate by default")
    tolerance: float = Field(default=0.005, description="default gate tolerance, in the metric's own units")
    interval: bool = Field(default=False, description="gets a bootstrap interval on the leaderboard")
    description: str

    def format(self, value: float | None, signed: bool = False) -> str:
        """`value` as every table shows it ("–" for none)."""
        if value is None:
            return "–"
        return f"{value * self.scale:{'+' if signed else ''}.{self.digits}f}"


# In column order, R-W-1.2 and R-SU4 appear only in runs that ask for them (`--rouge-variants`).
_ROUGE = {"rouge1": ("R-1", "unigram"), "rouge2": ("R-2", "bigram"), "rouge3": ("R-3", "trigram"),
          "rouge4": ("R-4", "4-gram"), "rougeL": ("R-L", "LCS, summary as one text"),
          "rougeLsum": ("R-Lsum", "LCS per sentence (union)"), "rougeW": ("R-W-1.2", "weighted LCS (W=1.2)"),
          "rougeSU4": ("R-SU4", "skip-bigram (gap 4) plus unigram")}
_PARTS = {"f": ("", "F"), "p": (" P", "precision"), "r": (" R", "recall")}
# The ROUGE scores the leaderboard gives an interval; R-L is kept for reference.
_HEADLINE = ("rouge1", "rouge2", "rougeLsum")
# The gate guards every ROUGE F the baseline has (R-L included: `--rouge-variants rougeL` or
# `rouge3` must not leave a run gated on facts alone).
_GATED = tuple(_ROUGE)


def _rouge() -> list[Metric]:
    out = []
    for t, (label, what) in _ROUGE.items():
        for part, (suffix, name) in _PARTS.items():
            main = part == "f" and t in _HEADLINE
            out.append(Metric(key=f"{t}_{part}", label=label + suffix, scale=100.0, digits=1, better="higher",
                              gated=part == "f" and t in _GATED, interval=main,
                              description=f"ROUGE {what} {name}, x100"))
    return out


METRICS: tuple[Metric, ...] = (
    *_rouge(),
    Metric(key="facts", label="Facts", scale=100.0, digits=1, better="higher", gated=True, interval=True,
           description="pyramid-weighted recall of the checklist's key facts, x100"),
    Metric(key="contradictions", label="Contra.", scale=1.0, digits=2, better="lower", gated=True, tolerance=0.0,
           description="checklist contradiction probes the summary trips, per summary"),
    Metric(key="unsupported", label="Unsupp.", scale=1.0, digits=2, better="lower",
           description="numbers, dates and names no cleaned source states, per summary"),
    Metric(key="claims_checked", label="Claims", scale=1.0, digits=1, better=None,
           description="numbers, dates and names checked against the sources, per summary"),
    Metric(key="off_topic", label="Off-topic", scale=1.0, digits=2, better="lower",
           description="page-furniture or off-subject sentences, per summary"),
    Metric(key="redundancy", label="Redund.", scale=1.0, digits=2, better="lower",
           description="highest content-word overlap (Jaccard, 0-1) of two summary sentences"),
    Metric(key="coverage", label="Coverage", scale=1.0, digits=2, better=None,
           description="share of summary words inside fragments copied from the sources (Newsroom, 0-1)"),
    Metric(key="density", label="Density", scale=1.0, digits=1, better=None,
           description="mean squared copied-fragment length (Newsroom; ~1-3 abstractive, tens when copying)"),
    Metric(key="compression", label="Compress.", scale=1.0, digits=1, better=None,
           description="source words per summary word (Newsroom)"),
    Metric(key="words", label="Words", scale=1.0, digits=0, better=None,
           description="words after the budget, per summary"),
    Metric(key="truncated", label="Truncated", scale=100.0, digits=0, better=None,
           description="share of summaries the budget cut, x100"),
)
BY_KEY: dict[str, Metric] = {m.key: m for m in METRICS}
# The leaderboard's main table, in column order; the rest stay in leaderboard.json and `compare -m`.
TABLE = ("rouge1_f", "rouge2_f", "rougeLsum_f", "facts", "contradictions", "unsupported", "off_topic",
         "redundancy", "density", "words")
GATED = tuple(m.key for m in METRICS if m.gated)
ROUGE_F = tuple(f"{t}_f" for t in _ROUGE)  # every ROUGE F key, in column order
INTERVALS = tuple(m.key for m in METRICS if m.interval)


def _aliases() -> dict[str, Metric]:
    out = {}
    for m in METRICS:
        out[m.key.lower()] = out[m.label.lower()] = m
    for t in _ROUGE:  # "rouge1" is its F score, as the labels say
        out[t.lower()] = BY_KEY[f"{t}_f"]
    return out


_NAMES = _aliases()


def lookup(name: str) -> Metric:
    """A metric by key or label, case-insensitively: `rouge1_f`, `rouge1`, `R-1`, `Facts`."""
    m = _NAMES.get(name.strip().lower())
    if m is None:
        valid = ", ".join(f"{x.label} ({x.key})" if x.label.lower() != x.key else x.key for x in METRICS)
        raise UsageError(f"unknown metric {name!r}; valid metrics: {valid}")
    return m


def get(key: str) -> Metric:
    """The entry for a key read from a record or config; an unknown key gets a plain entry, so an
    older or plugin metric still prints (as is) instead of failing a table."""
    return BY_KEY.get(key) or Metric(key=key, label=key, scale=1.0, digits=2, better=None, description="")


def values(res: ClusterResult) -> dict[str, float]:
    """Flat per-cluster numbers of one result (none when it failed)."""
    if res.status != "ok" or res.scores is None or res.summary is None:
        return {}
    out = {}
    for t, s in res.scores.rouge.items():
        out[f"{t}_p"], out[f"{t}_r"], out[f"{t}_f"] = s.p, s.r, s.f
    if res.scores.facts is not None:
        out["facts"] = res.scores.facts.recall
        out["contradictions"] = float(len(res.scores.facts.contradictions))
    out["words"] = float(res.summary.words)
    out["truncated"] = float(res.summary.truncated)
    q = res.scores.quality
    if q is not None:
        fa, st, ex = q.faithfulness, q.style, q.extractiveness
        out.update(unsupported=fa.unsupported, claims_checked=fa.claims_checked, off_topic=st.off_topic,
                   redundancy=st.redundancy, coverage=ex.coverage, density=ex.density, compression=ex.compression)
    return out
