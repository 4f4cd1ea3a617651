"""The word budget, enforced identically on every system's output after it is produced.

Words are whitespace tokens. Sentences are kept in order until the budget is reached; the
sentence that crosses it is cut mid-sentence (as DUC's 100-word limit does) and the cut is
recorded. References are never cut.
"""
from __future__ import annotations

from evalsum.models import Budget, BudgetedSummary, Summary
from evalsum.text import words


def enforce_budget(summary: Summary, budget: Budget) -> BudgetedSummary:
    sentences = [" ".join(words(s)) for s in summary.sentences]
    kept: list[str] = []
    prov: list[tuple[str, int] | None] = []
    total = sum(len(words(s)) for s in sentences)
    left = budget.words
    for i, s in enumerate(sentences):
        w = words(s)
        if not w:
            continue
        if left <= 0:
            break
        kept.append(" ".join(w[:left]))
        if summary.provenance is not None and i < len(summary.provenance):
            prov.append(summary.provenance[i])
        left -= min(len(w), left)
    used = budget.words - left
    return BudgetedSummary(
        sentences=kept, words=used, original_words=total, truncated=total > used,
        provenance=prov if summary.provenance is not None else None, metadata=summary.metadata,
    )
