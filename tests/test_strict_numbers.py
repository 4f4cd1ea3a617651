"""Issue 16, strict numbers: NaN and Infinity in a record or the baseline are one line naming the
file and field (exit 2), never a gate that passes, and evalsum never writes one."""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from evalsum.errors import DataError
from evalsum.files import dumps_strict, loads_strict
from evalsum.store.records import dumps, record_paths
from tests.conftest import cli


@pytest.fixture(scope="module")
def blessed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    res = tmp_path_factory.mktemp("strict") / "results"
    assert cli("run", "-s", "lead3", "--results", str(res), "--rouge-engine", "python") == 0
    assert cli("bless", "--results", str(res)) == 0
    return res


def _baseline_with(blessed: Path, tmp: Path, literal: str) -> Path:
    data = json.loads((blessed / "baseline.json").read_text())
    data["systems"]["lead3"]["means"]["rouge2_f"] = "@@"
    path = tmp / "baseline.json"
    path.write_text(json.dumps(data, indent=1).replace('"@@"', literal))
    return path


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_a_non_finite_baseline_value_is_exit_2_naming_file_and_field(blessed: Path, tmp_path: Path, literal: str,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = _baseline_with(blessed, tmp_path, literal)
    capsys.readouterr()
    assert cli("check", "--baseline", str(path), "--results", str(blessed)) == 2
    why = "is out of range" if literal == "1e999" else "is not a number evalsum accepts"
    assert capsys.readouterr().err == (f"error: {path}:field systems.lead3.means.rouge2_f: {literal} {why} "
                                       "(numbers must be finite)\n")


@pytest.mark.parametrize("literal", ['"NaN"', '"0.1"', "true", "null"])
def test_a_nan_string_in_the_baseline_is_refused_too(blessed: Path, tmp_path: Path, literal: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """Not a number is not read as one: a string, a boolean or null where a mean belongs."""
    path = _baseline_with(blessed, tmp_path, literal)
    capsys.readouterr()
    assert cli("check", "--baseline", str(path), "--results", str(blessed)) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}:field systems.lead3.means.rouge2_f: ") and err.count("\n") == 1


def _tamper_record(src: Path, dst: Path, literal: str) -> Path:
    import shutil

    shutil.copytree(src, dst)
    [path] = record_paths(dst / "runs")
    lines = path.read_text().splitlines(keepends=True)
    data = json.loads(lines[1])
    data["result"]["scores"]["rouge"]["rouge2"]["f"] = "@@"
    lines[1] = json.dumps(data).replace('"@@"', literal) + "\n"
    path.write_text("".join(lines))
    return path


@pytest.mark.parametrize("literal", ["NaN", "Infinity", '"NaN"'])
@pytest.mark.parametrize("command", ["leaderboard", "bless", "check"])
def test_a_non_finite_score_in_a_record_stops_leaderboard_bless_and_check(blessed: Path, tmp_path: Path, literal: str,
                                                                          command: str,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    res = tmp_path / "results"
    path = _tamper_record(blessed, res, literal)
    capsys.readouterr()
    extra = ("--baseline", str(blessed / "baseline.json")) if command == "check" else ()
    assert cli(command, "--results", str(res), *extra) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}:line 2, field result.scores.rouge.rouge2.f: ") and err.count("\n") == 1
    if command == "bless":  # the blessed baseline is unchanged
        assert (res / "baseline.json").read_text() == (blessed / "baseline.json").read_text()


def test_evalsum_never_writes_a_non_finite_number() -> None:
    for bad in (math.nan, math.inf, -math.inf):
        with pytest.raises(DataError):  # records.dumps: every record, leaderboard and baseline file
            dumps({"x": bad})
        with pytest.raises(DataError):
            dumps_strict([bad])


def test_strict_loads_names_the_field_also_in_lists_and_keeps_finite_values(tmp_path: Path) -> None:
    assert loads_strict('{"a": [1.5, 2e3], "b": {"c": -0.0}}', tmp_path / "f") == {"a": [1.5, 2000.0],
                                                                                   "b": {"c": -0.0}}
    with pytest.raises(DataError) as e:
        loads_strict('{"a": {"values": [1.0, NaN]}}', tmp_path / "f", line=7)
    assert e.value.where == "line 7, field a.values.1"
    assert e.value.message == "NaN is not a number evalsum accepts (numbers must be finite)"
