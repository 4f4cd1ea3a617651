"""Boilerplate cleaning with reasons, and the optional `date` header of a source.

Sources are real web pages. Cleaning rules describe *kinds* of page furniture (sign-up prompts,
audio players, captions, bylines, related-content navigation), never strings copied from one
file, so they carry over to clusters we have not seen. Every dropped or stripped piece of text is
kept with its line number and reason, so `evalsum inspect` can show exactly what went and why.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from evalsum.models import DroppedLine

DATE_HEADER = re.compile(r"^\ufeff?\s*date\s+(\d{4}-\d{2}-\d{2})\b[ \t]*")


@dataclass(frozen=True)
class Rule:
    """One kind of boilerplate line: a regex over the whole (stripped) line, and why it goes."""

    reason: str
    pattern: re.Pattern[str]


def _rx(p: str) -> re.Pattern[str]:
    return re.compile(p, re.IGNORECASE)


# Whole-line rules: a line matching any of these is dropped.
LINE_RULES: tuple[Rule, ...] = (
    Rule("newsletter or sign-up prompt", _rx(
        r"\bsign[ -]?up\b.*\b(newsletter|email|e-mail|inbox|headlines)\b"
        r"|\bsubscribe\b.*\b(newsletter|email|e-mail|inbox)\b"
        r"|\benter a valid email\b|\bthanks for (signing|subscribing)\b")),
    Rule("audio player widget", _rx(r"^(listen to (this|the) (article|story)|loading audio\b.*|play audio)\W*$")),
    Rule("photo caption or credit", _rx(
        r"(^|[.!?]\s+)(picture|photo|image|photograph|credit|source)s?\s*:\s*[\w .&/-]{1,60}$"
        r"|\((picture|photo|image|credit)s?\s*:[^)]{1,80}\)\s*$|^(getty images|ap photo|reuters)\W*$")),
    Rule("byline", re.compile(r"^(By|Written by|Reporting by)\s+[A-Z][\w'’.-]+(\s+[A-Z][\w'’.-]+){0,3}$")),
    Rule("timestamp line", _rx(
        r"^(\d{1,2}\s+[a-z]+\s+\d{4}|[a-z]+\s+\d{1,2},?\s+\d{4})(,?\s*\d{1,2}[:.]\d{2}(\s*[ap]\.?m\.?)?)?"
        r"(\s*(gmt|utc|[a-z]{2,4}t))?$")),
    Rule("related-article link", _rx(r"^(read more|related|see also|watch|more on this)\s*:")),
    Rule("share or social prompt", _rx(r"^(share (this|on)|follow us|click here|tap here|comments?)\b.{0,40}$")),
)

# A short navigation heading: everything after it is a list of other stories, not the article.
NAVIGATION = _rx(
    r"^(see more\b.*|more (latest )?(news|stories|topics)|latest (news|stories)|related (articles|stories|content)"
    r"|most (read|popular|viewed)|trending( now)?|recommended( for you)?|you may also like|more from\b.*)\s*$"
)

# In-line furniture stripped from a kept line.
INLINE_RULES: tuple[Rule, ...] = (
    Rule("embedded post attribution", re.compile(
        r"\s*(pic\.twitter\.com/\S+\s*)?[—–-]+\s*[^—–()]{1,60}\(@\w+\)\s+[A-Z][a-z]+ \d{1,2}, \d{4}\s*$")),
    Rule("link or media URL", re.compile(r"\s*(https?://\S+|pic\.twitter\.com/\S+)")),
)


def parse_date_header(text: str) -> tuple[dt.date | None, str]:
    """Split an optional leading `date YYYY-MM-DD` header from the text (the file stays untouched)."""
    m = DATE_HEADER.match(text)
    if not m:
        return None, text.lstrip("\ufeff")
    try:
        return dt.date.fromisoformat(m.group(1)), text[m.end():]
    except ValueError:
        return None, text.lstrip("\ufeff")


def _is_caption_alt(line: str, next_line: str | None) -> bool:
    """An image alt-text line repeats the start of the caption line that follows it."""
    if next_line is None or not line or len(line) > 200:
        return False
    nxt = next_line.strip()
    return nxt != line and nxt.startswith(line) and bool(LINE_RULES[2].pattern.search(nxt))


_BREAK = re.compile(r"\r\n|\r|\n")


def _body_start(text: str) -> tuple[int, int]:
    """(leading BOMs, where `parse_date_header`'s body starts) in `text`, found without a copy."""
    lead = 0
    while lead < len(text) and text[lead] == "\ufeff":
        lead += 1
    m = DATE_HEADER.match(text)
    if m:
        try:
            dt.date.fromisoformat(m.group(1))
            return lead, m.end()
        except ValueError:
            pass
    return lead, lead


def _lines(text: str, start: int) -> Iterator[str]:
    """The lines of `text[start:]` one at a time (CRLF, CR and LF each end one), as
    `text[start:].splitlines()` but with only those three breaks: what replacing CRLF and CR by LF
    and splitting at LF gives, without the three copies."""
    for m in _BREAK.finditer(text, start):
        yield text[start:m.start()]
        start = m.end()
    yield text[start:]


def clean_lines(doc_id: str, text: str) -> tuple[list[tuple[int, str]], list[DroppedLine]]:
    """Return the kept (line number, text) pairs and the dropped pieces with reasons."""
    dropped: list[DroppedLine] = []
    return list(iter_clean_lines(doc_id, text, dropped)), dropped


class DroppedSink(Protocol):
    """Where cleaning puts the lines it drops: a list, or a document's packed `DroppedLines`."""

    def append(self, line: DroppedLine, /) -> None: ...


def iter_clean_lines(doc_id: str, text: str, dropped: DroppedSink) -> Iterator[tuple[int, str]]:
    """`clean_lines` one kept line at a time, appending the dropped pieces to `dropped` as it goes:
    a large source is never held as a list of its lines next to its sentences."""
    lead, start = _body_start(text)
    header_len = start - lead  # as len(text.lstrip("\ufeff")) - len(body) counts it
    if header_len:
        dropped.append(DroppedLine(doc_id=doc_id, line=1, text=text[:header_len].strip("\ufeff "),
                                   reason="date header (parsed as metadata)"))
    tail_reason: str | None = None
    lines = _lines(text, start)
    raw: str | None = next(lines)
    no = 0
    while raw is not None:
        following = next(lines, None)
        no += 1
        line = raw.strip()
        raw = following
        if not line:
            continue
        if tail_reason is None and NAVIGATION.match(line):
            tail_reason = f"related-content list after navigation heading {line!r}"
        if tail_reason is not None:
            dropped.append(DroppedLine(doc_id=doc_id, line=no, text=line, reason=tail_reason))
            continue
        reason = next((r.reason for r in LINE_RULES if r.pattern.search(line)), None)
        if reason is None and _is_caption_alt(line, following):
            reason = "image alt text repeated by the caption"
        if reason is not None:
            dropped.append(DroppedLine(doc_id=doc_id, line=no, text=line, reason=reason))
            continue
        for rule in INLINE_RULES:
            for m in list(rule.pattern.finditer(line)):
                dropped.append(DroppedLine(doc_id=doc_id, line=no, text=m.group(0).strip(), reason=rule.reason))
            line = rule.pattern.sub("", line).strip()
        if line:
            yield no, line


def is_boilerplate(sentence: str) -> str | None:
    """The reason a sentence would be dropped as page furniture, or None: used by off-topic checks."""
    line = sentence.strip()
    if NAVIGATION.match(line):
        return "navigation heading"
    return next((r.reason for r in LINE_RULES if r.pattern.search(line)), None)
