"""Issue 16, markdown safety: a label or id holding `|` or a newline stays inside its cell in every
markdown table evalsum writes (leaderboard, gate, compare) and never starts a heading."""
from __future__ import annotations

from evalsum.analysis import compare, gate, leaderboard
from evalsum.analysis.gate_config import GateConfig, MetricGate
from evalsum.text.markdown import cell
from tests.test_gate import record, result

EVIL = "evil|x\n# Injected heading\r\n|---|"
SHOWN = "evil\\|x # Injected heading \\|---\\|"


def test_cell_flattens_whitespace_and_escapes_pipes_and_backslashes() -> None:
    assert cell(EVIL) == SHOWN
    assert cell("a\\|b") == "a\\\\\\|b"
    assert cell("  plain   text\t") == "plain text"
    assert cell(3) == "3"


def _no_injection(md: str) -> None:
    """The label never starts a line of its own: wherever it shows, it shows whole and escaped."""
    for line in md.splitlines():
        if "Injected" in line or "evil" in line:
            assert SHOWN in line, line


def test_leaderboard_rows_and_fact_matrix_hold_an_evil_label() -> None:
    board = leaderboard.build([record({EVIL: [result("c|1", 0.3), result("c2", 0.2)], "plain": [result("c2", 0.1)]})])
    md = leaderboard.render_markdown(board)
    _no_injection(md)
    [row] = [line for line in md.splitlines() if line.startswith(f"| {SHOWN} |")]
    header = next(line for line in md.splitlines() if line.startswith("| System |"))
    assert row.replace("\\|", "").count("|") == header.count("|")
    assert "| c\\|1 | f1 |" in md  # the fact matrix escapes the cluster id too


def test_gate_table_holds_an_evil_label() -> None:
    base = gate.build_baseline([record({EVIL: [result("c1", 0.3)]})])
    res = gate.check(base, [record({EVIL: [result("c1", 0.1)]})], GateConfig(metrics={"rouge2_f": MetricGate()}))
    md = gate.render_markdown(res, "baseline.json")
    _no_injection(md)
    assert f"| {SHOWN} | generated | rouge2_f | 0.3000 | 0.1000 | -0.2000 | 0.0050 | **regression** |  |" in md
    assert f"Failed for: {SHOWN}." in md


def test_compare_table_holds_evil_labels_and_cluster_ids() -> None:
    rec = record({EVIL: [result("c|1", 0.3), result("c2", 0.2)], "b": [result("c|1", 0.1), result("c2", 0.1)]})
    md = compare.render_markdown(compare.compare([rec], EVIL, "b", ["rouge2_f"]))
    _no_injection(md)
    assert md.startswith(f"## {SHOWN} vs b\n")
    assert "| c\\|1 | +20.0 |" in md
