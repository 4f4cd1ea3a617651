"""Compare `textrank` (and `lead3`) with sumy's LexRank and TextRank under identical conditions.

sumy is NOT a dependency of evalsum: install it in a scratch environment to run this, e.g.

    python -m venv /tmp/venv-sumy && /tmp/venv-sumy/bin/pip install -e . sumy
    /tmp/venv-sumy/bin/python benchmarks/compare_sumy.py

Without sumy the script says so and exits 0.

Fairness: every system sees the same prepared sentences (cleaned and split by the harness, one
sumy paragraph per prepared document, in the harness's document order), goes through the same
per-cluster work (`evalsum.run.cluster.ClusterWork`), the same word budget
(`evalsum.run.budget.enforce_budget`) and the same scorer. sumy is used as its README shows
(Snowball stemmer, sumy's English stop words, default
parameters), except that its punkt-based tokenizer needs a data download, so words come from
NLTK's Treebank tokenizer (what `nltk.word_tokenize` applies per sentence) filtered by sumy's own
word pattern. sumy returns a fixed number of sentences, so we take its sentences in rank order
until they reach the budget (the last one is cut by the harness) and print them in sumy's order,
the document order.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, ClassVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evalsum.analysis import leaderboard as report  # noqa: E402
from evalsum.contract import Summariser, SystemOptions  # noqa: E402
from evalsum.gold import corpus  # noqa: E402
from evalsum.metrics.scorer import Scorer  # noqa: E402
from evalsum.models import Budget, Prepared, Settings, Summary  # noqa: E402
from evalsum.run import registry  # noqa: E402
from evalsum.run.cache import SummaryCache  # noqa: E402
from evalsum.run.cluster import ClusterWork, RunSystem  # noqa: E402
from evalsum.text import words  # noqa: E402


class _Words:
    """sumy's `Tokenizer.to_words` without its punkt sentence model (which needs a download)."""

    def __init__(self) -> None:
        from nltk.tokenize import NLTKWordTokenizer
        from sumy.nlp.tokenizers import Tokenizer

        self._tok = NLTKWordTokenizer()
        self._is_word = Tokenizer._is_word

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(w for w in self._tok.tokenize(sentence) if self._is_word(w))


class _Sumy(Summariser[SystemOptions]):
    version: ClassVar[str] = "sumy"
    algorithm: ClassVar[str]

    def summarise(self, cluster: Prepared, budget: Budget) -> Summary:
        from sumy.models.dom import ObjectDocumentModel, Paragraph
        from sumy.models.dom import Sentence as SumySentence
        from sumy.nlp.stemmers import Stemmer
        from sumy.summarizers.lex_rank import LexRankSummarizer
        from sumy.summarizers.text_rank import TextRankSummarizer
        from sumy.utils import get_stop_words

        tok = _Words()
        paragraphs = [Paragraph([SumySentence(s.text, tok) for s in d.sentences])
                      for d in cluster.documents if d.sentences]
        doc = ObjectDocumentModel(paragraphs)
        cls = LexRankSummarizer if self.algorithm == "lexrank" else TextRankSummarizer
        summariser = cls(Stemmer("english"))
        summariser.stop_words = get_stop_words("english")

        def fill_budget(ranked: list[Any]) -> list[Any]:
            out, used = [], 0
            for info in ranked:  # sumy hands the sentences over best-rated first
                if used >= budget.words:
                    break
                out.append(info)
                used += len(words(str(info.sentence)))
            return out

        return Summary(sentences=[str(s) for s in summariser(doc, fill_budget)])


class SumyLexRank(_Sumy):
    name: ClassVar[str] = "sumy-lexrank"
    algorithm: ClassVar[str] = "lexrank"


class SumyTextRank(_Sumy):
    name: ClassVar[str] = "sumy-textrank"
    algorithm: ClassVar[str] = "textrank"


def main() -> int:
    ap = argparse.ArgumentParser(description="textrank vs sumy LexRank/TextRank on the bundled clusters")
    ap.add_argument("--references", type=Path, default=ROOT / "references")
    ap.add_argument("--budget", type=int, default=100)
    ap.add_argument("--digits", type=int, default=1, help="decimals in the table")
    ap.add_argument("--show", action="store_true", help="print each summary")
    args = ap.parse_args()
    try:
        import sumy  # noqa: F401
    except ImportError:
        print("skipped: sumy is not installed (it is not an evalsum dependency). Install it in a scratch venv:\n"
              "  python -m venv /tmp/venv-sumy && /tmp/venv-sumy/bin/pip install -e . sumy\n"
              "  /tmp/venv-sumy/bin/python benchmarks/compare_sumy.py")
        return 0
    settings = Settings(budget=args.budget)
    systems = [registry.build("lead3"), registry.build("textrank"), SumyLexRank(), SumyTextRank()]
    clusters = corpus.load_clusters(args.references)
    work = ClusterWork(systems=[RunSystem(label=s.label, backend=s) for s in systems], scorer=Scorer(settings),
                       cache=SummaryCache(Path("/nonexistent-results"), enabled=False), timeout=None)
    lines = [line for c in clusters for line in work.run(c).lines]
    per: dict[str, list[dict[str, float]]] = {s.name: [] for s in systems}
    for line in lines:
        if line.result.status != "ok":
            print(f"{line.system} failed on {line.result.cluster_id}: {line.result.failure}", file=sys.stderr)
            continue
        per[line.system].append(report.cluster_metrics(line.result))
        if args.show and line.result.summary is not None:
            print(f"## {line.system} / {line.result.cluster_id}\n" + "\n".join(line.result.summary.sentences) + "\n")
    print(f"{len(clusters)} cluster(s), budget {args.budget} words, "
          "pooled multi-reference ROUGE F x100, fact recall x100, "
          "Contra. = contradiction probes hit per summary\n")
    print("| System | R-1 | R-2 | R-Lsum | Facts | Contra. | Words |\n|---|---:|---:|---:|---:|---:|---:|")
    for name, rows in per.items():
        def mean(key: str, scale: float = 100.0, rows: list[dict[str, float]] = rows) -> str:
            vals = [r[key] for r in rows if key in r]
            return f"{sum(vals) / len(vals) * scale:.{args.digits}f}" if vals else "–"
        print(f"| {name} | {mean('rouge1_f')} | {mean('rouge2_f')} | {mean('rougeLsum_f')} | {mean('facts')} "
              f"| {mean('contradictions', 1.0)} | {mean('words', 1.0)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
