"""A cluster as every backend sees it: each source cleaned, then split into sentences."""
from __future__ import annotations

import datetime as dt

from evalsum.models import Document, DroppedLine, Prepared, PreparedDocument, Sentence
from evalsum.text.cleaning import iter_clean_lines
from evalsum.text.sentences import split_sentences


def prepare_document(doc: Document) -> PreparedDocument:
    """Clean and split one source, a line at a time.

    Sentences are built with `model_construct` from values that are valid by construction (a str,
    the document's id and date, an int), sharing one fields-set: a validated model carries its own
    set (216 bytes), which for a large source costs more than the sentence text. The models are
    frozen, and a copy gets its own set, so sharing it is safe; the result equals the validated
    models field for field (tests/test_memory.py pins it)."""
    dropped: list[DroppedLine] = []
    sentences: list[Sentence] = []
    fields = set(Sentence.model_fields)
    for _, line in iter_clean_lines(doc.id, doc.text, dropped):
        for s in split_sentences(line):
            sentences.append(Sentence.model_construct(fields, text=s, doc_id=doc.id, index=len(sentences),
                                                      doc_date=doc.date))
    return PreparedDocument(id=doc.id, date=doc.date, sentences=sentences, dropped=dropped)


def prepare(cluster_id: str, title: str, documents: list[Document]) -> Prepared:
    """Clean and split every document of a cluster, in a stable order (date, then id)."""
    docs = sorted(documents, key=lambda d: (d.date is None, d.date or dt.date.min, d.id))
    return Prepared(cluster_id=cluster_id, title=title, documents=[prepare_document(d) for d in docs])
