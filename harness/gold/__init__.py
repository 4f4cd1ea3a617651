"""Gold data: clusters on disk, JSONL datasets, importers and validation."""
