"""DUC/TAC style input: a folder of document sets plus a folder of model (reference) summaries.

    docs/d30001t/APW19981016.0240     DUC 2004 main task (SGML: <DOC><DOCNO>..</DOCNO> .. <TEXT>..</TEXT></DOC>)
    docs/D0703A/D0703A-B/...          DUC 2007 update task: topic D0703, selector A, sub-set B
    docs/D0801A-A/...                 TAC 2008 update task, sub-set folders side by side
    models/D30001.M.100.T.A           set D30001, model summary, 100 words, task T, annotator A
    models/d30001.m.100.t.a           the same, as the public copies spell it
    models/D0703-B.M.100.B.C          set D0703-B: topic D0703, sub-set B

A folder name is read as topic, optional selector letter, optional `-` and sub-set letter
(`d30001t`, `D0703A-B`); so is a model's set name (`D30001`, `D0703-B`). A summary belongs to a
folder when topic and sub-set are equal, and the selector too if the set name has one: `D0703A-B`
takes `D0703-B`'s summaries, never `D0703-A`'s. A topic folder that holds sub-set folders is
imported as one cluster per sub-set, never merged. A folder that no set matches, or that two sets
match, or a set that two folders claim, is refused (exit 2, naming the folder).

Each <TEXT> becomes plain text: tags dropped, entities decoded, one paragraph per block (a <P>
element, or lines that start indented or after a blank line, so that hard-wrapped newswire is
joined back into sentences). A file without <DOC> is a plain-text document, paragraphs as above.
The date comes from the DOCNO or file name (APW19981016.0240, AP880911-0016) or, failing that,
from <DATE_TIME>/<DATE>.
"""
from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from evalsum.errors import DataError
from evalsum.files import read_bytes
from evalsum.gold.dataset import DatasetCluster, validate_cluster

MODEL_NAME = re.compile(r"^(?P<set>[A-Za-z0-9_-]+)\.M\.(?P<size>[A-Za-z0-9]+)\.(?P<task>[A-Za-z0-9]+)"
                        r"\.(?P<annotator>[A-Za-z0-9]+)$", re.IGNORECASE)
MODEL_HINT = "SET.M.SIZE.TASK.ANNOTATOR, e.g. D30001.M.100.T.A or d30001.m.100.t.a"
SET_NAME = re.compile(r"^(?P<topic>[A-Za-z]*\d+)(?P<selector>[A-Za-z]?)(?:-(?P<subset>[A-Za-z]))?$")
DOC = re.compile(r"<DOC>(.*?)</DOC>", re.DOTALL | re.IGNORECASE)
DOCNO = re.compile(r"<DOCNO>\s*(.*?)\s*</DOCNO>", re.DOTALL | re.IGNORECASE)
TEXT = re.compile(r"<TEXT>(.*?)</TEXT>", re.DOTALL | re.IGNORECASE)
DATE_TAG = re.compile(r"<(?:DATE_TIME|DATE)>\s*(.*?)\s*</(?:DATE_TIME|DATE)>", re.DOTALL | re.IGNORECASE)
PARA = re.compile(r"<P>(.*?)(?:</P>|(?=<P>)|$)", re.DOTALL | re.IGNORECASE)
TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class SetName:
    topic: str
    selector: str
    subset: str


def parse_set(name: str) -> SetName | None:
    m = SET_NAME.match(name)
    if m is None:
        return None
    return SetName(m.group("topic").lower(), m.group("selector").lower(), (m.group("subset") or "").lower())


def set_matches(folder: str, set_name: str) -> bool:
    """Whether a model summary of set `set_name` belongs to the document folder `folder`."""
    f, s = parse_set(folder), parse_set(set_name)
    if f is None or s is None:
        return re.sub(r"[^a-z0-9]", "", folder.lower()) == re.sub(r"[^a-z0-9]", "", set_name.lower())
    return f.topic == s.topic and f.subset == s.subset and s.selector in ("", f.selector)


def _decode(path: Path, encoding: str) -> str:
    data = read_bytes(path)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise DataError(path, f"line {line}",
                        f"not valid {encoding} (byte {e.start}); pass --encoding, e.g. latin-1") from None
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
    if not docs:  # a plain-text document (the public copies): one document, named after its file
        paras = paragraphs(raw.replace("\r\n", "\n"))
        if not paras:
            raise DataError(path, None, "empty document")
        plain: dict[str, object] = {"id": re.sub(r"[^A-Za-z0-9._-]", "_", path.name), "text": "\n\n".join(paras) + "\n"}
        date = date_of(path.name, "")
        if date is not None:
            plain["date"] = date.isoformat()
        return [plain]
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
            skipped.append(f"{p}: not a model summary name ({MODEL_HINT})")
            continue
        by_set.setdefault(m.group("set"), []).append((m.group("annotator"), p))
    return by_set, skipped


@dataclass
class Attached:
    """What one cluster was given: its folder, document ids, and (annotator, model file) pairs."""

    folder: Path
    documents: list[str] = field(default_factory=list)
    references: list[tuple[str, str]] = field(default_factory=list)


def cluster_folders(docs_dir: Path) -> list[Path]:
    """The document-set folders, a topic folder replaced by its sub-set folders (update tasks)."""
    if not docs_dir.is_dir():
        raise DataError(docs_dir, None, "document sets folder not found")
    tops = sorted(p for p in docs_dir.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not tops:
        raise DataError(docs_dir, None, "no document set folders (expected e.g. docs/d30001t/APW19981016.0240)")
    out: list[Path] = []
    for top in tops:
        name = parse_set(top.name)
        subs = sorted(p for p in top.iterdir() if p.is_dir() and (s := parse_set(p.name)) is not None and s.subset
                      and name is not None and s.topic == name.topic and not name.subset)
        if not subs:
            out.append(top)
            continue
        loose = sorted(p.name for p in top.iterdir() if p.is_file() and not p.name.startswith("."))
        if loose:
            raise DataError(top, None, f"holds sub-set folders ({', '.join(p.name for p in subs)}) and loose files "
                                       f"({', '.join(loose[:3])}): which cluster do the files belong to?")
        out.extend(subs)
    return out


def match_sets(folders: list[Path], set_names: list[str], models_dir: Path) -> dict[Path, str]:
    """Each folder's one model set; refuses a folder with none or several, and a set two folders claim."""
    chosen: dict[Path, str] = {}
    claimed: dict[str, Path] = {}
    for folder in folders:
        names = [s for s in set_names if set_matches(folder.name, s)]
        if len(names) > 1:
            raise DataError(folder, None,
                            f"ambiguous: model summaries of sets {', '.join(names)} all match this folder")
        if not names:
            hint = folder.name.upper()
            parsed = parse_set(folder.name)
            if parsed is not None:
                hint = parsed.topic.upper() + (f"-{parsed.subset.upper()}" if parsed.subset else "")
            raise DataError(folder, None, f"no model summaries in {models_dir} for this set "
                                          f"(expected {hint}.M.100.T.A; names are {MODEL_HINT})")
        if names[0] in claimed:
            raise DataError(folder, None, f"ambiguous: set {names[0]}'s model summaries also match {claimed[names[0]]}")
        claimed[names[0]] = folder
        chosen[folder] = names[0]
    return chosen


def iter_clusters(docs_dir: Path, models_dir: Path, encoding: str = "utf-8", skipped: list[str] | None = None,
                  attached: list[Attached] | None = None) -> Iterator[tuple[str, DatasetCluster]]:
    """(where, cluster) for every document set, in folder-name order. `attached` collects, per
    cluster, the documents and references it was given, for the importer to print."""
    folders = cluster_folders(docs_dir)
    by_set, other = models(models_dir)
    chosen = match_sets(folders, list(by_set), models_dir)
    for folder in folders:
        files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))
        docs = [d for f in files for d in documents(f, encoding)]
        refs = []
        note = Attached(folder, [str(d["id"]) for d in docs])
        for annotator, path in by_set[chosen[folder]]:
            text = _decode(path, encoding)
            if not text.split():
                raise DataError(path, None, "empty model summary")
            refs.append({"author": annotator.upper(), "text": text})
            note.references.append((annotator.upper(), path.name))
        data = {"id": folder.name, "title": folder.name, "documents": docs, "references": refs}
        cluster = validate_cluster(data, folder, None)
        if attached is not None:
            attached.append(note)
        yield str(folder), cluster
    if skipped is not None:
        skipped.extend(other)
        unused = sorted(set(by_set) - set(chosen.values()))
        skipped.extend(f"{models_dir}: set {s} has model summaries but no document folder" for s in unused)
