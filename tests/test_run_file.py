"""The run file: `[tool.evalsum]` systems, data and settings, validated with file and key."""
from __future__ import annotations

from pathlib import Path

import pytest

from evalsum.config import Config, SystemEntry, load_config
from evalsum.errors import DataError

ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, body: str, name: str = "pyproject.toml") -> Path:
    p = tmp_path / name
    p.write_text(body, encoding="utf-8")
    return p


def test_the_bundled_run_file_lists_systems_and_variants() -> None:
    cfg = load_config(ROOT / "pyproject.toml")
    backends = [s.backend for s in cfg.systems]
    assert {"lead3", "textrank", "random", "oracle", "human"} <= set(backends)
    assert len(backends) >= 7 and len(backends) > len(set(backends))  # a backend under two settings
    assert cfg.references == "references" and cfg.budget == 100 and cfg.policy == "pooled"


def test_a_full_run_file_parses(tmp_path: Path) -> None:
    p = write(tmp_path, """
[tool.evalsum]
dataset = "data/c.jsonl"
budget = 50
policy = "max"
[[tool.evalsum.systems]]
backend = "lead-k"
options = { k = 5 }
[[tool.evalsum.systems]]
label = "fast"
backend = "textrank"
[tool.evalsum.gate.metrics]
rouge2_f = { tolerance = 0.01 }
""")
    cfg = load_config(p)
    assert cfg.systems == [SystemEntry(backend="lead-k", options={"k": 5}),
                           SystemEntry(backend="textrank", label="fast")]
    assert (cfg.dataset, cfg.budget, cfg.policy) == ("data/c.jsonl", 50, "max")


@pytest.mark.parametrize(("body", "where", "needle"), [
    ('[tool.evalsum]\nbudget = 0\n', "field tool.evalsum.budget", "greater than 0"),
    ('[tool.evalsum]\npolicy = "best"\n', "field tool.evalsum.policy", "pooled"),
    ('[[tool.evalsum.systems]]\nbackend = "lead3"\ncolour = "red"\n', "field tool.evalsum.systems.0.colour", "Extra"),
    ('[[tool.evalsum.systems]]\nlabel = "x"\n', "field tool.evalsum.systems.0.backend", "Field required"),
    ('[[tool.evalsum.systems]]\nbackend = "random"\noptions = { seed = nan }\n', "field tool.evalsum.systems.0.options",
     "finite"),
    ('[[tool.evalsum.systems]]\nbackend = "random"\noptions = { seed = { a = 1 } }\n',
     "field tool.evalsum.systems.0.options.seed", ""),
    ('[tool.evalsum]\nreferences = "r"\ndataset = "d.jsonl"\n', "field tool.evalsum", "not both"),
    ('[tool.evalsum]\nsystem = []\n', "field tool.evalsum.system", "Extra"),
])
def test_every_error_names_the_file_and_the_key(tmp_path: Path, body: str, where: str, needle: str) -> None:
    p = write(tmp_path, body)
    with pytest.raises(DataError) as e:
        load_config(p)
    assert str(e.value).startswith(f"{p}:{where}") and needle in str(e.value)


def test_a_plain_toml_file_holds_the_table_at_its_top(tmp_path: Path) -> None:
    p = write(tmp_path, '[[systems]]\nbackend = "lead3"\n[[systems]]\nbackend = "nope"\ncolor = 1\n', "evalsum.toml")
    with pytest.raises(DataError) as e:
        load_config(p)
    assert str(e.value).startswith(f"{p}:field systems.1.color")


def test_no_file_means_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_config() == Config()
