"""Registry, options and plugins: a third-party backend installed through real entry-point metadata,
option validation from the CLI, the `evalsum systems` listing, and the floors and ceilings."""
from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from evalsum.analysis import leaderboard as report
from evalsum.errors import UsageError
from evalsum.gold import corpus
from evalsum.run import registry
from evalsum.run.cluster import prepare_cluster
from evalsum.run.plan import Paths, RunPlan, SystemSpec
from evalsum.run.runner import evaluate
from evalsum.store import records
from evalsum.systems.lead import Lead3
from tests.conftest import CLUSTER_DIR, REFERENCES, cli

PLUGIN = "evalsum_demo_plugin"

PLUGIN_CODE = '''
from typing import ClassVar
from evalsum.contract import Summariser, SystemOptions
from evalsum.models import Summary

class FirstOptions(SystemOptions):
    n: int = 1

class FirstN(Summariser[FirstOptions]):
    """The first n prepared sentences of the cluster."""
    name: ClassVar[str] = "demo-first"
    version: ClassVar[str] = "7"
    description: ClassVar[str] = "demo plugin: first n sentences"
    Options = FirstOptions

    def summarise(self, cluster, budget):
        chosen = cluster.sentences[: self.options.n]
        return Summary(sentences=[s.text for s in chosen], provenance=[(s.doc_id, s.index) for s in chosen])

class NeedsGpu(FirstN):
    name: ClassVar[str] = "demo-gpu"

    @classmethod
    def unavailable(cls):
        return "needs a GPU: pip install demo-gpu-extra"
'''


@pytest.fixture
def plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A package and its .dist-info, exactly as `pip install` would lay them out, on sys.path."""
    site = tmp_path / "site"
    (site / PLUGIN).mkdir(parents=True)
    (site / PLUGIN / "__init__.py").write_text(PLUGIN_CODE)
    (site / PLUGIN / "heavy.py").write_text("import evalsum_no_such_dependency  # an optional package not installed\n")
    info = site / "evalsum_demo_plugin-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: evalsum-demo-plugin\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(textwrap.dedent(f"""\
        [evalsum.systems]
        demo-first = {PLUGIN}:FirstN
        demo-gpu = {PLUGIN}:NeedsGpu
        demo-broken = {PLUGIN}_missing:Nothing
        demo-heavy = {PLUGIN}.heavy:Heavy
        lead3 = {PLUGIN}:FirstN

        [console_scripts]
        unrelated = {PLUGIN}:FirstN
        """))
    monkeypatch.syspath_prepend(str(site))
    yield site
    for mod in (PLUGIN, f"{PLUGIN}.heavy"):
        sys.modules.pop(mod, None)


def test_plugin_is_discovered_through_entry_points_and_runs(plugin: Path, paths: Paths) -> None:
    table = registry.specs()
    assert table["demo-first"] == f"{PLUGIN}:FirstN"
    assert "unrelated" not in table  # other groups are not systems
    cls = registry.resolve("demo-first")
    assert cls.__module__ == PLUGIN and cls.version == "7"
    rec = evaluate(RunPlan(systems=[SystemSpec(backend="demo-first", options={"n": 2})], paths=paths))
    [srun] = rec.systems
    assert (srun.system.name, srun.system.version, srun.system.options) == ("demo-first[n=2]", "7", {"n": 2})
    [res] = srun.results
    assert res.status == "ok" and res.summary is not None and res.scores is not None
    prepared = prepare_cluster(corpus.load_cluster(CLUSTER_DIR))
    assert res.summary.sentences == [s.text for s in prepared.sentences[:2]]
    assert 0 < res.scores.rouge["rouge1"].f < 1


def test_plugin_cannot_shadow_a_builtin(plugin: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert registry.specs()["lead3"] == "evalsum.systems.lead:Lead3"
    assert registry.resolve("lead3") is Lead3
    assert registry.shadowed() == [registry.Shadowed("lead3", f"{PLUGIN}:FirstN", "evalsum.systems.lead:Lead3",
                                                     "evalsum-demo-plugin")]
    assert cli("systems", "--json") == 0
    assert capsys.readouterr().err == (
        f"warning: plugin system 'lead3' ({PLUGIN}:FirstN, from evalsum-demo-plugin) is ignored: the built-in "
        "'lead3' (evalsum.systems.lead:Lead3) has that name; register the plugin under another name\n")
    assert cli("run", "-s", "lead3", "--references", str(REFERENCES), "--results", str(plugin / "r")) == 0
    assert "warning: plugin system 'lead3'" in capsys.readouterr().err


def test_plugin_options_are_validated(plugin: Path) -> None:
    with pytest.raises(UsageError, match=r"invalid option 'n' for system 'demo-first'.*Allowed: n"):
        registry.build("demo-first", registry.pairs_to_dict("demo-first", ["n=many"]))


def test_systems_lists_plugins_and_says_what_to_install(plugin: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("systems", "--json") == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["demo-first"]["available"]
    assert rows["demo-first"]["version"] == "7" and not rows["demo-first"]["builtin"]
    assert rows["demo-gpu"]["hint"] == "needs a GPU: pip install demo-gpu-extra" and not rows["demo-gpu"]["available"]
    assert rows["demo-broken"]["hint"].startswith(f"not installed: module {PLUGIN}_missing not found")
    assert rows["textrank"]["available"] and rows["textrank"]["builtin"]
    assert cli("systems") == 0
    text = capsys.readouterr().out
    assert "Traceback" not in text
    assert "-> needs a GPU: pip install demo-gpu-extra" in text  # hints are printed verbatim, not eaten as markup
    assert f"(plugin {PLUGIN}:FirstN)" in text


def test_systems_reports_a_missing_builtin_module_as_not_installed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(registry.BUILTINS, "embed", "evalsum.systems.no_such_module:Embed")
    assert cli("systems") == 0
    line = next(ln for ln in capsys.readouterr().out.splitlines() if "evalsum.systems.no_such_module" in ln)
    assert line.strip() == ("-> not installed: module evalsum.systems.no_such_module not found; "
                            "pip install 'evalsum[embed]'")
    # running it is a broken installation (exit 2), with the same hint, and nothing is written
    code = cli("run", "-s", "embed", "--references", str(REFERENCES), "--results", str(tmp_path))
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert err == ("error: system 'embed' could not be loaded from 'evalsum.systems.no_such_module:Embed': "
                   "not installed: "
                   "module evalsum.systems.no_such_module not found; pip install 'evalsum[embed]'\n")
    assert not (tmp_path / "runs").exists()


def test_missing_dependency_is_backend_unavailable(plugin: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("systems") == 0
    assert "-> not installed: needs package 'evalsum_no_such_dependency'; reinstall the package that provides " \
           "this plugin" in capsys.readouterr().out
    code = cli("run", "-s", "demo-heavy", "--references", str(REFERENCES), "--results", str(tmp_path / "r"))
    err = capsys.readouterr().err
    assert code == 3 and err.count("\n") == 1
    assert "system 'demo-heavy' is not installed: needs package 'evalsum_no_such_dependency'" in err


@pytest.mark.parametrize(("option", "message"), [
    ("dampin=0.5",
     "unknown option 'dampin' for system 'textrank': Extra inputs are not permitted. Did you mean 'damping'?"),
    ("damping=1.5", "invalid option 'damping' for system 'textrank': Input should be less than 1."),
    ("min_words=lots", "invalid option 'min_words' for system 'textrank'"),
])
def test_bad_option_exits_2_naming_it_and_the_allowed_ones(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                           option: str, message: str) -> None:
    code = cli("run", "-s", "textrank", "-o", option, "--references", str(REFERENCES), "--results", str(tmp_path))
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert message in err
    assert "Allowed: damping, position_weight, mmr_lambda, redundancy, min_words, skip_quotes, tol, max_iter" in err
    assert not (tmp_path / "runs").exists()  # nothing ran


def test_option_for_one_system_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli("run", "-s", "textrank", "-s", "random", "-o", "random.seed=3", "--references", str(REFERENCES),
               "--results", str(tmp_path))
    assert code == 0
    [path] = records.record_paths(tmp_path / "runs")
    rec = records.load_record(path)
    assert {s.system.name: s.system.options.get("seed") for s in rec.systems} == {"textrank": None, "random[seed=3]": 3}


def test_random_is_seeded(paths: Paths) -> None:
    def summary(seed: int) -> list[str]:
        res = evaluate(RunPlan(systems=[SystemSpec(backend="random", options={"seed": seed})], paths=paths,
                               use_cache=False)).systems[0].results[0]
        assert res.summary is not None
        return res.summary.sentences

    assert summary(1) == summary(1)
    assert summary(1) != summary(2)


def test_oracle_is_flagged_and_shown_apart(paths: Paths) -> None:
    rec = evaluate(RunPlan(systems=["oracle", "textrank", "lead3"], paths=paths))
    infos = {s.system.name: s.system for s in rec.systems}
    assert infos["oracle"].uses_references and not infos["textrank"].uses_references
    means = {s.system.name: report.mean_metrics(s) for s in rec.systems}
    assert means["oracle"]["rouge2_f"] > means["textrank"]["rouge2_f"] > means["lead3"]["rouge2_f"]
    md = report.render_markdown(report.build([rec]))
    main, _, ceilings = md.partition("Ceilings (†")
    assert "| oracle † |" in ceilings.split("ROUGE recall")[0] and "oracle" not in main
    assert "| 1 | 1 | textrank |" in main and "| 2 | 1 | lead3 |" in main


def test_run_all_leaderboard_has_every_core_system(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("run", "--all", "--references", str(REFERENCES), "--results", str(tmp_path)) == 0
    board = json.loads((tmp_path / "leaderboard.json").read_text())
    rows = {r["system"]: r for r in board["rows"]}
    assert set(rows) == {"lead3", "textrank", "random", "oracle", "human"}
    assert [r["system"] for r in board["rows"] if r["uses_references"]] == ["human", "oracle"]
    assert all(r["failed"] == 0 for r in board["rows"])
    assert rows["textrank"]["metrics"]["rouge2_f"] > rows["lead3"]["metrics"]["rouge2_f"]
