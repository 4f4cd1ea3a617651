"""Deterministic sharding of clusters over machines: `--shard i/n` (1-based, i in 1..n).

A cluster belongs to shard 1 + (first 8 bytes of sha256(cluster id), big-endian) mod n. The
assignment depends on the id alone: not on the other clusters, their order, the machine or the
Python hash seed, so adding clusters never moves existing ones between shards (with a fixed n),
and every shard of a CI matrix agrees without talking to the others.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from evalsum.errors import UsageError

SPEC = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def owns(self, cluster_id: str) -> bool:
        return shard_of(cluster_id, self.count) == self.index


def parse(spec: str) -> Shard:
    m = SPEC.match(spec)
    if m is None:
        raise UsageError(f"--shard must look like i/n, for example 2/4, got {spec!r}")
    i, n = int(m.group(1)), int(m.group(2))
    if n < 1 or not 1 <= i <= n:
        raise UsageError(f"--shard {spec}: need 1 <= i <= n (shards are numbered from 1)")
    return Shard(i, n)


def shard_of(cluster_id: str, count: int) -> int:
    digest = hashlib.sha256(cluster_id.encode("utf-8")).digest()
    return 1 + int.from_bytes(digest[:8], "big") % count


def select(ids: Sequence[str], shard: Shard | None) -> list[str]:
    """This shard's ids, in the order given."""
    return list(ids) if shard is None else [i for i in ids if shard.owns(i)]
