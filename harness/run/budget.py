"""The word budget, enforced identically on every system's output after it is produced.

Words are whitespace tokens with a letter or a digit (a token made only of punctuation, such as
"??" or "—", is kept in the text but never counted). Sentences are kept in order until the budget is reached; the
sentence that crosses it is cut mid-sentence (as DUC's 100-word limit does) and the cut is
recorded. References are never cut.
"""
from __future__ import annotations

from evalsum.models import Budget, BudgetedSummary, Summary
from evalsum.text import count_words, is_word, words


def _take(tokens: list[str], n: int) -> tuple[list[str], int]:
    """The leading tokens that hold n words; punctuation-only tokens ride along and never count."""
    out: list[str] = []
    got = 0
    for t in tokens:
        if is_word(t):
            if got == n:
                break
            got += 1
        out.append(t)
    return out, got


def enforce_budget(summary: Summary, budget: Budget) -> BudgetedSummary:
    sentences = [" ".join(words(s)) for s in summary.sentences]
    kept: list[str] = []
    prov: list[tuple[str, int] | None] = []
    total = sum(count_words(s) for s in sentences)
    left = budget.words
    for i, s in enumerate(sentences):
        if not count_words(s):  # empty, or punctuation only: no sentence
            continue
        if left <= 0:
            break
        taken, got = _take(words(s), left)
        kept.append(" ".join(taken))
        if summary.provenance is not None and i < len(summary.provenance):
            prov.append(summary.provenance[i])
        left -= got
    used = budget.words - left
    return BudgetedSummary(
        sentences=kept, words=used, original_words=total, truncated=total > used,
        provenance=prov if summary.provenance is not None else None, metadata=summary.metadata,
    )
