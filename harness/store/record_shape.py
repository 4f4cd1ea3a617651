"""The shape of a record file, checked line by line as it streams (`records.iter_record`)."""
from __future__ import annotations

from pathlib import Path

from evalsum.errors import DataError
from evalsum.models import RecordFooter, RecordHeader, ResultLine


class RecordShape:
    """What each line must agree with: systems named once in the header, results only for them,
    nothing after the footer, and a footer that counts the results, each system having as many
    as every other (a run gives each system every cluster). A line lost or added in an edit is a
    DataError here, not a crash in the leaderboard's means."""

    def __init__(self, path: Path, fix: str) -> None:
        self.path, self.fix = path, fix
        self.counts: dict[str, int] = {}
        self.ended = False

    def check(self, item: RecordHeader | ResultLine | RecordFooter, no: int) -> None:
        if self.ended:
            raise DataError(self.path, f"line {no}", f"line after the footer; {self.fix}")
        if isinstance(item, RecordHeader):
            names = [s.name for s in item.systems]
            twice = sorted({n for n in names if names.count(n) > 1})
            if twice:
                raise DataError(self.path, "line 1, field systems", f"system {twice[0]!r} named twice; {self.fix}")
            self.counts = dict.fromkeys(names, 0)
        elif isinstance(item, ResultLine):
            if item.system not in self.counts:
                raise DataError(self.path, f"line {no}, field system",
                                f"result for system {item.system!r} not in the header; {self.fix}")
            self.counts[item.system] += 1
        else:
            self.ended = True
            total = sum(self.counts.values())
            if item.results != total:
                raise DataError(self.path, f"line {no}, field results",
                                f"footer counts {item.results} results but the record holds {total}; {self.fix}")
            if len(set(self.counts.values())) > 1:
                few = min(self.counts, key=lambda k: self.counts[k])
                raise DataError(self.path, None, f"system {few!r} has {self.counts[few]} results, others have "
                                f"{max(self.counts.values())}; {self.fix}")
