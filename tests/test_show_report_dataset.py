"""`show` and `report` over a JSONL dataset (`--dataset`, as `run` takes it) with several
clusters: intervals reach the report's cells and the per-cluster sections stop at the stated cap."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from evalsum.analysis import report_html, views
from evalsum.analysis.report_charts import Charts
from evalsum.analysis.view_models import ClusterView
from evalsum.gold import synthetic
from evalsum.store.records import record_paths
from tests.conftest import cli

FIXTURE = Path(__file__).parent / "fixtures" / "dataset" / "clusters.jsonl"
STUB = Charts(scores="<svg></svg>", heatmap="<svg></svg>", rouge_unsupported="<svg></svg>")


@pytest.fixture(scope="module")
def synthetic_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("syn")
    data = root / "syn.jsonl"
    data.write_text("".join(c.model_dump_json() + "\n" for c in synthetic.clusters(8, seed=3)))
    res = root / "results"
    assert cli("run", "-s", "lead3", "-s", "random", "--dataset", str(data), "--results", str(res)) == 0
    return data, res


def test_show_reads_references_and_checklist_from_a_dataset(tmp_path: Path, capsys) -> None:
    res = tmp_path / "results"
    assert cli("run", "-s", "lead3", "--dataset", str(FIXTURE), "--results", str(res)) == 0
    capsys.readouterr()
    assert cli("show", "flood-2024-03", "--json", "--dataset", str(FIXTURE), "--results", str(res)) == 0
    view = ClusterView.model_validate(json.loads(capsys.readouterr().out))
    assert view.gold and view.title == "River flooding closes the valley road"
    assert [s.system for s in view.summaries] == ["lead3"] and view.summaries[0].checklist
    assert view.facts and all(f.statement for f in view.facts) and len(view.references) >= 2


def test_report_cells_carry_intervals_and_sections_are_capped(synthetic_run: tuple[Path, Path],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    data, res = synthetic_run
    monkeypatch.setattr(views, "REPORT_CLUSTERS", 3)
    view = views.report_view(record_paths(res / "runs"), {})
    [table] = view.tables
    assert sorted(r.system for r in table.rows) == ["lead3", "random"]
    for row in table.rows:
        cell = row.cells["rouge1_f"]
        assert row.clusters == 8 and cell.low is not None and cell.high is not None and cell.mean is not None
        assert cell.low <= cell.mean <= cell.high
        assert row.cells["words"].low is None  # words get no interval, as on the leaderboard
    assert [c.cluster_id for c in view.clusters] == [f"syn-3-{i:06d}" for i in range(3)] and view.clusters_total == 8
    html = report_html.render(view, STUB)
    assert "Showing the first 3 of 8 clusters (by id)" in html
    assert html.count('<section class="cluster"') == 3


def test_report_cli_over_a_dataset(synthetic_run: tuple[Path, Path], tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    data, res = synthetic_run
    out = tmp_path / "r.html"
    assert cli("report", "--dataset", str(data), "--results", str(res), "--out", str(out)) == 0
    html = out.read_text()
    assert html.count("<svg") == 2 and html.count('<section class="cluster"') == 8
    assert "No fact heatmap: no scored cluster has a checklist." in html  # synthetic clusters have none
    assert "ann-a (" in html and "Gold data not found" not in html
