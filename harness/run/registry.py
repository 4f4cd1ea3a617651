"""One registry for built-in and plugin backends, resolved lazily by "module:Class" strings.

Built-ins and third-party plugins (entry-point group `evalsum.systems`) go through the same
path, so a plugin is never second-class. Nothing is imported until a system is asked for.
"""
from __future__ import annotations

import difflib
import importlib
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

from pydantic import ValidationError

from evalsum.contract import AnyBackend, ReferenceReader, Summariser, SystemOptions
from evalsum.errors import BackendUnavailable, UsageError

GROUP = "evalsum.systems"

BUILTINS: dict[str, str] = {
    "lead3": "evalsum.systems.lead:Lead3",
    "lead-k": "evalsum.systems.lead:LeadK",
    "textrank": "evalsum.systems.extractive:TextRank",
    "random": "evalsum.systems.bounds:Random",
    "oracle": "evalsum.systems.bounds:Oracle",
    "human": "evalsum.systems.bounds:Human",
    "files": "evalsum.systems.files:Files",
    "llm": "evalsum.systems.llm:LLM",
    "embed": "evalsum.systems.embedding:Embed",
}

# Built-ins whose dependencies come with an extra: what `evalsum systems` tells a user to install.
EXTRAS: dict[str, str] = {"llm": "llm", "embed": "embed"}

# Systems that `--all` and CI run: they need no extra package, no server and no input files.
CORE = ("lead3", "textrank", "random", "oracle", "human")


def specs() -> dict[str, str]:
    """Every known system name -> "module:Class", plugins after built-ins (built-ins win)."""
    out = dict(BUILTINS)
    for ep in entry_points(group=GROUP):
        out.setdefault(ep.name, ep.value)
    return out


@dataclass(frozen=True)
class Shadowed:
    """A plugin registered under a built-in's name: ignored, because built-ins win."""

    name: str
    plugin: str
    builtin: str
    package: str


def shadowed() -> list[Shadowed]:
    """Plugins that `specs()` drops for a built-in of the same name, for the CLI to warn about."""
    return [Shadowed(ep.name, ep.value, BUILTINS[ep.name], ep.dist.name if ep.dist else "?")
            for ep in entry_points(group=GROUP) if ep.name in BUILTINS and ep.value != BUILTINS[ep.name]]


def _import(spec: str) -> type[AnyBackend]:
    module, _, attr = spec.partition(":")
    obj: Any = importlib.import_module(module)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj  # type: ignore[no-any-return]


def resolve(name: str) -> type[AnyBackend]:
    """The class for a system name; an unknown name gets the list and a did-you-mean."""
    table = specs()
    if name not in table:
        close = difflib.get_close_matches(name, table, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise UsageError(f"unknown system {name!r}.{hint} Available: {', '.join(sorted(table))}")
    try:
        cls = _import(table[name])
    except ModuleNotFoundError as e:
        if not _own_module_missing(table[name], e):  # the backend is there, a package it needs is not
            raise BackendUnavailable(f"system {name!r} is {_not_installed(name, table[name], e)}") from None
        raise UsageError(f"system {name!r} could not be loaded from {table[name]!r}: "
                         f"{_not_installed(name, table[name], e)}") from None
    except (ImportError, AttributeError) as e:
        raise UsageError(f"system {name!r} could not be loaded from {table[name]!r}: {e}") from None
    if not (isinstance(cls, type) and issubclass(cls, (Summariser, ReferenceReader))):
        raise UsageError(f"system {name!r} ({table[name]}) is not a subclass of evalsum.contract.Summariser "
                         "or evalsum.contract.ReferenceReader")
    return cls


def pairs_to_dict(name: str, pairs: list[str]) -> dict[str, str]:
    """`key=value` strings from the command line as a dict (values stay strings; the backend's
    Options model converts them)."""
    raw: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"option {pair!r} for {name!r} is not key=value")
        raw[key.strip()] = value
    return raw


def parse_options(cls: type[AnyBackend], raw: dict[str, Any]) -> SystemOptions:
    """Validate a dict of options against the system's Options model."""
    allowed = ", ".join(cls.Options.model_fields) or "(none)"
    try:
        return cls.Options.model_validate(raw)
    except ValidationError as e:
        first = e.errors()[0]
        key = ".".join(str(x) for x in first["loc"])
        kind = {"extra_forbidden": "unknown option", "missing": "missing option"}.get(first["type"], "invalid option")
        close = difflib.get_close_matches(key, cls.Options.model_fields, n=1) if kind == "unknown option" else []
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise UsageError(f"{kind} {key!r} for system {cls.name!r}: {first['msg']}.{hint} Allowed: {allowed}") from None


def build(name: str, options: dict[str, Any] | None = None) -> AnyBackend:
    cls = resolve(name)
    return cls(parse_options(cls, options or {}))


def _own_module_missing(spec: str, e: ModuleNotFoundError) -> bool:
    """True when the backend's own module (or a parent package) is missing, not a dependency."""
    module = spec.partition(":")[0]
    return bool(e.name) and (module == e.name or module.startswith(f"{e.name}."))


def _not_installed(name: str, spec: str, e: ModuleNotFoundError) -> str:
    """One line for a backend whose module or one of its packages is missing, with what to install."""
    builtin = BUILTINS.get(name) == spec
    install = f"pip install 'evalsum[{EXTRAS[name]}]'" if builtin and name in EXTRAS else (
        "reinstall evalsum" if builtin else "reinstall the package that provides this plugin")
    module = spec.partition(":")[0]
    what = f"module {module} not found" if _own_module_missing(spec, e) else f"needs package {e.name!r}"
    return f"not installed: {what}; {install}"


@dataclass(frozen=True)
class Status:
    """Whether a system can run here and, if not, what to do about it (for `evalsum systems`)."""

    name: str
    source: str
    builtin: bool
    version: str = "?"
    description: str = ""
    available: bool = False
    hint: str = ""


def status(name: str) -> Status:
    """Load a system's class without running it, and ask it whether it can run here.

    A missing module is reported as "not installed" with the install command, never a traceback:
    listing systems must work on a base install without any optional extra."""
    spec = specs()[name]
    builtin = BUILTINS.get(name) == spec
    try:
        cls = _import(spec)
    except ModuleNotFoundError as e:
        return Status(name, spec, builtin, hint=_not_installed(name, spec, e))
    except Exception as e:
        return Status(name, spec, builtin, hint=f"cannot load {spec}: {type(e).__name__}: {e}")
    try:
        why = cls.unavailable()
    except Exception as e:
        why = f"unavailable() failed: {type(e).__name__}: {e}"
    return Status(name, spec, builtin, version=str(getattr(cls, "version", "?")),
                  description=str(getattr(cls, "description", "")), available=why is None, hint=why or "")
