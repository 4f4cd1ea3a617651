"""The summary cache: exact keys, refresh on --no-cache, stats and pruning per backend."""
from __future__ import annotations

from pathlib import Path

from evalsum.models import Summary
from evalsum.run.cache import CacheKey, SummaryCache


def key(**change: object) -> CacheKey:
    base: dict[str, object] = {"backend": "llm", "version": "1", "code": "c0", "options": {"model": "m"},
                               "budget": 100, "input": "i0"}
    return CacheKey.model_validate({**base, **change})


def test_a_hit_needs_every_part_of_the_key(tmp_path: Path) -> None:
    cache = SummaryCache(tmp_path)
    cache.put(key(), Summary(sentences=["A."]))
    assert cache.get(key()) == Summary(sentences=["A."])
    for change in ({"version": "2"}, {"code": "c1"}, {"options": {"model": "n"}}, {"budget": 50}, {"input": "i1"},
                   {"backend": "embed"}):
        assert cache.get(key(**change)) is None, change


def test_no_cache_regenerates_and_refreshes(tmp_path: Path) -> None:
    SummaryCache(tmp_path).put(key(), Summary(sentences=["old."]))
    refreshing = SummaryCache(tmp_path, refresh=True)
    assert refreshing.get(key()) is None  # --no-cache never reads ...
    refreshing.put(key(), Summary(sentences=["new."]))  # ... but writes what it made
    assert SummaryCache(tmp_path).get(key()) == Summary(sentences=["new."])
    off = SummaryCache(tmp_path / "off", enabled=False)
    off.put(key(), Summary(sentences=["x."]))
    assert not (tmp_path / "off").exists()


def test_stats_and_prune_by_current_code(tmp_path: Path) -> None:
    cache = SummaryCache(tmp_path)
    cache.put(key(), Summary(sentences=["A."]))
    cache.put(key(input="i1"), Summary(sentences=["B."]))
    cache.put(key(code="old"), Summary(sentences=["C."]))
    cache.put(key(backend="gone"), Summary(sentences=["D."]))
    damaged = tmp_path / "ab" / ("ab" + "0" * 62 + ".json")
    damaged.parent.mkdir()
    damaged.write_text("{not json", encoding="utf-8")
    current = {"llm": ("1", "c0")}.get
    stats = cache.stats(current)
    assert (stats.entries, stats.unreadable) == (5, 1)
    assert [(b.backend, b.entries, b.stale) for b in stats.backends] == [("gone", 1, 1), ("llm", 3, 1)]
    assert cache.prune(current) == 3
    assert cache.get(key()) is not None and cache.get(key(input="i1")) is not None
    assert cache.stats(current).entries == 2
    assert cache.clear() == 2 and not tmp_path.exists()
