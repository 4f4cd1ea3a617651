"""The metric signature: one short string that pins every setting behind a number (as SacreBLEU
does), printed under every table so two numbers are only compared when their signatures match."""
from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from evalsum.metrics.quality import SIGNATURE as QUALITY_SIGNATURE
from evalsum.metrics.rouge155 import profile as rouge155
from evalsum.models import Settings

PACKAGES = ("evalsum", "rouge-score", "rouge-score-rs", "nltk", "pydantic", "numpy")
METRICS_VERSION = "4"  # 2: faithfulness and style metrics; 3: date-normalised facts, `unless`, off-topic < 0.3;
# 4: negation cues veto facts and probes, possessives and dotted initialisms normalised


def package_versions() -> dict[str, str]:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not-installed"
    return out


def signature(settings: Settings, packages: dict[str, str] | None = None, engine: str = "python") -> str:
    """`engine` is the ROUGE counting path that ran: `python`, or `rouge-score-rs-<version>`."""
    pk = packages or package_versions()
    rouge_parts = (rouge155.signature_parts(settings, pk) if settings.rouge == "rouge155" else [
        f"rouge:rouge-score-{pk.get('rouge-score', '?')}", f"engine:{engine}", "tok:rouge-score",
        f"stem:{'porter-nltk-' + pk.get('nltk', '?') if settings.stemmer else 'none'}",
        f"refs:{settings.policy}", "split:punkt-noparams+newline"])
    # Only non-default report settings are added, so default signatures stay as they were.
    report = ([f"rouge-variants:{'+'.join(settings.rouge_variants)}"] if settings.rouge_variants else []) + (
        [f"rouge-show:{settings.rouge_show}"] if settings.rouge_show != "f" else [])
    parts = [
        f"evalsum:{pk.get('evalsum', '?')}",
        f"metrics:{METRICS_VERSION}",
        *rouge_parts,
        *report,
        f"budget:{settings.budget}w-{'system+refs' if settings.cut_references else 'system-only'}",
        "facts:lexical-stem-sentence",
        QUALITY_SIGNATURE,
        f"seed:{settings.seed}",
    ]
    return "|".join(parts)
