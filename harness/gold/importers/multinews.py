"""Multi-News style input: one cluster per line of a sources file, its documents separated by
`|||||`, and a parallel summaries file with one reference per line.

Multi-News stores each line break as the token `NEWLINE_CHAR` (with spaces around it); we turn it
back into a real line break, so paragraphs stay paragraphs and the sentence splitter sees them.
Its summaries start with an en dash ("– "), a leftover of the newser.com layout; it is dropped.
Clusters get ids `<prefix>-<line>` (prefix: the file name up to its first dot, unless given).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import zip_longest
from pathlib import Path
from typing import IO

from evalsum.errors import DataError
from evalsum.gold.dataset import DatasetCluster, validate_cluster

DOC_SEPARATOR = "|||||"
NEWLINE_TOKEN = re.compile(r"[ \t]*NEWLINE_CHAR[ \t]*")
LEADING_DASH = re.compile(r"^\s*[–—-]\s+")
AUTHOR = "multi-news"


def unescape(text: str) -> str:
    return NEWLINE_TOKEN.sub("\n", text).strip()


def _open(path: Path, encoding: str) -> IO[str]:
    try:
        return open(path, encoding=encoding, errors="strict", newline="\n")
    except (OSError, LookupError) as e:
        raise DataError(path, None, f"cannot read: {getattr(e, 'strerror', None) or e}") from None


def default_prefix(sources: Path) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", sources.name.split(".", 1)[0]) or "cluster"


def iter_clusters(sources: Path, summaries: Path, prefix: str | None = None,
                  encoding: str = "utf-8") -> Iterator[tuple[str, DatasetCluster]]:
    """(where, cluster) for every line pair; errors name the file and line."""
    prefix = prefix or default_prefix(sources)
    with _open(sources, encoding) as src, _open(summaries, encoding) as tgt:
        no = 0
        try:
            for no, (s_line, t_line) in enumerate(zip_longest(src, tgt), 1):
                if s_line is None or t_line is None:
                    short, other = (sources, summaries) if s_line is None else (summaries, sources)
                    raise DataError(short, f"line {no}", f"ends here but {other} goes on: the two files must have "
                                                           "one line per cluster, in the same order")
                where = f"line {no}"
                docs = [unescape(d) for d in s_line.rstrip("\n").split(DOC_SEPARATOR)]
                docs = [d for d in docs if d]
                if not docs:
                    raise DataError(sources, where, "no documents on this line")
                summary = LEADING_DASH.sub("", unescape(t_line.rstrip("\n")))
                if not summary.split():
                    raise DataError(summaries, where, "empty summary")
                data = {"id": f"{prefix}-{no:06d}", "documents": [{"text": d} for d in docs],
                        "references": [{"author": AUTHOR, "text": summary + "\n"}]}
                yield f"{sources}:{where}", validate_cluster(data, sources, where)
        except UnicodeDecodeError as e:
            raise DataError(sources, f"line {no + 1}", f"not valid {encoding} ({e.reason}); pass --encoding") from None
