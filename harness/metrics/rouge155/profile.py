"""The rouge155 profile inside an evalsum run (`--rouge rouge155`): Settings -> ROUGE-1.5.5
options, references prepared once per cluster, and per-cluster P/R/F as the script prints them.

A summary's sentences and a reference file's lines are the script's lines: nothing is re-split,
because ROUGE-L treats each line as a sentence. With `cut_references` the budget is the script's
`-l`, applied to summary and references alike (DUC-2004's `-l 100`); `rouge_bytes` is `-b`.
`policy` pooled is `-f A`, max is `-f B`. With `jackknife`, a system summary's score is the mean
over every n-1 subset of the n references (NIST 2005-2007, TAC); the human row is already each
reference against the others."""
from __future__ import annotations

from collections.abc import Sequence

from evalsum.metrics.rouge155.corpus import Rouge155
from evalsum.metrics.rouge155.evaluate import Score
from evalsum.metrics.rouge155.options import Options
from evalsum.metrics.rouge155.text import Text, cut_words, lines_of
from evalsum.models import PRF, ROUGE155_VARIANTS, RougeVariant, Settings

__all__ = ["DEFAULT_VARIANTS", "Profile", "Text", "cut_reference_text", "flags", "options_for", "signature_parts",
           "variants"]

DEFAULT_VARIANTS: tuple[RougeVariant, ...] = ("rouge1", "rouge2", "rougeLsum", "rougeSU4")
WLCS_WEIGHT = 1.2
SKIP_DISTANCE = 4


def variants(settings: Settings) -> tuple[RougeVariant, ...]:
    chosen = settings.rouge_variants or DEFAULT_VARIANTS
    return tuple(v for v in ROUGE155_VARIANTS if v in chosen)


def options_for(settings: Settings) -> Options:
    """The Perl flags a run's settings stand for (see the README's flag table)."""
    chosen = variants(settings)
    ns = [int(v[-1]) for v in chosen if v[-1].isdigit() and v.startswith("rouge") and len(v) == 6]
    return Options(
        max_n=max(ns, default=1), stem=settings.stemmer,
        word_limit=settings.budget if settings.cut_references and settings.rouge_bytes is None else None,
        byte_limit=settings.rouge_bytes,
        skip_distance=SKIP_DISTANCE if "rougeSU4" in chosen else None, skip_unigrams="rougeSU4" in chosen,
        lcs="rougeLsum" in chosen, wlcs_weight=WLCS_WEIGHT if "rougeW" in chosen else None,
        scoring="B" if settings.policy == "max" else "A", alpha=settings.rouge_alpha)


def flags(settings: Settings) -> str:
    """The equivalent ROUGE-1.5.5 command-line flags, for the signature and the README."""
    o = options_for(settings)
    out = [f"-n {o.max_n}"] + (["-m"] if o.stem else [])
    out += [f"-l {o.word_limit}"] if o.word_limit else []
    out += [f"-b {o.byte_limit}"] if o.byte_limit else []
    out += [f"-2 {o.skip_distance} -u"] if o.skip_distance is not None else []
    out += [f"-w {o.wlcs_weight}"] if o.wlcs_weight else []
    out += [] if o.lcs else ["-x"]
    return " ".join([*out, f"-f {o.scoring}", f"-p {o.alpha:g}"])


def signature_parts(settings: Settings, packages: dict[str, str]) -> list[str]:
    """What pins a rouge155 number: the profile, its flags and the shipped data it reads."""
    return [f"rouge:rouge155-1.5.5-evalsum-{packages.get('evalsum', '?')}", "tok:rouge155-bytes",
            f"stem:{'wordnet2.0-exc+porter-rouge155' if settings.stemmer else 'none'}",
            f"refs:{'best-B' if settings.policy == 'max' else 'pooled-A'}", "split:lines-as-given",
            f"flags:{flags(settings).replace(' -', ',-').replace(' ', '=')}",
            f"jackknife:{'yes' if settings.jackknife else 'no'}"]


_NAMES = {"rouge1": "ROUGE-1", "rouge2": "ROUGE-2", "rouge3": "ROUGE-3", "rouge4": "ROUGE-4",
          "rougeLsum": "ROUGE-L", "rougeW": f"ROUGE-W-{WLCS_WEIGHT:g}", "rougeSU4": f"ROUGE-SU{SKIP_DISTANCE}"}


def cut_reference_text(text: str, budget: int) -> str:
    """A reference cut to `budget` words by 1.5.5's `-l` rule, for the rouge-score path."""
    return "\n".join(line.decode("utf-8", "replace") for line in cut_words(lines_of(text), budget))


class Profile:
    """One per Scorer: holds the Rouge155 caches for the run."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.variants = variants(settings)
        self.engine = Rouge155(options_for(settings))

    def gold(self, references: Sequence[str]) -> list[Text]:
        """Each reference file's text, its lines as sentences."""
        return [self.engine.text(r) for r in references]

    def score(self, sentences: Sequence[str], refs: Sequence[Text], jackknife: bool | None = None) -> dict[str, PRF]:
        """One summary (its sentences are lines) against the references, as the script prints it;
        under jackknifing, the mean of the printed values over the n folds."""
        peer = self.engine.text(list(sentences))
        fold = self.settings.jackknife if jackknife is None else jackknife
        if not fold or len(refs) < 2:
            return self._prf(self.engine.evaluate_texts(peer, refs))
        folds = [self._prf(self.engine.evaluate_texts(peer, [r for j, r in enumerate(refs) if j != i]))
                 for i in range(len(refs))]
        k = len(folds)
        return {key: PRF(r=sum(f[key].r for f in folds) / k, p=sum(f[key].p for f in folds) / k,
                         f=sum(f[key].f for f in folds) / k) for key in self.variants}

    def _prf(self, got: dict[str, Score]) -> dict[str, PRF]:
        return {key: PRF(r=got[_NAMES[key]].r, p=got[_NAMES[key]].p, f=got[_NAMES[key]].f) for key in self.variants}
