"""Exceptions that carry an exit code, so the CLI maps every failure to one clear line."""
from __future__ import annotations

from pydantic import ValidationError


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
    """A backend call or request did not finish in time: a failure of that cluster, not "unavailable"."""


def from_validation(err: ValidationError, path: object, where: str | None = None, *, prefix: str = "",
                    hint: str = "") -> DataError:
    """The one line for a pydantic error: "file:where, field a.b: msg[; hint]" naming its first
    problem. `prefix` is the dotted path of the validated table inside the file (config)."""
    first = err.errors()[0]
    loc = ".".join([prefix, *(str(x) for x in first["loc"])] if prefix else [str(x) for x in first["loc"]])
    field = f"field {loc or '(top level)'}"
    msg = str(first["msg"]).removeprefix("Value error, ")
    if first["type"] == "string_too_short" and first.get("input") == "":
        msg = "is empty: fill it in"
    if first["type"] == "string_type" and isinstance(first.get("input"), (dict, list)):
        # Only a mapping or a list can stand where text is expected: YAML's `[a: b]`, `- key: value`.
        kind = "a mapping" if isinstance(first["input"], dict) else "a list"
        msg = (f"expected text but YAML read {kind} (a ': ' makes a key, brackets make a list); "
               "quote it, e.g. 'Secretary: of State'")
    return DataError(path, f"{where}, {field}" if where else field, f"{msg}; {hint}" if hint else msg)
