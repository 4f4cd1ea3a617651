"""A whole ROUGE-1.5.5 configuration: every evaluation of every system, the per-eval lines and the
printed averages with their intervals, as `ROUGE-1.5.5.pl -a -d` prints them."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from evalsum.metrics.rouge155 import bootstrap, lcs
from evalsum.metrics.rouge155.evaluate import Score, evaluate
from evalsum.metrics.rouge155.options import Options
from evalsum.metrics.rouge155.stemming import Stemmer
from evalsum.metrics.rouge155.text import Text, prepare

TextLines = Sequence[str]


@dataclass(frozen=True)
class Evaluation:
    """One `<EVAL>`: system id -> peer lines, and model id -> model lines in config order (the order
    decides `-f B` ties)."""

    id: str
    peers: Mapping[str, TextLines]
    models: Mapping[str, TextLines]


@dataclass(frozen=True)
class Line:
    system: str
    metric: str
    eval_id: str
    score: Score


@dataclass(frozen=True)
class Report:
    lines: list[Line]
    averages: dict[tuple[str, str], dict[str, bootstrap.Interval]]


@dataclass
class Rouge155:
    """Scores evaluations under one set of options; keeps its caches (prepared texts, LCS marks,
    bootstrap draws) for its own lifetime only."""

    options: Options
    stemmer: Stemmer | None = None
    _texts: dict[tuple[str, ...], Text] = field(default_factory=dict, repr=False)
    _marks: lcs.MarkCache = field(default_factory=dict, repr=False)
    _draws: dict[int, np.ndarray] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.options.stem and self.stemmer is None:
            self.stemmer = Stemmer()

    def text(self, lines: TextLines | str) -> Text:
        key = (lines,) if isinstance(lines, str) else tuple(lines)
        got = self._texts.get(key)
        if got is None:
            got = self._texts[key] = prepare(lines, self.options, self.stemmer)
        return got

    def evaluate(self, peer: TextLines | str, models: Sequence[TextLines | str]) -> dict[str, Score]:
        """One peer against its models: metric name -> the printed line."""
        return self.evaluate_texts(self.text(peer), [self.text(m) for m in models])

    def evaluate_texts(self, peer: Text, models: Sequence[Text]) -> dict[str, Score]:
        """As `evaluate`, on texts already prepared by `text()`."""
        return evaluate(peer, models, self.options, self._marks)

    def averages(self, scores: Mapping[str, Score]) -> dict[str, bootstrap.Interval]:
        """The printed Average_R/P/F of one system and metric; keys are `<eval id>.<system>`."""
        return bootstrap.averages(scores, self.options, self._draws)

    def run(self, evaluations: Sequence[Evaluation]) -> Report:
        """Every system of the configuration (`-a`). A system without a peer in an evaluation is
        skipped there (the script warns), and its averages run over the evaluations it has."""
        per: dict[tuple[str, str], dict[str, Score]] = {}
        names = self.options.metrics()
        for ev in evaluations:
            models = [self.text(m) for m in ev.models.values()]
            for system, peer in ev.peers.items():
                got = self.evaluate_texts(self.text(peer), models)
                for metric in names:
                    per.setdefault((system, metric), {})[ev.id] = got[metric]
        lines: list[Line] = []
        averages: dict[tuple[str, str], dict[str, bootstrap.Interval]] = {}
        for system in sorted({s for s, _ in per}):
            for metric in names:
                scores = per.get((system, metric), {})
                order = sorted(scores, key=lambda e: f"{e}.{system}".encode())
                lines.extend(Line(system, metric, e, scores[e]) for e in order)
                averages[(system, metric)] = self.averages({f"{e}.{system}": s for e, s in scores.items()})
        return Report(lines, averages)


def jackknife(evaluations: Sequence[Evaluation]) -> list[Evaluation]:
    """NIST's jackknifed configuration: each evaluation with n >= 2 models becomes n folds
    `<id>-<model>`, each with the other n-1 models as references, the system peers unchanged and
    the held-out model added as a peer under its own id. Single-model evaluations are kept as
    they are: there is no subset to score against."""
    out: list[Evaluation] = []
    for ev in evaluations:
        if len(ev.models) < 2:
            out.append(ev)
            continue
        for held in ev.models:
            others = {m: t for m, t in ev.models.items() if m != held}
            out.append(Evaluation(f"{ev.id}-{held}", {**ev.peers, held: ev.models[held]}, others))
    return out


def format_report(report: Report, options: Options) -> str:
    """The script's `-d` output: per-eval lines, then each system's averages."""
    out: list[str] = []
    for ln in report.lines:
        s = ln.score
        if options.pooling == 1:
            vals = f"R:{s.counts.model:.0f} P:{s.counts.peer:.0f} F:{s.counts.hit:.0f}"
        else:
            vals = f"R:{s.r:.5f} P:{s.p:.5f} F:{s.f:.5f}"
        out.append(f"{ln.system} {ln.metric} Eval {ln.eval_id}.{ln.system} {vals}")
    for (system, metric), stats in report.averages.items():
        for stat, iv in stats.items():
            out.append(f"{system} {metric} Average_{stat}: {iv.value:.5f} "
                       f"({options.confidence:g}%-conf.int. {iv.low:.5f} - {iv.high:.5f})")
    return "\n".join(out)
