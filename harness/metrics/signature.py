"""What stands behind a number, in two parts (as SacreBLEU's signature, split):

- the **comparability key**: every setting that changes a score plus a digest of the gold data
  scored against. Two numbers are compared only when their keys match; the leaderboard ranks rows
  only within one key. Short, e.g. `m:4|r:pooled|stem:porter|tok:rs|b:100w|refs:4|gold:1a2b3c4d`.
- the **provenance**: what produced the numbers without changing them (the ROUGE engine, which is
  bit-identical either way, package versions, the bootstrap seed). Recorded, never a reason to split.

The full legacy `signature` string stays in the record header for this schema version.
"""
from __future__ import annotations

import hashlib
from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, version

from evalsum.metrics.quality import SIGNATURE as QUALITY_SIGNATURE
from evalsum.metrics.rouge155 import profile as rouge155
from evalsum.models import Settings

PACKAGES = ("evalsum", "rouge-score", "rouge-score-rs", "nltk", "pydantic", "numpy")
METRICS_VERSION = "4"  # 2: faithfulness and style metrics; 3: date-normalised facts, `unless`, off-topic < 0.3;
# 4: negation cues veto facts and probes, possessives and dotted initialisms normalised
REFERENCE_DIR = "summaries/"  # gold files under this folder are the references

# One line per field of the key and the provenance: what `evalsum signature` and the README print.
LEGEND: dict[str, str] = {
    "m": "metrics version: the scoring rules (sentence splitting, fact matching, faithfulness and style)",
    "r": "multi-reference ROUGE policy: pooled (ROUGE-1.5.5 -f A), max or mean",
    "stem": "stemmer applied before ROUGE and fact matching: porter or none",
    "tok": "ROUGE tokenizer: rs = rouge-score's (lowercase, non-alphanumerics split); 155 = ROUGE-1.5.5's",
    "b": "budget every system summary is cut to (w words, B bytes); +refs: references are cut too",
    "flags": "the rouge155 profile: the ROUGE-1.5.5 flags it reproduces",
    "jk": "rouge155 jackknifing: mean over every n-1 subset of the references",
    "var": "the ROUGE variants reported, when not the default set",
    "show": "which of F, R, P the run table prints, when not F",
    "refs": "references per cluster (min-max when clusters differ)",
    "gold": "digest of every gold file (sources, references, checklist) of the clusters scored",
    "engine": "provenance: the ROUGE counting path that ran (python or rouge-score-rs; same numbers)",
    "evalsum": "provenance: evalsum version",
    "pkgs": "provenance: versions of rouge-score, nltk, pydantic, numpy (rouge-score-rs if installed)",
    "seed": "provenance: bootstrap and permutation seed (changes intervals, not means)",
}


def package_versions() -> dict[str, str]:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not-installed"
    return out


def signature(settings: Settings, packages: dict[str, str] | None = None, engine: str = "python") -> str:
    """The legacy one-line signature. `engine` is the ROUGE path that ran: `python`, or `rouge-score-rs-<version>`."""
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


def settings_key(settings: Settings, metrics_version: str = METRICS_VERSION) -> str:
    """The settings part of the comparability key (known before any cluster is scored)."""
    profile = settings.rouge == "rouge155"
    cut = f"{settings.rouge_bytes}B" if settings.rouge_bytes else f"{settings.budget}w"
    parts = [f"m:{metrics_version}", f"r:{settings.policy}", f"stem:{'porter' if settings.stemmer else 'none'}",
             f"tok:{'155' if profile else 'rs'}", f"b:{cut}{'+refs' if settings.cut_references else ''}"]
    if profile:  # the Perl script's own flags pin the rest (-n, -m, -l/-b, -2 -u, -f, -p)
        parts.append("flags:" + rouge155.flags(settings).replace(" -", ",-").replace(" ", "="))
        parts += ["jk:1"] if settings.jackknife else []
    parts += [f"var:{'+'.join(settings.rouge_variants)}"] if settings.rouge_variants else []
    parts += [f"show:{settings.rouge_show}"] if settings.rouge_show != "f" else []
    return "|".join(parts)


def legacy_metrics_version(legacy: str) -> str:
    """The metrics version named in a legacy signature (records written before the key existed)."""
    for part in legacy.split("|"):
        if part.startswith("metrics:"):
            return part.split(":", 1)[1]
    return "?"


def gold_digest(files: Mapping[str, Mapping[str, str]]) -> str:
    """8 hex digits over cluster id -> gold file path -> sha256: editing any file changes it."""
    h = hashlib.sha256()
    for cid in sorted(files):
        for path in sorted(files[cid]):
            h.update(f"{cid}\0{path}\0{files[cid][path]}\n".encode())
    return h.hexdigest()[:8]


def reference_counts(files: Mapping[str, Mapping[str, str]]) -> str:
    counts = sorted({sum(p.startswith(REFERENCE_DIR) for p in f) for f in files.values()})
    if not counts:
        return "0"
    return str(counts[0]) if len(counts) == 1 else f"{counts[0]}-{counts[-1]}"


def comparability_key(settings_part: str, files: Mapping[str, Mapping[str, str]]) -> str:
    """The full key: the settings part plus the reference count and gold digest of these clusters."""
    return f"{settings_part}|refs:{reference_counts(files)}|gold:{gold_digest(files)}"


def provenance(settings: Settings, packages: Mapping[str, str], engine: str = "python") -> str:
    pk = ",".join(f"{n}-{packages[n]}" for n in PACKAGES[1:] if packages.get(n, "not-installed") != "not-installed")
    return f"engine:{engine}|evalsum:{packages.get('evalsum', '?')}|pkgs:{pk}|seed:{settings.seed}"


def explain(text: str) -> list[tuple[str, str, str]]:
    """(field, value, meaning) for each `field:value` part of a key, provenance or legacy signature."""
    out = []
    for part in (p for p in text.strip().strip("`").split("|") if p):
        name, _, value = part.partition(":")
        out.append((name, value, LEGEND.get(name, "not a field of the key or provenance (legacy signature part?)")))
    return out
