"""The only reader of `references/`: discovers clusters, loads them verbatim and validates them."""
from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from evalsum.errors import DataError, from_validation
from evalsum.files import decode, read_bytes
from evalsum.files import read_text as read_text  # gold files are read as every text is
from evalsum.gold import yaml_text
from evalsum.models import Checklist, Cluster, Document, Reference
from evalsum.text import DATE_HEADER, parse_date_header

CLUSTER_FILE = "cluster.yaml"
NO_SOURCES = "no sources: add the articles as sources/*.txt (UTF-8, verbatim; optional first line `date YYYY-MM-DD`)"

M = TypeVar("M", bound=BaseModel)


# Ids name folders, files and cache entries, so they must not be a path ("../x") or empty, and keep
# to characters every file system accepts: cluster ids, and a dataset's document ids and authors.
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")


def check_name(value: str | None, what: str) -> str | None:
    """`value` when it is a safe name (or None); a ValueError saying the rule otherwise."""
    if value is not None and not SAFE_NAME.match(value):
        raise ValueError(f"{what} {value!r} must be 1-200 letters, digits, '.', '_' or '-', "
                         "starting with a letter or digit")
    return value


class ClusterMeta(BaseModel):
    """cluster.yaml: the cluster's id and title."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(description="letters, digits, '.', '_' and '-'; names the cluster in records and caches",
                    json_schema_extra={"pattern": SAFE_NAME.pattern})
    title: str = Field(min_length=1, description="the story in one line, as a reader would name it")
    hand_made: bool = Field(default=False, description="references written to our annotation rules (validate "
                                                       "enforces them); imported data leaves this out")

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        return check_name(v, "cluster id") or v


_WORD = re.compile(r"[^\W_]")  # a letter or digit: the least a text needs to be scored


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def cluster_digest(hashes: Mapping[str, str]) -> str:
    """A cluster's content hash from its files' hashes (path -> sha256): the same for a folder and
    for the dataset line it was imported from, so both share cache entries."""
    return sha256("\n".join(f"{k} {v}" for k, v in sorted(hashes.items())).encode())


def read_yaml(path: Path) -> Any:
    """Gold YAML: text keys keep the characters written, duplicate keys and aliases are refused."""
    text = read_text(path)
    try:
        return yaml_text.load(text)
    except yaml.reader.ReaderError as e:  # a character YAML does not allow (NUL, most C0 controls)
        line = text[: e.position].count("\n") + 1
        char = chr(e.character) if isinstance(e.character, int) else str(e.character)
        raise DataError(path, f"line {line}", f"character {char!r} is not allowed in YAML ({e.reason}); "
                        "remove it") from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark
        where = f"line {mark.line + 1}" if mark is not None else None
        what = e.problem if isinstance(e, yaml_text.GoldYAMLError) else f"YAML syntax error: {e.problem}"
        raise DataError(path, where, str(what)) from None
    except yaml.YAMLError as e:
        raise DataError(path, None, f"YAML error: {' '.join(str(e).split())}") from None


def parse_model(model: type[M], data: Any, path: Path) -> M:
    if not isinstance(data, dict):
        raise DataError(path, None, "expected a mapping at the top level")
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise from_validation(e, path) from None


def load_checklist(path: Path) -> Checklist:
    return parse_model(Checklist, read_yaml(path), path)


def load_cluster(directory: Path) -> Cluster:
    """Load one cluster folder. Sources are kept verbatim; only the date header is parsed out."""
    directory = Path(directory)
    meta_path = directory / CLUSTER_FILE
    if not meta_path.is_file():
        raise DataError(meta_path, None, "missing cluster file (needs `id:` and `title:`)")
    meta = parse_model(ClusterMeta, read_yaml(meta_path), meta_path)
    src_dir = directory / "sources"
    paths = sorted(src_dir.glob("*.txt")) if src_dir.is_dir() else []
    if not paths:
        raise DataError(src_dir, None, NO_SOURCES)
    hashes: dict[str, str] = {}
    documents = []
    for p in paths:
        data = read_bytes(p)  # read once: hashed and decoded from the same bytes
        text = decode(data, p)
        h = sha256(data)
        del data
        if not text or text.isspace():  # as `not text.strip()`, without a copy of the text
            raise DataError(p, None, "empty source file")
        date, body = parse_date_header(text)
        header = DATE_HEADER.match(text)
        if header and date is None:
            raise DataError(p, "line 1", f"invalid date header {header.group(0).strip()!r}: expected date YYYY-MM-DD")
        if not _WORD.search(body):
            raise DataError(p, None, "source has no words" + (" after its date header" if header else ""))
        hashes[p.relative_to(directory).as_posix()] = h
        documents.append(Document(id=p.stem, path=p.relative_to(directory).as_posix(), text=text, date=date, sha256=h))
    references = []
    for p in sorted((directory / "summaries").glob("*.txt")):
        text = read_text(p)
        if not _WORD.search(text):
            raise DataError(p, None, "reference has no words")
        h = sha256(read_bytes(p))
        hashes[p.relative_to(directory).as_posix()] = h
        references.append(Reference(author=p.stem, path=p.relative_to(directory).as_posix(), text=text, sha256=h))
    checklist = None
    ck = directory / "checklist.yaml"
    if ck.is_file():
        checklist = load_checklist(ck)
        hashes["checklist.yaml"] = sha256(read_bytes(ck))
    hashes[CLUSTER_FILE] = sha256(read_bytes(meta_path))
    digest = cluster_digest(hashes)
    return Cluster(id=meta.id, title=meta.title, path=directory.as_posix(), documents=documents,
                   references=references, checklist=checklist, sha256=digest, files=dict(sorted(hashes.items())),
                   hand_made=meta.hand_made)


def file_hashes(cluster: Cluster) -> dict[str, str]:
    """Every gold file's hash, for the record (checklist and cluster file included when on disk)."""
    if cluster.files:
        return dict(cluster.files)
    out = {d.path: d.sha256 for d in cluster.documents}
    out.update({r.path: r.sha256 for r in cluster.references})
    return dict(sorted(out.items()))


def cluster_id(directory: Path) -> str:
    """A cluster's id from its cluster file, without loading its sources."""
    meta_path = Path(directory) / CLUSTER_FILE
    return parse_model(ClusterMeta, read_yaml(meta_path), meta_path).id


def cluster_index(root: Path) -> dict[str, Path]:
    """Cluster id -> folder, from the cluster files alone; two folders with one id is an error,
    because their results would be mixed up in records and means."""
    out: dict[str, Path] = {}
    for d in discover(root):
        cid = cluster_id(d)
        if cid in out:
            raise DataError(d / CLUSTER_FILE, "field id",
                            f"duplicate cluster id {cid!r} (also in {out[cid].as_posix()})")
        out[cid] = d
    return out


def discover(root: Path) -> list[Path]:
    """Cluster folders under root, sorted by name."""
    root = Path(root)
    if not root.is_dir():
        raise DataError(root, None, "references folder not found (pass --references DIR or run from the project root)")
    dirs = sorted(p.parent for p in root.glob(f"*/{CLUSTER_FILE}"))
    if not dirs:
        raise DataError(root, None, f"no clusters found (each needs <id>/{CLUSTER_FILE})")
    return dirs


def load_clusters(root: Path, only: list[str] | None = None) -> list[Cluster]:
    clusters = [load_cluster(d) for d in discover(root)]
    seen: dict[str, str] = {}
    for c in clusters:
        if c.id in seen:
            raise DataError(Path(c.path) / CLUSTER_FILE, "field id",
                            f"duplicate cluster id {c.id!r} (also in {seen[c.id]})")
        seen[c.id] = c.path
    if only:
        missing = [x for x in only if x not in seen]
        if missing:
            raise DataError(root, None, f"unknown cluster {missing[0]!r}; available: {', '.join(sorted(seen))}")
        clusters = [c for c in clusters if c.id in only]
    return clusters
