"""Storage: run records, the results lock and the committed baseline."""
