"""A cluster as every backend sees it: each source cleaned, then split into sentences."""
from __future__ import annotations

import datetime as dt

from evalsum.models import Document, Prepared, PreparedDocument, Sentence
from evalsum.text.cleaning import clean_lines
from evalsum.text.sentences import split_sentences


def prepare_document(doc: Document) -> PreparedDocument:
    kept, dropped = clean_lines(doc.id, doc.text)
    sentences: list[Sentence] = []
    for _, line in kept:
        for s in split_sentences(line):
            sentences.append(Sentence(text=s, doc_id=doc.id, index=len(sentences), doc_date=doc.date))
    return PreparedDocument(id=doc.id, date=doc.date, sentences=sentences, dropped=dropped)


def prepare(cluster_id: str, title: str, documents: list[Document]) -> Prepared:
    """Clean and split every document of a cluster, in a stable order (date, then id)."""
    docs = sorted(documents, key=lambda d: (d.date is None, d.date or dt.date.min, d.id))
    return Prepared(cluster_id=cluster_id, title=title, documents=[prepare_document(d) for d in docs])
