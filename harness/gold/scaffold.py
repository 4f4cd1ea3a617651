"""What `evalsum init` writes: a project folder that runs as is, and skeletons for new clusters.

The bundled cluster, its guideline README and the JSON Schemas ship inside the package as
`evalsum.bundled` (the repository's `references/` folder, mapped in pyproject.toml), so a plain
`pip install evalsum` can scaffold a project without a clone. `project_files()` is the one list
of what init writes; a later feature (a run file) adds its entry there.
"""
from __future__ import annotations

import importlib.resources
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from evalsum.errors import DataError, UsageError
from evalsum.files import write_atomic
from evalsum.gold import schema
from evalsum.gold.corpus import CLUSTER_FILE, ClusterMeta

if TYPE_CHECKING:
    from importlib.abc import Traversable  # importlib.resources.abc from Python 3.11 on

BUNDLED = "evalsum.bundled"
REFERENCES = "references"
TEMPLATE = "cluster-template"
EMPTY_DIRS = ("results",)
_SKIP = {"__init__.py", "__pycache__"}


@dataclass(frozen=True)
class ProjectFile:
    """One file to write, by its path relative to the project folder."""

    path: str
    text: str


def _walk(node: Traversable, prefix: str) -> list[ProjectFile]:
    out: list[ProjectFile] = []
    for child in sorted(node.iterdir(), key=lambda c: c.name):
        if child.name in _SKIP or child.name.startswith("."):
            continue
        rel = f"{prefix}/{child.name}"
        if child.is_dir():
            out += _walk(child, rel)
        else:
            out.append(ProjectFile(rel, child.read_text(encoding="utf-8")))
    return out


def bundled_files() -> list[ProjectFile]:
    """The shipped `references/` folder: the balloon cluster, README.md and schema/*.json."""
    return _walk(importlib.resources.files(BUNDLED), REFERENCES)


def cluster_yaml(cluster_id: str, schema_dir: str) -> str:
    return f"""# yaml-language-server: $schema={schema_dir}/cluster.schema.json
# One story cluster. Fill in the title, then add next to this file:
#   sources/*.txt    the articles, verbatim (UTF-8; an optional first line `date YYYY-MM-DD`)
#   summaries/*.txt  at least two hand-written reference summaries, one file per author
#   checklist.yaml   key facts and contradiction probes (see the comments there)
# The guideline for references and checklists is references/README.md.
# `evalsum validate` lists what is still missing, one line each.
id: {cluster_id}
title: ""  # the story in one line, e.g. "Harlow Bridge in Westmere closed after cracks found (May 2024)"
"""


def checklist_yaml(schema_dir: str) -> str:
    return f"""# yaml-language-server: $schema={schema_dir}/checklist.schema.json
# Key facts a good summary states, and claims it must not make. Every key is documented, with an
# example, in references/README.md. Patterns are read as the text written: 1931, 2024-05-06 or
# no need no quotes; quote a pattern that holds ": " or starts with [ {{ & * ! | > ' " % @ or #.
facts: []
#  - id: bridge-closed
#    statement: The council closed the Harlow Bridge.
#    patterns:                 # every group must match inside one summary sentence
#      - [Harlow Bridge]
#      - [closed, shut, shuts]  # alternatives: any one of them
#    unless: [reopened]         # optional: a sentence matching one of these never counts
#    weight: 2                  # optional: default is the number of references stating it
#    scope: sentence            # optional: sentence (default) or summary
probes: []
#  - id: bridge-collapsed
#    statement: The bridge is said to have collapsed (no source says so).
#    external: true             # no source states it; validate checks that none trips it
#    patterns:
#      - [collapsed, collapse, fell into]
"""


def template_files() -> list[ProjectFile]:
    """An empty cluster, outside `references/` so runs ignore it: copy it, or use `init --cluster`."""
    readme = ("An empty cluster with comments. Copy this folder to references/<cluster-id>/ and fill it in,\n"
              "or run `evalsum init --cluster <cluster-id>`, which writes the same files with the id set.\n")
    return [ProjectFile(f"{TEMPLATE}/README.md", readme),
            ProjectFile(f"{TEMPLATE}/{CLUSTER_FILE}", cluster_yaml("my-story", f"../{REFERENCES}/schema")),
            ProjectFile(f"{TEMPLATE}/checklist.yaml", checklist_yaml(f"../{REFERENCES}/schema")),
            ProjectFile(f"{TEMPLATE}/sources/.keep", ""), ProjectFile(f"{TEMPLATE}/summaries/.keep", "")]


RUN_FILE_TEXT = """\
# The run file: what `evalsum run` evaluates when no -s is given, and what `evalsum check` gates.
# The same table as [tool.evalsum] in a pyproject.toml (README of evalsum: "The run file and variants").
references = "references"
results = "results"
budget = 100
policy = "pooled"

[[systems]]
backend = "lead3"

[[systems]]
backend = "textrank"

[[systems]]
backend = "random"

[[systems]]
backend = "oracle"

[[systems]]
backend = "human"

# A variant: one backend under other settings is its own row (default label lead-k[k=5]).
[[systems]]
backend = "lead-k"
options = { k = 5 }
"""


def project_files() -> list[ProjectFile]:
    """Every file `evalsum init DIR` writes, relative to DIR. Add new project files here."""
    return [*bundled_files(), *template_files(), ProjectFile("evalsum.toml", RUN_FILE_TEXT)]


def schema_files() -> list[ProjectFile]:
    return [ProjectFile(f"{REFERENCES}/schema/{name}", schema.render(name)) for name in schema.FILES]


def cluster_files(cluster_id: str) -> list[ProjectFile]:
    """A new cluster's skeleton under `references/`, which `evalsum validate` explains until filled in."""
    try:
        ClusterMeta(id=cluster_id, title="x")
    except ValueError:
        raise UsageError(f"cluster id {cluster_id!r}: use letters, digits, '.', '_' and '-' "
                         "(it names a folder)") from None
    base = f"{REFERENCES}/{cluster_id}"
    return [ProjectFile(f"{base}/{CLUSTER_FILE}", cluster_yaml(cluster_id, "../schema")),
            ProjectFile(f"{base}/checklist.yaml", checklist_yaml("../schema")),
            ProjectFile(f"{base}/sources/.keep", ""), ProjectFile(f"{base}/summaries/.keep", "")]


def write(root: Path, files: list[ProjectFile], dirs: tuple[str, ...] = ()) -> list[Path]:
    """Write files under root; a file already there with the same text is kept, one with other
    text is an error before anything is written (init never overwrites your work)."""
    root = Path(root)
    for f in files:
        target = root / f.path
        if target.exists() and (not target.is_file() or target.read_text(encoding="utf-8") != f.text):
            raise DataError(target, None, "already exists with other content; init never overwrites a file "
                            "(move it aside, or run init in an empty folder)")
    written: list[Path] = []
    try:
        for d in dirs:
            (root / d).mkdir(parents=True, exist_ok=True)
        for f in files:
            target = root / f.path
            if target.is_file():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, f.text)
            written.append(target)
    except OSError as e:
        raise DataError(e.filename or root, None, f"cannot write: {e.strerror}") from None
    return written
