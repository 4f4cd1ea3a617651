"""Unsupported content: numbers, dates and named entities no source states, after normalisation."""
from __future__ import annotations

import datetime as dt

import pytest

from evalsum.gold import corpus
from evalsum.metrics import faithfulness as F
from evalsum.text import prepare, split_sentences
from evalsum.text.normalise import Normalised, Normaliser, find_dates
from tests.conftest import REFERENCES

NORM = Normaliser()


def analysed(sentences: list[str]) -> list[Normalised]:
    return [NORM.analyse(s) for s in sentences]


def index(*sentences: str, date: dt.date | None = None) -> F.SourceFacts:
    return F.index_sources([(date, analysed(list(sentences)))])


def unsupported(summary: list[str], source: F.SourceFacts) -> F.Unsupported:
    return F.unsupported(analysed(summary), source, NORM)


def flagged(summary: list[str], source: F.SourceFacts) -> list[tuple[str, str]]:
    return [(c.kind, c.text) for c in unsupported(summary, source).items]


SOURCE = index("The United States said two Chinese balloons were seen over Montana on 3 February.")


def test_invented_count_and_date_are_flagged_but_us_alias_is_not() -> None:
    got = unsupported(["The US said seven balloons were seen on 12 March."], SOURCE)
    assert [(c.kind, c.text) for c in got.items] == [("number", "seven"), ("date", "12 March")]
    assert got.checked == 3  # US, seven, 12 March


@pytest.mark.parametrize("summary", [
    "The U.S. said 2 balloons crossed Montana on Feb. 3.",
    "The United States of America reported two balloons on February 3rd.",
    "US officials saw 2 Chinese balloons over Montana on 3 Feb.",
])
def test_normalised_variants_are_supported(summary: str) -> None:
    assert flagged([summary], SOURCE) == []


def test_invented_names_are_flagged_once_each_in_order() -> None:
    summary = ["Canadian officials said the balloon passed Paris.", "Paris and Montana were calm; Canadian jets flew."]
    assert flagged(summary, SOURCE) == [("entity", "Canadian"), ("entity", "Paris")]


def test_sentence_openers_are_not_names() -> None:
    src = index("Pentagon spokesperson brigadier general Patrick Ryder said it was spotted over Beijing.")
    # "Later", "Spokesman" and "Balloons" are never capitalised mid-sentence, so they open sentences
    # as ordinary words; "Beijing" is, so it is checked wherever it stands.
    summary = ["Later the Pentagon spoke.", "Spokesman Brigadier General Patrick Ryder said so.", "Balloons flew.",
               "Beijing was calm."]
    assert flagged(summary, src) == []
    assert flagged(["Paris was calm.", "It flew to Paris."], src) == [("entity", "Paris")]
    assert flagged(["NATO was calm."], src) == [("entity", "NATO")]
    # the price of that rule: a name that only ever opens a sentence goes unchecked
    assert flagged(["Zelensky said so."], src) == []
    assert flagged(["Officials said Zelensky agreed."], src) == [("entity", "Zelensky")]


def test_dates_need_every_stated_field() -> None:
    src = index("On Friday the balloon was seen; on 3 February officials spoke.", date=dt.date(2023, 2, 4))
    assert flagged(["It flew on 3 February 2023.", "It flew on Friday.", "It flew in February 2023."], src) == []
    assert flagged(["It flew on 3 February 2022."], src) == [("date", "3 February 2022")]
    assert flagged(["It flew on Thursday."], src) == [("date", "Thursday")]
    # the dateline itself counts as a date the source states
    assert flagged(["It was 4 February 2023."], src) == []


def test_numbers_inside_dates_do_not_support_counts() -> None:
    src = index("It was seen on 3 February.")
    assert flagged(["Three balloons were seen."], src) == [("number", "Three")]
    assert flagged(["Balloons were seen in 2023."], index("It was seen on 3 February 2023.")) == []


@pytest.mark.parametrize("token,key", [("1,400", "1400"), ("3rd", "3"), ("22s", "22"), ("2.5", "2.5"),
                                       ("2018", "2018")])
def test_number_key(token: str, key: str) -> None:
    assert F.number_key(token) == key


def test_find_dates_normalises_order_and_abbreviations() -> None:
    fields = [(d.year, d.month, d.day, d.weekday)
              for d in find_dates("Feb. 3, 3 February 2023, early March, May we, Friday")]
    assert fields == [(None, 2, 3, None), (2023, 2, 3, None), (None, 3, None, None), (None, None, None, "friday")]


def test_bundled_cluster_sources_support_themselves_and_references_invent_nothing() -> None:
    cluster = corpus.load_clusters(REFERENCES, None)[0]
    prepared = prepare(cluster.id, cluster.title, cluster.documents)
    src = F.index_sources([(d.date, analysed([s.text for s in d.sentences])) for d in prepared.documents])
    checked = 0
    for s in prepared.sentences:
        got = unsupported([s.text], src)
        assert got.items == [], s.text
        checked += got.checked
    assert checked == 198  # possessives end a name: "China's Ministry of Foreign Affairs" is two
    found = {r.author: flagged(split_sentences(r.text), src) for r in cluster.references}
    assert found == {"annotator-a": [], "annotator-b": [], "annotator-c": [], "annotator-d": []}


def test_year_of_a_dated_source_supports_a_bare_year() -> None:
    src = index("The balloon was spotted over Montana.", date=dt.date(2023, 2, 4))
    assert unsupported(["In 2023 a balloon was spotted."], src).items == []
    assert [i.text for i in unsupported(["In 2021 a balloon was spotted."], src).items] == ["2021"]
