"""`evalsum score`: one summary file against one cluster's gold."""
from __future__ import annotations

from pathlib import Path

import typer

from evalsum.cli.app import REFERENCES, app, emit_json, out
from evalsum.errors import UsageError
from evalsum.models import Settings
from evalsum.run import external as single

LABELS = (("rouge1", "R-1"), ("rouge2", "R-2"), ("rougeL", "R-L"), ("rougeLsum", "R-Lsum"))


@app.command()
def score(
    file: Path = typer.Argument(..., metavar="FILE", help="the summary: UTF-8 text, one or more sentences"),
    cluster: str = typer.Option(..., "--cluster", "-c", metavar="ID", help="cluster whose gold to score against"),
    budget: int = typer.Option(100, help="word budget enforced on the summary, as in a run"),
    policy: str = typer.Option("pooled", help="multi-reference ROUGE policy: pooled, max or mean"),
    as_json: bool = typer.Option(False, "--json", help="print the scores as JSON"),
    references: Path = REFERENCES,
) -> None:
    """Score a summary produced elsewhere, by the same budget and metrics as a run.

    Example: evalsum score --cluster balloon-2023-02 my-summary.txt
    """
    if budget <= 0:
        raise UsageError(f"--budget must be a positive number of words, got {budget}")
    if policy not in ("pooled", "max", "mean"):
        raise UsageError(f"--policy must be pooled, max or mean, got {policy!r}")
    res = single.score_file(file, cluster, Settings(budget=budget, policy=policy), references)  # type: ignore[arg-type]
    if as_json:
        emit_json(res.model_dump(mode="json"))
        return
    con = out()
    s = res.summary
    cut = f", cut from {s.original_words}" if s.truncated else ""
    con.print(f"{res.source} against {res.cluster}: {s.words} words (budget {budget}{cut})", markup=False)
    lines = ["| Metric | P | R | F |", "|---|---:|---:|---:|"]
    for key, label in LABELS:
        prf = res.scores.rouge[key]
        lines.append(f"| {label} | {prf.p * 100:.1f} | {prf.r * 100:.1f} | {prf.f * 100:.1f} |")
    facts = res.scores.facts
    if facts is not None:
        lines.append(f"| Facts (weighted recall) | | {facts.recall * 100:.1f} | |")
    con.print("\n".join(lines), markup=False)
    if facts is not None:
        con.print(f"facts stated: {', '.join(h.id for h in facts.hits) or 'none'}", markup=False)
        con.print(f"contradiction probes hit: {', '.join(h.id for h in facts.contradictions) or 'none'}", markup=False)
    con.print(f"signature: {res.signature}", markup=False)
