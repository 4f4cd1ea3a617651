"""Negation and refusal cues veto a match, for facts and probes alike, and the audit trail says so."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from evalsum.gold import corpus
from evalsum.metrics import facts as fm
from evalsum.metrics import negation
from evalsum.models import Checklist, Veto
from evalsum.text.normalise import Normaliser
from tests.conftest import CLUSTER_DIR

NORM = Normaliser()
BUNDLED = corpus.load_cluster(CLUSTER_DIR).checklist
assert BUNDLED is not None
GOLD = fm.compile_checklist(BUNDLED, NORM)
WEIGHTS = {f.id: 1.0 for f in GOLD.facts}


def score(sentence: str, checklist: fm.CompiledChecklist = GOLD) -> tuple[set[str], set[str], list[Veto]]:
    s = fm.score_facts(fm.tokenise([sentence], NORM), checklist, {f.id: 1.0 for f in checklist.facts})
    return {h.id for h in s.hits}, {c.id for c in s.contradictions}, s.vetoed


def test_collapse_probe_does_not_fire_on_a_denial() -> None:
    ck = fm.compile_checklist(Checklist.model_validate(
        {"probes": [{"id": "collapse", "statement": "The bridge collapsed.", "patterns": [["collapse"]]}]}), NORM)
    assert score("Engineers said the collapse was imminent.", ck)[1] == {"collapse"}
    _, fired, vetoed = score("Engineers said collapse was not imminent.", ck)
    assert fired == set()
    assert vetoed == [Veto(item="probe", id="collapse", reason="negation", cue="was not",
                           sentence="Engineers said collapse was not imminent.")]


def test_refused_to_postpone_is_not_credited() -> None:
    assert "blinken-postponed" in score("Blinken postponed his trip.")[0]
    hits, _, vetoed = score("Blinken refused to postpone his trip.")
    assert "blinken-postponed" not in hits
    assert [(v.id, v.reason, v.cue) for v in vetoed] == [("blinken-postponed", "negation", "refused to")]


def test_did_not_fly_over_montana_is_not_credited() -> None:
    assert "montana" in score("The balloon flew over Montana.")[0]
    hits, _, vetoed = score("The balloon did not fly over Montana.")
    assert "montana" not in hits
    assert ("montana", "negation", "did not") in {(v.id, v.reason, v.cue) for v in vetoed}


def test_probes_take_unless_and_the_audit_names_it() -> None:
    ck = fm.compile_checklist(Checklist.model_validate({"probes": [
        {"id": "p", "statement": "s", "patterns": [["shelved"]], "unless": ["reports that it shelved"]}]}), NORM)
    assert score("The plan was shelved.", ck)[1] == {"p"}
    _, fired, vetoed = score("Officials dismissed reports that it shelved the plan.", ck)
    assert fired == set() and [(v.reason, v.cue) for v in vetoed] == [("unless", "reports that it shelved")]


def test_a_negative_pattern_is_not_vetoed_by_its_own_words() -> None:
    """`posed no` holds a cue; only a cue outside the matched words counts."""
    assert "no-ground-threat" in score("The Pentagon said the balloon posed no threat to people.")[0]
    assert "not-shot-down" in score("Officials decided against shooting it down.")[0]


def test_a_cue_far_away_does_not_veto() -> None:
    hits, _, vetoed = score("Blinken, who was not available for comment on Friday evening, postponed his trip.")
    assert "blinken-postponed" in hits and vetoed == []


def test_summary_scope_veto() -> None:
    ck = fm.compile_checklist(Checklist.model_validate({"facts": [
        {"id": "f", "statement": "s", "scope": "summary", "patterns": [["Blinken"], ["postponed"]]}]}), NORM)
    text = fm.tokenise(["Blinken spoke.", "He never postponed anything."], NORM)
    out = fm.explain(ck.facts[0], text)
    assert out.sentence is None and out.veto is not None and out.veto.cue == "never"


# Facts whose own patterns hold a cue ("posed no", "not to shoot") state a negation: a cue can
# complete them, so the property is about the others.
CUE_TOKENS = {c.tokens for c in negation.compile_cues(NORM).leading}
PLAIN = fm.CompiledChecklist(
    facts=tuple(f for f in GOLD.facts if not any(
        any(alt.phrase[i:i + len(c)] == c for c in CUE_TOKENS for i in range(len(alt.phrase)))
        for g in f.groups for alt in g)),
    probes=(), explicit_weights={})
WORDS = sorted({w for f in BUNDLED.facts for g in f.patterns for alt in g for w in alt.split()}
               | {"the", "his", "trip", "said", "was", "over", "flew", "it", "to", "and", "on"})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=14), st.sampled_from(negation.LEADING),
       st.integers(min_value=0, max_value=14))
def test_adding_a_negation_cue_never_adds_a_fact(words: list[str], cue: str, at: int) -> None:
    at = min(at, len(words))
    plain = " ".join(words) + "."
    negated = " ".join(words[:at] + [cue] + words[at:]) + "."
    assert score(negated, PLAIN)[0] <= score(plain, PLAIN)[0]


def test_the_property_covers_all_but_the_negative_facts() -> None:
    assert sorted({f.id for f in GOLD.facts} - {f.id for f in PLAIN.facts}) == [
        "no-ground-threat", "not-shot-down", "us-rejects-explanation"]
