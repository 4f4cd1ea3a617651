"""Time `textrank` on a synthetic cluster of 100 documents and 5,000 sentences (target: < 2 s).

The cluster is generated from a fixed seed: a Zipf-distributed vocabulary of 20,000 made-up
words (so the stemmer sees realistic, mostly distinct word forms), plus function words, in
sentences of 8 to 35 words. Building the cluster is not timed; `TextRank.summarise` is, from a
fresh instance each repeat (no warm stemmer cache carried over). Stemming the ~11,000 distinct
words is most of the time; the ranking itself is matrix-free and takes milliseconds.

    PYTHONPATH=. python benchmarks/bench_textrank.py [--docs 100] [--sentences 5000] [--repeats 5]
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time

from evalsum.models import Budget, Prepared, PreparedDocument, Sentence
from evalsum.systems.extractive import TextRank

SYLLABLES = [c + v for c in "bcdfghklmnprstvz" for v in ("a", "e", "i", "o", "u", "ai", "ou")]
FUNCTION = "the a of to in and that for on with as by at from is was said it has have were".split()


def synthetic_cluster(docs: int, sentences: int, seed: int = 0, vocab: int = 20_000) -> Prepared:
    rng = random.Random(seed)
    words = sorted({"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
                    + rng.choice(["", "s", "ed", "ing"])
                    for _ in range(vocab)})
    rng.shuffle(words)
    weights = [1.0 / (k + 1) for k in range(len(words))]  # Zipf: a few topic words recur everywhere
    per_doc = [sentences // docs + (1 if d < sentences % docs else 0) for d in range(docs)]
    documents = []
    for d, count in enumerate(per_doc):
        date = dt.date(2023, 2, 1) + dt.timedelta(days=d % 5)
        sents = []
        for i in range(count):
            length = rng.randint(8, 35)
            toks = [rng.choice(FUNCTION) if rng.random() < 0.35 else w
                    for w in rng.choices(words, weights=weights, k=length)]
            text = " ".join(toks).capitalize() + "."
            sents.append(Sentence(text=text, doc_id=f"doc{d:03d}", index=i, doc_date=date))
        documents.append(PreparedDocument(id=f"doc{d:03d}", date=date, sentences=sents, dropped=[]))
    return Prepared(cluster_id="synthetic", title="synthetic", documents=documents)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=100)
    ap.add_argument("--sentences", type=int, default=5000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    cluster = synthetic_cluster(args.docs, args.sentences, args.seed)
    n = sum(len(d.sentences) for d in cluster.documents)
    times, cpu = [], []
    summary = None
    for _ in range(args.repeats):
        system = TextRank()
        t0, c0 = time.perf_counter(), time.process_time()
        summary = system.summarise(cluster, Budget(words=100))
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    assert summary is not None
    print(f"textrank on {len(cluster.documents)} documents, {n} sentences, budget 100 words")
    print(f"  summarise: min {min(times):.3f} s, median {statistics.median(times):.3f} s, max {max(times):.3f} s "
          f"over {args.repeats} runs (target < 2 s)")
    print(f"  CPU time: min {min(cpu):.3f} s, median {statistics.median(cpu):.3f} s (wall time above includes "
          "waiting for a busy machine)")
    print(f"  picked {len(summary.sentences)} sentences; "
          f"power iteration converged in {summary.metadata['iterations']} steps")


if __name__ == "__main__":
    main()
