"""DUC/TAC import on exact-format fixtures of each layout (tests/fixtures/duc_layouts/): every
cluster's references are checked by content, so a reference attached to the wrong set fails."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from evalsum.errors import DataError
from evalsum.gold.importers import duc
from tests.conftest import cli

LAYOUTS = Path(__file__).parent / "fixtures" / "duc_layouts"


def imported(layout: str) -> dict[str, dict[str, str]]:
    """cluster id -> annotator -> reference text."""
    root = LAYOUTS / layout
    return {c.id: {r.author or "": r.text for r in c.references}
            for _, c in duc.iter_clusters(root / "docs", root / "models")}


def test_duc2007_update_task_each_subset_gets_its_own_references() -> None:
    got = imported("duc2007_update")
    assert list(got) == ["D0703A-A", "D0703A-B", "D0703A-C", "D0706B-A", "D0706B-B", "D0706B-C"]
    subject = {"D0703": "the river bridge", "D0706": "the mountain railway"}
    for cid, refs in got.items():
        topic, sub = cid[:5], cid[-1]
        want = "Reference {t}-{s} by {a}: stage {s} of {subj} goes on.\nThe council met.\n"
        assert refs == {a: want.format(t=topic, s=sub, a=a, subj=subject[topic]) for a in ("A", "C", "F")}, cid


def test_duc2007_update_task_subsets_are_not_merged() -> None:
    root = LAYOUTS / "duc2007_update"
    docs = {c.id: [d.id for d in c.documents] for _, c in duc.iter_clusters(root / "docs", root / "models")}
    assert docs["D0703A-B"] == ["APW20050210.0703B0", "APW20050211.0703B1"]
    assert docs["D0706B-C"] == ["APW20050310.0706C0", "APW20050311.0706C1"]


def test_duc2005_main_task_and_tac2008_update() -> None:
    assert imported("duc2005_main") == {
        "d301i": {"A": "Main reference D301 by A.\n", "B": "Main reference D301 by B.\n"},
        "d302f": {"A": "Main reference D302 by A.\n", "B": "Main reference D302 by B.\n"}}
    assert imported("tac2008_update") == {
        "D0801A-A": {"D": "TAC reference D0801-A by D.\n", "E": "TAC reference D0801-A by E.\n"},
        "D0801A-B": {"D": "TAC reference D0801-B by D.\n", "E": "TAC reference D0801-B by E.\n"}}


def test_public_copy_lowercase_models_and_plain_text_documents() -> None:
    root = LAYOUTS / "duc2004_plain"
    [(_, c)] = list(duc.iter_clusters(root / "docs", root / "models"))
    assert {r.author: r.text for r in c.references} == {"A": "Lowercase reference d30001 by a.\n",
                                                        "B": "Lowercase reference d30001 by b.\n"}
    assert [(d.id, str(d.date), d.text) for d in c.documents] == [
        ("APW19981016.0240", "1998-10-16", "PORT ELLIS (AP) _ The harbour approved a lighthouse.\n\n"
                                           "The old tower will become a museum.\n"),
        ("NYT19981017.0101", "1998-10-17", "The lighthouse on Gull Point will be a museum.\n\nIt costs $3 million.\n")]


def test_set_names() -> None:
    assert duc.set_matches("D0703A-B", "D0703-B")
    assert not duc.set_matches("D0703A-B", "D0703-A")  # the old bug: the sub-set letter was dropped
    assert not duc.set_matches("D0703A-B", "D0703")
    assert not duc.set_matches("d30001t", "D30001U")
    assert duc.set_matches("d30001t", "d30001")


def _copy(layout: str, tmp_path: Path) -> Path:
    dst = tmp_path / layout
    shutil.copytree(LAYOUTS / layout, dst)
    return dst


def test_missing_subset_references_are_refused_not_borrowed(tmp_path: Path, capsys) -> None:
    root = _copy("duc2007_update", tmp_path)
    for p in (root / "models").glob("D0703-B.*"):
        p.unlink()
    with pytest.raises(DataError, match=r"D0703A-B: no model summaries .* \(expected D0703-B\.M\.100\.T\.A"):
        list(duc.iter_clusters(root / "docs", root / "models"))
    out = tmp_path / "refs"
    assert cli("import", str(root / "docs"), "--format", "duc", "--summaries", str(root / "models"),
               "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert "D0703A-B" in err and err.count("\n") == 1 and not out.exists()


def test_two_sets_for_one_folder_and_one_set_for_two_folders_are_refused(tmp_path: Path) -> None:
    root = _copy("duc2005_main", tmp_path)
    (root / "models" / "D301I.M.250.I.C").write_text("Another set's summary.\n")
    with pytest.raises(DataError, match=r"d301i: ambiguous: model summaries of sets D301, D301I"):
        list(duc.iter_clusters(root / "docs", root / "models"))
    (root / "models" / "D301I.M.250.I.C").unlink()
    shutil.copytree(root / "docs" / "d301i", root / "docs" / "d301j")
    with pytest.raises(DataError, match=r"d301j: ambiguous: set D301's model summaries also match .*d301i"):
        list(duc.iter_clusters(root / "docs", root / "models"))


def test_topic_folder_with_loose_files_is_refused(tmp_path: Path) -> None:
    root = _copy("duc2007_update", tmp_path)
    (root / "docs" / "D0703A" / "stray.txt").write_text("Which sub-set?\n")
    with pytest.raises(DataError, match=r"D0703A: holds sub-set folders .* and loose files \(stray.txt\)"):
        list(duc.iter_clusters(root / "docs", root / "models"))


def test_import_prints_what_each_cluster_got(tmp_path: Path, capsys) -> None:
    root = LAYOUTS / "tac2008_update"
    out = tmp_path / "refs"
    assert cli("import", str(root / "docs"), "--format", "duc", "--summaries", str(root / "models"),
               "--out", str(out)) == 0
    printed = capsys.readouterr().out
    assert ("D0801A-B: 1 documents (XIN20050101.08B); 2 references "
            "(D=D0801-B.M.100.A.D, E=D0801-B.M.100.A.E)") in printed
    assert (out / "D0801A-B" / "summaries" / "D.txt").read_text() == "TAC reference D0801-B by D.\n"
    assert cli("import", str(root / "docs"), "--format", "duc", "--summaries", str(root / "models"),
               "--out", str(tmp_path / "j"), "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["attached"]["D0801A-A"]["references"] == {"D": "D0801-A.M.100.A.D", "E": "D0801-A.M.100.A.E"}
