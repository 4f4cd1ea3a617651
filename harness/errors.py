"""Exceptions that carry an exit code, so the CLI maps every failure to one clear line."""
from __future__ import annotations


class EvalsumError(Exception):
    """Base: the message is the one line a user sees."""

    exit_code = 2


class DataError(EvalsumError):
    """Bad gold data, records or config: names the file and the line or field."""

    def __init__(self, path: object, where: str | None, message: str) -> None:
        self.path, self.where, self.message = str(path), where, message
        loc = f"{self.path}:{where}" if where else self.path
        super().__init__(f"{loc}: {message}")

    def __reduce__(self) -> tuple[type, tuple[str, str | None, str]]:
        # Rebuilt from its parts when it crosses a process boundary (`--jobs`).
        return (type(self), (self.path, self.where, self.message))


class UsageError(EvalsumError):
    """A bad command-line choice: unknown system, invalid option, bad budget."""


class BackendUnavailable(EvalsumError):
    """A backend cannot run at all here (endpoint down, model or package missing)."""

    exit_code = 3


class BackendError(EvalsumError):
    """A backend failed on one cluster; the run records it and goes on."""


class BackendTimeout(BackendError):
    """A backend request timed out: a failure of that cluster, not "unavailable"."""
