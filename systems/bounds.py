"""Floors and ceilings: `random` (seeded floor), `oracle` (greedy ROUGE upper bound, reads the
references) and `human` (each reference scored against the others, leave one out)."""
from __future__ import annotations

import random as _random
from array import array
from collections.abc import Sequence
from typing import ClassVar, Literal

from pydantic import Field

from evalsum.contract import ReferenceReader, Summariser, SystemOptions
from evalsum.metrics import rouge
from evalsum.metrics.tokens import Stemmer, Tokenized, tokenize_sentences
from evalsum.models import Budget, Prepared, Summary
from evalsum.text import split_sentences, words


class RandomOptions(SystemOptions):
    seed: int = 0


class Random(Summariser[RandomOptions]):
    name: ClassVar[str] = "random"
    cacheable: ClassVar[bool] = False  # deterministic and as cheap as a cache read
    version: ClassVar[str] = "1"
    description: ClassVar[str] = "floor: random prepared sentences up to the budget (seeded)"
    Options = RandomOptions

    def summarise(self, cluster: Prepared, budget: Budget) -> Summary:
        rng = _random.Random(self.options.seed)
        every = cluster.sentences
        # Shuffling the positions gives the permutation shuffling the sentences did (it depends
        # only on the length), with 4 bytes per sentence instead of a model each.
        order = array("L", range(len(every)))
        rng.shuffle(order)
        chosen, used = [], 0
        for i in order:
            if used >= budget.words:
                break
            s = every[i]
            chosen.append(s)
            used += len(words(s.text))
        return Summary(sentences=[s.text for s in chosen], provenance=[(s.doc_id, s.index) for s in chosen])


class OracleOptions(SystemOptions):
    metric: Literal["rouge1", "rouge2"] = "rouge2"
    pool: int = Field(default=400, ge=1, description="only the first N sentences are considered (speed)")


class Oracle(ReferenceReader[OracleOptions]):
    name: ClassVar[str] = "oracle"
    cacheable: ClassVar[bool] = False  # deterministic and as cheap as a cache read
    version: ClassVar[str] = "1"
    description: ClassVar[str] = "ceiling: greedy extractive ROUGE upper bound (reads the references)"
    Options = OracleOptions

    def __init__(self, options: OracleOptions | None = None) -> None:
        super().__init__(options)
        self._stem = Stemmer(True)  # a stem cache shared by every cluster this instance sees

    def summarise(self, cluster: Prepared, budget: Budget, references: Sequence[str]) -> Summary:
        opts = self.options
        stem = self._stem
        refs = [tokenize_sentences(split_sentences(r), stem) for r in references]
        pool = cluster.sentences[: opts.pool]
        # Each pool sentence is tokenised and stemmed once; candidates reuse the tokens.
        pool_tokens = [tokenize_sentences([s.text], stem).sentences for s in pool]
        chosen: list[int] = []
        best = 0.0
        used = 0
        while used < budget.words:
            gains = []
            for i in range(len(pool)):
                if i in chosen:
                    continue
                cand = Tokenized([t for j in sorted(chosen + [i]) for t in pool_tokens[j]])
                gains.append((rouge.score(cand, refs, "pooled", (opts.metric,))[opts.metric].f, -i))
            if not gains:
                break
            score, neg_i = max(gains)
            if score <= best:
                break
            best = score
            chosen.append(-neg_i)
            used += len(words(pool[-neg_i].text))
        picked = [pool[i] for i in sorted(chosen)]
        return Summary(sentences=[s.text for s in picked], provenance=[(s.doc_id, s.index) for s in picked],
                       metadata={"oracle_metric": opts.metric})


class Human(ReferenceReader[SystemOptions]):
    name: ClassVar[str] = "human"
    cacheable: ClassVar[bool] = False  # deterministic and as cheap as a cache read
    version: ClassVar[str] = "1"
    description: ClassVar[str] = "ceiling: each reference scored against the others (leave one out)"
    leave_one_out: ClassVar[bool] = True

    def summarise(self, cluster: Prepared, budget: Budget, references: Sequence[str]) -> Summary:
        return Summary(sentences=split_sentences(references[0]) if references else [],
                       metadata={"note": "shows the first reference; scores are leave-one-out means"})
