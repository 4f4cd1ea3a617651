"""Fact checklist scoring: pyramid-weighted recall of key facts, plus contradiction probes.

A fact may list `unless` alternatives (typically negations, "did not postpone"): a sentence that
matches one of them never counts for that fact, so the opposite claim earns no credit.

Matching is lexical and deterministic so every hit can be audited: a pattern alternative is a
phrase matched as a contiguous run of normalised, stemmed tokens, or a regular expression when
written `re:<expr>` (matched against the lowercased sentence). A fact is hit when every pattern
group has a matching alternative inside one summary sentence (scope `sentence`, the default), or
anywhere in the summary (scope `summary`).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from evalsum.models import Checklist, Fact, FactHit, FactScore, Probe
from evalsum.text.normalise import Normaliser
from evalsum.text.safe_regex import UnsafePattern, UserPattern, compile_user


@dataclass(frozen=True)
class Alternative:
    phrase: tuple[str, ...] = ()
    regex: UserPattern | None = None  # time-bounded: PatternTimeout past the bound

    def matches(self, tokens: Sequence[str], text: str) -> bool:
        if self.regex is not None:
            return self.regex.search(text.lower()) is not None
        n = len(self.phrase)
        if n == 0:
            return False
        first = self.phrase[0]
        return any(tokens[i] == first and tuple(tokens[i:i + n]) == self.phrase for i in range(len(tokens) - n + 1))


@dataclass(frozen=True)
class CompiledItem:
    id: str
    scope: str
    groups: tuple[tuple[Alternative, ...], ...]
    unless: tuple[Alternative, ...] = ()


class PatternError(ValueError):
    """A pattern that cannot be compiled: carries the item id and the offending text."""

    def __init__(self, item_id: str, pattern: str, why: str) -> None:
        self.item_id, self.pattern = item_id, pattern
        super().__init__(f"{item_id}: pattern {pattern!r}: {why}")


def _compile_group(item_id: str, group: Sequence[str], norm: Normaliser) -> tuple[Alternative, ...]:
    alts = []
    for alt in group:
        if alt.startswith("re:"):
            try:
                alts.append(Alternative(regex=compile_user(alt[3:])))
            except UnsafePattern as e:  # invalid, or too large to compile safely
                raise PatternError(item_id, alt, str(e)) from None
        else:
            toks = tuple(norm.tokens(alt))
            if not toks:
                raise PatternError(item_id, alt, "has no words after normalisation")
            alts.append(Alternative(phrase=toks))
    return tuple(alts)


def compile_item(item: Fact | Probe, norm: Normaliser) -> CompiledItem:
    groups = tuple(_compile_group(item.id, group, norm) for group in item.patterns)
    unless = _compile_group(item.id, item.unless, norm) if isinstance(item, Fact) else ()
    return CompiledItem(id=item.id, scope=item.scope, groups=groups, unless=unless)


@dataclass(frozen=True)
class CompiledChecklist:
    facts: tuple[CompiledItem, ...]
    probes: tuple[CompiledItem, ...]
    explicit_weights: dict[str, float | None]


def compile_checklist(checklist: Checklist, norm: Normaliser) -> CompiledChecklist:
    return CompiledChecklist(
        facts=tuple(compile_item(f, norm) for f in checklist.facts),
        probes=tuple(compile_item(p, norm) for p in checklist.probes),
        explicit_weights={f.id: f.weight for f in checklist.facts},
    )


@dataclass(frozen=True)
class Tokenised:
    """Summary sentences with their normalised tokens, computed once and shared by all items."""

    sentences: tuple[str, ...]
    tokens: tuple[tuple[str, ...], ...]


def tokenise(sentences: Sequence[str], norm: Normaliser) -> Tokenised:
    return Tokenised(tuple(sentences), tuple(tuple(norm.tokens(s)) for s in sentences))


def match(item: CompiledItem, text: Tokenised) -> str | None:
    """The sentence that satisfies the item (the audit trail), or None."""
    vetoed = [any(a.matches(t, s) for a in item.unless) for s, t in zip(text.sentences, text.tokens)]
    if item.scope == "sentence":
        for sent, toks, veto in zip(text.sentences, text.tokens, vetoed):
            if not veto and all(any(a.matches(toks, sent) for a in g) for g in item.groups):
                return sent
        return None
    if any(vetoed):
        return None
    found = []
    for g in item.groups:
        hit = next((s for s, t in zip(text.sentences, text.tokens) if any(a.matches(t, s) for a in g)), None)
        if hit is None:
            return None
        found.append(hit)
    return " / ".join(dict.fromkeys(found))


def reference_counts(checklist: CompiledChecklist, references: Sequence[Tokenised]) -> dict[str, int]:
    """How many references state each fact."""
    return {f.id: sum(match(f, r) is not None for r in references) for f in checklist.facts}


def default_weights(checklist: CompiledChecklist, references: Sequence[Tokenised]) -> dict[str, float]:
    """Pyramid weights: the number of references stating each fact, unless a weight is explicit."""
    counts = reference_counts(checklist, references)
    out = {}
    for f in checklist.facts:
        explicit = checklist.explicit_weights.get(f.id)
        out[f.id] = float(explicit) if explicit is not None else float(counts[f.id])
    return out


def score_facts(summary: Tokenised, checklist: CompiledChecklist, weights: dict[str, float],
                ref_counts: dict[str, int] | None = None) -> FactScore:
    hits = []
    for f in checklist.facts:
        sent = match(f, summary)
        if sent is not None:
            hits.append(FactHit(id=f.id, weight=weights[f.id], sentence=sent))
    contradictions = []
    for p in checklist.probes:
        sent = match(p, summary)
        if sent is not None:
            contradictions.append(FactHit(id=p.id, weight=1.0, sentence=sent))
    total = sum(weights.values())
    got = sum(h.weight for h in hits)
    return FactScore(recall=got / total if total > 0 else 0.0, total_weight=total, hit_weight=got,
                     weights=weights, ref_counts=ref_counts or {}, hits=hits, contradictions=contradictions)
