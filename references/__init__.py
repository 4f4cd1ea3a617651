"""This folder is also the data-only package `evalsum.bundled` (see pyproject.toml): it ships the
bundled cluster, the gold-data guideline and the JSON Schemas, which `evalsum init` copies into a
new project. It is a regular package, not a namespace one, so editable installs resolve it too."""
