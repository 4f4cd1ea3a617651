"""A cluster as every backend sees it: each source cleaned, then split into sentences."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from evalsum.models import Document, Prepared, PreparedDocument
from evalsum.models.packed import DroppedLines, SentenceList
from evalsum.text.cleaning import iter_clean_lines
from evalsum.text.sentences import split_sentences


def prepare_document(doc: Document) -> PreparedDocument:
    """Clean and split one source a line at a time: each kept line is split as cleaning yields it,
    and its sentences and the dropped lines go straight into their packed sequences
    (`models.packed`), so a large source is never held as lines, or as models, next to its text."""
    dropped = DroppedLines(doc.id)
    texts = (s for _, line in iter_clean_lines(doc.id, doc.text, dropped) for s in split_sentences(line))
    return PreparedDocument(id=doc.id, date=doc.date, sentences=SentenceList(doc.id, doc.date, texts),
                            dropped=dropped)


def _in_order(documents: list[Document]) -> list[Document]:
    return sorted(documents, key=lambda d: (d.date is None, d.date or dt.date.min, d.id))


def prepare(cluster_id: str, title: str, documents: list[Document]) -> Prepared:
    """Clean and split every document of a cluster, in a stable order (date, then id)."""
    return Prepared(cluster_id=cluster_id, title=title, documents=[prepare_document(d) for d in _in_order(documents)])


def iter_sentence_texts(documents: list[Document]) -> Iterator[str]:
    """`prepare(...).sentences.texts()` one at a time, keeping neither models nor dropped lines:
    for checks that read only the texts (`evalsum validate`)."""
    for d in _in_order(documents):
        for _, line in iter_clean_lines(d.id, d.text, []):
            yield from split_sentences(line)

