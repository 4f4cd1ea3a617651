"""The one strict text reader, the one ValidationError -> DataError helper, and the one cluster
digest and id rule shared by folders and datasets."""
from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from evalsum.errors import DataError, from_validation
from evalsum.files import read_text
from evalsum.gold import corpus, dataset
from evalsum.store import records
from tests.conftest import REFERENCES, cli


class Inner(BaseModel):
    model_config = ConfigDict(extra="forbid")
    n: int

    @field_validator("n")
    @classmethod
    def _positive(cls, v: int) -> int:
        if v <= 0:
            raise ValueError("n must be positive")
        return v


class Outer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    inner: Inner


def _error(data: object) -> ValidationError:
    with pytest.raises(ValidationError) as e:
        Outer.model_validate(data)
    return e.value


def test_validation_error_names_file_line_and_dotted_field() -> None:
    err = _error({"inner": {"n": "x"}})
    assert str(from_validation(err, "d.jsonl", "line 3")) == (
        "d.jsonl:line 3, field inner.n: Input should be a valid integer, unable to parse string as an integer")
    assert str(from_validation(err, "b.json", hint="re-bless")) == (
        "b.json:field inner.n: Input should be a valid integer, unable to parse string as an integer; re-bless")
    assert str(from_validation(err, "pyproject.toml", prefix="tool.evalsum")).startswith(
        "pyproject.toml:field tool.evalsum.inner.n: ")


def test_validator_messages_lose_pydantics_prefix_and_top_level_is_named() -> None:
    assert str(from_validation(_error({"inner": {"n": 0}}), "f")) == "f:field inner.n: n must be positive"
    with pytest.raises(ValidationError) as e:
        Inner.model_validate([])
    assert str(from_validation(e.value, "f")) == (
        "f:field (top level): Input should be a valid dictionary or instance of Inner")


def test_read_text_is_strict_utf8_naming_the_line(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_bytes(b"\xef\xbb\xbfcaf\xc3\xa9\n")
    assert read_text(p) == "café\n"  # the BOM is dropped
    p.write_bytes(b"ok\nbad \xff here\n")
    with pytest.raises(DataError) as e:
        read_text(p)
    assert str(e.value) == f"{p}:line 2: not valid UTF-8 (byte 7); re-save the file as UTF-8"
    with pytest.raises(DataError) as e:
        read_text(p, what="baseline", hint="restore it from git or re-bless")
    assert str(e.value) == f"{p}:line 2: baseline is not valid UTF-8 (byte 7); restore it from git or re-bless"


def test_read_text_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"x\.toml: cannot read config: No such file or directory$"):
        read_text(tmp_path / "x.toml", what="config")
    with pytest.raises(DataError, match=r"x\.json: not there; bless first$"):
        read_text(tmp_path / "x.json", missing="not there; bless first")


def test_one_id_rule_for_folders_and_datasets(tmp_path: Path) -> None:
    d = tmp_path / "c"
    d.mkdir()
    (d / "cluster.yaml").write_text("id: a/b\ntitle: T\n", encoding="utf-8")
    with pytest.raises(DataError) as folder:
        corpus.cluster_id(d)
    with pytest.raises(DataError) as line:
        dataset.validate_cluster({"id": "a/b", "documents": [{"text": "x"}], "references": [{"text": "y"}]}, "d.jsonl",
                                 "line 1")
    rule = "cluster id 'a/b' must be 1-200 letters, digits, '.', '_' or '-', starting with a letter or digit"
    assert str(folder.value) == f"{d / 'cluster.yaml'}:field id: {rule}"
    assert str(line.value) == f"d.jsonl:line 1, field id: {rule}"
    assert corpus.check_name("a" * 200, "id") and corpus.SAFE_NAME.match("a" * 201) is None


def test_cluster_digest_is_one_function_for_folders_and_datasets(tmp_path: Path) -> None:
    line = dataset.DatasetCluster.model_validate(
        {"id": "c1", "documents": [{"text": "One sentence here.", "date": "2024-01-05"}],
         "references": [{"text": "A summary."}]})
    folder = tmp_path / "c1"
    for rel, data in dataset.render(line).items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)
    loaded = corpus.load_cluster(folder)
    assert loaded.sha256 == dataset.to_cluster(line, "d.jsonl").sha256 == corpus.cluster_digest(loaded.files)
    assert corpus.cluster_digest({"b": "2", "a": "1"}) == corpus.sha256(b"a 1\nb 2")


def test_an_older_record_is_one_clear_error(tmp_path: Path) -> None:
    res = tmp_path / "results"
    assert cli("run", "-s", "lead3", "--references", str(REFERENCES), "--results", str(res)) == 0
    [path] = records.record_paths(res / "runs")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert '"schema_version": 2' in lines[0]
    old = lines[0].replace('"schema_version": 2', '"schema_version": 1')
    path.write_text(old + "".join(lines[1:]), encoding="utf-8")
    with pytest.raises(DataError) as e:
        records.load_record(path)
    assert str(e.value) == (f"{path}:line 1, field schema_version: record schema 1, but this evalsum reads schema 2; "
                            "run the systems again to get a new record, and delete this one")
