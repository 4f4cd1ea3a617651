"""Prompt templates: a bare name is a file shipped in systems/prompts/, anything else a path.

A template uses $documents and optionally $words and $title (string.Template syntax); anything
else is refused when the options are validated, so a typo is an exit-2 usage error, not a prompt
with a literal "$text" in it.
"""
from __future__ import annotations

import re
import string
from importlib import resources
from pathlib import Path

from evalsum.errors import DataError
from evalsum.files import read_bytes

PLACEHOLDERS = {"words", "title", "documents"}
MAX_TEMPLATE_BYTES = 2**20  # a prompt template is a page of text, not a file of any size


def template_path(prompt: str) -> Path:
    """A bare name is a template shipped in systems/prompts/; anything else is a file path."""
    if re.fullmatch(r"[A-Za-z0-9_.-]+", prompt) and not prompt.endswith(".txt"):
        return Path(str(resources.files("evalsum.systems") / "prompts" / f"{prompt}.txt"))
    return Path(prompt).expanduser()


def placeholders(text: str) -> tuple[set[str], bool]:
    """The $names a template uses, and whether it has a stray `$` that string.Template rejects."""
    names, invalid = set(), False
    for m in string.Template.pattern.finditer(text):
        if m.group("invalid") is not None:
            invalid = True
        elif m.group("named") or m.group("braced"):
            names.add(m.group("named") or m.group("braced"))
    return names, invalid


def load_template(prompt: str) -> str:
    """The template text; ValueError (shown as an invalid option) when missing or unusable."""
    path = template_path(prompt)
    try:
        text = read_bytes(path, limit=MAX_TEMPLATE_BYTES).decode("utf-8")
    except (DataError, UnicodeDecodeError):
        raise ValueError(f"prompt template {str(path)!r} cannot be read "
                         "(give a name in systems/prompts/ or a file path)") from None
    names, invalid = placeholders(text)
    unknown = sorted(names - PLACEHOLDERS)
    if unknown or invalid or "documents" not in names:
        allowed = ", ".join("$" + p for p in sorted(PLACEHOLDERS))
        found = ", ".join("$" + u for u in unknown) or ("a stray $ (write $$)" if invalid else "no $documents")
        raise ValueError(f"prompt template {str(path)!r} must use $documents and only {allowed}; found {found}")
    return text


