"""Strip markdown and chat furniture from a model's answer, so an LLM is scored on its words.

Chat models often answer with bullets, numbered lists, bold text, headings, tables, a reasoning
block and a chatty opening or closing line even when told not to. Left in, these cost budget words
and ROUGE precision in a way no extractive system pays. Every strip is counted by kind, so the
record shows what was removed; the text itself is never rewritten beyond the markup (table cells
are joined with "; ").

Every rule is a pattern in RULES, and a line none of them matches is kept verbatim (a property
test checks this), with two positional exceptions: a line directly above a setext underline
(`====`) is a heading and goes with its underline, and a <think> block may span lines.
"""
from __future__ import annotations

import re
from collections import Counter

# Reasoning blocks (<think>...</think>), removed before anything else; an unclosed one (the token
# cap hit mid-thought) runs to the end, and a lone closing tag ends one whose opening was eaten.
THINK = re.compile(r"<think>.*?(?:</think>|\Z)", re.IGNORECASE | re.DOTALL)
THINK_CLOSE = re.compile(r"\A.*?</think>", re.IGNORECASE | re.DOTALL)

# A whole line that is only furniture: a horizontal rule, a code fence, a bare label, or a heading
# (a section title such as "## Reaction" is not a summary sentence and would cost budget words).
RULE_LINE = re.compile(r"^\s*([-*_]\s*){3,}$")
SETEXT_LINE = re.compile(r"^\s*={2,}\s*$")
FENCE_LINE = re.compile(r"^\s*(```|~~~)")
LABEL_ONLY = re.compile(r"^\s*(?:#{1,6}\s*)?[*_]*\s*(?:summary|tl;?dr)\s*[*_]*\s*:?\s*[*_]*\s*$", re.IGNORECASE)
HEADING_LINE = re.compile(r"^\s*#{1,6}\s+")
# A bold-only line without sentence punctuation at its end is a title ("**China's Balloon**").
BOLD_TITLE = re.compile(r"^(?:\*\*[^*\n]*[^.!?*\s]\*\*|__[^_\n]*[^.!?_\s]__)\s*:?\s*$")
# Before any content, a line wholly in quotes without sentence punctuation is a title too.
QUOTED_TITLE = re.compile(r"^[\"“][^\"”\n]*[^.!?\"”\s][\"”]\s*$")
TABLE_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?\s*$")
TABLE_ROW = re.compile(r"^\|.*\|$")

# A chatty opening before any content: "Sure!", "Here is a 100-word summary of the story." or
# "Certainly! Below is a summary…:" on a line of its own, or ending in a colon before the summary
# itself on the same line ("Here's a summary in under 100 words: The balloon...").
_OPENER = (r"^\s*(?:(?:sure|certainly|of course|absolutely|okay|ok)\b[,!.]*\s*)?"
           r"(?:here(?:'s| is| are)|below is|below are|the following is)\b"
           r"[^.!?:\n]{0,160}\bsummar\w*\b[^.!?:\n]{0,100}")
INTERJECTION = re.compile(r"^\s*(?:sure|certainly|of course|absolutely|okay|ok)\b[\s!.,]*$", re.IGNORECASE)
PREAMBLE = re.compile(_OPENER + r"[:.!]?\s*$", re.IGNORECASE)
INLINE_PREAMBLE = re.compile(_OPENER + r":\s+(?=\S)", re.IGNORECASE)
# A chatty closing: a whole last line, or the last sentence of the last line.
_CLOSER = (r"(?:(?:i\s+)?hope\s+(?:this|that|the|my)\b[^.!?\n]{0,60}\b(?:help\w*|useful|summary|clear)\b"
           r"|let me know if\b|feel free to\b|if you (?:have|need) any\b)[^.!?\n]{0,120}[.!]*")
SIGNOFF = re.compile(r"^\s*" + _CLOSER + r"\s*$", re.IGNORECASE)
SIGNOFF_TAIL = re.compile(r"(?<=[.!?])\s+" + _CLOSER + r"\s*$", re.IGNORECASE)

# Markers at the start of a line, applied in this order.
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

# Whole-line rules, first match wins: (kind, pattern).
DROP_LINE: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("code fence", FENCE_LINE), ("horizontal rule", RULE_LINE), ("horizontal rule", SETEXT_LINE),
    ("summary label", LABEL_ONLY), ("heading", HEADING_LINE), ("title", BOLD_TITLE), ("table", TABLE_SEPARATOR),
)

RULES: tuple[re.Pattern[str], ...] = (
    THINK, THINK_CLOSE, INTERJECTION, PREAMBLE, QUOTED_TITLE, INLINE_PREAMBLE, SIGNOFF, SIGNOFF_TAIL, TABLE_ROW,
    *(p for _, p in DROP_LINE), *(p for _, p in LINE_MARKERS), *(p for _, p, _ in INLINE),
)


def _without_thinking(text: str, stripped: Counter[str]) -> str:
    text, n = THINK.subn("", text)
    if "</think>" in text.lower():
        text, m = THINK_CLOSE.subn("", text, count=1)
        n += m
    stripped["think"] += n
    return text


def _clean(line: str, stripped: Counter[str]) -> str:
    """One content line without its markers and inline markup (a table row becomes its cells)."""
    if TABLE_ROW.match(line):
        stripped["table"] += 1
        line = "; ".join(c.strip() for c in line.strip("|").split("|") if c.strip())
    for kind, pattern in LINE_MARKERS:
        new = pattern.sub("", line, count=1)
        if new != line:
            stripped[kind] += 1
            line = new
    for kind, pattern, repl in INLINE:
        line, n = pattern.subn(repl, line)
        stripped[kind] += n
    return line.strip()


def _is_title(line: str, title: str | None) -> bool:
    """Before any content: the story's own title repeated (in quotes or markup or not), or a quoted line."""
    if QUOTED_TITLE.match(line):
        return True
    return bool(title) and line.strip("\"“”'*_#: ").casefold() == (title or "").strip().casefold()


def strip_markdown(text: str, title: str | None = None) -> tuple[list[str], dict[str, int]]:
    """Plain lines of `text` without markup, and how many of each kind of markup went.

    A line that held only furniture (a label, a rule, a fence, a heading, a title, a table
    separator, an opening or closing pleasantry) is dropped; every other line keeps its words.
    `title` is the story's title: a model that opens by repeating it has written a title line.
    """
    stripped: Counter[str] = Counter()
    raw = _without_thinking(text.replace("\r\n", "\n").replace("\r", "\n"), stripped).split("\n")
    lines: list[str] = []
    underline = False
    for i, line in enumerate(s.strip() for s in raw):
        below = raw[i + 1].strip() if i + 1 < len(raw) else ""
        if underline:
            underline = False
            continue
        if not line:
            continue
        if SETEXT_LINE.match(below) and not SETEXT_LINE.match(line):
            stripped["heading"] += 1
            underline = True  # the `====` below goes with it
            continue
        if TABLE_SEPARATOR.match(below) and TABLE_ROW.match(line):
            stripped["table"] += 1  # column titles
            continue
        if not lines:
            if INTERJECTION.match(line) or PREAMBLE.match(line):
                stripped["preamble"] += 1
                continue
            if _is_title(line, title):
                stripped["title"] += 1
                continue
            line, n = INLINE_PREAMBLE.subn("", line, count=1)
            stripped["preamble"] += n
        kind = next((k for k, p in DROP_LINE if p.match(line)), None)
        if kind is not None:
            stripped[kind] += 1
            continue
        line = _clean(line, stripped)
        if line:
            lines.append(line)
    while lines and SIGNOFF.match(lines[-1]):
        lines.pop()
        stripped["sign-off"] += 1
    if lines:
        lines[-1], n = SIGNOFF_TAIL.subn("", lines[-1])
        stripped["sign-off"] += n
    return lines, {k: v for k, v in sorted(stripped.items()) if v}
