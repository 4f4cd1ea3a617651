"""Reads records from `results/runs/` and writes derived files: the one place results are read."""
from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from harness.errors import DataError
from harness.models import Record


def load_record(path: Path) -> Record:
    try:
        return Record.model_validate_json(Path(path).read_text(encoding="utf-8"))
    except OSError as e:
        raise DataError(path, None, f"cannot read record: {e.strerror}") from None
    except ValidationError as e:
        first = e.errors()[0]
        loc = ".".join(str(x) for x in first["loc"]) or "(top level)"
        if first["type"].startswith("json"):
            raise DataError(path, None, f"corrupt record (not valid JSON): {first['msg']}; delete or restore it") from None
        raise DataError(path, f"field {loc}", f"{first['msg']}; delete or restore this record") from None
    except UnicodeDecodeError:
        raise DataError(path, None, "corrupt record (not UTF-8); delete or restore it") from None


def load_records(runs_dir: Path) -> list[Record]:
    """Every record, oldest first (by creation time, then run id)."""
    runs_dir = Path(runs_dir)
    if not runs_dir.is_dir():
        return []
    records = [load_record(p) for p in sorted(runs_dir.glob("*.json"))]
    return sorted(records, key=lambda r: (r.created, r.run_id))


def dumps(data: object) -> str:
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
