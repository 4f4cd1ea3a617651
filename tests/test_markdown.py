"""The markdown and chat-furniture stripper: the cases models produce, and a property that it
never removes or changes a line none of its rules matches."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evalsum.systems.markdown import RULES, SETEXT_LINE, strip_markdown


@pytest.mark.parametrize("text, lines, kinds", [
    ("Sure! Here's a 100-word summary of the story.\n\nThe balloon fell. It was big.",
     ["The balloon fell. It was big."], {"preamble": 1}),
    ("Certainly! Below is a summary…:\n\nThe balloon fell.", ["The balloon fell."], {"preamble": 1}),
    ("Sure!\nHere is a summary of the articles:\nThe balloon fell.", ["The balloon fell."], {"preamble": 2}),
    ("Here's a summary in under 100 words: The balloon fell on 4 February.",
     ["The balloon fell on 4 February."], {"preamble": 1}),
    ("Balloon over Montana\n====================\nThe balloon fell.", ["The balloon fell."], {"heading": 1}),
    ("The balloon fell.\n=====\nIt was big.", ["It was big."], {"heading": 1}),  # setext: the line above is a title
    ("**China's Balloon Incident**\n\nThe balloon fell.", ["The balloon fell."], {"title": 1}),
    ("**Key facts:**\nThe balloon fell.", ["The balloon fell."], {"title": 1}),
    ("**The balloon was shot down.**", ["The balloon was shot down."], {"bold": 1}),  # a bold sentence stays
    ("The balloon fell.\n\nI hope this summary helps!", ["The balloon fell."], {"sign-off": 1}),
    ("The balloon fell. I hope this summary helps!", ["The balloon fell."], {"sign-off": 1}),
    ("The balloon fell.\nLet me know if you need more details.", ["The balloon fell."], {"sign-off": 1}),
    ("I hope this ends soon, Biden said. The balloon fell.",
     ["I hope this ends soon, Biden said. The balloon fell."], {}),
    ("<think>\nThe user wants a summary.\n</think>\n\nThe balloon fell.", ["The balloon fell."], {"think": 1}),
    ("<think>Unfinished thought that ran out of tokens", [], {"think": 1}),
    ("Reasoning without an opening tag.</think>The balloon fell.", ["The balloon fell."], {"think": 1}),
    ("| Date | Event |\n|------|:-----:|\n| 4 Feb | Shot down |\n| 5 Feb | Debris found |\n\nThe balloon fell.",
     ["4 Feb; Shot down", "5 Feb; Debris found", "The balloon fell."], {"table": 4}),
    ("Summary: The balloon fell.", ["The balloon fell."], {"summary label": 1}),
    ("**TL;DR:** It fell.", ["It fell."], {"summary label": 1}),
    ("* one\n+ two\n• three", ["one", "two", "three"], {"bullet": 3}),
    ("2) second\n(3) third", ["second", "third"], {"numbering": 2}),
    ("> quoted __strong__ `code` [link](http://x.org/a)", ["quoted strong code link"],
     {"blockquote": 1, "bold": 1, "inline code": 1, "link": 1}),
    ("```\nThe F-22 fired an AIM-9X.\n```\n***", ["The F-22 fired an AIM-9X."],
     {"code fence": 2, "horizontal rule": 1}),
    ("snake_case_name and 5 * 3 * 2 stay", ["snake_case_name and 5 * 3 * 2 stay"], {}),
    ("The U.S. said 60,000 feet.", ["The U.S. said 60,000 feet."], {}),
    ("Officials said here is a summary of events: it fell.",
     ["Officials said here is a summary of events: it fell."], {}),
])
def test_strip_markdown_cases(text: str, lines: list[str], kinds: dict[str, int]) -> None:
    assert strip_markdown(text) == (lines, kinds)


def test_a_repeated_title_or_a_quoted_line_opening_the_answer_is_a_title() -> None:
    title = "Chinese surveillance balloons over the US (3-4 February 2023)"
    text = f'"{title}"\n\nSummary:\nThe balloon fell.\n"Not a title here"'
    assert strip_markdown(text) == (["The balloon fell.", '"Not a title here"'], {"summary label": 1, "title": 1})
    assert strip_markdown(f"{title}:\nThe balloon fell.", title) == (["The balloon fell."], {"title": 1})
    assert strip_markdown(f"{title}:\nThe balloon fell.") == ([f"{title}:", "The balloon fell."], {})
    assert strip_markdown('"The balloon fell."') == (['"The balloon fell."'], {})  # a quoted sentence stays


def test_preamble_is_only_stripped_before_the_content() -> None:
    text = "The balloon fell.\nHere is a summary of the debris: it was large."
    assert strip_markdown(text) == (["The balloon fell.", "Here is a summary of the debris: it was large."], {})


# Sentences built from words that include the stripper's trigger words and markup characters, so
# many of them do match a rule; the property is about the ones that match none. A <think> block
# spans lines, so it appears only whole, as noise (the cases above cover multi-line blocks).
WORDS = st.sampled_from(['"', "The", "balloon", "fell", "Here", "here's", "is", "a", "summary", "of", "the", "story",
                         "Sure", "Certainly", "I", "hope", "this", "helps", "Below", "Let", "me", "know", "if",
                         "**", "*", "_", "#", "|", "-", "1.", ">", "`", "=", "==", ":", "!", ".", ",", "100-word",
                         "[x](http://y.z)", "U.S.", "60,000", "TL;DR", "Summary:"])
SENTENCE = st.lists(WORDS, min_size=1, max_size=9).map(" ".join)
NOISE = st.sampled_from(['"A quoted title"', "## Heading", "---", "=====", "```", "**Title**", "|---|---|",
                         "| a | b |", "- bullet",
                         "Sure!", "Here is a summary:", "I hope this summary helps!", "<think>hmm</think>", ""])


def untouched(line: str) -> bool:
    return not any(rule.search(line) for rule in RULES)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(SENTENCE, NOISE), min_size=1, max_size=12))
def test_stripping_never_removes_a_sentence_no_rule_matches(lines: list[str]) -> None:
    out, _ = strip_markdown("\n".join(lines))
    expected = [line for i, line in enumerate(lines)
                if line and untouched(line) and not (i + 1 < len(lines) and SETEXT_LINE.match(lines[i + 1]))]
    rest = iter(out)
    assert all(any(o == line for o in rest) for line in expected), (expected, out)  # verbatim, in order


def test_the_property_has_lines_to_check() -> None:
    # guard against a vacuous property: plain generated sentences do pass `untouched`
    assert untouched("The balloon fell , the story") and not untouched("Here is a summary:")
