"""JSON Schemas for `cluster.yaml` and `checklist.yaml`, generated from the pydantic models.

Editors (the YAML language server, via `# yaml-language-server: $schema=...`) use them to complete
keys and flag mistakes while a checklist is written. They are generated, never hand-edited, so
they cannot drift from what `evalsum validate` accepts; `evalsum schema --write` refreshes the
committed copies under `references/schema/`, and a test checks they are current.

One adjustment: the gold YAML reader keeps text keys as written (`gold.yaml_text`), so an
unquoted `1931`, `yes` or `null` there is text. An editor parses it as a number, a boolean or
null, so those keys also accept scalars of those types here.
"""
from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from evalsum.gold.corpus import ClusterMeta
from evalsum.gold.yaml_text import TEXT_KEYS
from evalsum.models import Checklist

DIALECT = "https://json-schema.org/draft/2020-12/schema"
FILES: dict[str, tuple[str, type[BaseModel]]] = {
    "cluster.schema.json": ("cluster.yaml", ClusterMeta),
    "checklist.schema.json": ("checklist.yaml", Checklist),
}
_SCALARS = ["string", "number", "boolean", "null"]


def _relax(node: Any) -> None:
    """Every `type: string` under node also accepts what an editor reads a plain scalar as."""
    if isinstance(node, dict):
        if node.get("type") == "string":
            node["type"] = list(_SCALARS)
        for v in node.values():
            _relax(v)
    elif isinstance(node, list):
        for v in node:
            _relax(v)


def _text_accepts_scalars(node: Any) -> None:
    if isinstance(node, dict):
        for name, prop in node.get("properties", {}).items():
            if name in TEXT_KEYS:
                _relax(prop)
        for v in node.values():
            _text_accepts_scalars(v)
    elif isinstance(node, list):
        for v in node:
            _text_accepts_scalars(v)


def schema(name: str) -> dict[str, Any]:
    """The schema document for one file of `FILES`."""
    target, model = FILES[name]
    doc = model.model_json_schema()
    _text_accepts_scalars(doc)
    doc["title"] = target
    return {"$schema": DIALECT, "$id": name, **doc}


def render(name: str) -> str:
    """The schema as committed: sorted keys, two-space indent, trailing newline."""
    return json.dumps(schema(name), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
