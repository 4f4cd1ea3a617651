"""Metrics: each module is a pure function of (summary, gold) -> scores."""
