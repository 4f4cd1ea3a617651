"""The gold YAML reader: text stays as written, duplicate keys and aliases are one clear line."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from evalsum.errors import DataError
from evalsum.gold import corpus
from evalsum.metrics import facts as fm
from evalsum.text import split_sentences
from evalsum.text.normalise import Normaliser
from tests.conftest import cli


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(DataError) as e:
        corpus.load_checklist(path) if path.name == "checklist.yaml" else corpus.cluster_id(path.parent)
    return str(e.value)


UNQUOTED = """facts:
  - id: founded
    statement: The club was founded in 1931.
    patterns:
      - [1931]
  - id: vote-date
    statement: The vote is on 6 May 2024.
    patterns:
      - [2024-05-06]
  - id: answer
    statement: The answer was no.
    patterns:
      - [answer]
      - [no]
    weight: 2
  - id: others
    statement: Odd scalars stay text.
    patterns:
      - [3 weeks, 21, yes, null, ~, 1.50, 0x1F, 1_000, .inf, 12:30]
"""


def test_unquoted_numbers_dates_and_no_are_the_characters_written(tmp_path: Path) -> None:
    ck = corpus.load_checklist(write(tmp_path / "checklist.yaml", UNQUOTED))
    assert [f.patterns for f in ck.facts] == [
        [["1931"]], [["2024-05-06"]], [["answer"], ["no"]],
        [["3 weeks", "21", "yes", "null", "~", "1.50", "0x1F", "1_000", ".inf", "12:30"]]]
    assert ck.facts[2].weight == 2.0  # typed keys still resolve as numbers


def test_a_cluster_with_unquoted_patterns_validates_and_matches_them(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    d = tmp_path / "refs" / "club"
    write(d / "cluster.yaml", "id: 2024\ntitle: 1931\n")  # ids and titles are text too
    write(d / "sources" / "a.txt", "The club was founded in 1931.\nMembers vote on 2024-05-06.\nThe answer was no.\n")
    write(d / "summaries" / "x.txt", "Founded in 1931, the club votes on 6 May 2024.\nThe answer was no.\n")
    write(d / "summaries" / "y.txt", "The 1931 club holds a vote on May 6, 2024, and its answer was no.\n")
    write(d / "checklist.yaml", UNQUOTED.split("  - id: others")[0])
    assert cli("validate", "--references", str(tmp_path / "refs")) == 0, capsys.readouterr().err
    cluster = corpus.load_cluster(d)
    assert cluster.id == "2024" and cluster.title == "1931"
    assert cluster.checklist is not None
    norm = Normaliser()
    summary = split_sentences("Founded in 1931. Vote on 6 May 2024. The answer was no.")
    score = fm.score_facts(fm.tokenise(summary, norm),
                           fm.compile_checklist(cluster.checklist, norm), {"founded": 1, "vote-date": 1, "answer": 2})
    assert [h.id for h in score.hits] == ["founded", "vote-date", "answer"]


def test_a_mapping_where_a_pattern_belongs_says_to_quote_it(tmp_path: Path) -> None:
    p = write(tmp_path / "checklist.yaml",
              "facts:\n  - id: a\n    statement: s\n    patterns:\n      - [Secretary: of State]\n")
    assert error_of(p) == (f"{p}:field facts.0.patterns.0.0: expected text but YAML read a mapping (a ': ' makes a "
                           "key, brackets make a list); quote it, e.g. 'Secretary: of State'")


@pytest.mark.parametrize(("name", "text", "line", "key", "first"), [
    ("cluster.yaml", "id: a\ntitle: t\nid: b\n", 3, "id", 1),
    ("checklist.yaml", "facts:\n  - id: a\n    statement: s\n    patterns: [[x]]\n    patterns: [[y]]\n",
     5, "patterns", 4),
    ("checklist.yaml", "facts: []\nprobes: []\nfacts: []\n", 3, "facts", 1),
])
def test_duplicate_keys_name_file_line_and_key(tmp_path: Path, name: str, text: str, line: int, key: str,
                                               first: int) -> None:
    p = write(tmp_path / name, text)
    assert error_of(p) == f"{p}:line {line}: duplicate key {key!r} (first at line {first}); keep one"


def test_aliases_are_refused_quickly(tmp_path: Path) -> None:
    """A billion-laughs checklist (each level repeats the one before ten times) used to take
    seconds and hundreds of MB; the first alias is now an error."""
    levels = ["a0: &a0 [" + ", ".join(["lol"] * 10) + "]"]
    levels += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    text = "x:\n" + "\n".join(f"  {line}" for line in levels) + "\nfacts: []\n"
    p = write(tmp_path / "checklist.yaml", text)
    start = time.perf_counter()
    assert error_of(p) == f"{p}:line 3: YAML alias *a0 is not allowed in gold files; write the value out in full"
    assert time.perf_counter() - start < 1.0


def test_syntax_errors_keep_their_line(tmp_path: Path) -> None:
    p = write(tmp_path / "checklist.yaml", "facts:\n  - id: a\n   statement: [\n")
    assert error_of(p).startswith(f"{p}:line ") and "YAML syntax error" in error_of(p)
