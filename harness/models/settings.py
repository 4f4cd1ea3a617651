"""The settings that change a score: recorded in every record and pinned by the signature."""
from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from evalsum.models.base import Strict

RougeVariant = Literal["rouge1", "rouge2", "rouge3", "rouge4", "rougeL", "rougeLsum", "rougeW", "rougeSU4"]
ROUGE_SCORE_VARIANTS: tuple[RougeVariant, ...] = ("rouge1", "rouge2", "rougeL", "rougeLsum")
# rouge155's rougeLsum is ROUGE-1.5.5's ROUGE-L: the union LCS over sentences, one per line.
ROUGE155_VARIANTS: tuple[RougeVariant, ...] = ("rouge1", "rouge2", "rouge3", "rouge4", "rougeLsum", "rougeW",
                                               "rougeSU4")


class Settings(Strict):
    """Every setting that changes a score: all of it goes into the signature and the record."""

    budget: int = Field(default=100, gt=0)
    policy: Literal["pooled", "max", "mean"] = "pooled"
    stemmer: bool = True
    seed: int = 0
    # ROUGE (issue 17). `rouge155` is the ROUGE-1.5.5 profile (evalsum.metrics.rouge155.profile).
    rouge: Literal["rouge-score", "rouge155"] = "rouge-score"
    cut_references: bool = Field(default=False, description="cut references to the budget too (1.5.5's -l)")
    rouge_variants: tuple[RougeVariant, ...] = Field(default=(), description="empty: the engine's default set")
    rouge_show: Literal["f", "r", "p"] = Field(default="f", description="which of F, R, P the run table prints")
    rouge_bytes: int | None = Field(default=None, gt=0, description="rouge155 only: -b N instead of -l")
    rouge_alpha: float = Field(default=0.5, ge=0, le=1, description="rouge155 only: -p ALPHA")
    jackknife: bool = Field(default=False, description="rouge155 only: mean over every n-1 reference subset")

    @model_validator(mode="after")
    def _rouge_fits_engine(self) -> Settings:
        allowed = ROUGE155_VARIANTS if self.rouge == "rouge155" else ROUGE_SCORE_VARIANTS
        bad = [v for v in self.rouge_variants if v not in allowed]
        if bad:
            raise ValueError(f"ROUGE variant(s) {', '.join(bad)} not available with rouge={self.rouge} "
                             f"(choose from {', '.join(allowed)})")
        if self.rouge != "rouge155" and (self.rouge_bytes is not None or self.jackknife or self.rouge_alpha != 0.5):
            raise ValueError("rouge_bytes, rouge_alpha and jackknife need rouge=rouge155")
        if self.rouge == "rouge155" and self.policy == "mean":
            raise ValueError("ROUGE-1.5.5 pools the references (-f A, policy pooled) or takes the best "
                             "(-f B, policy max)")
        return self
