"""Fact checklist matching, pyramid weights, probes, the human ceiling and `evalsum validate`."""
from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

from evalsum.gold import corpus
from evalsum.metrics import facts as fm
from evalsum.metrics.scorer import Scorer
from evalsum.models import Checklist, Settings
from evalsum.run.plan import RunPlan
from evalsum.run.runner import evaluate
from evalsum.text.normalise import Normaliser
from tests.conftest import CLUSTER, CLUSTER_DIR, cli


def compiled(facts: list[dict], probes: list[dict] | None = None) -> fm.CompiledChecklist:
    return fm.compile_checklist(Checklist.model_validate({"facts": facts, "probes": probes or []}), Normaliser())


def sents(*s: str) -> fm.Tokenised:
    return fm.tokenise(list(s), Normaliser())


POSTPONE = {"id": "postpone", "statement": "Blinken postponed his trip",
            "patterns": [["Blinken"], ["postponed"], ["trip", "visit"]]}


@pytest.mark.parametrize("verb", ["postponed", "postpones", "postponing", "postpone"])
def test_inflection(verb: str) -> None:
    ck = compiled([POSTPONE])
    assert fm.match(ck.facts[0], sents(f"Blinken {verb} the trip to Beijing.")) is not None


def test_sentence_scope() -> None:
    ck = compiled([POSTPONE])
    split = sents("Blinken spoke in Seoul.", "The trip was postponed.")
    assert fm.match(ck.facts[0], split) is None
    summary_scope = compiled([{**POSTPONE, "scope": "summary"}])
    assert fm.match(summary_scope.facts[0], split) == "Blinken spoke in Seoul. / The trip was postponed."


def test_aliases_and_numbers() -> None:
    ck = compiled([{"id": "us", "statement": "s", "patterns": [["United States"], ["two balloons"], ["February"]]}])
    assert fm.match(ck.facts[0], sents("The U.S. saw 2 balloons on Feb. 3.")) is not None
    assert fm.match(ck.facts[0], sents("Let us count two balloons in February.")) is None  # "us" is a pronoun


def test_secretary_of_defense_probe_on_the_source_sentence() -> None:
    cluster = corpus.load_cluster(CLUSTER_DIR)
    gold = Scorer(Settings()).gold(cluster)
    assert gold.checklist is not None
    sentence = ("Meanwhile, US Secretary of Defense Antony Blinken postponed his visit to Beijing in response to a "
                "separate high-altitude Chinese balloon intruding into US airspace.")
    score = fm.score_facts(sents(sentence), gold.checklist, gold.weights)
    # Both of this source's errors: the title, and a "separate" balloon "intruding into US airspace".
    assert [(c.id, c.sentence) for c in score.contradictions] == [("blinken-secretary-of-defense", sentence),
                                                                   ("latin-america-balloon-over-us", sentence)]
    assert "blinken-postponed" in {h.id for h in score.hits}
    clean = fm.score_facts(sents(sentence.replace("Defense", "State")), gold.checklist, gold.weights)
    assert [c.id for c in clean.contradictions] == ["latin-america-balloon-over-us"]


def test_weighted_recall_and_explicit_weight() -> None:
    ck = compiled([
        {"id": "a", "statement": "a", "patterns": [["alpha"]]},
        {"id": "b", "statement": "b", "patterns": [["beta"]]},
        {"id": "c", "statement": "c", "patterns": [["gamma"]], "weight": 5},
    ])
    refs = [sents("alpha beta."), sents("alpha.")]
    weights = fm.default_weights(ck, refs)
    assert weights == {"a": 2.0, "b": 1.0, "c": 5.0}
    score = fm.score_facts(sents("Beta here.", "And gamma."), ck, weights)
    assert score.recall == pytest.approx(6 / 8)
    assert [(h.id, h.weight, h.sentence) for h in score.hits] == [("b", 1.0, "Beta here."), ("c", 5.0, "And gamma.")]


def test_human_leave_one_out_and_lead3_below_it(paths) -> None:
    record = evaluate(RunPlan(systems=["lead3", "human"], paths=paths))
    lead, human = (r.results[0].scores for r in record.systems)
    assert lead is not None and human is not None and lead.facts and human.facts
    per = human.leave_one_out
    assert per is not None and len(per) >= 4
    for author, s in per.items():
        assert s.facts is not None and s.facts.recall >= 0.6, author
        # each fold's weights come from the other references only
        assert max(s.facts.weights.values()) <= len(per) - 1
        assert s.leave_one_out is None and s.quality is not None
    assert human.facts.recall == math.fsum(s.facts.recall for s in per.values() if s.facts) / len(per)
    assert lead.facts.recall < human.facts.recall




def test_validate_passes_on_bundled_cluster(capsys) -> None:
    assert cli("validate") == 0


def test_validate_names_a_fact_that_cannot_match(refs_copy: Path, capsys) -> None:
    path = refs_copy / CLUSTER / "checklist.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["facts"][1]["patterns"] = [["Saskatchewan"]]
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert cli("validate", "--references", str(refs_copy)) == 2
    err = capsys.readouterr().err
    assert f"fact {data['facts'][1]['id']} matches no source sentence" in err
    assert "stated by no reference" in err


def test_validate_catches_a_reference_that_trips_a_probe(refs_copy: Path, capsys) -> None:
    ref = refs_copy / CLUSTER / "summaries" / "annotator-a.txt"
    ref.write_text(ref.read_text(encoding="utf-8") + "Secretary of Defense Antony Blinken stayed home.\n",
                   encoding="utf-8")
    assert cli("validate", "--references", str(refs_copy)) == 2
    assert "probe blinken-secretary-of-defense is triggered by reference annotator-a" in capsys.readouterr().err


@pytest.fixture(scope="module")
def bundled():
    gold = Scorer(Settings()).gold(corpus.load_cluster(CLUSTER_DIR))
    assert gold.checklist is not None
    return gold.checklist


def hits(checklist: fm.CompiledChecklist, sentence: str) -> tuple[set[str], set[str]]:
    tok = sents(sentence)
    return ({p.id for p in checklist.probes if fm.match(p, tok)}, {f.id for f in checklist.facts if fm.match(f, tok)})


@pytest.mark.parametrize("sentence,probe", [
    ("The balloon was shot down over the Atlantic.", "balloon-shot-down"),
    ("Fighters downed the balloon.", "balloon-shot-down"),
    ("The second balloon entered US airspace.", "latin-america-balloon-over-us"),
    ("China said the balloon was not Chinese.", "china-denies-balloon-is-chinese"),
    ("Beijing denied that it owned the balloon.", "china-denies-balloon-is-chinese"),
])
def test_bundled_probes_fire_on_the_errors(bundled, sentence: str, probe: str) -> None:
    assert probe in hits(bundled, sentence)[0]


@pytest.mark.parametrize("sentence", [
    "The US decided against shooting down the balloon.",
    "Officials opted against downing it.",
    "A second balloon was spotted over Latin America, a day after the first was tracked over the United States.",
    "China denied the balloon was used for spying and said its balloon was a weather airship.",
    "Secretary of State Antony Blinken postponed his trip.",
])
def test_bundled_probes_stay_quiet_on_correct_claims(bundled, sentence: str) -> None:
    assert hits(bundled, sentence)[0] == set()


@pytest.mark.parametrize("sentence,fact", [
    ("The balloon poses a serious threat.", "no-ground-threat"),
    ("China rejected the US accusations.", "us-rejects-explanation"),
    ("Blinken did not postpone his trip.", "blinken-postponed"),
])
def test_opposite_claims_earn_no_fact_credit(bundled, sentence: str, fact: str) -> None:
    assert fact not in hits(bundled, sentence)[1]


def test_unless_vetoes_only_its_sentence() -> None:
    ck = compiled([{**POSTPONE, "unless": ["did not postpone"]}])
    assert fm.match(ck.facts[0], sents("Blinken did not postpone the trip.")) is None
    assert fm.match(ck.facts[0], sents("Blinken did not postpone the trip.", "Later Blinken postponed the visit.")) == \
        "Later Blinken postponed the visit."


@pytest.mark.parametrize("written", ["Feb. 3", "February 3rd, 2023", "3 February", "2023-02-03", "February 3"])
def test_dates_match_however_written(written: str) -> None:
    ck = compiled([{"id": "d", "statement": "s", "patterns": [["3 February"]]}])
    assert fm.match(ck.facts[0], sents(f"It was seen on {written} over Montana.")) is not None
    assert fm.match(ck.facts[0], sents("It was seen on 13 February over Montana.")) is None
