"""`files`: summaries produced elsewhere (a production LLM, another team's system), scored by the
same budget and metrics as every built-in.

Two layouts:

- a folder with one UTF-8 file per cluster, `<cluster-id>.txt`, split into sentences by
  `evalsum.text.split_sentences` (a line break always ends a sentence), or, with `-o lines=true`,
  one sentence per line exactly as given (ROUGE-1.5.5's SPL files);
- a JSONL file, one object per line: `{"cluster": ID, "system": NAME, "summary": TEXT or
  [SENTENCES], "metadata": {...}}` (`metadata` optional). One file may hold several systems;
  `-o system=NAME` picks one, and is required when there are several.

A JSONL file is read and validated completely when the backend is built, so a bad line stops the
run before any work (exit 2, naming file and line). A cluster with no summary fails on its own and
the run goes on. The row is named `files:<label>` (the JSONL system, the folder's name, or
`-o label=...`), so two external systems never overwrite each other on the leaderboard; each
summary's metadata records the file, line and sha256 that were scored. Summaries are never cached:
the cache key cannot see a file's content, and reading it again costs nothing.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from evalsum.contract import Summariser, SystemOptions
from evalsum.errors import BackendError, DataError, UsageError, from_validation
from evalsum.files import decode, loads_strict, read_bytes
from evalsum.models import Budget, Prepared, Summary
from evalsum.text import split_sentences


class FilesOptions(SystemOptions):
    path: Path = Field(description="folder of <cluster-id>.txt files, or a .jsonl file")
    system: str | None = Field(default=None, description="JSONL only: which `system` to score")
    label: str | None = Field(default=None, description="leaderboard name suffix (default: system or folder name)")
    lines: bool = Field(default=False, description="one sentence per line, as given: never re-split (ROUGE-1.5.5's "
                                                   "SPL files; what the rouge155 profile reads)")


class ExternalSummary(BaseModel):
    """One JSONL line. Unknown keys are errors, so a misspelt `summary` is caught, not skipped."""

    model_config = ConfigDict(extra="forbid")
    cluster: str = Field(min_length=1)
    system: str = Field(min_length=1)
    summary: str | list[str]
    metadata: dict[str, Any] = Field(default_factory=dict)


def _read(path: Path) -> tuple[str, str]:
    """Strict UTF-8 text (BOM allowed) and the sha256 of the same bytes; errors name the file and line."""
    data = read_bytes(path)
    return decode(data, path), hashlib.sha256(data).hexdigest()


def load_jsonl(path: Path) -> tuple[dict[tuple[str, str], tuple[int, ExternalSummary]], str]:
    """(cluster, system) -> (line number, entry), and the file's sha256."""
    text, sha = _read(path)
    out: dict[tuple[str, str], tuple[int, ExternalSummary]] = {}
    # split on "\n" only: str.splitlines() would also break at U+2028, which JSON allows inside strings
    for no, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = loads_strict(line, path, line=no)  # NaN, Infinity, overlong integers: a DataError at the field
        except json.JSONDecodeError as e:
            raise DataError(path, f"line {no}", f"not valid JSON ({e.msg} at column {e.colno})") from None
        if not isinstance(obj, dict):
            raise DataError(path, f"line {no}", 'expected an object {"cluster", "system", "summary"}')
        try:
            entry = ExternalSummary.model_validate(obj)
        except ValidationError as e:
            raise from_validation(e, path, f"line {no}") from None
        key = (entry.cluster, entry.system)
        if key in out:
            raise DataError(path, f"line {no}", f"second summary for cluster {entry.cluster!r} and system "
                                                f"{entry.system!r} (first on line {out[key][0]})")
        out[key] = (no, entry)
    if not out:
        raise DataError(path, None, "no summaries in file")
    return out, sha


def as_lines(text: str) -> list[str]:
    """`-o lines=true`: each non-blank line is one sentence, kept as written (leading blanks count
    as a word for ROUGE-1.5.5's -l, so they are not stripped)."""
    return [line.rstrip("\r") for line in text.split("\n") if line.strip()]


class Files(Summariser[FilesOptions]):
    name: ClassVar[str] = "files"
    version: ClassVar[str] = "1"
    description: ClassVar[str] = "external summaries from a folder (<cluster-id>.txt) or JSONL; needs -o path=..."
    Options = FilesOptions
    cacheable: ClassVar[bool] = False

    def __init__(self, options: FilesOptions | None = None) -> None:
        super().__init__(options)
        opts = self.options
        self.entries: dict[tuple[str, str], tuple[int, ExternalSummary]] = {}
        self.sha = ""
        if opts.path.is_dir():
            if opts.system is not None:
                raise UsageError(f"option 'system' for system 'files' applies to JSONL files only; "
                                 f"{opts.path} is a folder")
            picked = opts.path.resolve().name
        elif opts.path.is_file():
            self.entries, self.sha = load_jsonl(opts.path)
            found = sorted({s for _, s in self.entries})
            if opts.system is not None and opts.system not in found:
                raise UsageError(f"option 'system' for system 'files': {opts.system!r} is not in {opts.path}; "
                                 f"it holds: {', '.join(found)}")
            if opts.system is None and len(found) > 1:
                raise UsageError(f"{opts.path} holds several systems ({', '.join(found)}): "
                                 "pick one with -o system=NAME")
            picked = opts.system or found[0]
        else:
            raise DataError(opts.path, None, "not found (give a folder of <cluster-id>.txt files or a .jsonl file)")
        self.picked = picked

    @property
    def label(self) -> str:
        """The row a record and the leaderboard show: `files:` plus the label, system or folder name."""
        return f"files:{self.options.label or self.picked}"

    def summarise(self, cluster: Prepared, budget: Budget) -> Summary:
        opts = self.options
        if not self.entries:
            return self._from_folder(opts.path, cluster.cluster_id, opts.lines)
        got = self.entries.get((cluster.cluster_id, self.picked))
        if got is None:
            raise BackendError(f"no summary for cluster {cluster.cluster_id!r} and system {self.picked!r} "
                               f"in {opts.path}")
        no, entry = got
        if isinstance(entry.summary, str):
            sentences = as_lines(entry.summary) if opts.lines else split_sentences(entry.summary)
        else:
            sentences = [s for s in entry.summary if s.strip()] if opts.lines else [
                " ".join(s.split()) for s in entry.summary if s.strip()]
        if not sentences:
            raise BackendError(f"{opts.path}:line {no}: empty summary for cluster {cluster.cluster_id!r}")
        meta = {**entry.metadata, "source": str(opts.path), "line": no, "system": entry.system, "sha256": self.sha}
        return Summary(sentences=sentences, metadata=meta)

    @staticmethod
    def _from_folder(folder: Path, cluster_id: str, lines: bool) -> Summary:
        path = folder / f"{cluster_id}.txt"
        if not path.is_file():
            raise BackendError(f"no summary for cluster {cluster_id!r}: expected {path}")
        text, sha = _read(path)
        sentences = as_lines(text) if lines else split_sentences(text)
        if not sentences:
            raise BackendError(f"{path}: empty summary")
        return Summary(sentences=sentences, metadata={"source": str(path), "sha256": sha})
