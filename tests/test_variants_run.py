"""Issue 13 end to end: variants as rows, transport options out of the cache key and the gate,
the cache keyed on code and prepared input, --no-cache refreshing, and the gate catching a
backend whose code changed under a warm cache."""
from __future__ import annotations

import itertools
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from evalsum.run import registry
from evalsum.store.records import load_record, record_paths
from tests.conftest import REFERENCES, ROOT
from tests.faults import cli
from tests.llm_stub import Answer, Stub, completion, serving


def latest(results: Path) -> dict[str, list[str]]:
    rec = load_record(record_paths(results / "runs")[-1])
    return {s.system.name: [r.summary.sentences if r.summary else [] for r in s.results][0] for s in rec.systems}


def run(results: Path, *args: str) -> int:
    return cli("run", *args, "--references", str(REFERENCES), "--results", str(results))


def test_two_random_seeds_are_two_rows(tmp_path: Path) -> None:
    res = tmp_path / "r"
    assert run(res, "-s", "random[seed=1]", "-s", "random[seed=2]") == 0
    rec = load_record(record_paths(res / "runs")[0])
    assert [(s.system.name, s.system.options) for s in rec.systems] == [
        ("random[seed=1]", {"seed": 1}), ("random[seed=2]", {"seed": 2})]
    a, b = (s.results[0].summary for s in rec.systems)
    assert a != b
    board = (res / "LEADERBOARD.md").read_text()
    assert "| random[seed=1] |" in board and "| random[seed=2] |" in board


def test_option_for_one_label(tmp_path: Path) -> None:
    res = tmp_path / "r"
    assert run(res, "-s", "a=random", "-s", "b=random[seed=5]", "-o", "b.seed=2", "-o", "lead-k.k=4",
               "-s", "lead-k") == 0
    rec = load_record(record_paths(res / "runs")[0])
    assert [(s.system.name, s.system.options.get("seed", s.system.options.get("k"))) for s in rec.systems] == [
        ("a", 0), ("b", 2), ("lead-k[k=4]", 4)]


def test_one_label_twice_in_a_run_names_both(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(tmp_path / "r", "-s", "x=random[seed=1]", "-s", "x=lead-k[k=4]") == 2
    err = capsys.readouterr().err
    assert "systems 1 and 2 of this run are both labelled 'x'" in err and "random" in err and "lead-k" in err


@pytest.fixture
def models() -> Iterator[Stub]:
    stub = Stub(models=["m1", "m2"], by_model={
        "m1": Answer(200, completion("The balloon was shot down over the Atlantic.")),
        "m2": Answer(200, completion("Blinken postponed his trip to Beijing."))})
    with serving(stub) as s:
        yield s


def test_two_llm_models_are_two_rows_and_compare(models: Stub, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    res = tmp_path / "r"
    assert run(res, "-s", "llm[model=m1]", "-s", "second=llm[model=m2]", "-o", f"base_url={models.base_url}") == 0
    assert latest(res) == {"llm[model=m1]": ["The balloon was shot down over the Atlantic."],
                           "second": ["Blinken postponed his trip to Beijing."]}
    rec = load_record(record_paths(res / "runs")[0])
    first = rec.systems[0].system
    assert first.options["model"] == "m1" and "base_url" not in first.options
    assert first.transport["base_url"] == models.base_url and first.code
    capsys.readouterr()
    assert cli("compare", "llm[model=m1]", "second", "-m", "R-1", "--results", str(res)) == 0
    out = capsys.readouterr().out
    assert out.startswith("## llm[model=m1] vs second\n") and "| R-1 | 1 |" in out


def test_cache_follows_prepared_input_not_transport(models: Stub, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    res = tmp_path / "r"
    base = ["-s", "llm[model=m1]", "-o", f"base_url={models.base_url}"]
    assert run(res, *base) == 0
    assert cli("bless", "--results", str(res)) == 0
    assert len(models.chats()) == 1
    # Transport options: another timeout, localhost for 127.0.0.1, a trailing slash. No new call.
    spelled = models.base_url.replace("127.0.0.1", "localhost").replace("http", "HTTP", 1) + "/"
    assert run(res, *base, "-o", "timeout=120", "-o", "retries=0", "-o", f"base_url={spelled}") == 0
    assert len(models.chats()) == 1
    rec = load_record(record_paths(res / "runs")[-1])
    assert rec.systems[0].results[0].cached
    assert rec.systems[0].system.transport["base_url"] == spelled.lower().rstrip("/")
    assert cli("check", "--results", str(res)) == 0
    # Another cleaning rule: the prepared input differs, so the cached summary is not served.
    prep = sys.modules["evalsum.text.prepare"]
    original = prep.iter_clean_lines  # a rule that drops each source's first kept line
    monkeypatch.setattr(prep, "iter_clean_lines",
                        lambda doc_id, text, dropped: itertools.islice(original(doc_id, text, dropped), 1, None))
    assert run(res, *base) == 0
    assert len(models.chats()) == 2
    assert not load_record(record_paths(res / "runs")[-1]).systems[0].results[0].cached


def test_no_cache_refreshes_the_entry(models: Stub, tmp_path: Path) -> None:
    res = tmp_path / "r"
    base = ["-s", "llm[model=m1]", "-o", f"base_url={models.base_url}"]
    assert run(res, *base) == 0
    models.by_model["m1"] = Answer(200, completion("A new answer about the balloon."))
    assert run(res, *base, "--no-cache") == 0
    assert latest(res) == {"llm[model=m1]": ["A new answer about the balloon."]}
    assert run(res, *base) == 0
    assert latest(res) == {"llm[model=m1]": ["A new answer about the balloon."]}
    assert len(models.chats()) == 2
    assert load_record(record_paths(res / "runs")[-1]).systems[0].results[0].cached


def test_a_label_meaning_other_settings_in_one_folder_is_refused(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    res = tmp_path / "r"
    assert run(res, "-s", "mine=random[seed=1]") == 0
    [first] = record_paths(res / "runs")
    capsys.readouterr()
    assert run(res, "-s", "mine=random[seed=2]") == 2
    err = capsys.readouterr().err
    assert f"label 'mine' already means random {{\"seed\":1}} in {first}" in err and '{"seed":2}' in err
    assert run(res, "-s", "mine=random[seed=1]") == 0  # the same settings again are fine


def test_textrank_code_change_fails_the_gate_under_a_warm_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """The issue's recipe on a copy of the textrank module: warm the cache, add `score = -score`
    after `centrality(...)`, then `run --all && check` must exit 1 naming textrank."""
    mods = tmp_path / "mods"
    mods.mkdir()
    source = (ROOT / "systems" / "extractive.py").read_text(encoding="utf-8")
    (mods / "tr_copy.py").write_text(source, encoding="utf-8")
    monkeypatch.syspath_prepend(str(mods))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    monkeypatch.setitem(registry.BUILTINS, "textrank", "tr_copy:TextRank")
    monkeypatch.delitem(sys.modules, "tr_copy", raising=False)
    refs = tmp_path / "references"
    shutil.copytree(REFERENCES, refs)
    args = ["--references", str(refs), "--results", str(tmp_path / "r")]
    assert cli("run", "--all", *args) == 0
    assert cli("bless", "--all", "--results", str(tmp_path / "r")) == 0
    assert cli("run", "--all", *args) == 0  # warm: textrank from the cache
    assert "cache hits: 1;" in capsys.readouterr().out
    assert cli("check", "--results", str(tmp_path / "r")) == 0
    line = "        score, iterations = centrality(x, prior, opts.damping, opts.tol, opts.max_iter)\n"
    assert line in source
    (mods / "tr_copy.py").write_text(source.replace(line, line + "        score = -score\n"), encoding="utf-8")
    del sys.modules["tr_copy"]
    capsys.readouterr()
    assert cli("run", "--all", *args) == 0
    assert "cache hits: 0;" in capsys.readouterr().out
    assert cli("check", "--results", str(tmp_path / "r")) == 1
    out, err = capsys.readouterr()
    assert "gate failed: textrank rouge1_f: regression (backend code changed since the baseline" in err
    rows = [r for r in out.splitlines() if r.startswith("| textrank | generated | rouge1_f |")]
    assert len(rows) == 1 and "**regression**" in rows[0]
    assert "| lead3 | generated | rouge1_f |" in out  # lead3 is never cached


@pytest.fixture(scope="module")
def three(tmp_path_factory: pytest.TempPathFactory) -> Path:
    res = tmp_path_factory.mktemp("three") / "r"
    assert run(res, "-s", "lead3", "-s", "random[seed=1]", "-s", "textrank") == 0
    return res


def test_compare_baseline_against_all_others_with_holm(three: Path) -> None:
    from evalsum.analysis import compare, significance
    from evalsum.store import records

    recs = records.load_records(three / "runs")
    fam = compare.compare_many(recs, [], ["R-1", "density"], baseline="lead3")
    assert [(c.a, c.b) for c in fam.comparisons] == [("lead3", "random[seed=1]"), ("lead3", "textrank")]
    for key in ("rouge1_f", "density"):
        raw = [m.test.p_value for c in fam.comparisons for m in c.metrics if m.metric == key]
        held = [m.p_holm for c in fam.comparisons for m in c.metrics if m.metric == key]
        assert held == significance.holm(raw)
    text = compare.render_family(fam)
    assert "| Metric | n | lead3 | random[seed=1] | A − B | 95% CI | p | p (Holm) |" in text
    assert "Holm's step-down method over the 2 comparisons" in text


def test_compare_three_labels_makes_every_pair(three: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("compare", "lead3", "textrank", "random[seed=1]", "-m", "Facts", "--results", str(three)) == 0
    out = capsys.readouterr().out
    heads = [line for line in out.splitlines() if line.startswith("## ")]
    assert heads == ["## lead3 vs textrank", "## lead3 vs random[seed=1]", "## textrank vs random[seed=1]"]


def test_compare_with_itself_and_unknown_metric(three: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("compare", "lead3", "lead3", "--results", str(three)) == 0
    assert "Warning: lead3 is compared with itself: every difference is 0." in capsys.readouterr().out
    assert cli("compare", "lead3", "textrank", "-m", "R-9", "--results", str(three)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown metric 'R-9'; valid metrics: R-1 (rouge1_f)" in err
    assert cli("compare", "lead3", "--results", str(three)) == 2
    assert "name at least two systems" in capsys.readouterr().err


def test_run_file_systems_and_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    refs = tmp_path / "data"
    shutil.copytree(REFERENCES, refs)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.evalsum]\nreferences = "data"\nresults = "out"\nbudget = 60\n\n'
        '[[tool.evalsum.systems]]\nbackend = "lead3"\n\n'
        '[[tool.evalsum.systems]]\nbackend = "lead-k"\nlabel = "five"\noptions = { k = 5 }\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert cli("run", "-o", "five.k=4") == 0
    rec = load_record(record_paths(tmp_path / "out" / "runs")[0])
    assert rec.settings.budget == 60
    assert [(s.system.name, s.system.options["k"]) for s in rec.systems] == [("lead3", 3), ("five", 4)]
    assert cli("run", "--budget", "50", "-s", "random") == 0  # flags override; -s replaces the file's systems
    rec = load_record(record_paths(tmp_path / "out" / "runs")[-1])
    assert rec.settings.budget == 50 and [s.system.name for s in rec.systems] == ["random"]


def test_bundled_run_file_lists_core_and_two_variants() -> None:
    from evalsum import config

    conf = config.load_config(ROOT / "pyproject.toml")
    specs = config.run_specs(conf, ROOT / "pyproject.toml")
    assert [(s.backend, s.options) for s in specs] == [(n, {}) for n in registry.CORE] + [
        ("lead-k", {"k": 5}), ("random", {"seed": 1})]


def test_run_file_error_names_pyproject_and_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.evalsum]\n' + '[[tool.evalsum.systems]]\nbackend = "lead3"\n' * 3
        + '[[tool.evalsum.systems]]\nbackend = "lead4"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert cli("run") == 2
    err = capsys.readouterr().err
    assert err.startswith("error: pyproject.toml:field tool.evalsum.systems.3.backend: unknown system 'lead4'.")
    assert err.count("\n") == 1


def test_the_issue_recipe_on_a_copy_of_the_source_tree(tmp_path: Path) -> None:
    """Literally: a copy of the package (harness/ as evalsum, systems/ as evalsum.systems) first on
    PYTHONPATH, a warm cache, `score = -score` in the copy's systems/extractive.py, then
    `evalsum run --all && evalsum check` exits 1 naming textrank."""
    import os
    import subprocess

    src = tmp_path / "src"
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "harness", src / "evalsum", ignore=ignore)
    shutil.copytree(ROOT / "systems", src / "evalsum" / "systems", ignore=ignore)
    shutil.copytree(REFERENCES, tmp_path / "references")
    env = {**os.environ, "PYTHONPATH": str(src), "PYTHONDONTWRITEBYTECODE": "1"}

    def evalsum(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "evalsum", *args], cwd=tmp_path, env=env, text=True,
                              capture_output=True, timeout=300, check=False)

    for step in (("run", "--all"), ("bless", "--all"), ("run", "--all"), ("check",)):
        done = evalsum(*step)
        assert done.returncode == 0, done.stderr
    assert "| textrank | cached | rouge1_f |" in done.stdout
    module = src / "evalsum" / "systems" / "extractive.py"
    line = "        score, iterations = centrality(x, prior, opts.damping, opts.tol, opts.max_iter)\n"
    module.write_text(module.read_text(encoding="utf-8").replace(line, line + "        score = -score\n"),
                      encoding="utf-8")
    assert evalsum("run", "--all").returncode == 0
    done = evalsum("check")
    assert done.returncode == 1
    assert "gate failed: textrank rouge1_f: regression (backend code changed since the baseline" in done.stderr
    assert "| textrank | generated | rouge1_f |" in done.stdout
    assert {line.split(":")[1].split()[0] for line in done.stderr.splitlines()} == {"textrank"}
