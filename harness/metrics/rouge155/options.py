"""The settings of one ROUGE-1.5.5 evaluation, named after the Perl script's flags, and a parser for
those flags, so a published command line (`-n 4 -m -a -l 100 ...`) can be given as it was printed."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Options(BaseModel):
    """One field per flag of ROUGE-1.5.5; the defaults are the script's when a flag is absent."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_n: int = Field(default=4, ge=1, le=9, description="-n N: ROUGE-1 to ROUGE-N")
    stem: bool = Field(default=False, description="-m: WordNet exceptions, then ROUGE's Porter variant")
    stopwords: tuple[str, ...] | None = Field(default=None, description="-s: the tokens to drop")
    word_limit: int | None = Field(default=None, gt=0, description="-l N: keep the first N words")
    byte_limit: int | None = Field(default=None, gt=0, description="-b N: keep the first N bytes")
    skip_distance: int | None = Field(default=None, ge=0, description="-2 D: skip-bigrams, at most D words apart")
    skip_unigrams: bool = Field(default=False, description="-u: add unigrams to the skip-bigrams")
    lcs: bool = Field(default=True, description="ROUGE-L; -x turns it off")
    wlcs_weight: float | None = Field(default=None, gt=1.0, description="-w W: ROUGE-W-W")
    scoring: Literal["A", "B"] = Field(default="A", description="-f A: pool the models; -f B: the best model")
    alpha: float = Field(default=0.5, ge=0.0, le=1.0, description="-p ALPHA: F's weight of precision")
    pooling: Literal[0, 1] = Field(default=0, description="-t 0: average per summary; -t 1: pool counts")
    confidence: float = Field(default=95, gt=0, lt=100, description="-c C: the interval's level")
    resamples: int = Field(default=1000, gt=1, description="-r R: bootstrap samples")

    @model_validator(mode="after")
    def _one_cut(self) -> Options:
        if self.word_limit is not None and self.byte_limit is not None:
            raise ValueError("give -l or -b, not both")
        return self

    def metrics(self) -> list[str]:
        """The metric names the script prints, in its order."""
        names = [f"ROUGE-{n}" for n in range(1, self.max_n + 1)]
        if self.lcs:
            names.append("ROUGE-L")
        if self.wlcs_weight is not None:
            names.append(f"ROUGE-W-{self.wlcs_weight:g}")
        if self.skip_distance is not None:
            names.append(f"ROUGE-{'SU' if self.skip_unigrams else 'S'}{self.skip_distance}")
        return names


_VALUED = {"-n": "max_n", "-l": "word_limit", "-b": "byte_limit", "-2": "skip_distance", "-w": "wlcs_weight",
           "-f": "scoring", "-p": "alpha", "-t": "pooling", "-c": "confidence", "-r": "resamples"}
_SWITCHES = {"-m": ("stem", True), "-u": ("skip_unigrams", True), "-x": ("lcs", False)}
_IGNORED = {"-a", "-d", "-v"}  # which systems to score and what to print: no effect on a number


def parse_flags(argv: Sequence[str], stopwords: Sequence[str] | None = None) -> Options:
    """Options from a ROUGE-1.5.5 flag list. `-s` needs the stopword list, which is not shipped."""
    values: dict[str, object] = {"max_n": 1}  # the script computes ROUGE-1 only without -n
    i = 0
    while i < len(argv):
        flag = argv[i]
        if flag in _VALUED:
            if i + 1 >= len(argv):
                raise ValueError(f"{flag} needs a value")
            raw = argv[i + 1]
            values[_VALUED[flag]] = raw if flag == "-f" else (float(raw) if flag in ("-w", "-p", "-c") else int(raw))
            i += 2
            continue
        if flag in _SWITCHES:
            key, value = _SWITCHES[flag]
            values[key] = value
        elif flag == "-s":
            if stopwords is None:
                raise ValueError("-s needs a stopword list (ROUGE's smart_common_words.txt is not shipped)")
            values["stopwords"] = tuple(stopwords)
        elif flag not in _IGNORED:
            raise ValueError(f"unsupported ROUGE-1.5.5 flag {flag!r}")
        i += 1
    return Options.model_validate(values)
