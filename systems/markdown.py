"""Strip markdown from a model's answer, so an LLM is scored on its words, not its formatting.

Chat models often answer with bullets, numbered lists, bold text, headings and a leading
"Summary:" label even when told not to. Left in, these tokens cost budget words and ROUGE
precision in a way no extractive system pays. Every strip is counted by kind, so the record shows
what was removed; the text itself is never rewritten beyond the markup.
"""
from __future__ import annotations

import re
from collections import Counter

# A whole line that is only furniture: a horizontal rule, a code fence, a bare label, or a heading
# (a section title such as "## Reaction" is not a summary sentence and would cost budget words).
RULE_LINE = re.compile(r"^\s*([-*_]\s*){3,}$")
FENCE_LINE = re.compile(r"^\s*(```|~~~)")
LABEL_ONLY = re.compile(r"^\s*(?:#{1,6}\s*)?[*_]*\s*(?:summary|tl;?dr)\s*[*_]*\s*:?\s*[*_]*\s*$", re.IGNORECASE)
# A chatty first line introducing the answer ("Here is a 100-word summary of the articles:").
PREAMBLE = re.compile(r"^\s*(?:sure[,!.]?\s*)?here(?:'s| is| are)\b[^.!?\n]{0,120}\bsummar\w*\b[^.!?\n]{0,80}:\s*$",
                      re.IGNORECASE)

# Markers at the start of a line, applied in this order.
HEADING_LINE = re.compile(r"^\s*#{1,6}\s+")
LINE_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("blockquote", re.compile(r"^\s*>\s?")),
    ("bullet", re.compile(r"^\s*[-*+•]\s+")),
    ("numbering", re.compile(r"^\s*\(?\d{1,3}[.)]\s+")),
    ("summary label", re.compile(r"^\s*[*_]{0,2}\s*(?:summary|tl;?dr)\s*[*_]{0,2}\s*:\s*[*_]{0,2}\s*", re.IGNORECASE)),
)

# Inline emphasis and links: (kind, pattern, replacement).
INLINE: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("bold", re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"), r"\1"),
    ("bold", re.compile(r"(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)"), r"\1"),
    ("italics", re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])"), r"\1"),
    ("italics", re.compile(r"(?<![\w_])_(?=[^\s_])([^_\n]+?)(?<=[^\s_])_(?![\w_])"), r"\1"),
    ("inline code", re.compile(r"`([^`\n]+)`"), r"\1"),
    ("link", re.compile(r"\[([^\]\n]+)\]\([^)\s]+\)"), r"\1"),
)


def strip_markdown(text: str) -> tuple[list[str], dict[str, int]]:
    """Plain lines of `text` without markup, and how many of each kind of markup went.

    A line that held only a label, a rule, a fence or a heading is dropped; every other line keeps its
    words.
    """
    stripped: Counter[str] = Counter()
    lines: list[str] = []
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = True
    for raw in raw_lines:
        line = raw.strip()
        if not line:
            continue
        if first and PREAMBLE.match(line):
            stripped["preamble"] += 1
            first = False
            continue
        first = False
        if FENCE_LINE.match(line):
            stripped["code fence"] += 1
            continue
        if RULE_LINE.match(line):
            stripped["horizontal rule"] += 1
            continue
        if LABEL_ONLY.match(line):
            stripped["summary label"] += 1
            continue
        if HEADING_LINE.match(line):
            stripped["heading"] += 1
            continue
        for kind, pattern in LINE_MARKERS:
            new = pattern.sub("", line, count=1)
            if new != line:
                stripped[kind] += 1
                line = new
        for kind, pattern, repl in INLINE:
            line, n = pattern.subn(repl, line)
            stripped[kind] += n
        line = line.strip()
        if line:
            lines.append(line)
    return lines, {k: v for k, v in sorted(stripped.items()) if v}
