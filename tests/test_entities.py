"""Possessives and abbreviation forms normalise the same in summaries and sources."""
from __future__ import annotations

import pytest

from evalsum.gold.corpus import sha256
from evalsum.metrics import faithfulness as F
from evalsum.metrics import quality
from evalsum.models import Document
from evalsum.text import prepare
from evalsum.text.normalise import Normaliser, canonical_words

NORM = Normaliser()
SOURCES = [
    "The council in Westmere closed the Harlow Bridge on Monday after engineers found cracks in two of its piers.",
    "The UN said aid convoys would be rerouted while the bridge stays shut.",
]


def sources_gold() -> quality.SourceGold:
    docs = [Document(id=f"s{i}", path=f"sources/s{i}.txt", text=t, sha256=sha256(t.encode()))
            for i, t in enumerate(SOURCES)]
    return quality.prepare_sources(prepare("westmere", "Harlow Bridge", docs), NORM)


def score(sentences: list[str]) -> quality.Quality:
    return quality.score([NORM.analyse(s) for s in sentences], sources_gold(), NORM)


def test_possessive_name_is_supported_by_its_parts() -> None:
    got = score(["Engineers closed Westmere's Harlow Bridge on Monday after finding cracks."])
    assert got.faithfulness.items == []
    assert got.faithfulness.claims_checked == 3  # Westmere, Harlow Bridge, Monday
    invented = score(["Engineers closed Westmere's Calder Bridge."])
    assert [x.text for x in invented.faithfulness.items] == ["Calder Bridge"]


@pytest.mark.parametrize("summary", ["The U.N. rerouted aid convoys.", "The U.N rerouted aid convoys.",
                                     "The United Nations rerouted aid convoys.", "The UN rerouted aid convoys."])
def test_un_forms_are_one_name(summary: str) -> None:
    assert score([summary]).faithfulness.items == []


def test_dotted_source_supports_undotted_summary() -> None:
    src = F.index_sources([(None, [NORM.analyse("Talks were held at the U.N. in New York.")])])
    assert F.unsupported([NORM.analyse("Talks were held at the UN in New York.")], src, NORM).items == []
    src = F.index_sources([(None, [NORM.analyse("Ministers of the E.U. met in Brussels.")])])
    assert F.unsupported([NORM.analyse("EU ministers met in Brussels.")], src, NORM).items == []


@pytest.mark.parametrize(("text", "words"), [
    ("U.N. officials", ["unitednations", "officials"]),
    ("the U.N said", ["the", "unitednations", "said"]),
    ("U.S", ["unitedstates"]),
    ("the E.U. and EU", ["the", "eu", "and", "eu"]),
    ("Westmere's Harlow Bridge", ["westmere", "harlow", "bridge"]),
    ("Canada’s defence", ["canada", "defence"]),
    ("the U.S.'s view", ["the", "unitedstates", "view"]),
    ("Washington, D.C.", ["washington", "dc"]),
])
def test_canonical_words(text: str, words: list[str]) -> None:
    assert canonical_words(text) == words
