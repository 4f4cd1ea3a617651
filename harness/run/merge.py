"""`evalsum merge`: the shard records of one run (`--shard i/n` on n machines) become one record,
line for line the record an unsharded run writes (timestamps, timings and run id aside).

Merging refuses anything that would make the numbers incomparable: records that are not shards,
a different signature, settings, systems or package versions, a different shard count or cluster
list, a missing or repeated shard. Every shard header carries the whole run's cluster order and
each shard's results follow it, so the merge streams: for each cluster in that order it takes the
next lines from the shard that owns it, holding one line per shard in memory.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path

from evalsum.errors import DataError
from evalsum.models import RecordFooter, RecordHeader, ResultLine
from evalsum.run.runner import run_id
from evalsum.run.shards import parse, shard_of
from evalsum.store.records import RecordWriter, iter_record, read_header

CHECKED = ("schema_version", "signature", "settings", "systems", "packages", "cluster_order")


def _check(paths: Sequence[Path], headers: Sequence[RecordHeader]) -> int:
    """Validate the set of shard headers; returns the shard count."""
    first = headers[0]
    for p, h in zip(paths, headers, strict=False):
        if h.shard is None or h.cluster_order is None:
            raise DataError(p, "line 1", "not a shard record (its header has no shard i/n); "
                                         "only records written with --shard can be merged")
        for field in CHECKED:
            mine, theirs = getattr(h, field), getattr(first, field)
            if mine != theirs:
                shown = "" if field in ("systems", "cluster_order", "packages") else f": {mine!r} vs {theirs!r}"
                raise DataError(p, f"header {field}", f"differs from {paths[0]}{shown}; "
                                                      "shards must come from one run with identical settings")
    shards = [parse(h.shard or "") for h in headers]
    count = shards[0].count
    seen: dict[int, Path] = {}
    for p, s in zip(paths, shards, strict=False):
        if s.count != count:
            raise DataError(p, "header shard", f"is {s}, but {paths[0]} is one of {count} shards")
        if s.index in seen:
            raise DataError(p, "header shard", f"shard {s} is also {seen[s.index]}")
        seen[s.index] = p
    missing = [f"{i}/{count}" for i in range(1, count + 1) if i not in seen]
    if missing:
        raise DataError(paths[0], None, f"missing shard record(s) {', '.join(missing)}: merge needs all {count}")
    return count


def _lines(path: Path) -> Iterator[tuple[int, ResultLine | RecordFooter]]:
    for no, item in enumerate(iter_record(path), 1):
        if not isinstance(item, RecordHeader):
            yield no, item


def merge(paths: Sequence[Path], runs_dir: Path) -> Path:
    """Write the merged record to `runs_dir` and return its path. Its footer's seconds is the
    shards' total compute time."""
    paths = [Path(p) for p in paths]
    if not paths:
        raise DataError("merge", None, "no records given")
    headers = [read_header(p) for p in paths]
    count = _check(paths, headers)
    first = headers[0]
    order = first.cluster_order or []
    by_index = {parse(h.shard or "").index: p for h, p in zip(headers, paths, strict=False)}
    streams = {i: _lines(p) for i, p in by_index.items()}
    names = [s.name for s in first.systems]
    now = dt.datetime.now(dt.timezone.utc)
    header = RecordHeader(run_id=run_id(now, first.settings, first.systems, order),
                          created=now.isoformat(timespec="seconds"), signature=first.signature,
                          key=first.key, provenance=first.provenance, settings=first.settings,
                          packages=first.packages, systems=first.systems)
    writer = RecordWriter(runs_dir, header)
    try:
        for cid in order:
            index = shard_of(cid, count)
            for name in names:
                no, item = next(streams[index], (0, None))
                if not (isinstance(item, ResultLine) and item.system == name and item.result.cluster_id == cid):
                    got = (f"{item.system} on {item.result.cluster_id}" if isinstance(item, ResultLine)
                           else "the end of the results")
                    raise DataError(by_index[index], f"line {no}" if no else None,
                                    f"expected the result of {name} on {cid}, found {got}; "
                                    "the shard is incomplete or reordered")
                writer.add(item)
        seconds = 0.0
        for index, stream in streams.items():
            no, item = next(stream, (0, None))
            if not isinstance(item, RecordFooter):
                raise DataError(by_index[index], f"line {no}" if no else None,
                                "has results beyond this shard's clusters, or no footer")
            seconds += item.seconds
    except BaseException:
        writer.abandon()
        raise
    return writer.close(seconds)
