"""`evalsum score`: summary files (or stdin) against one cluster's gold, in the leaderboard's columns."""
from __future__ import annotations

import sys
from pathlib import Path

import typer

from evalsum.cli.app import DATASET, REFERENCES, app, emit_json, out
from evalsum.errors import UsageError
from evalsum.files import decode, read_stream
from evalsum.metrics import catalogue
from evalsum.models import Settings
from evalsum.run import external
from evalsum.run.external import SingleScore

STDIN = "-"
STDIN_NAME = "<stdin>"


def read_inputs(files: list[Path]) -> list[tuple[str, str]]:
    """(source name, text) per argument, in order; `-` is stdin, which can be read once."""
    if [str(f) for f in files].count(STDIN) > 1:
        raise UsageError("'-' (stdin) can be given only once")
    texts = []
    for f in files:
        if str(f) == STDIN:
            texts.append((STDIN_NAME, decode(read_stream(sys.stdin.buffer, STDIN_NAME), STDIN_NAME)))
        else:
            texts.append((str(f), external.read_summary(f)))
    return texts


def table(rows: list[SingleScore]) -> list[str]:
    """One markdown row per summary, in the leaderboard's main columns (`catalogue.TABLE`)."""
    metrics = [catalogue.get(k) for k in catalogue.TABLE]
    lines = ["| Summary | " + " | ".join(m.label for m in metrics) + " |",
             "|---|" + "|".join("---:" for _ in metrics) + "|"]
    for r in rows:
        values = r.values()
        lines.append(f"| {r.source} | " + " | ".join(m.format(values.get(m.key)) for m in metrics) + " |")
    return lines


def details(r: SingleScore, budget: int) -> list[str]:
    """What a single number hides: the cut, the facts stated, the probes tripped, the claims no source states."""
    s = r.summary
    cut = f", cut from {s.original_words}" if s.truncated else ""
    lines = [f"{r.source}: {s.words} words (budget {budget}{cut})"]
    rouge = ", ".join(f"{catalogue.get(k + '_f').label} P/R/F {p.p * 100:.1f}/{p.r * 100:.1f}/{p.f * 100:.1f}"
                      for k, p in r.scores.rouge.items())
    lines.append(f"  ROUGE: {rouge}")
    facts = r.scores.facts
    if facts is not None:
        lines.append(f"  facts stated: {', '.join(h.id for h in facts.hits) or 'none'}")
        lines.append(f"  contradiction probes hit: {', '.join(h.id for h in facts.contradictions) or 'none'}")
    q = r.scores.quality
    if q is not None:
        items = [f"{c.text} ({c.kind})" for c in q.faithfulness.items]
        lines.append(f"  unsupported: {', '.join(items) or 'none'}")
        off = [f"{o.sentence!r} ({o.reason})" for o in q.style.off_topic_items]
        if off:
            lines.append(f"  off-topic: {'; '.join(off)}")
    return lines


@app.command()
def score(
    *,
    files: list[Path] = typer.Argument(..., metavar="FILE...", help="summaries: UTF-8 text files, one summary "
                                       "each; '-' reads one from stdin"),
    cluster: str = typer.Option(..., "--cluster", "-c", metavar="ID", help="cluster whose gold to score against"),
    budget: int = typer.Option(100, help="word budget enforced on the summary, as in a run"),
    policy: str = typer.Option("pooled", help="multi-reference ROUGE policy: pooled, max or mean"),
    as_json: bool = typer.Option(False, "--json", help="print a JSON list, one object per file"),
    dataset: Path | None = DATASET,
    references: Path = REFERENCES,
) -> None:
    """Score summaries produced elsewhere, by the same budget and metrics as a run.

    One row per file, in the leaderboard's columns, then what each summary states and trips.

    Example: evalsum score -c balloon-2023-02 a.txt b.txt   |   my-summariser | evalsum score -c balloon-2023-02 -
    """
    if budget <= 0:
        raise UsageError(f"--budget must be a positive number of words, got {budget}")
    if policy not in ("pooled", "max", "mean"):
        raise UsageError(f"--policy must be pooled, max or mean, got {policy!r}")
    settings = Settings(budget=budget, policy=policy)  # type: ignore[arg-type]
    texts = read_inputs(files)
    rows = external.score_many(external.load_gold(cluster, references, dataset), texts, settings)
    if as_json:
        emit_json([r.model_dump(mode="json") for r in rows])
        return
    con = out()
    con.print(f"{rows[0].cluster}: budget {budget} words, policy {policy}", markup=False)
    con.print("\n".join(table(rows)), markup=False)
    for r in rows:
        con.print("\n".join(details(r, budget)), markup=False)
    con.print(f"key: {rows[0].key}; provenance: {rows[0].provenance}", markup=False)
