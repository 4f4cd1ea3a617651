"""Regular expressions from user data (checklist patterns `re:...`), run with a time bound.

A pattern such as `(a|a)*$` backtracks exponentially, and the standard `re` engine neither stops
nor answers Ctrl-C while it does. So user patterns are compiled with the third-party `regex`
engine (a declared dependency of NLTK, and of ours) and every search runs under its `timeout=`:

- `regex` turns nested repeats such as `(a+)+$` from exponential into polynomial time, so they
  work on sentences of ordinary length; on a long text, and for overlapping alternatives such as
  `(a|a)*` or `(a|aa)+` (still exponential), the search stops at the bound with `PatternTimeout`,
  one DataError naming the pattern. `regex` also answers Ctrl-C during a search.
- Rejecting nested quantifiers up front was the alternative, and it is both too strict (it
  refuses `(\\w+\\s)+`, which is fine) and too weak (it passes `(a|aa)+`, which is not). A bound
  on time is the only check that is complete and keeps every ordinary pattern's meaning.

Compilation itself is not under the timeout, so the source is bounded before it is compiled:
its length, its group nesting, and the product of its counted repeats (`(a{1000}){1000}` takes
a second to compile; `a{99999999999}` cannot be compiled at all).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import regex

from evalsum.errors import DataError

# Bound on one search, in seconds (`regex` counts the process's CPU time, so a loaded machine
# stretches it in wall-clock terms). Checklist searches take microseconds: this is far above any
# honest pattern on an honest sentence, and short enough that a run stops promptly.
TIMEOUT = 1.0
MAX_LENGTH = 1_000  # characters of pattern source
MAX_DEPTH = 50  # nested groups and classes (the engine's parser recurses on each)
MAX_REPEAT = 10_000  # product of every counted repeat's larger bound


class UnsafePattern(ValueError):
    """A pattern that is invalid, or too large to compile safely; the text says which."""


class PatternTimeout(DataError):
    """A search that ran past the bound: the line names the pattern and what to change."""

    def __init__(self, pattern: str, seconds: float, length: int) -> None:
        self.pattern, self.seconds, self.length = pattern, seconds, length
        super().__init__(f"re:{pattern}", None,
                         f"regular expression ran over {seconds:g} s on a {length}-character text; rewrite its "
                         "nested or overlapping repeats (such as (a+)+ or (a|aa)+) so each character can match one way")

    def __reduce__(self) -> tuple[type, tuple[str, float, int]]:  # type: ignore[override]
        return (type(self), (self.pattern, self.seconds, self.length))


@dataclass(frozen=True)
class UserPattern:
    """A compiled user pattern whose every search is time-bounded."""

    source: str
    compiled: Any  # a `regex.Pattern` (the package has no type information)
    timeout: float = TIMEOUT

    def search(self, text: str) -> Any:
        """The first match in text, or None; PatternTimeout past the bound."""
        try:
            return self.compiled.search(text, timeout=self.timeout)
        except TimeoutError:
            raise PatternTimeout(self.source, self.timeout, len(text)) from None

    def finditer(self, text: str) -> list[Any]:
        """Every match in text, in order (the whole search under one bound); PatternTimeout past it."""
        try:
            return list(self.compiled.finditer(text, timeout=self.timeout))
        except TimeoutError:
            raise PatternTimeout(self.source, self.timeout, len(text)) from None


def compile_user(source: str, timeout: float = TIMEOUT) -> UserPattern:
    """Compile a pattern from user data (the text after `re:`); UnsafePattern says why not."""
    check_source(source)
    try:
        with warnings.catch_warnings():  # `regex` warns about `[[` (possible nested set): not ours to print
            warnings.simplefilter("ignore")
            compiled = regex.compile(source)
    except (regex.error, OverflowError, RecursionError, ValueError) as e:
        raise UnsafePattern(f"invalid regular expression ({e})") from None
    return UserPattern(source=source, compiled=compiled, timeout=timeout)


def check_source(source: str) -> None:
    """Refuse sources whose compilation alone is costly: too long, too deep, too many copies."""
    if len(source) > MAX_LENGTH:
        raise UnsafePattern(f"invalid regular expression (over {MAX_LENGTH} characters)")
    depth, product, i, n = 0, 1, 0, len(source)
    while i < n:
        ch = source[i]
        if ch == "\\":
            i += 2
            continue
        if ch in "([":
            depth += 1
            if depth > MAX_DEPTH:
                raise UnsafePattern(f"invalid regular expression (nested over {MAX_DEPTH} deep)")
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif ch == "{":
            count = _repeat_bound(source, i)
            if count is not None:
                product *= max(count, 1)
                if product > MAX_REPEAT:
                    raise UnsafePattern(f"invalid regular expression (counted repeats expand to over "
                                        f"{MAX_REPEAT} copies)")
        i += 1


def _repeat_bound(source: str, i: int) -> int | None:
    """The larger bound of the `{m}`, `{m,}` or `{m,n}` quantifier at i, or None for a literal `{`.
    Digits are capped before conversion, so a huge count never reaches int()."""
    end = source.find("}", i + 1, i + 42)
    body = source[i + 1:end] if end != -1 else source[i + 1:i + 42]
    lo, _, hi = body.partition(",")
    lo, hi = lo.strip(), hi.strip()
    if end == -1:
        return MAX_REPEAT + 1 if lo[:1].isdigit() else None  # an unclosed run of digits: a huge count
    if not (lo.isdigit() or (lo == "" and hi.isdigit())) or (hi and not hi.isdigit()):
        return None
    return max(int(lo or 0), int(hi or 0))
