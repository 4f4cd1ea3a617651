"""The ROUGE-1.5.5 profile against every vector printed by the original Perl script
(tests/fixtures/rouge155/, a copy of shared/rouge155/; its README says what each run tests).

Every per-eval line must match the printed 5 decimals (or, with -t 1, the printed counts), and
every Average_R/P/F with its interval. Run `f` needs ROUGE's stopword list, which is not shipped
(its licence is unclear): that run is checked to refuse without the list, and the -s rule itself
is tested by hand in test_rouge155.py."""
from __future__ import annotations

import gzip
import hashlib
import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pytest

from evalsum.metrics.rouge155 import porter
from evalsum.metrics.rouge155.corpus import Evaluation, Report, Rouge155, jackknife
from evalsum.metrics.rouge155.evaluate import Rouge155Error
from evalsum.metrics.rouge155.options import Options, parse_flags
from evalsum.metrics.rouge155.stemming import Stemmer, load_exceptions

FIXTURES = Path(__file__).parent / "fixtures" / "rouge155"
STOPWORD_RUNS = {"f", "probe_stop_l4"}


@lru_cache(maxsize=1)
def v2() -> dict:  # type: ignore[type-arg]
    return json.loads((FIXTURES / "vectors-v2.json").read_text("utf-8"))


def evaluations(config: str) -> list[Evaluation]:
    V = v2()
    return [Evaluation(e["id"], {s: V["texts"][t] for s, t in e["peers"].items()},
                       {m: V["texts"][t] for m, t in e["models"].items()}) for e in V["configs"][config]]


def options_of(run: dict) -> Options:  # type: ignore[type-arg]
    return parse_flags(run["argv"])


def printed(report: Report, opts: Options) -> tuple[dict, dict]:  # type: ignore[type-arg]
    lines = {}
    for ln in report.lines:
        s = ln.score
        if opts.pooling == 1:
            c = s.counts
            lines[(ln.system, ln.metric, ln.eval_id)] = (f"{c.model:.0f}", f"{c.peer:.0f}", f"{c.hit:.0f}")
        else:
            lines[(ln.system, ln.metric, ln.eval_id)] = (f"{s.r:.5f}", f"{s.p:.5f}", f"{s.f:.5f}")
    avgs = {(sy, m, stat): (f"{iv.value:.5f}", f"{iv.low:.5f}", f"{iv.high:.5f}")
            for (sy, m), stats in report.averages.items() for stat, iv in stats.items()}
    return lines, avgs


RUNS = [name for name in json.loads((FIXTURES / "vectors-v2.json").read_text("utf-8"))["runs"]
        if name not in STOPWORD_RUNS]


@pytest.mark.parametrize("name", RUNS)
def test_every_printed_line_and_average(name: str) -> None:
    run = v2()["runs"][name]
    opts = options_of(run)
    evals = evaluations(run["config"])
    if run["exit_status"] != 0:  # probe_empty_w: the script dies at ROUGE-W on a token-free model
        with pytest.raises(Rouge155Error, match="ROUGE-W"):
            Rouge155(opts).run(evals)
        opts = opts.model_copy(update={"wlcs_weight": None})  # what it printed before dying
    lines, avgs = printed(Rouge155(opts).run(evals), opts)
    want = {(s, m, e): (r, p, f) for s, m, e, r, p, f, *_ in run["per_eval"]}
    assert len(want) == run["n_per_eval"]
    assert {k: lines[k] for k in want} == want
    assert set(lines) == set(want)  # no line the script did not print
    want_avg = {(s, m, stat): (v, lo, hi) for s, m, stat, v, lo, hi, _ in run["averages"]}
    assert len(want_avg) == run["n_averages"]
    assert avgs == want_avg


@pytest.mark.parametrize("name", sorted(STOPWORD_RUNS))
def test_stopword_runs_need_the_list(name: str) -> None:
    with pytest.raises(ValueError, match="stopword list"):
        options_of(v2()["runs"][name])


def test_jackknife_builds_the_nist_configuration() -> None:
    """Folding the 4-model sets of `main` gives the `jackknife` configuration the script ran (run g)."""
    four = [e for e in evaluations("main") if len(e.models) == 4]
    got = [(e.id, dict(e.peers), list(e.models.items())) for e in jackknife(four)]
    want = [(e.id, dict(e.peers), list(e.models.items())) for e in evaluations("jackknife")]
    assert got == want


def test_version_1_vectors() -> None:
    v1 = json.loads((FIXTURES / "vectors.json").read_text("utf-8"))
    models = list(v1["models"].values())
    for name, run in v1["runs"].items():
        r155 = Rouge155(parse_flags(run["flags"].split()))
        for peer, metrics in run["per_eval"].items():
            got = r155.evaluate(v1["peers"][peer], models)
            for metric, prf in metrics.items():
                s = got[metric]
                assert (s.r, s.p, s.f) == (prf["R"], prf["P"], prf["F"]), (name, peer, metric)


def test_every_stem_row() -> None:
    """All 280,524 rows of stems.tsv: 1-3 characters untouched, the exception list first, then Porter."""
    rows = gzip.decompress((FIXTURES / "stems.tsv.gz").read_bytes()).decode("utf-8").splitlines()
    assert rows[0] == "word\tstem\trule\torigin" and len(rows) == 280_525
    stemmer = Stemmer()
    bad = []
    counts = {"S": 0, "E": 0, "P": 0}
    for row in rows[1:]:
        word, stem, rule, _ = row.split("\t")
        counts[rule] += 1
        if stemmer.stem(word) != stem:
            bad.append(row)
        if rule == "P" and porter.stem(word) != stem:
            bad.append(row)
    assert bad == []
    assert counts == {"S": 18_745, "E": 5_593, "P": 256_186}


def test_shipped_exception_list_is_the_vectors_copy() -> None:
    """The package data is shared/rouge155/wordnet_exceptions.tsv byte for byte, with its licence."""
    data = resources.files("evalsum.metrics.rouge155").joinpath("data")
    raw = data.joinpath("wordnet_exceptions.tsv").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == "9664417fabf7d23f3b962e76244c917f225a182b5aa703807e3588d74c026c6d"
    assert len(load_exceptions()) == 5_930
    notice = data.joinpath("WORDNET-LICENSE.txt").read_text("utf-8")
    assert "WordNet 2.0 Copyright 2003 by Princeton University" in notice
