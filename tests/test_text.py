"""Cleaning and splitting: on the bundled sources and on boilerplate of our own making."""
from __future__ import annotations

import datetime as dt

import pytest

from evalsum.gold import corpus
from evalsum.models import Document
from evalsum.run.cluster import prepare_cluster
from evalsum.text import clean_lines, is_boilerplate, parse_date_header, prepare_document, split_sentences
from tests.conftest import CLUSTER_DIR


@pytest.fixture(scope="module")
def prepared():
    return prepare_cluster(corpus.load_cluster(CLUSTER_DIR))


def all_text(prepared) -> list[str]:
    return [s.text for s in prepared.sentences]


def test_ryder_sentence_stays_whole(prepared) -> None:
    hits = [s for s in all_text(prepared) if s.startswith("In a statement, Brigadier General Patrick Ryder")]
    assert hits == ["In a statement, Brigadier General Patrick Ryder, a Pentagon spokesperson said, "
                    "“We are seeing reports of a balloon transiting Latin America."]


def test_us_secretary_sentence_stays_whole(prepared) -> None:
    [hit] = [s for s in all_text(prepared) if s.startswith("U.S. Secretary of State Antony Blinken postponed a visit")]
    assert hit.endswith("in what Washington called a ‘clear violation’ of U.S. sovereignty")


@pytest.mark.parametrize("text,expected", [
    ("Brig. Gen. Pat Ryder spoke. He left.", ["Brig. Gen. Pat Ryder spoke.", "He left."]),
    ("The U.S. Secretary of State left on Feb. 3 for talks. Mr. Wang stayed.",
     ["The U.S. Secretary of State left on Feb. 3 for talks.", "Mr. Wang stayed."]),
    ("A headline without a full stop\nThe body starts here. It goes on.",
     ["A headline without a full stop", "The body starts here.", "It goes on."]),
])
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_no_boilerplate_in_prepared_sentences(prepared) -> None:
    text = "\n".join(all_text(prepared))
    for junk in ("Sign up", "email", "Listen to this article", "Loading audio", "Picture: Alamy", "See more",
                 "Pope", "Brooke Shields", "Nicola Bulley", "Rishi Sunak", "Jupiter", "By Emma Soteriou",
                 "pic.twitter.com", "https://"):
        assert junk not in text, junk


def test_every_drop_has_a_reason_and_line(prepared) -> None:
    dropped = [d for doc in prepared.documents for d in doc.dropped]
    assert len(dropped) > 100
    assert all(d.reason and d.line >= 1 for d in dropped)
    reasons = {d.reason.split(" after ")[0] for d in dropped}
    assert {"newsletter or sign-up prompt", "audio player widget", "photo caption or credit", "byline",
            "timestamp line", "related-article link", "related-content list"} <= reasons


def test_date_header_parsed_and_text_verbatim() -> None:
    loaded = corpus.load_cluster(CLUSTER_DIR)
    dates = {d.id[:3]: d.date for d in loaded.documents}
    assert dates == {"000": None, "001": dt.date(2023, 2, 4), "002": dt.date(2023, 2, 4),
                     "003": dt.date(2023, 2, 3), "004": dt.date(2023, 2, 3)}
    for d in loaded.documents:
        assert d.text == (CLUSTER_DIR / d.path).read_text(encoding="utf-8")


OWN_PAGE = """date 2024-05-01 Storm floods the harbour town
By Jane Smith
12 March 2024, 09:15
Listen to this story
Subscribe to our morning newsletter and get the headlines in your inbox
Waves broke over the sea wall on Tuesday night, officials said.
Boats in the harbour
Boats in the harbour. Photo: Reuters
Read more: How the town rebuilt after 1990
The council will meet on Friday to discuss repairs.
Most Read
Celebrity chef opens a new restaurant
Football club sacks manager
"""


def test_rules_generalise_to_other_pages() -> None:
    kept, dropped = clean_lines("own", OWN_PAGE)
    assert [t for _, t in kept] == ["Storm floods the harbour town",
                                   "Waves broke over the sea wall on Tuesday night, officials said.",
                                   "The council will meet on Friday to discuss repairs."]
    by_line = {d.line: d.reason for d in dropped}
    assert by_line[2] == "byline" and by_line[3] == "timestamp line" and by_line[4] == "audio player widget"
    assert by_line[5] == "newsletter or sign-up prompt" and by_line[8] == "photo caption or credit"
    assert by_line[7] == "image alt text repeated by the caption" and by_line[9] == "related-article link"
    assert by_line[13].startswith("related-content list")
    assert parse_date_header(OWN_PAGE)[0] == dt.date(2024, 5, 1)


def test_crlf_and_bom_prepare_like_lf() -> None:
    lf = "date 2023-01-02 Title line\n\nFirst sentence here. Second one.\n"
    crlf = "\ufeff" + lf.replace("\n", "\r\n")
    a = prepare_document(Document(id="a", path="a", text=lf, date=None, sha256=""))
    b = prepare_document(Document(id="a", path="a", text=crlf, date=None, sha256=""))
    assert [s.text for s in a.sentences] == [s.text for s in b.sentences] == [
        "Title line", "First sentence here.", "Second one."]


def test_is_boilerplate() -> None:
    assert is_boilerplate("Sign up to our Evening Headlines email for your daily guide to the latest news") is not None
    assert is_boilerplate("The Pentagon said it was tracking the balloon.") is None
