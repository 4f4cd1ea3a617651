"""Text from data (system labels, cluster ids, error messages) made safe inside markdown we write.

A label such as `files:a|b` or a JSONL `system` holding a newline would otherwise split a table
row or start a heading of its own in LEADERBOARD.md, a gate summary or a comparison. Every
markdown writer passes such text through `cell` (tables and headings alike), so there is one rule.
"""
from __future__ import annotations


def cell(text: object) -> str:
    """`text` as one line of inline markdown: runs of whitespace (newlines included) become one
    space, and backslashes and pipes are escaped, so it stays inside its table cell or heading."""
    flat = " ".join(str(text).split())
    return flat.replace("\\", "\\\\").replace("|", "\\|")
