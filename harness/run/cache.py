"""Content-addressed cache of generated summaries, so re-scoring never calls a backend again.

The key covers everything that can change a backend's output: system name and version, its
options, the hash of what the backend reads (cluster.generation_input) and the budget. Entries are written atomically.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from evalsum.files import write_atomic
from evalsum.models import Summary


def cache_key(system: str, version: str, options: dict[str, Any], cluster_sha: str, budget: int) -> str:
    blob = json.dumps({"system": system, "version": version, "options": options, "cluster": cluster_sha,
                       "budget": budget}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


class SummaryCache:
    def __init__(self, root: Path, enabled: bool = True) -> None:
        self.root, self.enabled = Path(root), enabled

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> Summary | None:
        if not self.enabled:
            return None
        p = self._path(key)
        try:
            return Summary.model_validate_json(p.read_text(encoding="utf-8"))
        except (OSError, ValidationError, ValueError):
            return None  # a missing or damaged entry is a miss: regenerate and overwrite

    def put(self, key: str, summary: Summary) -> None:
        if self.enabled:
            write_atomic(self._path(key), summary.model_dump_json())
