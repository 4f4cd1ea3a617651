"""Fact checklist scoring: pyramid-weighted recall of key facts, plus contradiction probes.

A fact or probe may list `unless` alternatives (typically negations, "did not postpone"): a
sentence that matches one of them never counts for that item, so the opposite claim earns no
credit. Independently, a negation or refusal cue next to the matched words ("refused to
postpone", "did not fly over Montana", `evalsum.metrics.negation`) vetoes the match. Vetoed
matches are kept in `FactScore.vetoed`, so the audit trail says why a stated-looking fact did not
count.

Matching is lexical and deterministic so every hit can be audited: a pattern alternative is a
phrase matched as a contiguous run of normalised, stemmed tokens, or a regular expression when
written `re:<expr>` (matched against the lowercased sentence). A fact is hit when every pattern
group has a matching alternative inside one summary sentence (scope `sentence`, the default), or
anywhere in the summary (scope `summary`).
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from evalsum.errors import DataError
from evalsum.metrics import negation
from evalsum.metrics.negation import Cues
from evalsum.models import Checklist, Fact, FactHit, FactScore, Probe, Veto
from evalsum.text.normalise import Normaliser
from evalsum.text.safe_regex import PatternTimeout, UnsafePattern, UserPattern, compile_user


@dataclass(frozen=True)
class Alternative:
    phrase: tuple[str, ...] = ()
    regex: UserPattern | None = None  # time-bounded: PatternTimeout past the bound
    source: str = ""  # the alternative as written, for the audit trail

    def spans(self, tokens: Sequence[str], text: str, norm: Normaliser) -> Iterator[tuple[int, int]]:
        """Token spans [start, end) where this alternative matches, in order."""
        if self.regex is not None:
            for m in self.regex.finditer(text.lower()):
                a = len(norm.tokens(text[:m.start()]))
                yield a, a + max(len(norm.tokens(text[m.start():m.end()])), 1)
            return
        n = len(self.phrase)
        if n == 0:
            return
        first = self.phrase[0]
        for i in range(len(tokens) - n + 1):
            if tokens[i] == first and tuple(tokens[i:i + n]) == self.phrase:
                yield i, i + n

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
    kind: Literal["fact", "probe"] = "fact"
    cues: Cues | None = None  # None: negation cues are not checked
    norm: Normaliser | None = None
    origin: str = "checklist.yaml"  # the file the item came from, named when one of its patterns times out


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
                alts.append(Alternative(regex=compile_user(alt[3:]), source=alt))
            except UnsafePattern as e:  # invalid, or too large to compile safely
                raise PatternError(item_id, alt, str(e)) from None
        else:
            toks = tuple(norm.tokens(alt))
            if not toks:
                raise PatternError(item_id, alt, "has no words after normalisation")
            alts.append(Alternative(phrase=toks, source=alt))
    return tuple(alts)


def compile_item(item: Fact | Probe, norm: Normaliser, cues: Cues | None = None,
                 origin: str = "checklist.yaml") -> CompiledItem:
    groups = tuple(_compile_group(item.id, group, norm) for group in item.patterns)
    unless = _compile_group(item.id, item.unless, norm)
    return CompiledItem(id=item.id, scope=item.scope, groups=groups, unless=unless,
                        kind="fact" if isinstance(item, Fact) else "probe",
                        cues=cues or negation.compile_cues(norm), norm=norm, origin=origin)


@dataclass(frozen=True)
class CompiledChecklist:
    facts: tuple[CompiledItem, ...]
    probes: tuple[CompiledItem, ...]
    explicit_weights: dict[str, float | None]


def compile_checklist(checklist: Checklist, norm: Normaliser, origin: str = "checklist.yaml") -> CompiledChecklist:
    """`origin` is the checklist's path: a pattern that later runs past its time bound is one
    DataError naming that file and the item, wherever the match happens (run, validate, show)."""
    cues = negation.compile_cues(norm)
    return CompiledChecklist(
        facts=tuple(compile_item(f, norm, cues, origin) for f in checklist.facts),
        probes=tuple(compile_item(p, norm, cues, origin) for p in checklist.probes),
        explicit_weights={f.id: f.weight for f in checklist.facts},
    )


@dataclass(frozen=True)
class Tokenised:
    """Summary sentences with their normalised tokens, computed once and shared by all items."""

    sentences: tuple[str, ...]
    tokens: tuple[tuple[str, ...], ...]


def tokenise(sentences: Sequence[str], norm: Normaliser) -> Tokenised:
    return Tokenised(tuple(sentences), tuple(tuple(norm.tokens(s)) for s in sentences))


@dataclass(frozen=True)
class Outcome:
    """What matching found: the crediting sentence(s), or else the first veto (the audit trail)."""

    sentence: str | None
    veto: Veto | None = None


def _group(item: CompiledItem, group: tuple[Alternative, ...], toks: Sequence[str],
           sent: str) -> tuple[bool, str | None]:
    """(an alternative matches un-negated, else the cue that negated a match)."""
    cue = None
    for alt in group:
        if item.cues is None or item.norm is None:
            if alt.matches(toks, sent):
                return True, None
            continue
        for a, b in alt.spans(toks, sent, item.norm):
            c = negation.cue_near(toks, a, b, item.cues)
            if c is None:
                return True, None
            cue = cue or c
    return False, cue


def _unless(item: CompiledItem, toks: Sequence[str], sent: str) -> str | None:
    return next((a.source for a in item.unless if a.matches(toks, sent)), None)


def _veto(item: CompiledItem, reason: Literal["unless", "negation"], cue: str, sentence: str) -> Veto:
    return Veto(item=item.kind, id=item.id, reason=reason, cue=cue, sentence=sentence)


def _in_sentence(item: CompiledItem, sent: str, toks: Sequence[str]) -> Outcome:
    cue = None
    for g in item.groups:
        ok, negated = _group(item, g, toks, sent)
        if not ok and negated is None:
            return Outcome(None)
        cue = cue or negated
    unless = _unless(item, toks, sent)
    if unless is not None:
        return Outcome(None, _veto(item, "unless", unless, sent))
    return Outcome(None, _veto(item, "negation", cue, sent)) if cue else Outcome(sent)


def explain(item: CompiledItem, text: Tokenised) -> Outcome:
    """Match one item against a summary: where it is stated, or why a match did not count. A
    pattern that runs past its bound names the checklist file and the item."""
    try:
        return _explain(item, text)
    except PatternTimeout as e:
        raise DataError(item.origin, f"{item.kind} {item.id}", f"re:{e.pattern}: {e.message}") from None


def _explain(item: CompiledItem, text: Tokenised) -> Outcome:
    pairs = list(zip(text.sentences, text.tokens, strict=True))
    if item.scope == "sentence":
        first_veto = None
        for sent, toks in pairs:
            out = _in_sentence(item, sent, toks)
            if out.sentence is not None:
                return out
            first_veto = first_veto or out.veto
        return Outcome(None, first_veto)
    for sent, toks in pairs:
        unless = _unless(item, toks, sent)
        if unless is not None:
            return Outcome(None, _veto(item, "unless", unless, sent))
    found = []
    for g in item.groups:
        hit, veto = None, None
        for sent, toks in pairs:
            ok, cue = _group(item, g, toks, sent)
            if ok:
                hit = sent
                break
            if cue and veto is None:
                veto = _veto(item, "negation", cue, sent)
        if hit is None:
            return Outcome(None, veto)
        found.append(hit)
    return Outcome(" / ".join(dict.fromkeys(found)))


def match(item: CompiledItem, text: Tokenised) -> str | None:
    """The sentence that satisfies the item (the audit trail), or None."""
    return explain(item, text).sentence


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
    hits: list[FactHit] = []
    contradictions: list[FactHit] = []
    vetoed: list[Veto] = []
    for item in checklist.facts + checklist.probes:
        out = explain(item, summary)
        if out.sentence is not None:
            weight = weights[item.id] if item.kind == "fact" else 1.0
            hit = FactHit(id=item.id, weight=weight, sentence=out.sentence)
            (hits if item.kind == "fact" else contradictions).append(hit)
        elif out.veto is not None:
            vetoed.append(out.veto)
    total = sum(weights.values())
    got = sum(h.weight for h in hits)
    return FactScore(recall=got / total if total > 0 else 0.0, total_weight=total, hit_weight=got,
                     weights=weights, ref_counts=ref_counts or {}, hits=hits, contradictions=contradictions,
                     vetoed=vetoed)
