"""The YAML reader for gold files: text stays text, a key appears once, and no alias is expanded.

People write checklists by hand, and news facts are numbers and dates. Under YAML 1.1 an
unquoted `1931`, `2024-05-06`, `no` or `null` would become an int, a date, a boolean or None, so
the value of every text key (`id`, `title`, `statement`, `patterns`, `unless`) keeps the
characters as written. Typed keys (`weight`, `external`, `scope`) resolve as usual.

Duplicate keys would silently keep the last value, and aliases let a small file expand to a huge
one (each `*ref` repeats a whole subtree), so both are refused with the line they are on, as is an
integer too long to convert. Gold files are short and written out in full; nothing legitimate
needs an alias.
"""
from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from evalsum.files import MAX_INT_DIGITS

TEXT_KEYS = frozenset({"id", "title", "statement", "patterns", "unless"})
STR_TAG = "tag:yaml.org,2002:str"


class GoldYAMLError(yaml.MarkedYAMLError):  # type: ignore[misc]  # yaml is untyped
    """A rule of gold files broken at a known line (not a YAML syntax error)."""


def _keep_text(node: Node) -> None:
    """Retag every plain scalar under node as a string: the text is what the author wrote."""
    if isinstance(node, ScalarNode):
        if node.style is None:  # plain (unquoted); quoted and block scalars are strings already
            node.tag = STR_TAG
    elif isinstance(node, SequenceNode):
        for item in node.value:
            _keep_text(item)
    elif isinstance(node, MappingNode):  # a mapping where text belongs: pydantic names the field
        for key, value in node.value:
            _keep_text(key)
            _keep_text(value)


class GoldLoader(yaml.SafeLoader):  # type: ignore[misc]
    """SafeLoader with the three rules above; instances hold only the state of one load."""

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise GoldYAMLError(None, None, f"YAML alias *{event.anchor} is not allowed in gold files; "
                                "write the value out in full", event.start_mark)
        return super().compose_node(parent, index)

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        first: dict[str, int] = {}
        for key, value in node.value:
            if not isinstance(key, ScalarNode):
                continue
            if key.value in first:
                raise GoldYAMLError(None, None, f"duplicate key {key.value!r} (first at line {first[key.value]}); "
                                    "keep one", key.start_mark)
            first[key.value] = key.start_mark.line + 1
            if key.value in TEXT_KEYS:
                _keep_text(value)
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]


def _int(loader: GoldLoader, node: ScalarNode) -> int:
    """YAML's int, but one too long for Python to convert (over 4,300 digits) is refused at its line."""
    digits = sum(c.isdigit() for c in str(node.value))
    if digits > MAX_INT_DIGITS:
        raise GoldYAMLError(None, None, f"an integer of {digits} digits is too long", node.start_mark)
    return int(yaml.SafeLoader.construct_yaml_int(loader, node))


GoldLoader.add_constructor("tag:yaml.org,2002:int", _int)


def load(text: str) -> Any:
    """Parse one gold YAML document (raises yaml.YAMLError subclasses, GoldYAMLError among them)."""
    loader = GoldLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
