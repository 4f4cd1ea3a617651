"""Strict JSON: NaN, Infinity, overflowing numbers and absurd integers are refused on the way in
and out, as one DataError naming the file, line and field; everything else reads and writes
exactly as the json module does."""
from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evalsum.errors import DataError
from evalsum.files import dumps_strict, loads_strict


@pytest.mark.parametrize(("text", "where", "why"), [
    ('{"rouge1_f": NaN}', "line 7, field rouge1_f", "NaN is not a number evalsum accepts (numbers must be finite)"),
    ('{"rows": [{"mean": 0.5}, {"mean": Infinity}]}', "line 7, field rows.1.mean", "Infinity is not a number"),
    ('[1, -Infinity]', "line 7, field 1", "-Infinity is not a number"),
    ('{"a": {"b": 1e999}}', "line 7, field a.b", "1e999 is out of range (numbers must be finite)"),
    ('{"a": -1E400}', "line 7, field a", "-1E400 is out of range"),
    ('{"n": ' + "9" * 5000 + "}", "line 7, field n", "an integer of 5000 digits is too long"),
    ("NaN", "line 7", "NaN is not a number"),
    ("[" * 50_000 + "]" * 50_000, "line 7", "JSON nested too deeply"),
])
def test_non_finite_numbers_are_refused_naming_file_line_and_field(text: str, where: str, why: str) -> None:
    with pytest.raises(DataError) as info:
        loads_strict(text, "results/baseline.json", line=7)
    e = info.value
    assert (e.path, e.where) == ("results/baseline.json", where) and why in e.message
    assert str(e).startswith(f"results/baseline.json:{where}: ")


def test_without_a_line_the_field_alone_is_named() -> None:
    with pytest.raises(DataError, match=r"^b\.json:field systems\.0\.score: NaN"):
        loads_strict('{"systems": [{"score": NaN}]}', "b.json")


def test_syntax_errors_stay_json_errors_for_the_caller_to_word() -> None:
    with pytest.raises(json.JSONDecodeError):
        loads_strict('{"a": [1,', "x.json")


def test_strings_that_spell_nan_are_just_strings() -> None:
    assert loads_strict('{"NaN": "Infinity", "x": ["-Infinity", 1e308, -0.0, 5e-324]}') == \
        {"NaN": "Infinity", "x": ["-Infinity", 1e308, -0.0, 5e-324]}


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_writing_a_non_finite_number_names_the_field(bad: float) -> None:
    with pytest.raises(DataError) as info:
        dumps_strict({"rows": [{"system": "lead3", "r1": 0.3}, {"system": "x", "r1": bad}]}, "leaderboard.json")
    assert (info.value.path, info.value.where) == ("leaderboard.json", "field rows.1.r1")
    assert info.value.message == f"cannot write {bad!r}: numbers must be finite"


def test_dumps_passes_options_and_never_allows_nan() -> None:
    assert dumps_strict({"b": 1, "a": "caf\u00e9"}, sort_keys=True, ensure_ascii=False, allow_nan=True) == \
        '{"a": "caf\u00e9", "b": 1}'


JSONABLE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(JSONABLE)
def test_finite_data_round_trips_exactly_as_the_json_module_does(data: object) -> None:
    text = dumps_strict(data, sort_keys=True)
    assert text == json.dumps(data, sort_keys=True)
    assert loads_strict(text) == json.loads(text) == json.loads(json.dumps(data))
