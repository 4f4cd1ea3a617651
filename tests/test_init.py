"""`evalsum init`: a project that runs as is, skeletons that validate explains, data shipped in the package."""
from __future__ import annotations

import fnmatch
import json
import os
import shutil
import subprocess
import sys
import zipfile

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from evalsum.gold import scaffold
from tests.conftest import CLUSTER_DIR, REFERENCES, ROOT, cli


def evalsum(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "evalsum", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env=env)


def repo_reference_files() -> dict[str, str]:
    """The committed references/ folder as init should copy it (the package marker aside)."""
    out = {}
    for p in sorted(REFERENCES.rglob("*")):
        rel = p.relative_to(REFERENCES).as_posix()
        if p.is_file() and p.name != "__init__.py" and "__pycache__" not in rel:
            out[f"references/{rel}"] = p.read_text(encoding="utf-8")
    return out


def test_init_then_run_all_then_validate_in_an_empty_folder(tmp_path: Path) -> None:
    made = evalsum(tmp_path, "init")
    assert made.returncode == 0, made.stderr
    assert "initialised .: 20 files written" in made.stdout
    assert "systems" in tomllib.loads((tmp_path / "evalsum.toml").read_text(encoding="utf-8"))
    assert (tmp_path / "results").is_dir() and list((tmp_path / "results").iterdir()) == []
    assert {f: (tmp_path / f).read_text(encoding="utf-8") for f in repo_reference_files()} == repo_reference_files()
    assert (tmp_path / "cluster-template" / "cluster.yaml").read_text().count("id: my-story") == 1
    ran = evalsum(tmp_path, "run", "--all")
    assert ran.returncode == 0, ran.stderr
    records = list((tmp_path / "results" / "runs").glob("*.jsonl"))
    assert len(records) == 1 and (tmp_path / "results" / "LEADERBOARD.md").is_file()
    systems = json.loads(records[0].read_text().splitlines()[0])["systems"]
    assert [s["name"] for s in systems] == ["lead3", "textrank", "random", "oracle", "human"]
    from_run_file = evalsum(tmp_path, "run")  # no -s: the run file init wrote, a variant included
    assert from_run_file.returncode == 0, from_run_file.stderr
    [second] = set((tmp_path / "results" / "runs").glob("*.jsonl")) - set(records)  # names sort by second only
    header = json.loads(second.read_text().splitlines()[0])
    assert [s["name"] for s in header["systems"]][-1] == "lead-k[k=5]"
    checked = evalsum(tmp_path, "validate")
    assert checked.returncode == 0, checked.stderr
    assert "checklist: 26 facts, 4 probes" in checked.stdout
    again = evalsum(tmp_path, "init")  # idempotent: identical files are kept
    assert again.returncode == 0 and "0 files written" in again.stdout


def test_init_never_overwrites_a_changed_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("init", str(tmp_path)) == 0
    readme = tmp_path / "references" / "README.md"
    readme.write_text("mine\n")
    capsys.readouterr()
    assert cli("init", str(tmp_path)) == 2
    assert capsys.readouterr().err.strip() == (
        f"error: {readme}: already exists with other content; init never overwrites a file "
        "(move it aside, or run init in an empty folder)")
    assert readme.read_text() == "mine\n"


def test_cluster_skeleton_is_explained_line_by_line_until_filled_in(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("init", str(tmp_path)) == 0
    assert cli("init", str(tmp_path), "--cluster", "my-story") == 0
    new = tmp_path / "references" / "my-story"
    refs = str(tmp_path / "references")
    capsys.readouterr()

    def problems() -> list[str]:
        code = cli("validate", "--references", refs)
        lines = capsys.readouterr().err.splitlines()
        assert code == (2 if lines else 0)
        return [line.replace(f"{new.as_posix()}/", "") for line in lines]

    assert problems() == [
        "error: cluster.yaml:field title: is empty: fill it in",
        "error: checklist.yaml: no facts or probes yet: add them (see the comments in the file and "
        "references/README.md), or delete the file to score without facts",
        "error: sources: no sources: add the articles as sources/*.txt (UTF-8, verbatim; optional first line "
        "`date YYYY-MM-DD`)",
        "error: summaries: needs at least two references (has 0): write one per author as summaries/<author>.txt, "
        "following references/README.md",
    ]
    cluster_yaml = new / "cluster.yaml"
    cluster_yaml.write_text(cluster_yaml.read_text().replace('title: ""', "title: Balloons, again"))
    for f in (CLUSTER_DIR / "sources").iterdir():
        shutil.copy(f, new / "sources" / f.name)
    assert len(problems()) == 2
    for f in (CLUSTER_DIR / "summaries").iterdir():
        shutil.copy(f, new / "summaries" / f.name)
    assert problems() == ["error: checklist.yaml: no facts or probes yet: add them (see the comments in the file "
                          "and references/README.md), or delete the file to score without facts"]
    checklist = new / "checklist.yaml"
    checklist.write_text(checklist.read_text().replace(
        "facts: []", "facts:\n  - id: ryder\n    statement: Pat Ryder spoke.\n    patterns: [[Ryder]]"))
    assert problems() == []


def test_cluster_id_must_be_a_folder_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("init", str(tmp_path), "--cluster", "../x") == 2
    assert "cluster id '../x': use letters, digits" in capsys.readouterr().err
    assert not (tmp_path / "references").exists()


def test_package_data_is_declared_and_loadable() -> None:
    """Every committed references/ file is covered by pyproject's package-data for evalsum.bundled,
    and importlib.resources reads the same text back (what a wheel install does)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert config["package-dir"]["evalsum.bundled"] == "references"
    assert "evalsum.bundled" in config["packages"]
    globs = config["package-data"]["evalsum.bundled"]
    for rel in repo_reference_files():
        inner = rel.removeprefix("references/")
        assert any(fnmatch.fnmatch(inner, g) and inner.count("/") == g.count("/") for g in globs), inner
    assert {f.path: f.text for f in scaffold.bundled_files()} == repo_reference_files()


@pytest.mark.slow
def test_wheel_ships_the_bundled_cluster_and_init_works_from_it(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "-w", str(wheels), "--no-deps", "-q"],
                           capture_output=True, text=True, timeout=300)
    if built.returncode != 0:
        pytest.skip(f"cannot build a wheel here: {built.stderr.strip().splitlines()[-1:]}")
    (wheel,) = wheels.glob("evalsum-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for rel in repo_reference_files():
        assert rel.replace("references/", "evalsum/bundled/", 1) in names
    project = tmp_path / "project"
    project.mkdir()
    env = {**os.environ, "PYTHONPATH": str(wheel)}  # zipimport: the wheel's evalsum, ahead of the editable one
    made = evalsum(project, "init", env=env)
    assert made.returncode == 0, made.stderr
    where = subprocess.run([sys.executable, "-c", "import evalsum; print(evalsum.__file__)"], env=env,
                           capture_output=True, text=True, check=True).stdout
    assert str(wheel) in where
    assert {f: (project / f).read_text(encoding="utf-8") for f in repo_reference_files()} == repo_reference_files()


def test_init_cluster_refuses_an_existing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("init", str(tmp_path)) == 0
    capsys.readouterr()
    assert cli("init", str(tmp_path), "--cluster", "balloon-2023-02") == 2
    assert capsys.readouterr().err == (f"error: {tmp_path}/references/balloon-2023-02: already exists; "
                                       "pick another cluster id\n")
