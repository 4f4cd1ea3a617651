"""House rules the architecture issue set, checked on every module of the package: no module over
300 lines, no function taking more than 6 positional parameters, and one spelling (summarise)."""
from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted([*(ROOT / "harness").rglob("*.py"), *(ROOT / "systems").rglob("*.py")])
MAX_LINES = 300
MAX_POSITIONAL = 6


def positional(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    args = [*fn.args.posonlyargs, *fn.args.args]
    if args and args[0].arg in ("self", "cls"):
        args = args[1:]
    return len(args)


def test_no_module_is_over_300_lines() -> None:
    long = {p.relative_to(ROOT).as_posix(): n for p in SOURCES
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_no_function_takes_more_than_6_positional_parameters() -> None:
    found = []
    for p in SOURCES:
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and positional(node) > MAX_POSITIONAL:
                found.append(f"{p.relative_to(ROOT).as_posix()}:{node.lineno} {node.name}")
    assert found == []


def test_one_spelling_summarise() -> None:
    wrong = re.compile(r"\bsummari[z]\w*", re.IGNORECASE)
    files = [*SOURCES, ROOT / "README.md", ROOT / "references" / "README.md", *sorted((ROOT / "tests").glob("*.py"))]
    hits = [f"{p.relative_to(ROOT).as_posix()}:{i}" for p in files
            for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if wrong.search(line)]
    assert hits == []
