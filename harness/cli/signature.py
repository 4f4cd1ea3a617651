"""`evalsum signature`: what each field of a comparability key or provenance string means."""
from __future__ import annotations

import typer

from evalsum.cli.app import app, emit_json, out
from evalsum.metrics import engines
from evalsum.metrics import signature as sig
from evalsum.metrics.rouge import PYTHON
from evalsum.models import Settings


@app.command()
def signature(
    text: str = typer.Argument("", metavar="[STRING]", help="a key, provenance or legacy signature; default: "
                               "the current settings' key and provenance"),
    as_json: bool = typer.Option(False, "--json", help="print as JSON"),
) -> None:
    """Explain a comparability key (what must match to compare two numbers) field by field.

    Example: evalsum signature 'm:4|r:pooled|stem:porter|tok:rs|b:100w|refs:4|gold:1a2b3c4d'
    """
    if not text:
        settings = Settings()
        text = (sig.settings_key(settings) + "|refs:N|gold:DIGEST|"
                + sig.provenance(settings, sig.package_versions(), engines.label(PYTHON)))
    fields = sig.explain(text)
    if as_json:
        emit_json([{"field": f, "value": v, "meaning": m} for f, v, m in fields])
        return
    con = out()
    width = min(max((len(f) + len(v) + 1 for f, v, _ in fields), default=0), 24)
    for f, v, m in fields:
        con.print(f"{f + ':' + v:<{width}}  {m}", markup=False, soft_wrap=True)
