"""Time ROUGE scoring of a 50-cluster, 4-reference dataset: the default (rouge-score) against the
ROUGE-1.5.5 profile, in DUC-2004's set-up and in NIST's full one.

The clusters come from `evalsum.gold.synthetic` (seed 0; clusters with three references are
skipped until 50 with four remain). The summary of each cluster is its first source sentences
cut to the 100-word budget (lead, as `lead3` does). Timed: `Scorer.gold` (references tokenised
once per cluster) and `Scorer.score` for every cluster, from a fresh Scorer each repeat, so no
cache survives from one repeat to the next; this includes the fact, faithfulness and style
metrics every run computes. A second table times ROUGE alone (references and summary tokenised
and counted, nothing else). Cleaning and splitting the sources is done once, outside the timer.

    PYTHONPATH=. python benchmarks/bench_rouge155.py [--clusters 50] [--repeats 3]
"""
from __future__ import annotations

import argparse
import statistics
import time

from evalsum.gold import dataset, synthetic
from evalsum.metrics import rouge
from evalsum.metrics.rouge155.profile import Profile
from evalsum.metrics.scorer import Scorer
from evalsum.metrics.tokens import Stemmer, tokenize_sentences
from evalsum.models import Budget, Cluster, Prepared, Settings, Summary
from evalsum.run.budget import enforce_budget
from evalsum.text import prepare, split_sentences

PROFILES = {
    "default (rouge-score: R-1, R-2, R-L, R-Lsum)": Settings(),
    "rouge155 -n 2 -m -l 100 -2 4 -u (DUC 2004)": Settings(rouge="rouge155", cut_references=True),
    "rouge155 -n 4 -m -l 100 -2 4 -u -w 1.2, jackknifed": Settings(
        rouge="rouge155", cut_references=True, jackknife=True,
        rouge_variants=("rouge1", "rouge2", "rouge3", "rouge4", "rougeLsum", "rougeW", "rougeSU4")),
}


def four_reference_clusters(n: int) -> list[Cluster]:
    out: list[Cluster] = []
    for dc in synthetic.clusters(10 * n):
        if len(dc.references) == 4:
            out.append(dataset.to_cluster(dc, f"synthetic:{dc.id}"))
        if len(out) == n:
            return out
    raise SystemExit(f"only {len(out)} clusters with four references")


def lead(prepared: Prepared) -> list[str]:
    return enforce_budget(Summary(sentences=[s.text for s in prepared.sentences]), Budget(words=100)).sentences


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clusters", type=int, default=50)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    clusters = four_reference_clusters(args.clusters)
    prepared = [prepare(c.id, c.title, c.documents) for c in clusters]
    summaries = [lead(p) for p in prepared]
    mean_words = sum(len(" ".join(s).split()) for s in summaries) / len(summaries)
    print(f"{len(clusters)} clusters x 4 references; summaries of {mean_words:.0f} words")
    for name, settings in PROFILES.items():
        times = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            scorer = Scorer(settings)
            for c, p, s in zip(clusters, prepared, summaries, strict=False):
                scorer.score(s, scorer.gold(c, p))
            times.append(time.perf_counter() - t0)
        print(f"{name:<58} median {statistics.median(times):6.2f} s  (min {min(times):.2f} s, {args.repeats} repeats)")
    print("ROUGE alone:")
    for name, settings in PROFILES.items():
        times = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            rouge_only(settings, clusters, summaries)
            times.append(time.perf_counter() - t0)
        print(f"{name:<58} median {statistics.median(times):6.2f} s  (min {min(times):.2f} s, {args.repeats} repeats)")


def rouge_only(settings: Settings, clusters: list[Cluster], summaries: list[list[str]]) -> None:
    if settings.rouge == "rouge155":
        prof = Profile(settings)
        for c, s in zip(clusters, summaries, strict=False):
            prof.score(s, prof.gold([r.text for r in c.references]))
        return
    stem = Stemmer(settings.stemmer)
    for c, s in zip(clusters, summaries, strict=False):
        refs = [tokenize_sentences(split_sentences(r.text), stem) for r in c.references]
        rouge.score(tokenize_sentences(s, stem), refs, settings.policy)


if __name__ == "__main__":
    main()
