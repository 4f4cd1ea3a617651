"""`evalsum systems`: every backend, whether it runs here, which ones `--all` runs, and their options.

The options come from each backend's pydantic Options model, so the listing cannot drift from
what `-o key=value` accepts.
"""
from __future__ import annotations

import dataclasses
import json
import types
import typing
from typing import Any

import typer
from pydantic import BaseModel, ConfigDict, Field
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined, to_jsonable_python

from evalsum.cli.app import app, emit_json, out
from evalsum.cli.run import warn_shadowed
from evalsum.contract import AnyBackend
from evalsum.errors import EvalsumError
from evalsum.run import registry

CORE_NOTE = f"core: run by `evalsum run --all` and in CI (no extra package, server or input files): " \
            f"{', '.join(registry.CORE)}"


class OptionInfo(BaseModel):
    """One `-o key=value` a backend accepts."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    type: str
    required: bool
    default: Any = Field(description="the value when not given, as JSON; None when required")
    constraints: list[str] = Field(default_factory=list, description="bounds and lengths, e.g. ge=1")
    description: str = ""
    transport: bool = Field(description="changes how a model is reached, not what it writes")


class SystemRow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    version: str
    description: str
    available: bool
    hint: str
    source: str
    builtin: bool
    core: bool
    options: list[OptionInfo] | None = Field(default=None, description="with --options; None when the class "
                                             "cannot be loaded here")


def type_name(annotation: Any) -> str:
    """`int`, `str | None`, `list[str] | None`, `Path`: as a user reads a type, without module prefixes."""
    if annotation is type(None):
        return "None"
    if isinstance(annotation, type) and not typing.get_args(annotation):
        return annotation.__name__
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return " | ".join(type_name(a) for a in args)
    return str(annotation).replace("typing.", "").replace("pathlib.", "")


def transport_of(cls: type[AnyBackend]) -> frozenset[str]:
    """The option names a backend declares as transport, wherever it declares them (on its Options
    model or on the class, as a set or a method returning one); none when it does not."""
    for owner in (cls.Options, cls):
        for attr in ("TRANSPORT", "transport", "transport_options"):
            value = getattr(owner, attr, None)
            if callable(value):
                try:
                    value = value()
                except Exception:
                    continue
            if isinstance(value, (set, frozenset, tuple, list)):
                return frozenset(str(v) for v in value)
    return frozenset()


def _constraints(field: FieldInfo) -> list[str]:
    found = []
    for m in field.metadata:
        if dataclasses.is_dataclass(m) and not isinstance(m, type):
            found += [f"{f.name}={getattr(m, f.name)}" for f in dataclasses.fields(m)
                      if getattr(m, f.name) is not None]
    return found


def options_of(cls: type[AnyBackend]) -> list[OptionInfo]:
    transport = transport_of(cls)
    rows = []
    for name, field in cls.Options.model_fields.items():
        required = field.is_required()
        if required:
            default = None
        elif field.default_factory is not None:
            default = field.default_factory()  # type: ignore[call-arg]
        else:
            default = None if field.default is PydanticUndefined else field.default
        rows.append(OptionInfo(name=name, type=type_name(field.annotation), required=required,
                               default=to_jsonable_python(default), constraints=_constraints(field),
                               description=field.description or "", transport=name in transport))
    return rows


def row(name: str, with_options: bool) -> SystemRow:
    s = registry.status(name)
    options = None
    if with_options:
        try:
            options = options_of(registry.resolve(name))
        except EvalsumError:
            options = None
    return SystemRow(name=s.name, version=s.version, description=s.description, available=s.available, hint=s.hint,
                     source=s.source, builtin=s.builtin, core=s.name in registry.CORE, options=options)


def option_line(o: OptionInfo) -> str:
    """`k: int = 3  [ge=1]  number of sentences`, marked (transport) where it applies."""
    head = f"{o.name}: {o.type}" + (" (required)" if o.required else f" = {json.dumps(o.default)}")
    extra = [f"[{', '.join(o.constraints)}]"] if o.constraints else []
    extra += ["(transport)"] if o.transport else []
    return "  ".join([head, *extra, *([o.description] if o.description else [])])


@app.command()
def systems(
    as_json: bool = typer.Option(False, "--json", help="print as JSON"),
    with_options: bool = typer.Option(False, "--options", help="also list each backend's options (-o key=value) "
                                      "with type, default and description"),
) -> None:
    """List every backend with its version, description and whether it can run here; core systems
    (the ones `--all` runs) are marked.

    Example: evalsum systems   |   evalsum systems --options
    """
    warn_shadowed()
    rows = [row(name, with_options) for name in sorted(registry.specs())]
    if as_json:
        emit_json([r.model_dump(mode="json", exclude=None if with_options else {"options"}) for r in rows])
        return
    con = out()
    for r in rows:
        state = "ready" if r.available else "unavailable"
        origin = "" if r.builtin else f" (plugin {r.source})"
        core = "core" if r.core else ""
        con.print(f"{r.name:<10} v{r.version:<4} {state:<12} {core:<5} {r.description}{origin}", markup=False)
        if not r.available:
            con.print(f"{'':<10} {'':<5} {'':<12} {'':<5} -> {r.hint}", markup=False)
        if with_options:
            if r.options is None:
                con.print("    options: cannot be listed (the backend does not load here)", markup=False)
            elif not r.options:
                con.print("    options: none", markup=False)
            for o in r.options or []:
                con.print(f"    -o {option_line(o)}", markup=False)
    con.print(CORE_NOTE, markup=False)
