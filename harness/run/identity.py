"""What makes a backend's output what it is: its code, its output-affecting options, its input.

These digests key the summary cache and let the gate notice a backend whose code changed since
the baseline. Transport options (how a backend reaches its model: base URL, timeout, retries)
never enter them: changing them cannot change a summary.
"""
from __future__ import annotations

import ast
import hashlib
import importlib.util
import json
import sys
from collections.abc import Iterable, Mapping
from importlib.metadata import PackageNotFoundError, distribution, packages_distributions
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from evalsum.models import Prepared


def _sha(parts: Iterable[bytes]) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(hashlib.sha256(p).digest())
    return h.hexdigest()


def _module_file(name: str) -> Path | None:
    module = sys.modules.get(name)
    file = getattr(module, "__file__", None)
    if file is None:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            return None
        file = spec.origin if spec is not None else None
    return Path(file) if file and file.endswith(".py") else None


def _imports_within(tree: ast.AST, package: str, current: str) -> set[str]:
    """Modules of `package` that a module imports (absolute or relative)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = current.rsplit(".", node.level)[0]
                base = f"{parent}.{base}" if base else parent
            names = [base, *(f"{base}.{a.name}" for a in node.names)]
        found.update(n for n in names if n == package or n.startswith(f"{package}."))
    return found


def module_sources(module: str, package: str) -> dict[str, bytes]:
    """The source of `module` and of every module of `package` it imports, transitively: the
    backend's own code. Helpers it shares with other backends count, since they shape its output."""
    seen: dict[str, bytes] = {}
    todo = [module]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        path = _module_file(name)
        if path is None:
            continue
        source = path.read_bytes()
        seen[name] = source
        todo.extend(_imports_within(ast.parse(source), package, name) - seen.keys())
    return dict(sorted(seen.items()))


def _record_of(module: str) -> bytes:
    """The installed distribution's RECORD (file hashes), for plugins installed from a wheel."""
    top = module.split(".")[0]
    for dist_name in packages_distributions().get(top, []):
        try:
            record = distribution(dist_name).read_text("RECORD")
        except PackageNotFoundError:
            continue
        if record:
            return record.encode()
    return b""


def code_digest(cls: type, package: str | None = None) -> str:
    """A digest of a backend class's code: its module and the modules of its own package that it
    imports, plus, for a plugin installed from a wheel, that distribution's RECORD. `package`
    defaults to the module's top-level package (`evalsum.systems` for built-ins)."""
    module = cls.__module__
    if package is None:
        package = "evalsum.systems" if module.startswith("evalsum.systems.") else module.split(".")[0]
    sources = module_sources(module, package)
    parts = [name.encode() + b"\0" + src for name, src in sources.items()]
    if package != "evalsum.systems":
        parts.append(_record_of(module))
    return _sha(parts)[:16]


def output_options(options: BaseModel, transport: Iterable[str]) -> dict[str, Any]:
    """The options that can change output: every field (computed ones included) but transport."""
    skip = set(transport)
    return {k: v for k, v in options.model_dump(mode="json").items() if k not in skip}


def input_digest(prepared: Prepared, references: Iterable[str] = ()) -> str:
    """A digest of exactly what a backend receives: the cleaned, split cluster (and the references
    for backends that read them), not the raw files, so a change to cleaning or splitting misses."""
    return _sha_of_digests([prepared_sha256(prepared), *(hashlib.sha256(r.encode()).digest() for r in references)])


def _sha_of_digests(digests: Iterable[bytes]) -> str:
    h = hashlib.sha256()
    for d in digests:
        h.update(d)
    return h.hexdigest()


_DOC_TAIL = '[],"dropped":[]}'


def prepared_sha256(prepared: Prepared) -> bytes:
    """sha256 of `prepared.model_dump_json()`, hashed a sentence at a time: the bytes are the same,
    but the whole cluster is never one string (a 10 MB source made a 15 MB JSON text and its
    bytes). The shells of the prepared cluster and of each document, dumped with empty lists,
    supply the JSON around the sentences."""
    h = hashlib.sha256()
    shell = prepared.model_copy(update={"documents": []}).model_dump_json()
    if not shell.endswith("[]}"):  # a model change moved the lists: hash the dump whole
        return hashlib.sha256(prepared.model_dump_json().encode()).digest()
    h.update(shell[:-2].encode())
    for i, doc in enumerate(prepared.documents):
        head = doc.model_copy(update={"sentences": [], "dropped": []}).model_dump_json()
        if not head.endswith(_DOC_TAIL):
            return hashlib.sha256(prepared.model_dump_json().encode()).digest()
        h.update((b"," if i else b"") + head[:-len(_DOC_TAIL)].encode() + b"[")
        for j, sent in enumerate(doc.sentences):  # each model is built as it is read (models.packed)
            h.update((b"," if j else b"") + sent.model_dump_json().encode())
        h.update(b'],"dropped":[')
        for j, line in enumerate(doc.dropped):
            h.update((b"," if j else b"") + line.model_dump_json().encode())
        h.update(b"]}")
    h.update(b"]}")
    return h.digest()


def stable_json(data: Mapping[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
