"""System variants: one backend under several settings, each under its own label.

A label names a leaderboard row everywhere (leaderboard, `compare`, `check`, the baseline,
`show`). The default is readable and unique: the backend name plus the output-affecting options
that differ from the backend's defaults, in the order the backend declares them, e.g.
`lead-k[k=5]`, `llm[model=qwen2.5-0.5b]`. The same text is the CLI syntax, so a label can be
pasted back: `evalsum run -s 'lead-k[k=5]' -s 'fast=textrank[damping=0.5]'`.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from evalsum.errors import UsageError
from evalsum.run.plan import SystemSpec

# A label is shown in markdown tables and terminals: no `|`, backticks, brackets' abuse or control
# characters; it must start with a letter or digit.
LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._:/@+=,\[\]-]{0,119}$")
_SAFE_VALUE = re.compile(r"^[A-Za-z0-9._:/@+-]{1,40}$")
_ARG = re.compile(r"^(?:(?P<label>[^=\[\]]+)=)?(?P<backend>[A-Za-z0-9][A-Za-z0-9_.:-]*)(?:\[(?P<opts>.*)\])?$")


class SystemArg(BaseModel):
    """One `-s` argument, parsed: an optional label, a backend, and raw `key=value` options."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    backend: str
    label: str | None = None
    options: dict[str, Any] = Field(default_factory=dict)


def parse_system_arg(text: str) -> SystemArg:
    """`BACKEND`, `BACKEND[k=v,k2=v2]` or `LABEL=BACKEND[...]`; a value holding `,` or `]` goes in
    the run file or `-o` instead."""
    m = _ARG.match(text.strip())
    if m is None:
        raise UsageError(f"--system {text!r}: expected NAME, NAME[key=value,...] or LABEL=NAME[key=value,...]")
    options: dict[str, str] = {}
    raw = m.group("opts")
    if raw is not None and raw.strip():
        for pair in raw.split(","):
            key, sep, value = pair.partition("=")
            if not sep or not key.strip():
                raise UsageError(f"--system {text!r}: option {pair.strip()!r} is not key=value")
            if key.strip() in options:
                raise UsageError(f"--system {text!r}: option {key.strip()!r} given twice")
            options[key.strip()] = value.strip()
    label = m.group("label").strip() if m.group("label") else None
    if label is not None:
        check_label(label, f"--system {text!r}")
    return SystemArg(backend=m.group("backend"), label=label, options=options)


def check_label(label: str, where: str) -> str:
    if not LABEL.match(label):
        raise UsageError(f"{where}: label {label!r} must start with a letter or digit and hold only letters, "
                         "digits, spaces and . _ : / @ + = , [ ] - (at most 120 characters)")
    return label


def _shown(value: Any) -> str:
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    if _SAFE_VALUE.match(text):
        return text
    return "sha:" + hashlib.sha256(text.encode()).hexdigest()[:8]


def default_label(backend: str, options: BaseModel, transport: Iterable[str] = ()) -> str:
    """The backend name plus each declared, output-affecting option that differs from its default."""
    skip = set(transport)
    changed = []
    for name, field in type(options).model_fields.items():
        value = getattr(options, name)
        if name in skip or (not field.is_required() and value == field.get_default(call_default_factory=True)):
            continue
        changed.append(f"{name}={_shown(value)}")
    return f"{backend}[{','.join(changed)}]" if changed else backend


def check_unique(labels: Sequence[str], described: Sequence[str] | None = None) -> None:
    """Two systems of one run may not share a label; the error names both (with `described[i]`,
    what system i is, when given)."""
    seen: dict[str, int] = {}
    what = list(described) if described is not None else [""] * len(labels)
    for i, label in enumerate(labels):
        if label in seen:
            first = seen[label]
            both = f" ({what[first]} and {what[i]})" if what[first] or what[i] else ""
            raise UsageError(f"systems {first + 1} and {i + 1} of this run are both labelled {label!r}{both}; "
                             "give one a label (LABEL=NAME[...]) or different options")
        seen[label] = i


def _names(arg: SystemArg, text: str) -> set[str]:
    return {n for n in (arg.label, arg.backend, text.strip()) if n}


def _targets(pair: str, names: Sequence[set[str]]) -> list[int]:
    """Which systems `-o pair` is for: `NAME.key=value` goes to the systems called NAME (label,
    backend or the `-s` text itself, longest match first), plain `key=value` to all."""
    key = pair.split("=", 1)[0]
    best = max((n for ns in names for n in ns if key.startswith(f"{n}.")), key=len, default=None)
    if best is None:
        return list(range(len(names)))
    return [i for i, ns in enumerate(names) if best in ns]


def specs_from_args(systems: Sequence[str], pairs: Sequence[str], base: Sequence[SystemSpec] = ()) -> list[SystemSpec]:
    """`-s` arguments (after the run file's systems `base`, if any) with the `-o` pairs routed to
    them; an `-o` value overrides the same option given inside `-s NAME[...]` or the run file."""
    args = [SystemArg(backend=b.backend, label=b.label, options=dict(b.options)) for b in base]
    texts = [b.label or b.backend for b in base]
    for text in systems:
        args.append(parse_system_arg(text))
        texts.append(text)
    names = [_names(a, t) for a, t in zip(args, texts, strict=True)]
    options: list[dict[str, Any]] = [dict(a.options) for a in args]
    for pair in pairs:
        if "=" not in pair:
            raise UsageError(f"--option {pair!r} is not key=value (or NAME.key=value)")
        for i in _targets(pair, names):
            key, _, value = pair.partition("=")
            prefix = max((n for n in names[i] if key.startswith(f"{n}.")), key=len, default="")
            key = key[len(prefix) + 1:] if prefix else key
            if not key.strip():
                raise UsageError(f"--option {pair!r} names no option")
            options[i][key.strip()] = value
    return [SystemSpec(backend=a.backend, label=a.label, options=o) for a, o in zip(args, options, strict=True)]
