"""Importers: turn a dataset file or a public corpus layout into the `references/` layout.

Every format yields validated `DatasetCluster`s; `writer.write_clusters` validates the whole
input before it writes anything, then writes each cluster atomically.
"""
