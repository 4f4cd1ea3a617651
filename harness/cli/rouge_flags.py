"""The ROUGE switches of `evalsum run` (issue 17), declared once so the run command only lists them
and hands them here. Each ends up in `Settings`, hence in the record and the signature."""
from __future__ import annotations

import typer
from pydantic import ValidationError

from evalsum.errors import UsageError
from evalsum.models import Settings

ROUGE = typer.Option("rouge-score", "--rouge", help="ROUGE implementation: rouge-score, or rouge155 (the "
                     "ROUGE-1.5.5 profile: its tokens, WordNet+Porter stemming, lines as sentences)")
STEM = typer.Option(True, "--stem/--no-stem", help="stem tokens (rouge155: ROUGE-1.5.5's -m)")
CUT_REFERENCES = typer.Option(False, "--cut-references", help="cut references to the budget too (1.5.5's -l)")
VARIANTS = typer.Option("", "--rouge-variants", metavar="LIST",
                        help="comma-separated ROUGE variants to compute: rouge1, rouge2, rougeL, rougeLsum; "
                             "rouge155 also rouge3, rouge4, rougeW (-w 1.2), rougeSU4 (-2 4 -u)")
SHOW = typer.Option("f", "--rouge-show", help="what the run table prints: f, r (recall) or p (precision)")
BYTES = typer.Option(None, "--rouge-bytes", help="rouge155: cut summary and references to N bytes (-b N)")
ALPHA = typer.Option(0.5, "--rouge-alpha", help="rouge155: F's weight of precision (-p ALPHA)")
JACKKNIFE = typer.Option(False, "--jackknife", help="rouge155: score against every n-1 subset of the "
                         "references and average (NIST 2005-2007, TAC)")


def settings(budget: int, policy: str, seed: int, *, rouge: str, stem: bool, cut_references: bool, variants: str,
             show: str, rouge_bytes: int | None, alpha: float, jackknife: bool) -> Settings:
    """Validated Settings; a bad combination is one usage line (exit 2)."""
    chosen = tuple(v.strip() for v in variants.split(",") if v.strip())
    try:
        return Settings.model_validate({
            "budget": budget, "policy": policy, "seed": seed, "rouge": rouge, "stemmer": stem,
            "cut_references": cut_references, "rouge_variants": chosen, "rouge_show": show,
            "rouge_bytes": rouge_bytes, "rouge_alpha": alpha, "jackknife": jackknife})
    except ValidationError as e:
        first = e.errors()[0]
        field = ".".join(str(x) for x in first["loc"])
        msg = str(first["msg"]).removeprefix("Value error, ")
        raise UsageError(f"--{field.replace('_', '-')}: {msg}" if field else msg) from None
