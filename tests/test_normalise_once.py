"""Each summary and source sentence is normalised once per scoring call, and facts, faithfulness
and style all read that one analysis. A counting Normaliser pins it: `words` (canonical tokens)
and `dates` are its only ways in to the costly work."""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from evalsum.gold import corpus
from evalsum.metrics.scorer import Scorer
from evalsum.models import Settings
from evalsum.text import prepare
from evalsum.text.normalise import DateMention, Normaliser
from tests.conftest import REFERENCES

SUMMARY = [
    "The US shot down a Chinese balloon off South Carolina on 4 February.",
    "Canada said it was monitoring a potential second incident.",
    "Blinken postponed his trip to Beijing.",
]


class CountingNormaliser(Normaliser):
    def __init__(self) -> None:
        super().__init__()
        self.words_of: Counter[str] = Counter()
        self.dates_of: Counter[str] = Counter()

    def words(self, text: str, dates: Sequence[DateMention] | None = None) -> list[str]:
        self.words_of[text] += 1
        return super().words(text, dates)

    def dates(self, text: str) -> list[DateMention]:
        self.dates_of[text] += 1
        return super().dates(text)

    def reset(self) -> None:
        self.words_of.clear()
        self.dates_of.clear()


def _scorer() -> tuple[Scorer, CountingNormaliser]:
    scorer = Scorer(Settings())
    norm = CountingNormaliser()
    scorer.norm = norm
    return scorer, norm


def test_summary_sentences_are_normalised_once_per_score_call() -> None:
    cluster = corpus.load_clusters(REFERENCES, None)[0]
    scorer, norm = _scorer()
    gold = scorer.gold(cluster)
    assert gold.checklist is not None and gold.sources is not None  # facts, faithfulness and style all run
    norm.reset()
    score = scorer.score(SUMMARY, gold)
    assert score.facts is not None and score.facts.hits and score.quality is not None
    assert [norm.words_of[s] for s in SUMMARY] == [1, 1, 1]
    assert [norm.dates_of[s] for s in SUMMARY] == [1, 1, 1]
    # anything else normalised is a claim's words (entity runs such as "South Carolina"), never a sentence
    assert all(len(t.split()) <= 3 for t in norm.words_of if t not in SUMMARY)


def test_source_sentences_are_normalised_once_per_cluster() -> None:
    cluster = corpus.load_clusters(REFERENCES, None)[0]
    scorer, norm = _scorer()
    scorer.gold(cluster)
    sources = Counter(s.text for s in prepare(cluster.id, cluster.title, cluster.documents).sentences)
    assert len(sources) == 71
    assert {s: norm.words_of[s] for s in sources} == dict(sources)
    assert {s: norm.dates_of[s] for s in sources} == dict(sources)


def test_each_reference_is_normalised_once_in_the_human_row() -> None:
    cluster = corpus.load_clusters(REFERENCES, None)[0]
    scorer, norm = _scorer()
    gold = scorer.gold(cluster)
    norm.reset()
    score = scorer.leave_one_out(gold, gold.ref_sentences)
    assert score.leave_one_out is not None and set(score.leave_one_out) == set(gold.authors)
    refs = Counter(s for sents in gold.ref_sentences for s in sents)
    assert {s: norm.words_of[s] for s in refs} == dict(refs)
    assert {s: norm.dates_of[s] for s in refs} == dict(refs)
