"""`metrics.grounding`: which checklist items a long text states, read a chunk at a time, must be
exactly what `facts.match` gives on the whole text (validate relies on it for every source).

Texts are drawn from a small vocabulary so that matches, negations (`not`, `denied`) and
`unless` vetoes are all common; chunk sizes from 1 (every sentence its own chunk) up."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from evalsum.metrics import facts, grounding
from evalsum.models import Checklist, Fact, Probe
from evalsum.text.normalise import Normaliser

NORM = Normaliser()
WORDS = ["balloon", "shot", "down", "not", "denied", "china", "spy", "weather", "the", "was", "Blinken", "trip"]
PHRASES = st.sampled_from(["balloon", "shot down", "china", "spy", "weather", "Blinken", "trip", "re:ball?oon"])
SENTENCE = st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(lambda w: " ".join(w).capitalize() + ".")
GROUPS = st.lists(st.lists(PHRASES, min_size=1, max_size=2), min_size=1, max_size=3)
SCOPE = st.sampled_from(["sentence", "summary"])
UNLESS = st.lists(st.sampled_from(["weather", "denied", "trip"]), max_size=1)


@st.composite
def checklists(draw: st.DrawFn) -> Checklist:
    n = draw(st.integers(1, 4))
    made = [dict(id=f"i{k}", statement="s", patterns=draw(GROUPS), scope=draw(SCOPE), unless=draw(UNLESS))
            for k in range(n)]
    return Checklist(facts=[Fact(**m) for m in made[: n // 2 + 1]],
                     probes=[Probe(**m) for m in made[n // 2 + 1:]])


@settings(max_examples=300, deadline=None)
@given(checklists(), st.lists(SENTENCE, max_size=12), st.integers(1, 5))
def test_chunked_matching_equals_matching_the_whole_text(checklist: Checklist, sentences: list[str],
                                                         chunk: int) -> None:
    compiled = facts.compile_checklist(checklist, NORM)
    items = compiled.facts + compiled.probes
    whole = facts.tokenise(sentences, NORM)
    want = {i.id: facts.match(i, whole) for i in items}
    assert grounding.matches(items, iter(sentences), NORM, chunk=chunk) == want


def test_a_hand_made_case_across_chunks() -> None:
    """A summary-scoped fact whose groups are in different chunks is stated, each group's first
    hit named; an `unless` in a later chunk vetoes it; a sentence fact takes its first sentence."""
    checklist = Checklist(facts=[
        Fact(id="both", statement="s", patterns=[["balloon"], ["shot down"]], scope="summary"),
        Fact(id="vetoed", statement="s", patterns=[["balloon"]], scope="summary", unless=["weather"]),
        Fact(id="first", statement="s", patterns=[["china"]]),
    ])
    compiled = facts.compile_checklist(checklist, NORM)
    text = ["A balloon flew.", "China said so.", "It was shot down.", "China again.", "A weather craft."]
    got = grounding.matches(compiled.facts, iter(text), NORM, chunk=2)
    assert got == {"both": "A balloon flew. / It was shot down.", "vetoed": None, "first": "China said so."}
