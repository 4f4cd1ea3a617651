"""Running systems: the run plan, per-cluster work, parallelism, registry, cache, budget, timeouts, shards."""
