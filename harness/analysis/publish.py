"""Writes the views derived from the records: `LEADERBOARD.md` and `leaderboard.json`."""
from __future__ import annotations

from pathlib import Path

from evalsum.analysis import leaderboard
from evalsum.files import write_atomic
from evalsum.store import records
from evalsum.store.lock import results_lock


def refresh_leaderboard(results: Path) -> Path:
    """Rebuild LEADERBOARD.md and leaderboard.json from the records alone, under the results
    lock so two runs finishing together cannot leave the older view last. Records are streamed,
    so memory does not grow with the number of clusters."""
    results = Path(results)
    md = results / "LEADERBOARD.md"
    with results_lock(results):
        board = leaderboard.build_from_paths(records.record_paths(results / "runs"))
        write_atomic(results / "leaderboard.json", records.dumps(board.model_dump(mode="json")))
        write_atomic(md, leaderboard.render_markdown(board))
    return md
