"""A cluster as every backend sees it: each source cleaned, then split into sentences."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from evalsum.models import Document, Prepared, PreparedDocument, Sentence
from evalsum.text.cleaning import clean_lines
from evalsum.text.sentences import split_sentences


def _sentences(kept: list[tuple[int, str]]) -> Iterator[str]:
    """The sentences of the kept lines, taking the lines from the end of a reversed list so each
    line is freed as soon as it is split."""
    kept.reverse()
    while kept:
        _, line = kept.pop()
        yield from split_sentences(line)


def prepare_document(doc: Document) -> PreparedDocument:
    """Clean and split one source (cleaning reads it a line at a time, never as a list of lines).

    Sentences are built with `model_construct` from values that are valid by construction (a str,
    the document's id and date, an int), sharing one fields-set: a validated model carries its own
    set (216 bytes), which for a large source costs more than the sentence text. The models are
    frozen, and a copy gets its own set, so sharing it is safe; the result equals the validated
    models field for field (tests/test_memory.py pins it)."""
    kept, dropped = clean_lines(doc.id, doc.text)
    fields = set(Sentence.model_fields)
    sentences = [Sentence.model_construct(fields, text=s, doc_id=doc.id, index=i, doc_date=doc.date)
                 for i, s in enumerate(_sentences(kept))]
    return PreparedDocument(id=doc.id, date=doc.date, sentences=sentences, dropped=dropped)


def _in_order(documents: list[Document]) -> list[Document]:
    return sorted(documents, key=lambda d: (d.date is None, d.date or dt.date.min, d.id))


def prepare(cluster_id: str, title: str, documents: list[Document]) -> Prepared:
    """Clean and split every document of a cluster, in a stable order (date, then id)."""
    return Prepared(cluster_id=cluster_id, title=title, documents=[prepare_document(d) for d in _in_order(documents)])


def sentence_texts(documents: list[Document]) -> list[str]:
    """`[s.text for s in prepare(...).sentences]` without building a model per sentence or keeping
    the dropped lines: for checks that read only the texts (`evalsum validate`)."""
    out: list[str] = []
    for d in _in_order(documents):
        kept, _ = clean_lines(d.id, d.text)
        out.extend(_sentences(kept))
    return out
