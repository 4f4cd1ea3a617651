"""The bundled probes catch paraphrases of each known error, and correct wording trips none."""
from __future__ import annotations

import pytest

from evalsum.gold import corpus, validation
from evalsum.metrics import facts as fm
from evalsum.text.normalise import Normaliser
from tests.conftest import CLUSTER_DIR

NORM = Normaliser()
CLUSTER = corpus.load_cluster(CLUSTER_DIR)
assert CLUSTER.checklist is not None
PROBES = fm.compile_checklist(CLUSTER.checklist, NORM).probes


def tripped(sentence: str) -> set[str]:
    text = fm.tokenise([sentence], NORM)
    return {p.id for p in PROBES if fm.match(p, text) is not None}


@pytest.mark.parametrize(("probe", "sentence"), [
    ("latin-america-balloon-over-us",
     "Officials reported a second Chinese surveillance balloon flying over the United States."),
    ("latin-america-balloon-over-us", "Another Chinese balloon has entered American airspace."),
    ("latin-america-balloon-over-us", "The Pentagon said a separate Chinese balloon was also in US airspace."),
    ("latin-america-balloon-over-us", "Two Chinese spy balloons were flying over America."),
    ("latin-america-balloon-over-us", "A second spy balloon crossed into US territory on Friday."),
    ("blinken-secretary-of-defense", "Defense Secretary Antony Blinken postponed his trip."),
    ("blinken-secretary-of-defense", "Blinken, the Pentagon chief, called off the visit."),
    ("blinken-secretary-of-defense", "US defence chief Antony Blinken spoke in Seoul."),
    ("balloon-shot-down", "US fighter jets downed the balloon over Montana."),
    ("balloon-shot-down", "The military destroyed it with a missile."),
    ("balloon-shot-down", "The balloon was blown out of the sky on Saturday."),
    ("balloon-shot-down", "A missile struck the balloon."),
    ("china-denies-balloon-is-chinese", "Beijing denied owning the balloon."),
    ("china-denies-balloon-is-chinese", "China said the airship did not belong to China."),
    ("china-denies-balloon-is-chinese", "Beijing said the balloon had nothing to do with China."),
    ("china-denies-balloon-is-chinese", "China disowned the balloon."),
])
def test_paraphrase_of_a_known_error_trips_its_probe(probe: str, sentence: str) -> None:
    assert probe in tripped(sentence)


@pytest.mark.parametrize("sentence", [
    "A day after the first balloon was spotted over the United States, a second Chinese balloon was seen over "
    "Latin America.",
    "The Pentagon said a second Chinese surveillance balloon was over Latin America.",
    "Secretary of State Antony Blinken postponed his trip, and the Pentagon said it was tracking the balloon.",
    "The US decided against shooting the balloon down.",
    "Officials said the balloon would not be shot down for now.",
    "China denied spying and said its balloon was a civilian weather airship.",
    "The balloon was not shot down.",
])
def test_correct_wording_trips_no_probe(sentence: str) -> None:
    assert tripped(sentence) == set()


def test_bundled_references_trip_no_probe_and_validate_is_clean() -> None:
    problems, _, _ = validation.check_cluster(CLUSTER)
    assert problems == []
