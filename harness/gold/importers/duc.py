"""DUC/TAC style input: a folder of document sets plus a folder of model (reference) summaries.

    docs/d30001t/APW19981016.0240     SGML: <DOC><DOCNO>..</DOCNO> .. <TEXT>..</TEXT></DOC>
    models/D30001.M.100.T.A           set D30001, model summary, 100 words, task T, annotator A

A summary belongs to the set folder whose name, lowercased and without punctuation, equals its
set name, or equals it plus one trailing selector letter (DUC's `d30001t` for `D30001`, TAC's
`D0801A-A` for `D0801-A`). Each <TEXT> becomes plain text: tags dropped, entities decoded, one
paragraph per block (a <P> element, or lines that start indented or after a blank line, so that
hard-wrapped newswire is joined back into sentences). The date comes from the DOCNO
(APW19981016.0240, AP880911-0016) or, failing that, from <DATE_TIME>/<DATE>.
"""
from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from pathlib import Path

from evalsum.errors import DataError
from evalsum.gold.dataset import DatasetCluster, validate_cluster

MODEL_NAME = re.compile(r"^(?P<set>[A-Za-z0-9_-]+)\.M\.(?P<size>[A-Za-z0-9]+)\.(?P<task>[A-Za-z0-9]+)\.(?P<annotator>[A-Za-z0-9]+)$")
DOC = re.compile(r"<DOC>(.*?)</DOC>", re.DOTALL | re.IGNORECASE)
DOCNO = re.compile(r"<DOCNO>\s*(.*?)\s*</DOCNO>", re.DOTALL | re.IGNORECASE)
TEXT = re.compile(r"<TEXT>(.*?)</TEXT>", re.DOTALL | re.IGNORECASE)
DATE_TAG = re.compile(r"<(?:DATE_TIME|DATE)>\s*(.*?)\s*</(?:DATE_TIME|DATE)>", re.DOTALL | re.IGNORECASE)
PARA = re.compile(r"<P>(.*?)(?:</P>|(?=<P>)|$)", re.DOTALL | re.IGNORECASE)
TAG = re.compile(r"<[^>]+>")


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def set_matches(folder: str, set_name: str) -> bool:
    f, s = _key(folder), _key(set_name)
    return f == s or (f[:-1] == s and f[-1:].isalpha())


def _decode(path: Path, encoding: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise DataError(path, None, f"cannot read: {e.strerror}") from None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise DataError(path, f"line {line}", f"not valid {encoding} (byte {e.start}); pass --encoding, e.g. latin-1") from None
    except LookupError:
        raise DataError(path, None, f"unknown encoding {encoding!r}") from None


def paragraphs(block: str) -> list[str]:
    """Plain-text paragraphs of one <TEXT> element."""
    if re.search(r"<P>", block, re.IGNORECASE):
        chunks = [m.group(1) for m in PARA.finditer(block)]
        return [p for p in (" ".join(TAG.sub(" ", html.unescape(c)).split()) for c in chunks) if p]
    out: list[list[str]] = []
    new = True
    for line in TAG.sub(" ", block).split("\n"):
        if not line.strip():
            new = True
            continue
        if new or line[:1].isspace():
            out.append([])
        out[-1].append(line.strip())
        new = False
    return [html.unescape(" ".join(" ".join(p).split())) for p in out]


def date_of(docno: str, body: str) -> dt.date | None:
    m = re.match(r"^[A-Z_]+?(\d{4})(\d{2})(\d{2})", docno) or re.match(r"^[A-Z]+(\d{2})(\d{2})(\d{2})-", docno)
    if m is None:
        tag = DATE_TAG.search(body)
        m = re.search(r"(\d{1,2})/(\d{1,2})/(\d{4})", tag.group(1)) if tag else None
        if m is None:
            return None
        month, day, year = (int(x) for x in m.groups())
    else:
        year, month, day = (int(x) for x in m.groups())
        year += 1900 if year < 100 else 0
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def documents(path: Path, encoding: str) -> list[dict[str, object]]:
    """Every <DOC> of one SGML file, as dataset documents."""
    raw = _decode(path, encoding)
    docs = DOC.findall(raw)
    if not docs:
        raise DataError(path, None, "no <DOC>...</DOC> element: not a DUC/TAC document file")
    out: list[dict[str, object]] = []
    for body in docs:
        no = DOCNO.search(body)
        docno = no.group(1) if no else path.name
        texts = TEXT.findall(body)
        paras = [p for t in texts for p in paragraphs(t)]
        if not paras:
            line = raw[: raw.find(body)].count("\n") + 1
            raise DataError(path, f"line {line}", f"document {docno} has no <TEXT>")
        doc: dict[str, object] = {"id": re.sub(r"[^A-Za-z0-9._-]", "_", docno), "text": "\n\n".join(paras) + "\n"}
        date = date_of(docno, body)
        if date is not None:
            doc["date"] = date.isoformat()
        out.append(doc)
    return out


def models(models_dir: Path) -> tuple[dict[str, list[tuple[str, Path]]], list[str]]:
    """Model summaries by set name: (annotator, file); plus the names that are not model files."""
    if not models_dir.is_dir():
        raise DataError(models_dir, None, "model summaries folder not found")
    by_set: dict[str, list[tuple[str, Path]]] = {}
    skipped = []
    for p in sorted(models_dir.iterdir()):
        m = MODEL_NAME.match(p.name) if p.is_file() else None
        if m is None:
            skipped.append(f"{p}: not named like D30001.M.100.T.A")
            continue
        by_set.setdefault(m.group("set"), []).append((m.group("annotator"), p))
    return by_set, skipped


def iter_clusters(docs_dir: Path, models_dir: Path, encoding: str = "utf-8",
                  skipped: list[str] | None = None) -> Iterator[tuple[str, DatasetCluster]]:
    """(where, cluster) for every document set, in folder-name order."""
    if not docs_dir.is_dir():
        raise DataError(docs_dir, None, "document sets folder not found")
    sets = sorted(p for p in docs_dir.iterdir() if p.is_dir())
    if not sets:
        raise DataError(docs_dir, None, "no document set folders (expected e.g. docs/d30001t/APW19981016.0240)")
    by_set, other = models(models_dir)
    used: set[str] = set()
    for folder in sets:
        names = [s for s in by_set if set_matches(folder.name, s)]
        if len(names) > 1:
            raise DataError(folder, None, f"ambiguous: model summaries of sets {', '.join(names)} all match this folder")
        if not names:
            raise DataError(folder, None, f"no model summaries in {models_dir} for this set (named like "
                                          f"{folder.name.upper()[:-1]}.M.100.T.A)")
        used.add(names[0])
        files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))
        docs = [d for f in files for d in documents(f, encoding)]
        refs = []
        for annotator, path in by_set[names[0]]:
            text = _decode(path, encoding)
            if not text.split():
                raise DataError(path, None, "empty model summary")
            refs.append({"author": annotator, "text": text})
        data = {"id": folder.name, "title": folder.name, "documents": docs, "references": refs}
        yield str(folder), validate_cluster(data, folder, None)
    if skipped is not None:
        skipped.extend(other)
        skipped.extend(f"{models_dir}: set {s} has model summaries but no document folder" for s in sorted(set(by_set) - used))
