"""Fuzzing: random text and bytes through loading, cleaning, splitting, every built-in backend and
every metric. Nothing may crash, and every score stays in its range."""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evalsum.contract import ReferenceReader
from evalsum.errors import DataError
from evalsum.gold import corpus
from evalsum.metrics import facts as factsm
from evalsum.metrics.scorer import Scorer
from evalsum.models import (
    Budget,
    Checklist,
    Cluster,
    ClusterScore,
    Document,
    Fact,
    Failure,
    Probe,
    Reference,
    Settings,
    Summary,
)
from evalsum.run import registry
from evalsum.run.budget import enforce_budget
from evalsum.run.cache import SummaryCache
from evalsum.run.cluster import ClusterWork, RunSystem, prepare_cluster
from evalsum.text import clean_lines, count_words, parse_date_header, prepare_document, split_sentences
from evalsum.text.normalise import Normaliser

# 50 examples keep the suite fast; EVALSUM_FUZZ_EXAMPLES=2000 for a long local hunt.
FUZZ = settings(max_examples=int(os.environ.get("EVALSUM_FUZZ_EXAMPLES", "50")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow])

# Pieces that trigger the cleaning rules, the date header, aliases and number normalisation, mixed
# with arbitrary unicode so both the rules and the fallbacks get exercised.
PIECES = ["The", "balloon", "was", "spotted", "over", "Montana", ".", ",", "!", "?", " ", " ", "\n", "\r\n", "\r",
          "\t", "date 2023-02-04 ", "date 2023-13-45 ", "\ufeff", "Sign up to our newsletter email", "By Jane Doe",
          "Photo: Reuters", "Read more: elsewhere", "Most read", "https://example.com/x", "U.S.", "Feb.", "3rd",
          "1,400", "two", "Mr.", "e.g.", "\u00a0", "\u2028", "\x00", "“quoted”", "—", "…"]
structured = st.lists(st.sampled_from(PIECES), max_size=80).map("".join)
anything = st.text(max_size=300)
texts = st.one_of(structured, anything, st.lists(st.one_of(structured, anything), max_size=3).map("\n".join))


def in_range(score: ClusterScore, n_sentences: int | None = None) -> None:
    """ROUGE and fact recall in [0, 1]; counts whole and non-negative; style ratios in their ranges."""
    assert set(score.rouge) == {"rouge1", "rouge2", "rougeL", "rougeLsum"}
    for prf in score.rouge.values():
        assert 0.0 <= prf.p <= 1.0 and 0.0 <= prf.r <= 1.0 and 0.0 <= prf.f <= 1.0
        assert prf.f <= max(prf.p, prf.r) + 1e-12  # F lies between P and R
    if score.facts is not None:
        f = score.facts
        assert 0.0 <= f.recall <= 1.0
        assert 0.0 <= f.hit_weight <= f.total_weight + 1e-9
        assert all(w >= 0 for w in f.weights.values())
        # each probe hits at most once, and every hit carries the sentence that tripped it
        assert len({c.id for c in f.contradictions}) == len(f.contradictions)
        assert all(c.sentence for c in f.contradictions + f.hits)
    q = score.quality
    if q is not None:  # faithfulness and style (evalsum.metrics.quality)
        f, s, e = q.faithfulness, q.style, q.extractiveness
        assert 0 <= f.unsupported <= f.claims_checked
        assert 0.0 <= s.redundancy <= 1.0 and 0.0 <= e.coverage <= 1.0 + 1e-12
        assert e.density >= 0.0 and e.compression >= 0.0 and s.off_topic >= 0
        assert e.density >= e.coverage - 1e-12  # every fragment is at least one word long
        if n_sentences is not None:
            assert s.off_topic <= n_sentences and len(s.off_topic_items) == s.off_topic


@FUZZ
@given(texts)
def test_cleaning_and_splitting_never_crash(text: str) -> None:
    date, body = parse_date_header(text)
    assert body == text.lstrip("\ufeff") or date is not None
    kept, dropped = clean_lines("doc", text)
    n_lines = len(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    for no, line in kept:
        assert 1 <= no <= n_lines and line and line == line.strip()
    assert all(d.reason and d.line >= 1 for d in dropped)
    for s in split_sentences(text):
        assert s and s == s.strip() and "\n" not in s
    doc = prepare_document(Document(id="doc", path="sources/doc.txt", text=text, date=date, sha256="0"))
    assert [s.index for s in doc.sentences] == list(range(len(doc.sentences)))
    assert all(s.text.strip() for s in doc.sentences)


def make_cluster_dir(root: Path, source: bytes) -> Path:
    d = root / "c"
    (d / "sources").mkdir(parents=True)
    (d / "summaries").mkdir()
    (d / "cluster.yaml").write_text("id: c\ntitle: T\n", encoding="utf-8")
    (d / "sources" / "a.txt").write_bytes(source)
    (d / "summaries" / "x.txt").write_text("A balloon was seen.\n", encoding="utf-8")
    return d


@FUZZ
@given(st.one_of(st.binary(max_size=300), texts.map(lambda t: t.encode("utf-8")),
                 texts.map(lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"))))
def test_random_bytes_load_or_give_one_clear_data_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        d = make_cluster_dir(Path(tmp), data)
        try:
            cluster = corpus.load_cluster(d)
        except DataError as e:
            msg = str(e)
            assert msg.startswith(f"{d / 'sources' / 'a.txt'}") and "\n" not in msg
            return
        prepared = prepare_cluster(cluster)
        assert cluster.documents[0].text == data.decode("utf-8-sig")  # kept verbatim
        assert all(s.text.strip() for s in prepared.sentences)


# Every built-in that needs no input file, server or model: the core set plus lead-k variants.
CORE = [registry.build(name) for name in registry.CORE] + [registry.build("lead-k", {"k": 7, "lead": "first-file"})]


@st.composite
def clusters(draw: st.DrawFn) -> tuple[Cluster, int, str]:
    sources = draw(st.lists(texts, min_size=1, max_size=3))
    refs = draw(st.lists(texts.filter(lambda t: bool(t.split())), min_size=1, max_size=3))
    words = sorted({w for t in sources + refs for w in re.findall(r"[A-Za-z]{2,}", t)}) or ["balloon"]
    phrase = st.lists(st.sampled_from(words), min_size=1, max_size=2).map(" ".join)
    group = st.lists(st.one_of(phrase, st.just("re:ball?o+n")), min_size=1, max_size=2)
    facts = [Fact(id=f"f{i}", statement="s", patterns=draw(st.lists(group, min_size=1, max_size=2)),
                  weight=draw(st.one_of(st.none(), st.floats(0, 5))),
                  scope=draw(st.sampled_from(["sentence", "summary"])))
             for i in range(draw(st.integers(0, 3)))]
    probes = [Probe(id=f"p{i}", statement="s", patterns=draw(st.lists(group, min_size=1, max_size=2)))
              for i in range(draw(st.integers(0, 2)))]
    docs = [Document(id=f"d{i}", path=f"sources/d{i}.txt", text=t, date=parse_date_header(t)[0], sha256="0")
            for i, t in enumerate(sources)]
    references = [Reference(author=f"r{i}", path=f"summaries/r{i}.txt", text=t, sha256="0") for i, t in enumerate(refs)]
    checklist = draw(st.sampled_from([None, Checklist(facts=facts, probes=probes)]))
    cluster = Cluster(id="fuzz", title="Fuzz", path="fuzz", documents=docs, references=references,
                      checklist=checklist, sha256="0")
    return cluster, draw(st.integers(1, 150)), draw(st.sampled_from(["pooled", "max", "mean"]))


@FUZZ
@given(clusters())
def test_every_backend_and_metric_on_random_clusters(case: tuple[Cluster, int, str]) -> None:
    cluster, words, policy = case
    budget = Budget(words=words)
    scorer = Scorer(Settings(budget=words, policy=policy))  # type: ignore[arg-type]
    prepared = prepare_cluster(cluster)
    gold = scorer.gold(cluster, prepared)
    refs = ["\n".join(s) for s in gold.ref_sentences]
    assert {s.name for s in CORE} == set(registry.CORE) | {"lead-k"}
    for system in CORE:
        reads = isinstance(system, ReferenceReader)
        summary = system.summarise(prepared, budget, refs) if reads else system.summarise(prepared, budget)
        assert isinstance(summary, Summary)
        shown = enforce_budget(summary, budget)
        assert 0 <= shown.words <= words and shown.words == sum(count_words(s) for s in shown.sentences)
        assert shown.truncated == (shown.original_words > shown.words)
        if isinstance(system, ReferenceReader) and system.leave_one_out:
            if len(gold.authors) < 2:
                continue
            mean = scorer.leave_one_out(gold, [enforce_budget(Summary(sentences=s), budget).sentences
                                               for s in gold.ref_sentences])
            assert mean.leave_one_out is not None and mean.quality is not None
            for s in (mean, *mean.leave_one_out.values()):
                in_range(s)
        else:
            in_range(scorer.score(shown.sentences, gold), len(shown.sentences))

    # The same cluster through the runner: every result is ok, or failed for a reason a user can act on.
    with tempfile.TemporaryDirectory() as tmp:
        work = ClusterWork(systems=[RunSystem(label=s.name, backend=s) for s in CORE], scorer=scorer,
                           cache=SummaryCache(Path(tmp), enabled=False), timeout=None)
        lines = work.run(cluster).lines
    for line in lines:
        r = line.result
        if r.status == "failed":
            assert r.failure in (Failure(kind="backend", message="summarise() returned an empty summary"),
                                 Failure(kind="data", message="fuzz:summaries/: the human row needs at least two "
                                                              "references")), r.failure
        elif r.status == "not_applicable":  # the human row on a single-reference cluster
            assert line.system == "human" and len(cluster.references) == 1 and r.scores is None
        else:
            assert r.scores is not None and r.summary is not None
            loo = line.system == "human"  # scores are means over references
            in_range(r.scores, None if loo else len(r.summary.sentences))


@FUZZ
@given(st.text(max_size=30))
def test_any_pattern_compiles_or_raises_pattern_error(pattern: str) -> None:
    for alt in (pattern, "re:" + pattern):
        if not alt.strip():
            continue
        fact = Fact(id="f", statement="s", patterns=[[alt]])
        try:
            factsm.compile_item(fact, Normaliser())
        except factsm.PatternError as e:
            assert e.item_id == "f"
