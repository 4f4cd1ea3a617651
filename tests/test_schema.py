"""The published JSON Schemas are current, referenced, and the bundled gold validates against them."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from evalsum.gold import corpus, schema
from tests.conftest import CLUSTER_DIR, REFERENCES, ROOT, cli

SCHEMA_DIR = REFERENCES / "schema"
GOLD = {"cluster.schema.json": CLUSTER_DIR / "cluster.yaml", "checklist.schema.json": CLUSTER_DIR / "checklist.yaml"}
TYPES: dict[str, Any] = {"string": str, "number": (int, float), "integer": int, "boolean": bool, "null": type(None),
                         "array": list, "object": dict}


def errors(node: dict[str, Any], value: Any, root: dict[str, Any], at: str = "") -> list[str]:
    """A small JSON Schema checker for the keywords pydantic emits (jsonschema is not a dependency)."""
    if "$ref" in node:
        return errors(root["$defs"][node["$ref"].rsplit("/", 1)[1]], value, root, at)
    if "anyOf" in node:
        options = [errors(o, value, root, at) for o in node["anyOf"]]
        return [] if any(not o for o in options) else [f"{at}: matches no anyOf option"]
    out: list[str] = []
    types = node.get("type")
    if types is not None:
        names = types if isinstance(types, list) else [types]
        ok = any(isinstance(value, TYPES[t]) and not (t in ("number", "integer") and isinstance(value, bool))
                 for t in names)
        if not ok:
            return [f"{at}: {value!r} is not {names}"]
    if "enum" in node and value not in node["enum"]:
        out.append(f"{at}: {value!r} not in {node['enum']}")
    if isinstance(value, str):
        if len(value) < node.get("minLength", 0) or len(value) > node.get("maxLength", 10**9):
            out.append(f"{at}: length")
        if "pattern" in node and not re.search(node["pattern"], value):
            out.append(f"{at}: does not match {node['pattern']}")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value < node.get("minimum", value):
        out.append(f"{at}: below minimum")
    if isinstance(value, list):
        if len(value) < node.get("minItems", 0):
            out.append(f"{at}: too few items")
        for i, item in enumerate(value):
            out += errors(node.get("items", {}), item, root, f"{at}.{i}")
    if isinstance(value, dict):
        props = node.get("properties", {})
        out += [f"{at}: missing {k}" for k in node.get("required", []) if k not in value]
        for k, v in value.items():
            if k in props:
                out += errors(props[k], v, root, f"{at}.{k}")
            elif node.get("additionalProperties") is False:
                out.append(f"{at}: unknown key {k}")
    return out


@pytest.mark.parametrize("name", sorted(schema.FILES))
def test_committed_schema_is_the_generated_one(name: str) -> None:
    assert (SCHEMA_DIR / name).read_text(encoding="utf-8") == schema.render(name), \
        "stale schema: run `evalsum schema --write`"


@pytest.mark.parametrize(("name", "gold"), sorted(GOLD.items()))
def test_bundled_gold_validates_against_its_schema(name: str, gold: Path) -> None:
    doc = schema.schema(name)
    data = corpus.read_yaml(gold)
    assert errors(doc, data, doc) == []
    first_line = gold.read_text(encoding="utf-8").splitlines()[0]
    assert first_line == f"# yaml-language-server: $schema=../schema/{name}"
    assert (gold.parent / "../schema" / name).resolve().is_file()


def test_schema_rejects_what_validate_rejects() -> None:
    doc = schema.schema("checklist.schema.json")
    fact = {"id": "a", "statement": "s", "patterns": [["x"]]}
    assert errors(doc, {"facts": [fact]}, doc) == []
    assert errors(doc, {"facts": [{**fact, "wieght": 2}]}, doc) == [".facts.0: unknown key wieght"]
    assert errors(doc, {"facts": [{**fact, "scope": "doc"}]}, doc) == [
        ".facts.0.scope: 'doc' not in ['sentence', 'summary']"]
    assert errors(doc, {"probes": [{"id": "p", "statement": "s"}]}, doc) == [".probes.0: missing patterns"]
    assert errors(doc, {"facts": [{**fact, "weight": -1}]}, doc) == [".facts.0.weight: matches no anyOf option"]
    # What an editor reads an unquoted pattern as is accepted, as the loader accepts it.
    assert errors(doc, {"facts": [{**fact, "patterns": [[1931, True, None]]}]}, doc) == []
    meta = schema.schema("cluster.schema.json")
    assert errors(meta, {"id": "../x", "title": "t"}, meta) == [
        ".id: does not match ^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$"]


@pytest.mark.parametrize(("name", "gold"), sorted(GOLD.items()))
def test_jsonschema_agrees_when_installed(name: str, gold: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(corpus.read_yaml(gold), schema.schema(name))


def test_readmes_reference_the_schemas_and_document_every_key() -> None:
    readme = (REFERENCES / "README.md").read_text(encoding="utf-8")
    for name in schema.FILES:
        assert f"schema/{name}" in readme
        assert f"references/schema/{name}" in (ROOT / "README.md").read_text(encoding="utf-8")
    for name in schema.FILES:
        doc = schema.schema(name)
        keys = set(doc["properties"]) | {k for d in doc.get("$defs", {}).values() for k in d["properties"]}
        for key in keys:
            assert f"`{key}`" in readme, key
            assert re.search(rf"^\s*-?\s*{key}:", readme, re.M), f"no example for {key}"


def test_schema_command_prints_both(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("schema") == 0
    assert capsys.readouterr().out == "".join(schema.render(n) for n in schema.FILES)
