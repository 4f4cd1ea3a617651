"""The memory fixes of issue 16 change how things are built, never what: each compact or streamed
version equals the old, plainly written definition (kept here as the reference) on the bundled
cluster and on random texts. No timing or memory is measured here (benchmarks/bench_memory.py)."""
from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from collections import Counter
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks import bench_memory
from evalsum.gold import corpus, validation
from evalsum.metrics import faithfulness, style
from evalsum.models import Document, DroppedLine, Prepared, PreparedDocument, Sentence
from evalsum.run import identity
from evalsum.systems.term_matrix import Analyser, term_matrix
from evalsum.text import cleaning, iter_sentence_texts, prepare, prepare_document, split_sentences
from evalsum.text.normalise import Normaliser
from tests.conftest import CLUSTER_DIR

CLUSTER = corpus.load_cluster(CLUSTER_DIR)
WORDS = st.sampled_from("a b c the cat sat on mat U.S. Feb. 3 2023 one two Ryder balloon’s “quoted” é".split())
TEXT = st.lists(st.one_of(WORDS, st.sampled_from(["\n", "\r\n", "\r", ". ", "\ufeff", "  "])),
                max_size=60).map(" ".join)
SOURCES = st.lists(TEXT, min_size=1, max_size=4)
PROPERTY = settings(max_examples=60, deadline=None)


# ---------------------------------------------------------------- extractiveness: ids, not strings


def old_fragments(summary: list[str], documents: list[list[str]]) -> list[tuple[int, int, int]]:
    """Newsroom fragments over a tuple of token strings (None between documents), as before."""
    tokens: list[str | None] = []
    for doc in documents:
        if tokens:
            tokens.append(None)
        for s in doc:
            tokens.extend(style.lower_words(s))
    positions: dict[str, list[int]] = {}
    for i, t in enumerate(tokens):
        if t is not None:
            positions.setdefault(t, []).append(i)
    out, n, i = [], len(summary), 0
    while i < n:
        best: tuple[int, int, int] | None = None
        resume = 0
        for p in positions.get(summary[i], ()):
            if p < resume:
                continue
            k = 0
            while i + k < n and p + k < len(tokens) and tokens[p + k] == summary[i + k]:
                k += 1
            if best is None or k > best[2]:
                best = (i, p, k)
            resume = p + k
        if best is None:
            i += 1
        else:
            out.append(best)
            i += best[2]
    return out


@PROPERTY
@given(st.lists(st.lists(TEXT, max_size=3), max_size=3), TEXT)
def test_extractiveness_on_word_ids_equals_the_string_definition(docs: list[list[str]], summary: str) -> None:
    words = style.lower_words(summary)
    source = style.index_sources(docs)
    got = style.fragments(words, source)
    assert [(f.summary, f.source, f.length) for f in got] == old_fragments(words, docs)
    assert source.length == sum(len(style.lower_words(s)) for d in docs for s in d)


def test_source_index_holds_ids_and_positions_not_strings() -> None:
    source = style.index_sources([["a b a"], ["b c"]])
    assert list(source.ids) == [0, 1, 0, style.BOUNDARY, 1, 2]
    assert source.vocabulary == {"a": 0, "b": 1, "c": 2}
    assert {k: list(v) for k, v in style._positions(source, [1, 2, 0, 1]).items()} == {0: [0, 2], 1: [1, 4], 2: [5]}
    assert source.length == 5
    assert style.fragments("z a b".split(), source) == [style.Fragment(1, 0, 2)]  # "z" is UNSEEN


# ---------------------------------------------------------------- cleaning and sentences


def old_clean_lines(doc_id: str, text: str) -> tuple[list[tuple[int, str]], list[DroppedLine]]:
    """The line loop as it was: the body copied, CRs replaced, split into one list of lines."""
    _, body = cleaning.parse_date_header(text)
    header_len = len(text.lstrip("\ufeff")) - len(body)
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept, dropped = [], []
    if header_len:
        dropped.append(DroppedLine(doc_id=doc_id, line=1, text=text[:header_len].strip("\ufeff "),
                                   reason="date header (parsed as metadata)"))
    tail: str | None = None
    for i, raw in enumerate(lines):
        line = raw.strip()
        if line and tail is None and cleaning.NAVIGATION.match(line):
            tail = f"related-content list after navigation heading {line!r}"
        reason = tail or next((r.reason for r in cleaning.LINE_RULES if r.pattern.search(line)), None) if line else None
        if reason is None and line and cleaning._is_caption_alt(line, lines[i + 1] if i + 1 < len(lines) else None):
            reason = "image alt text repeated by the caption"
        if reason is not None:
            dropped.append(DroppedLine(doc_id=doc_id, line=i + 1, text=line, reason=reason))
        elif line:
            for rule in cleaning.INLINE_RULES:
                for m in list(rule.pattern.finditer(line)):
                    dropped.append(DroppedLine(doc_id=doc_id, line=i + 1, text=m.group(0).strip(), reason=rule.reason))
                line = rule.pattern.sub("", line).strip()
            if line:
                kept.append((i + 1, line))
    return kept, dropped


HEADERS = st.sampled_from(["", "date 2023-02-04\n", "\ufeffdate 2023-02-04 x\r\n", "date 2023-02-31\n", "\ufeff"])
FURNITURE = st.sampled_from(["Photo: Getty Images", "By Jane Smith", "Read more: x", "see https://x.y/z now", "",
                             "Most read", "the cat", "the cat sat. Photo: AP"])


@PROPERTY
@given(HEADERS, st.lists(st.one_of(TEXT, FURNITURE), max_size=6), st.sampled_from(["\n", "\r\n", "\r", "\n\r"]))
def test_streamed_cleaning_equals_the_list_of_lines(header: str, lines: list[str], newline: str) -> None:
    text = header + newline.join(lines)
    assert cleaning.clean_lines("d", text) == old_clean_lines("d", text)


@PROPERTY
@given(st.sampled_from([None, dt.date(2023, 2, 3)]), TEXT)
def test_constructed_sentences_equal_validated_ones(date: dt.date | None, text: str) -> None:
    doc = Document(id="d", path="sources/d.txt", text=text or "x", date=date, sha256="0")
    got = prepare_document(doc)
    kept, dropped = cleaning.clean_lines(doc.id, doc.text)
    texts = [s for _, line in kept for s in split_sentences(line)]
    want = PreparedDocument(id="d", date=date, dropped=dropped, sentences=[
        Sentence(text=s, doc_id="d", index=i, doc_date=date) for i, s in enumerate(texts)])
    assert got == want and got.model_dump_json() == want.model_dump_json()
    assert all(a.model_fields_set == b.model_fields_set for a, b in zip(got.sentences, want.sentences, strict=True))


def test_a_copied_sentence_gets_its_own_fields_set() -> None:
    s = prepare(CLUSTER.id, CLUSTER.title, CLUSTER.documents).sentences
    copy = s[0].model_copy(update={"index": 99})
    assert copy.model_fields_set is not s[1].model_fields_set and s[1].index != 99


# ---------------------------------------------------------------- identity, faithfulness, validation


def test_input_digest_is_the_digest_of_the_whole_dump() -> None:
    prepared = prepare(CLUSTER.id, CLUSTER.title, CLUSTER.documents)
    blob = hashlib.sha256(prepared.model_dump_json().encode()).digest()
    assert identity.prepared_sha256(prepared) == blob
    refs = [r.text for r in CLUSTER.references]
    old = hashlib.sha256(blob + b"".join(hashlib.sha256(r.encode()).digest() for r in refs)).hexdigest()
    assert identity.input_digest(prepared, refs) == old


@PROPERTY
@given(st.lists(st.tuples(st.lists(st.text(max_size=8), max_size=3), st.lists(st.text(max_size=8), max_size=2)),
                max_size=3), st.text(max_size=5))
def test_incremental_digest_equals_the_dump_on_any_text(docs: list[tuple[list[str], list[str]]], title: str) -> None:
    date = dt.date(2023, 1, 1)
    prepared = Prepared(cluster_id="c", title=title, documents=[PreparedDocument(
        id=f"d{k}", date=date if k % 2 else None,
        sentences=[Sentence(text=t, doc_id=f"d{k}", index=i, doc_date=date if k % 2 else None)
                   for i, t in enumerate(sents)],
        dropped=[DroppedLine(doc_id=f"d{k}", line=i + 1, text=t, reason="r\n\"") for i, t in enumerate(drops)])
        for k, (sents, drops) in enumerate(docs)])
    assert identity.prepared_sha256(prepared) == hashlib.sha256(prepared.model_dump_json().encode()).digest()


@PROPERTY
@given(st.lists(st.lists(TEXT, max_size=3), max_size=3))
def test_faithfulness_stream_is_the_joined_sentences(docs: list[list[str]]) -> None:
    norm = Normaliser()
    analysed = [[norm.analyse(s) for s in d] for d in docs]
    got = faithfulness.index_sources((None, iter(a)) for a in analysed)
    assert got.stream.decode() == " " + " | ".join(" ".join(a.tokens) for d in analysed for a in d) + " "


def old_copied_runs(sources: list[str], refs: list[str], n: int) -> list[set[tuple[str, ...]]]:
    def grams(text: str) -> set[tuple[str, ...]]:
        toks = re.findall(r"[a-z0-9]+", text.lower().replace("’", "'"))
        return {tuple(toks[i:i + n]) for i in range(len(toks) - n + 1)}
    src = grams("\n".join(sources))
    return [grams(r) & src for r in refs]


@PROPERTY
@given(SOURCES, st.lists(TEXT, min_size=1, max_size=3), st.integers(1, 4))
def test_streamed_copy_check_equals_the_source_ngram_set(sources: list[str], refs: list[str], n: int) -> None:
    wanted = [validation._ngrams(r, n) for r in refs]
    found = validation.shared_ngrams(iter(sources), set().union(*wanted), n)
    assert [w & found for w in wanted] == old_copied_runs(sources, refs, n)


def test_copy_check_sees_a_run_across_the_join_of_two_sources() -> None:
    # "\n".join puts the end of one source next to the start of the next, as the old check did
    assert validation.shared_ngrams(["x a b", "c y"], {("a", "b", "c")}, 3) == {("a", "b", "c")}


# ---------------------------------------------------------------- textrank's term matrix


@PROPERTY
@given(st.lists(TEXT, min_size=1, max_size=8))
def test_term_matrix_in_arrays_equals_the_list_built_one(texts: list[str]) -> None:
    analyser = Analyser()
    vocab: dict[str, int] = {}
    rows, cols, tfs = [], [], []
    for i, text in enumerate(texts):
        for term, count in Counter(analyser.terms(text)).items():
            rows.append(i)
            cols.append(vocab.setdefault(term, len(vocab)))
            tfs.append(1.0 + math.log(count))
    c = np.asarray(cols, dtype=np.int64)
    df = np.bincount(c, minlength=len(vocab)).astype(float)
    w = np.asarray(tfs) * np.log1p(len(texts) / np.maximum(df, 1.0))[c] if vocab else np.zeros(0)
    norms = np.sqrt(np.bincount(np.asarray(rows, dtype=np.int64), weights=w * w, minlength=len(texts)))
    vals = w / np.where(norms > 0, norms, 1.0)[np.asarray(rows, dtype=np.int64)] if vocab else w
    got = term_matrix(texts, Analyser())
    assert got.row_index().tolist() == rows and got.cols.tolist() == cols
    assert got.vals.tobytes() == vals.tobytes()  # bit for bit


@PROPERTY
@given(st.lists(TEXT, min_size=1, max_size=8), st.integers(min_value=1, max_value=6))
def test_products_a_chunk_of_rows_at_a_time_equal_one_pass_bit_for_bit(texts: list[str], chunk: int) -> None:
    # chunks of a few non-zeros split the matrix into many steps; the plain COO products are the truth
    whole, x = term_matrix(texts, Analyser()), term_matrix(texts, Analyser(), chunk=chunk)
    assert x.vals.tobytes() == whole.vals.tobytes() and x.cols.tobytes() == whole.cols.tobytes()
    rows = x.row_index()
    rng = np.random.default_rng(chunk)
    terms, sents = rng.random(x.v), rng.random(x.n)
    assert x.dot(terms).tobytes() == np.bincount(rows, weights=x.vals * terms[x.cols], minlength=x.n).tobytes()
    assert x.tdot(sents).tobytes() == np.bincount(x.cols, weights=x.vals * sents[rows], minlength=x.v).tobytes()
    assert x.row_sums().tobytes() == np.bincount(rows, weights=x.vals * x.vals, minlength=x.n).tobytes()
    for i in range(x.n):
        assert x.similarity_to(i).tobytes() == whole.similarity_to(i).tobytes()


def test_sentence_texts_are_the_prepared_sentences_in_order() -> None:
    docs = [*CLUSTER.documents, Document(id="a0", path="sources/a0.txt", text="One. Two.\r\nThree", sha256="0")]
    assert list(iter_sentence_texts(docs)) == [s.text for s in prepare("c", "t", docs).sentences]


def test_in_place_products_equal_the_plain_ones_bit_for_bit() -> None:
    x = term_matrix([s.text for s in prepare(CLUSTER.id, CLUSTER.title, CLUSTER.documents).sentences], Analyser())
    rng, rows = np.random.default_rng(0), x.row_index()
    for vec in (rng.random(x.v), np.arange(x.v)):
        assert x.dot(vec).tobytes() == np.bincount(rows, weights=x.vals * vec[x.cols], minlength=x.n).tobytes()
    for vec in (rng.random(x.n), np.ones(x.n, dtype=np.int64)):
        assert x.tdot(vec).tobytes() == np.bincount(x.cols, weights=x.vals * vec[rows], minlength=x.v).tobytes()


def test_benchmark_builds_a_seeded_cluster_with_one_big_source(tmp_path: Path) -> None:
    text = bench_memory.news_text(20_000, seed=1)
    assert len(text) == 20_000 and text == bench_memory.news_text(20_000, seed=1) != bench_memory.news_text(20_000)
    assert len(set(text.split())) > 1000  # many distinct words: n-gram sets grow with the text
    refs = bench_memory.build(tmp_path, "repeat", 1)
    big = refs / bench_memory.CLUSTER / "sources" / bench_memory.BIG_SOURCE
    assert len(big.read_text("utf-8")) == bench_memory.MB
    assert corpus.load_cluster(refs / bench_memory.CLUSTER).id == CLUSTER.id


def test_word_ids_widen_past_65535_words_and_never_equal_the_boundary() -> None:
    words = [f"w{i}" for i in range(70_000)]
    docs = [[" ".join(words[:40_000])], [" ".join(words[40_000:]) + " w0 w1 w2"]]
    source = style.index_sources(docs)
    assert source.ids.typecode == "i" and source.ids.count(style.BOUNDARY) == 1
    assert len(set(source.vocabulary.values())) == 70_000 and style.BOUNDARY not in source.vocabulary.values()
    summary = "w39999 w40000 w65534 w65535 w65536 w0 w1 w2".split()
    got = style.fragments(summary, source)
    assert [(f.summary, f.source, f.length) for f in got] == old_fragments(summary, docs)
