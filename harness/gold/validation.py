"""Gold-data validation: everything `evalsum validate` checks, as a pure report of problems.

A checklist is only trustworthy if its facts are grounded (each matches a source sentence), used
(each is stated by a reference) and its probes are clean (no reference trips one, and each probe
is grounded in a source or marked `external`).

Our annotation rules (no copied run of more than 8 words, two or more references, 90-110 words)
are errors only for clusters marked `hand_made: true` in cluster.yaml; for imported data they are
warnings, and `validate` says which applies.
"""
from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from pathlib import Path

from evalsum.errors import DataError
from evalsum.gold import collection, corpus
from evalsum.metrics import facts as factsm
from evalsum.metrics import grounding
from evalsum.models import Cluster
from evalsum.text import iter_sentence_texts, split_sentences, words
from evalsum.text.normalise import Normaliser

MAX_SHARED_RUN = 8
EMPTY_CHECKLIST = ("no facts or probes yet: add them (see the comments in the file and references/README.md), "
                   "or delete the file to score without facts")


_TOKEN = re.compile(r"[a-z0-9]+")
_LINE = re.compile(r"[^\n]+")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower().replace("’", "'"))


def _ngrams(text: str, n: int) -> set[tuple[str, ...]]:
    toks = _tokens(text)
    return {tuple(toks[i:i + n]) for i in range(len(toks) - n + 1)}


def shared_ngrams(sources: Iterable[str], wanted: AbstractSet[tuple[str, ...]], n: int) -> set[tuple[str, ...]]:
    """The n-grams of `wanted` that occur in the sources read as one text joined by newlines
    (`wanted & _ngrams("\n".join(sources), n)`), streamed line by line against the small set of
    reference n-grams: the sources' own n-gram set (about 130 bytes per source word) is never built.
    A token never spans a line break, so tokens per line are the tokens of the whole text."""
    firsts = {g[0] for g in wanted}
    window: deque[str] = deque(maxlen=n)
    found: set[tuple[str, ...]] = set()
    for text in sources:
        for line in _LINE.finditer(text):
            for t in _tokens(line.group(0)):
                window.append(t)
                if len(window) == n and window[0] in firsts and (g := tuple(window)) in wanted:
                    found.add(g)
    return found


REFERENCE_WORDS = (90, 110)  # our annotators' length rule (the budget is 100 words)


def annotation_findings(cluster: Cluster) -> list[str]:
    """Our own annotation rules (copy runs, two or more references, 90-110 words). Imported data
    (DUC, TAC, Multi-News) was written to other rules, so for it these are warnings only."""
    found: list[str] = []
    ref_grams = [_ngrams(r.text, MAX_SHARED_RUN + 1) for r in cluster.references]
    src_grams = shared_ngrams((d.text for d in cluster.documents), set().union(*ref_grams), MAX_SHARED_RUN + 1)
    low, high = REFERENCE_WORDS
    for r, grams in zip(cluster.references, ref_grams, strict=True):
        shared = grams & src_grams
        if shared:
            found.append(f"{cluster.path}/{r.path}: copies a run of more than {MAX_SHARED_RUN} words from a source: "
                         f"{' '.join(sorted(shared)[0])!r}")
        n = len(words(r.text))
        if not low <= n <= high:
            found.append(f"{cluster.path}/{r.path}: has {n} words (our references have {low} to {high})")
    if len(cluster.references) < 2:
        found.append(f"{cluster.path}/summaries: needs at least two references (has {len(cluster.references)}); "
                     "the human row is not applicable here")
    return found


def check_cluster(cluster: Cluster) -> tuple[list[str], list[str], list[str]]:
    """(problems, warnings, info lines) for one loaded cluster."""
    problems: list[str] = []
    warnings: list[str] = []
    info: list[str] = []
    ck_path = f"{cluster.path}/checklist.yaml"
    if cluster.hand_made:
        info.append("  hand-made (cluster.yaml hand_made: true): the annotation rules are errors")
        problems += annotation_findings(cluster)
    else:
        info.append("  imported (not marked hand_made: true): the annotation rules are warnings")
        warnings += annotation_findings(cluster)
    for r in cluster.references:
        info.append(f"  reference {r.author}: {len(words(r.text))} words")
    if cluster.checklist is None:
        info.append("  no checklist.yaml: fact scoring is off for this cluster")
        return problems, warnings, info
    if not cluster.checklist.facts and not cluster.checklist.probes:
        problems.append(f"{ck_path}: {EMPTY_CHECKLIST}")
        return problems, warnings, info
    norm = Normaliser()
    try:
        compiled = factsm.compile_checklist(cluster.checklist, norm, ck_path)
    except factsm.PatternError as e:
        return problems + [f"{ck_path}: item {e.item_id}: {e}"], warnings, info
    # The sources' sentence texts, streamed and matched a chunk at a time: a large source is never
    # held as sentences or tokens.
    grounded_in = grounding.matches(compiled.facts + compiled.probes, iter_sentence_texts(cluster.documents), norm)
    refs = {r.author: factsm.tokenise(split_sentences(r.text), norm) for r in cluster.references}
    for f in compiled.facts:
        if grounded_in[f.id] is None:
            problems.append(f"{ck_path}: fact {f.id} matches no source sentence "
                            "(unsupported, or its patterns are wrong)")
        stated = [a for a, t in refs.items() if factsm.match(f, t) is not None]
        if not stated:
            problems.append(f"{ck_path}: fact {f.id} is stated by no reference (fix the patterns or the references)")
    externals = {p.id for p in cluster.checklist.probes if p.external}
    for p in compiled.probes:
        for author, t in refs.items():
            hit = factsm.match(p, t)
            if hit is not None:
                problems.append(f"{ck_path}: probe {p.id} is triggered by reference {author}: {hit!r}")
        grounded = grounded_in[p.id]
        if p.id not in externals and grounded is None:
            problems.append(f"{ck_path}: probe {p.id} matches no source sentence; mark it `external: true` if intended")
        if p.id in externals and grounded is not None:
            problems.append(f"{ck_path}: probe {p.id} is marked external but matches a source sentence: {grounded!r}")
    info.append(f"  checklist: {len(compiled.facts)} facts, {len(compiled.probes)} probes")
    return problems, warnings, info


def unfinished(directory: Path) -> list[str]:
    """Every part a cluster still lacks, one line each, so a new skeleton (`evalsum init --cluster`)
    is filled in one pass: loading stops at the first problem."""
    out: list[str] = []
    ck = directory / "checklist.yaml"
    try:
        corpus.cluster_id(directory)
    except DataError as e:
        out.append(str(e))
    try:
        checklist = corpus.load_checklist(ck) if ck.is_file() else None
        if checklist is not None and not checklist.facts and not checklist.probes:
            out.append(f"{ck.as_posix()}: {EMPTY_CHECKLIST}")
    except DataError as e:
        out.append(str(e))
    if not any((directory / "sources").glob("*.txt")):
        out.append(f"{(directory / 'sources').as_posix()}: {corpus.NO_SOURCES}")
    refs = len(list((directory / "summaries").glob("*.txt")))
    if refs < 2:
        out.append(f"{(directory / 'summaries').as_posix()}: needs at least two references (has {refs}): write one "
                   "per author as summaries/<author>.txt, following references/README.md")
    return out


Findings = tuple[list[str], list[str], list[str]]  # (problems, warnings, info lines)


def _add(cluster: Cluster, found: Findings) -> None:
    problems, warnings, info = found
    info.append(f"{cluster.id}: {len(cluster.documents)} sources, {len(cluster.references)} references")
    p, w, i = check_cluster(cluster)
    problems += p
    warnings += w
    info += i


def validate_all(root: Path) -> Findings:
    """(problems, warnings, info) over every cluster under `root`; only problems fail `validate`."""
    found: Findings = ([], [], [])
    try:
        dirs = corpus.discover(root)
    except DataError as e:
        return [str(e)], [], []
    for d in dirs:
        try:
            cluster = corpus.load_cluster(d)
        except DataError as e:
            found[0].extend([str(e)] + [p for p in unfinished(d) if p != str(e)])
            continue
        _add(cluster, found)
    return found


def validate_dataset(path: Path) -> Findings:
    """`validate_all` for a JSONL dataset: a line that does not parse stops the listing (it names
    the line); each cluster that parses gets the folder's checks."""
    found: Findings = ([], [], [])
    source = collection.DatasetSource(path)
    try:
        ids = source.ids()
    except DataError as e:
        return [str(e)], [], []
    for cluster in source.load(ids):
        _add(cluster, found)
    return found
