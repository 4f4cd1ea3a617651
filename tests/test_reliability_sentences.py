"""Sentence splitting on lines of any length: the same sentences as one Punkt call, with Punkt
never handed more than a window, so no time guard (NLTK's is 5 s of wall clock) can fire."""
from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from evalsum.gold.corpus import load_cluster
from evalsum.text import prepare, sentences, split_sentences
from evalsum.text.sentences import WINDOW, split_line
from tests.conftest import CLUSTER_DIR

GOLDEN = Path(__file__).parent / "fixtures" / "sentences" / "balloon-2023-02.json"


class Counting:
    """Wraps a tokenizer and records the length of every text handed to it."""

    def __init__(self, inner: sentences.SpanTokenizer) -> None:
        self.inner = inner
        self.sizes: list[int] = []

    def span_tokenize(self, text: str) -> Iterator[tuple[int, int]]:
        self.sizes.append(len(text))
        return self.inner.span_tokenize(text)


class DotSpace:
    """A stand-in for Punkt that is linear and fast: a sentence ends at '. ' (for the 10 MB line,
    where the driver, not Punkt, is under test)."""

    def span_tokenize(self, text: str) -> Iterator[tuple[int, int]]:
        start = 0
        for m in re.finditer(r"\. +", text):
            yield start, m.start() + 1
            start = m.end()
        if text[start:].rstrip():
            yield start, len(text.rstrip())


def test_bundled_cluster_sentences_are_unchanged() -> None:
    """The golden file was written by the splitter before windows existed."""
    cluster = load_cluster(CLUSTER_DIR)
    prepared = prepare(cluster.id, cluster.title, cluster.documents)
    got = {"sources": {d.id: [s.text for s in d.sentences] for d in prepared.documents},
           "references": {r.author: split_sentences(r.text) for r in cluster.references}}
    assert got == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_whole_cluster_on_one_line_splits_as_one_punkt_call() -> None:
    """Every line of the cluster joined into one 21 kB line, cut into 5,000-character windows:
    the sentences are exactly those of a single Punkt call (longest sentence: 1,798 characters)."""
    text = " ".join(line.strip() for p in sorted(CLUSTER_DIR.rglob("*.txt"))
                    for line in p.read_text(encoding="utf-8").splitlines() if line.strip())
    punkt = sentences._punkt()
    want = [text[a:b] for a, b in punkt.span_tokenize(text)]
    counting = Counting(punkt)
    assert split_line(text, counting, 5_000) == want
    assert len(want) == 105 and max(counting.sizes) <= 5_000 and len(counting.sizes) >= 5


VOCAB = ("the dog ran fast Mr. Smith U.S. officials said J. K. Rowling No. 5 3.5 ... !! ? ! ?! \" ( ) ' -- "
         "a.m. etc. e.g. Dr. Jan. 4. I. II. x.y.z. hello.\" (yes.) [no.] end.) \"Why?\" she asked. "
         "Balloon. China. 'Quote.' \u201ccurly.\u201d \u00abguil.\u00bb --dash. A. B. .\" .) !\" ?' ).").split(" ")
FILLER = ["word", "Word", "and", "of", "x", "", "\t"]


def test_windows_give_the_same_sentences_as_one_punkt_call_on_random_lines() -> None:
    """Seeded random lines full of Punkt's hard cases (abbreviations, initials, numbers, quotes,
    brackets, ellipses, '!!', '--'), split with tiny windows: whenever every sentence is shorter
    than a quarter window (the documented guarantee), the result is exactly Punkt's."""
    punkt = sentences._punkt()
    checked = 0
    for seed in range(600):
        rng = random.Random(seed)
        p = rng.uniform(0.4, 1.0)
        line = " ".join(rng.choice(VOCAB) if rng.random() < p else rng.choice(FILLER)
                        for _ in range(rng.randint(30, 250))).strip()
        window = rng.choice([80, 120, 200])
        want = [line[a:b] for a, b in punkt.span_tokenize(line)]
        if max(map(len, want), default=0) >= window // 4:
            continue
        counting = Counting(punkt)
        assert split_line(line, counting, window) == want, (seed, window)
        assert max(counting.sizes) <= window
        checked += len(counting.sizes) > 2  # cut at least twice
    assert checked > 70


def test_long_line_of_short_sentences_hands_punkt_bounded_windows() -> None:
    """300 kB on one line through the real Punkt: every sentence found, Punkt never handed more
    than WINDOW characters, and under 1.1x the line in total (linear work)."""
    line = "The dog ran. " * 23_000
    counting = Counting(sentences._punkt())
    got = split_line(line.strip(), counting)
    assert got == ["The dog ran."] * 23_000
    assert max(counting.sizes) <= WINDOW and sum(counting.sizes) <= 1.1 * len(line)


def test_ten_megabyte_line_is_linear() -> None:
    """10 MB on one line: the windows handed over are bounded and sum to under 1.1x the line."""
    line = ("Short one. " * 1_000_000).strip()
    counting = Counting(DotSpace())
    got = split_line(line, counting)
    assert len(got) == 1_000_000 and got[0] == got[-1] == "Short one."
    assert max(counting.sizes) <= WINDOW and sum(counting.sizes) <= 1.1 * len(line)


def test_text_with_no_breaks_is_cut_at_spaces_in_bounded_windows() -> None:
    """No sentence break in 100 kB through Punkt, nor in 1 MB with no space at all: still
    bounded windows, under 4x the line in total, and every character kept."""
    for line in ("word " * 20_000, "x" * 1_000_000, "a.b " * 25_000):
        counting = Counting(sentences._punkt() if len(line) < 300_000 else DotSpace())
        got = split_line(line.strip(), counting)
        assert max(counting.sizes) <= WINDOW and sum(counting.sizes) <= 4 * len(line)
        assert "".join(got).replace(" ", "") == line.replace(" ", "")


def test_split_sentences_uses_the_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    """The public function goes through the windowed path (not one Punkt call) on long lines."""
    counting = Counting(sentences._punkt())
    monkeypatch.setattr(sentences, "_punkt", lambda: counting)
    text = "Intro line.\n" + "The dog ran. " * 5_000 + "\nLast line."
    got = split_sentences(text)
    assert got == ["Intro line.", *["The dog ran."] * 5_000, "Last line."]
    assert max(counting.sizes) <= WINDOW and len(counting.sizes) >= 5


TRICKY = ['Go!! Now.', 'acting!!! I promise.', 'He said "yes."Then left.', '(Sent one.) Sent two.', 'end."--Next one.',
          'Mr. Smith came.', 'J. K. Rowling wrote.', 'No. 5 won.', 'It was 3.5 m.', 'Wait... what?', 'x.y.z. Next.',
          '"Why?" she asked.', 'end.) Then.', 'A. B. C. Done.', '\u201ccurly.\u201d Next.', 'Stop.") Go.',
          'Yes.No. Maybe.', 'He said "yes."Mr. Smith left.', 'Ok."--Dr. Who came.']


@pytest.mark.parametrize("tricky", TRICKY)
def test_every_window_end_position_around_hard_cases(tricky: str) -> None:
    """Each of Punkt's hard cases repeated in a line, with every window size from 60 to 199, so
    window ends fall on every character around it: always Punkt's own sentences. (Trusting a
    break in a window's last token, e.g. 'Go!' of 'Go!! Now.', fails this.)"""
    punkt = sentences._punkt()
    line = ("One two. Three four five. " * 3 + tricky + " ") * 6 + "Last bit."
    want = [line[a:b] for a, b in punkt.span_tokenize(line)]
    for window in range(60, 200):
        if max(map(len, want)) < window // 4:
            assert split_line(line, punkt, window) == want, window
