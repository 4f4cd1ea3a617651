"""User regular expressions (checklist `re:` patterns) run with a time bound, and costly sources
are refused before they are compiled."""
from __future__ import annotations

import pickle
import time

import pytest

from evalsum.errors import DataError
from evalsum.metrics import facts
from evalsum.text.normalise import Normaliser
from evalsum.text.safe_regex import MAX_REPEAT, PatternTimeout, UnsafePattern, compile_user

LONG_A = "a" * 5_000 + "b"


def test_nested_repeat_works_on_a_sentence_and_stops_at_the_bound_on_a_long_text() -> None:
    """`(a+)+$` hangs the standard `re` engine on 'aaa...b' of 40 characters; here it answers on
    sentence-length text (no match, or a match as `re` gives), and on 5,000 characters it stops
    at the bound with one DataError naming the pattern."""
    p = compile_user("(a+)+$", timeout=0.5)
    assert p.search("a" * 60 + "b") is None
    assert p.search("xx aaa").span() == (3, 6)
    started = time.monotonic()
    with pytest.raises(PatternTimeout, match=r"^re:\(a\+\)\+\$: regular expression ran over 0.5 s on a 5001-character"):
        p.search(LONG_A)
    assert time.monotonic() - started < 20  # 0.5 s of CPU, with slack for a loaded machine


@pytest.mark.parametrize("pattern", ["(a|a)*$", "(a|aa)+$"])
def test_backtracking_pattern_stops_at_the_bound_with_one_data_error(pattern: str) -> None:
    p = compile_user(pattern, timeout=0.2)
    started = time.monotonic()
    with pytest.raises(PatternTimeout) as info:
        p.search("a" * 60 + "b")
    elapsed = time.monotonic() - started
    assert elapsed < 10  # the bound (0.2 s of CPU) plus generous slack for a loaded machine
    e = info.value
    assert isinstance(e, DataError) and e.exit_code == 2
    assert str(e) == (f"re:{pattern}: regular expression ran over 0.2 s on a 61-character text; rewrite its "
                      "nested or overlapping repeats (such as (a+)+ or (a|aa)+) so each character can match one way")
    assert str(pickle.loads(pickle.dumps(e))) == str(e)  # crosses `--jobs` worker boundaries intact


@pytest.mark.parametrize(("pattern", "why"), [
    ("put (off", "invalid regular expression (missing )"),
    ("a{99999999999}", f"counted repeats expand to over {MAX_REPEAT} copies"),
    ("(a{1000}){1000}", f"counted repeats expand to over {MAX_REPEAT} copies"),
    ("a{" + "9" * 900 + "}", f"counted repeats expand to over {MAX_REPEAT} copies"),
    ("a{" + "9" * 60, f"counted repeats expand to over {MAX_REPEAT} copies"),
    ("(" * 60 + ")" * 60, "nested over 50 deep"),
    ("x" * 1001, "over 1000 characters"),
])
def test_costly_or_invalid_sources_are_refused_before_compiling(pattern: str, why: str) -> None:
    started = time.monotonic()
    with pytest.raises(UnsafePattern, match="invalid regular expression") as info:
        compile_user(pattern)
    assert why in str(info.value)
    assert time.monotonic() - started < 1.0


@pytest.mark.parametrize(("pattern", "text", "span"), [
    (r"\b(shot|brought)\s+down\b", "it was shot  down today", (7, 17)),
    (r"\d{4}-\d{2}-\d{2}", "on 2023-02-04.", (3, 13)),
    ("a{,2}b", "aaab", (1, 4)),
    ("x{a}", "x{a}", (0, 4)),  # a literal brace, as in `re`
    ("ball?o+n", "a baloon", (2, 8)),
    ("[[:alpha:]]+", "::ab", (2, 4)),  # no warning printed for `[[`
])
def test_ordinary_patterns_match_as_before(pattern: str, text: str, span: tuple[int, int],
                                           recwarn: pytest.WarningsRecorder) -> None:
    m = compile_user(pattern).search(text)
    assert m is not None and m.span() == span
    assert len(recwarn) == 0


def test_checklist_alternatives_use_the_bounded_engine() -> None:
    """facts.py compiles `re:` alternatives here, so a checklist match is bounded too."""
    [alt] = facts._compile_group("f1", ["re:(a+)+$"], Normaliser())
    assert alt.regex is not None and alt.regex.timeout == 1.0
    assert not alt.matches((), "a" * 60 + "b") and alt.matches((), "zz aa")
    slow = facts.Alternative(regex=compile_user("(a|aa)+$", timeout=0.2))
    with pytest.raises(PatternTimeout, match=r"re:\(a\|aa\)\+\$: regular expression ran over 0.2 s"):
        slow.matches((), "a" * 60 + "b")
    with pytest.raises(facts.PatternError, match="invalid regular expression"):
        facts._compile_group("f1", ["re:a{99999999999}"], Normaliser())
