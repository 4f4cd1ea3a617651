"""The JSONL dataset format: one cluster per line, for corpora too big for one folder per story.

    {"id": "storm-01", "title": "...", "documents": [{"id": "a1", "text": "...", "date": "2024-01-05"}],
     "references": [{"author": "ann-a", "text": "..."}], "checklist": {"facts": [...], "probes": [...]}}

`title`, document `id` and `date`, reference `author` and `checklist` are optional. A dataset
cluster maps onto the `references/` layout file by file (`render`), and a cluster loaded from a
dataset line is the same `Cluster`, with the same content hash, as the one `corpus.load_cluster`
reads from the imported folder, so `evalsum run --dataset` and a run over the imported folder give
the same records and share summary-cache entries.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from evalsum.errors import DataError, from_validation
from evalsum.files import bounded_lines, loads_strict
from evalsum.gold.corpus import CLUSTER_FILE, check_name, cluster_digest, sha256
from evalsum.models import Checklist, Cluster, Document, Reference
from evalsum.text import parse_date_header


class DatasetDocument(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str | None = None
    text: str
    date: dt.date | None = None

    @field_validator("id")
    @classmethod
    def _id(cls, v: str | None) -> str | None:
        return check_name(v, "document id")

    @field_validator("text")
    @classmethod
    def _text(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("document text is empty")
        return v


class DatasetReference(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    author: str | None = None
    text: str

    @field_validator("author")
    @classmethod
    def _author(cls, v: str | None) -> str | None:
        return check_name(v, "author")

    @field_validator("text")
    @classmethod
    def _text(cls, v: str) -> str:
        if not v.split():
            raise ValueError("reference has no words")
        return v


class DatasetCluster(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    title: str | None = None
    documents: list[DatasetDocument] = Field(min_length=1)
    references: list[DatasetReference] = Field(min_length=1)
    checklist: Checklist | None = None

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        return check_name(v, "cluster id") or v

    @field_validator("documents", "references", mode="before")
    @classmethod
    def _plain_strings(cls, v: Any) -> Any:
        """Any dataset of {id, documents, references}: a plain string stands for {"text": ...}."""
        return [{"text": x} if isinstance(x, str) else x for x in v] if isinstance(v, list) else v

    @model_validator(mode="after")
    def _unique_authors(self) -> DatasetCluster:
        seen: set[str] = set()
        for a in authors(self):
            if a in seen:
                raise ValueError(f"duplicate reference author {a!r}")
            seen.add(a)
        return self


def authors(cluster: DatasetCluster) -> list[str]:
    """Author tags, defaulting to ref-01, ref-02... (zero-padded so file order is list order)."""
    return [r.author or f"ref-{i + 1:02d}" for i, r in enumerate(cluster.references)]


def validate_cluster(data: Any, path: Path | str, where: str | None) -> DatasetCluster:
    """Validate one cluster's data; an error names the file, the line (if any) and the field."""
    if not isinstance(data, dict):
        raise DataError(path, where, "expected a JSON object (one cluster per line)")
    try:
        return DatasetCluster.model_validate(data)
    except ValidationError as e:
        raise from_validation(e, path, where) from None


def _yaml(data: Any) -> bytes:
    text: str = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
    return text.encode("utf-8")


def render(cluster: DatasetCluster) -> dict[str, bytes]:
    """The files of the cluster's `references/<id>/` folder: relative path -> exact bytes."""
    files: dict[str, bytes] = {CLUSTER_FILE: _yaml({"id": cluster.id, "title": cluster.title or cluster.id})}
    width = max(3, len(str(len(cluster.documents) - 1)))
    for i, doc in enumerate(cluster.documents):
        stem = f"{i:0{width}d}" + (f"_{doc.id}" if doc.id else "")
        header = f"date {doc.date.isoformat()}\n" if doc.date else ""
        files[f"sources/{stem}.txt"] = (header + doc.text).encode("utf-8")
    for author, ref in zip(authors(cluster), cluster.references, strict=False):
        files[f"summaries/{author}.txt"] = ref.text.encode("utf-8")
    if cluster.checklist is not None:
        files["checklist.yaml"] = _yaml(cluster.checklist.model_dump(mode="json", exclude_defaults=True))
    return files


def to_cluster(cluster: DatasetCluster, origin: str) -> Cluster:
    """The `Cluster` that `corpus.load_cluster` would read from the rendered folder (same hash)."""
    files = render(cluster)
    hashes = {path: sha256(data) for path, data in files.items()}
    documents = []
    references = []
    for path, data in files.items():
        text = data.decode("utf-8-sig")
        stem = path.rsplit("/", 1)[-1].removesuffix(".txt")
        if path.startswith("sources/"):
            date, _ = parse_date_header(text)
            documents.append(Document(id=stem, path=path, text=text, date=date, sha256=hashes[path]))
        elif path.startswith("summaries/"):
            references.append(Reference(author=stem, path=path, text=text, sha256=hashes[path]))
    digest = cluster_digest(hashes)
    return Cluster(id=cluster.id, title=cluster.title or cluster.id, path=origin,
                   documents=sorted(documents, key=lambda d: d.path),
                   references=sorted(references, key=lambda r: r.path),
                   checklist=cluster.checklist, sha256=digest, files=dict(sorted(hashes.items())))


def iter_lines(path: Path) -> Iterator[tuple[int, int, DatasetCluster]]:
    """(line number, byte offset, cluster) for every non-blank line, validated as it is read."""
    path = Path(path)
    try:
        fh = open(path, "rb")
    except OSError as e:
        raise DataError(path, None, f"cannot read dataset: {e.strerror}") from None
    with fh:
        offset = 0
        for no, raw in bounded_lines(fh, path):
            start, offset = offset, offset + len(raw)
            if not raw.strip():
                continue
            yield no, start, parse_line(raw, path, no)


def parse_line(raw: bytes, path: Path, no: int) -> DatasetCluster:
    where = f"line {no}"
    try:
        text = raw.decode("utf-8-sig" if no == 1 else "utf-8")
    except UnicodeDecodeError as e:
        raise DataError(path, where,
                        f"not valid UTF-8 (byte {e.start} of the line); re-save the file as UTF-8") from None
    try:
        data = loads_strict(text, path, line=no)  # NaN, Infinity, overlong integers: a DataError at the field
    except json.JSONDecodeError as e:
        raise DataError(path, where, f"not valid JSON: {e.msg} (column {e.colno})") from None
    return validate_cluster(data, path, where)


def read_at(path: Path, offset: int, no: int) -> DatasetCluster:
    """Re-read one line found by `iter_lines` (clusters are loaded one at a time, never all)."""
    with open(path, "rb") as fh:
        fh.seek(offset)
        return parse_line(fh.readline(), Path(path), no)


def dumps_line(cluster: DatasetCluster) -> str:
    """One dataset line (what the benchmark and converters write)."""
    return json.dumps(cluster.model_dump(mode="json", exclude_none=True), ensure_ascii=False, sort_keys=True) + "\n"
