"""The JSONL dataset format and the three importers, on small fixtures in each exact format."""
from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import yaml

from evalsum.errors import DataError
from evalsum.gold import collection as sources
from evalsum.gold import corpus, dataset
from evalsum.gold.importers import duc, multinews, writer
from evalsum.models import Checklist, Settings
from evalsum.run import runner
from evalsum.run.plan import Paths, RunPlan
from evalsum.store.records import iter_record
from tests.test_smoke_cli import cli

FIXTURES = Path(__file__).parent / "fixtures"
JSONL = FIXTURES / "dataset" / "clusters.jsonl"
MN_SRC, MN_TGT = FIXTURES / "multinews" / "test.src.cleaned", FIXTURES / "multinews" / "test.tgt"
DUC_DOCS, DUC_MODELS = FIXTURES / "duc" / "docs", FIXTURES / "duc" / "models"


def jsonl_items(path: Path = JSONL):
    return lambda: ((f"{path}:line {no}", dc) for no, _, dc in dataset.iter_lines(path))


def write_lines(path: Path, rows: list[object]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path


def minimal(cid: str = "c1", **extra: object) -> dict[str, object]:
    return {"id": cid, "documents": [{"text": "One sentence here."}], "references": [{"text": "A summary."}], **extra}


# ---------------------------------------------------------------- JSONL


def test_jsonl_import_writes_the_references_layout(tmp_path: Path) -> None:
    report = writer.write_clusters(jsonl_items(), tmp_path)
    assert report.written == ["flood-2024-03", "strike-2024-05"]
    flood = tmp_path / "flood-2024-03"
    assert sorted(p.relative_to(flood).as_posix() for p in flood.rglob("*") if p.is_file()) == [
        "checklist.yaml", "cluster.yaml", "sources/000_wire-a.txt", "sources/001_wire-b.txt", "sources/002.txt",
        "summaries/ann-a.txt", "summaries/ann-b.txt"]
    assert (flood / "cluster.yaml").read_text() == "id: flood-2024-03\ntitle: River flooding closes the valley road\n"
    assert (flood / "sources/000_wire-a.txt").read_text().startswith(
        "date 2024-03-02\nHeavy rain pushed the Arle river over its banks on Saturday")
    assert (flood / "sources/002.txt").read_text().startswith("Residents of Brenton returned")  # no date, no header
    assert (flood / "summaries/ann-b.txt").read_text().startswith("Flooding on the Arle river")
    strike = tmp_path / "strike-2024-05"
    assert yaml.safe_load((strike / "cluster.yaml").read_text()) == {"id": "strike-2024-05", "title": "strike-2024-05"}
    assert sorted(p.name for p in (strike / "summaries").iterdir()) == ["ref-01.txt", "ref-02.txt"]
    assert not (strike / "checklist.yaml").exists()

    loaded = corpus.load_cluster(flood)
    assert [d.date for d in loaded.documents] == [dt.date(2024, 3, 2), dt.date(2024, 3, 3), None]
    assert loaded.checklist is not None and [f.id for f in loaded.checklist.facts] == ["road-closed", "evacuated"]
    assert loaded.checklist.probes[0].external is True


def test_dataset_cluster_equals_the_imported_folder(tmp_path: Path) -> None:
    writer.write_clusters(jsonl_items(), tmp_path)
    for no, _, dc in dataset.iter_lines(JSONL):
        direct = dataset.to_cluster(dc, f"{JSONL}:line {no}")
        from_disk = corpus.load_cluster(tmp_path / dc.id)
        assert direct.model_copy(update={"path": ""}) == from_disk.model_copy(update={"path": ""})
        assert direct.sha256 == from_disk.sha256  # so the summary cache is shared too


def test_import_refuses_to_overwrite_unless_forced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "refs"
    assert cli("import", str(JSONL), "--out", str(out)) == 0
    assert "imported 2 clusters" in capsys.readouterr().out
    marker = out / "flood-2024-03" / "summaries" / "ann-a.txt"
    marker.write_text("edited by hand\n")
    assert cli("import", str(JSONL), "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "flood-2024-03: cluster already exists" in err and "--force" in err
    assert marker.read_text() == "edited by hand\n"  # nothing was touched
    assert cli("import", str(JSONL), "--out", str(out), "--force") == 0
    assert "(2 replaced)" in capsys.readouterr().out
    assert marker.read_text().startswith("The Arle river flooded")
    assert sorted(p.name for p in out.iterdir()) == ["flood-2024-03", "strike-2024-05"]  # no staging left over


def test_a_bad_line_means_nothing_is_written(tmp_path: Path) -> None:
    bad = write_lines(tmp_path / "d.jsonl", [minimal("ok-1"), minimal("ok-2", documents=[])])
    with pytest.raises(DataError) as e:
        writer.write_clusters(jsonl_items(bad), tmp_path / "out")
    assert str(e.value) == f"{bad}:line 2, field documents: List should have at least 1 item after validation, not 0"
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.parametrize("row, where, message", [
    ("{not json", "line 2", "not valid JSON: Expecting property name enclosed in double quotes (column 2)"),
    ('["a list"]', "line 2", "expected a JSON object (one cluster per line)"),
    (minimal("x", colour="red"), "line 2, field colour", "Extra inputs are not permitted"),
    (minimal("x", documents=[{"text": "t", "date": "2024-02-30"}]), "line 2, field documents.0.date",
     "Input should be a valid date or datetime, day value is outside expected range"),
    (minimal("x", references=[{"text": "   "}]), "line 2, field references.0.text", "reference has no words"),
    (minimal("../escape"), "line 2, field id", "cluster id '../escape' must be 1-200 letters, digits, '.', '_' or '-', "
                                               "starting with a letter or digit"),
    (minimal("x", references=[{"author": "a", "text": "x y"}, {"author": "a", "text": "y z"}]),
     "line 2, field (top level)", "duplicate reference author 'a'"),
    (minimal("x", checklist={"facts": [{"id": "f", "statement": "s", "patterns": []}]}),
     "line 2, field checklist.facts.0.patterns", "List should have at least 1 item after validation, not 0"),
])
def test_errors_name_the_file_line_and_field(tmp_path: Path, row: object, where: str, message: str) -> None:
    path = write_lines(tmp_path / "d.jsonl", [minimal("first"), row])
    with pytest.raises(DataError) as e:
        list(dataset.iter_lines(path))
    assert str(e.value) == f"{path}:{where}: {message}"


def test_duplicate_ids_are_refused_with_both_lines(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "d.jsonl", [minimal("same"), "", minimal("same")])
    with pytest.raises(DataError, match=r"line 3, field id: duplicate cluster id 'same' \(also on line 1\)"):
        sources.DatasetSource(path).ids()
    with pytest.raises(DataError, match=r"duplicate cluster id 'same' \(first at .*:line 1\)"):
        writer.write_clusters(jsonl_items(path), tmp_path / "out")


def test_cli_run_on_a_bad_dataset_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_lines(tmp_path / "d.jsonl", [minimal("a"), "{"])
    assert cli("run", "-s", "lead3", "--dataset", str(path), "--results", str(tmp_path / "r")) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{path}:line 2: not valid JSON" in err


def _comparable(path: Path) -> list[dict[str, object]]:
    """A record without what legitimately differs between two runs: times, run ids, timings."""
    out = []
    for item in iter_record(path):
        d = item.model_dump(mode="json")
        for key in ("created", "run_id", "seconds"):
            d.pop(key, None)
        if "result" in d:
            d["result"].pop("seconds")
        out.append(d)
    return out


def test_run_on_dataset_equals_run_on_imported_folder(tmp_path: Path) -> None:
    refs = tmp_path / "refs"
    writer.write_clusters(jsonl_items(), refs)
    specs = ["lead3", "random", "human"]
    a = runner.run_to_disk(RunPlan(systems=specs, settings=Settings(), paths=Paths(refs, tmp_path / "a"),
                                   use_cache=False, dataset=JSONL))
    b = runner.run_to_disk(RunPlan(systems=specs, settings=Settings(), paths=Paths(refs, tmp_path / "b"),
                                   use_cache=False))
    got = _comparable(a)
    assert got == _comparable(b)
    assert [r["result"]["cluster_id"] for r in got[1:-1]] == ["flood-2024-03"] * 3 + ["strike-2024-05"] * 3
    assert all(r["result"]["status"] == "ok" for r in got[1:-1])


# ---------------------------------------------------------------- Multi-News


def test_multi_news_import(tmp_path: Path) -> None:
    items = list(multinews.iter_clusters(MN_SRC, MN_TGT))
    assert [c.id for _, c in items] == ["test-000001", "test-000002"]
    first = items[0][1]
    assert len(first.documents) == 2  # the trailing empty document after the last ||||| is dropped
    assert first.documents[0].text == (
        "The city council of Marrow voted on Tuesday to close the old ferry pier after inspectors found serious "
        "corrosion in its supports.\n\nThe pier, built in 1931, carried about 2,000 passengers a day. Ferries will "
        "use the container terminal while a new pier is designed.\n\n\"Safety comes first,\" the mayor said.")
    assert first.references[0].author == "multi-news"
    assert first.references[0].text == (
        "Marrow has closed its 1931 ferry pier after inspectors found badly corroded supports.\nAbout 2,000 "
        "passengers a day used it; ferries will move to the container terminal while a new pier is designed.\n")
    assert len(items[1][1].documents) == 3

    out = tmp_path / "refs"
    assert cli("import", str(MN_SRC), "--format", "multi-news", "--summaries", str(MN_TGT), "--out", str(out),
               "--id-prefix", "mn") == 0
    loaded = corpus.load_clusters(out)
    assert [c.id for c in loaded] == ["mn-000001", "mn-000002"]
    assert [r.author for r in loaded[1].references] == ["multi-news"]


def test_multi_news_files_must_be_parallel(tmp_path: Path) -> None:
    tgt = tmp_path / "test.tgt"
    tgt.write_text(MN_TGT.read_text().splitlines()[0] + "\n")
    with pytest.raises(DataError) as e:
        list(multinews.iter_clusters(MN_SRC, tgt))
    assert str(e.value).startswith(f"{tgt}:line 2: ends here but {MN_SRC} goes on")


def test_multi_news_needs_summaries_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("import", str(MN_SRC), "--format", "multi-news", "--out", str(tmp_path)) == 2
    assert "needs --summaries" in capsys.readouterr().err


# ---------------------------------------------------------------- DUC / TAC


def test_duc_import(tmp_path: Path) -> None:
    skipped: list[str] = []
    items = [c for _, c in duc.iter_clusters(DUC_DOCS, DUC_MODELS, skipped=skipped)]
    assert skipped == []
    assert [c.id for c in items] == ["d30001t", "d30002t"]
    first, second = items
    assert [(d.id, d.date) for d in first.documents] == [
        ("APW19981016.0240", dt.date(1998, 10, 16)), ("NYT19981017.0101", dt.date(1998, 10, 17))]
    assert first.documents[0].text == (
        "PORT ELLIS (AP) _ The harbour authority of Port Ellis on Friday approved a new automated lighthouse to "
        "replace the 19th-century tower on Gull Point.\n\nThe old tower will become a museum, officials said. "
        "Construction is expected to start in March & take about a year.\n\n"
        "``We keep the history and gain a safer harbour,'' said the authority's chairman, Tom Reyes.\n")
    assert first.documents[1].text == (  # <P> paragraphs, hard-wrapped lines joined
        "The 19th-century lighthouse on Gull Point will be turned into a museum once a new automated light is "
        "built, the Port Ellis harbour authority said.\n\nThe new light will cost about $3 million.\n")
    assert [r.author for r in first.references] == ["A", "B"]
    # Two <DOC>s in one TREC-style file; AP880911-0016 dates from its DOCNO; indented lines start paragraphs.
    assert [(d.id, d.date) for d in second.documents] == [
        ("AP880911-0016", dt.date(1988, 9, 11)), ("AP880912-0031", dt.date(1988, 9, 12))]
    assert second.documents[0].text == (
        "A late frost damaged about a third of the apple blossom in the Kessel valley orchards this week, growers "
        "said Sunday.\n\nThe growers' association said prices were likely to rise in the autumn. Some farmers lit "
        "fires between the rows to protect the trees.\n")
    assert [r.author for r in second.references] == ["C"]

    out = tmp_path / "refs"
    assert cli("import", str(DUC_DOCS), "--format", "duc", "--summaries", str(DUC_MODELS), "--out", str(out)) == 0
    loaded = corpus.load_cluster(out / "d30001t")
    assert loaded.documents[0].path == "sources/000_APW19981016.0240.txt"
    assert loaded.documents[0].text.startswith("date 1998-10-16\nPORT ELLIS (AP)")
    assert [r.path for r in loaded.references] == ["summaries/A.txt", "summaries/B.txt"]


def test_duc_set_names_match_folders() -> None:
    assert duc.set_matches("d30001t", "D30001")          # DUC 2004: folder has a selector letter
    assert duc.set_matches("D0801A-A", "D0801-A")        # TAC 2008
    assert duc.set_matches("d061j", "D061")
    assert not duc.set_matches("d30001t", "D30002")
    assert not duc.set_matches("d300012", "D30001")      # only a trailing letter may be dropped


def test_duc_set_without_models_is_an_error(tmp_path: Path) -> None:
    models = tmp_path / "models"
    shutil.copytree(DUC_MODELS, models)
    (models / "D30002.M.100.T.C").unlink()
    (models / "notes.txt").write_text("x")
    with pytest.raises(DataError, match=r"d30002t: no model summaries in .* \(expected D30002.M.100.T.A; names"):
        list(duc.iter_clusters(DUC_DOCS, models))
    (models / "D30002.M.100.T.C").write_text("Frost hit the orchards.\n")
    (models / "D39999.M.100.T.A").write_text("Unused.\n")
    skipped: list[str] = []
    assert len(list(duc.iter_clusters(DUC_DOCS, models, skipped=skipped))) == 2
    assert [s.split(": ", 1)[1] for s in skipped] == ["not a model summary name (SET.M.SIZE.TASK.ANNOTATOR, "
                                                      "e.g. D30001.M.100.T.A or d30001.m.100.t.a)",
                                                      "set D39999 has model summaries but no document folder"]


def test_checklist_round_trips_through_the_layout(tmp_path: Path) -> None:
    writer.write_clusters(jsonl_items(), tmp_path)
    [(_, _, dc)] = [x for x in dataset.iter_lines(JSONL) if x[2].checklist is not None]
    assert corpus.load_checklist(tmp_path / dc.id / "checklist.yaml") == dc.checklist
    assert isinstance(dc.checklist, Checklist)
