"""Words: the budget's unit, and the one list of English function words."""
from __future__ import annotations

import re

# English function words (the usual IR list): they carry no topic. Metrics and backends add their
# own extras to this one list rather than keeping copies.
FUNCTION_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me more
    most my myself no nor not now of off on once only or other our ours ourselves out over own same she
    should so some such than that the their theirs them themselves then there these they this those
    through to too under until up very was we were what when where which while who whom why will with
    would you your yours yourself yourselves""".split()
)


def words(text: str) -> list[str]:
    """Whitespace tokens, identical for every system; `count_words` says which of them are words."""
    return text.split()


_LETTER_OR_DIGIT = re.compile(r"[^\W_]")


def is_word(token: str) -> bool:
    """A token made only of punctuation ("??", "—", "...") is no word: it never counts against the budget."""
    return _LETTER_OR_DIGIT.search(token) is not None


def count_words(text: str) -> int:
    """The budget's unit: whitespace tokens holding at least one letter or digit."""
    return sum(1 for t in text.split() if is_word(t))
