"""What the CI gate checks: which metric means, how far each may move the wrong way, and which
way is better. Read from `[tool.evalsum.gate]` by `evalsum.config`."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from evalsum.metrics import catalogue


class MetricGate(BaseModel):
    """How far one metric's mean may move the wrong way before the gate fails."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)  # a NaN tolerance passes all
    tolerance: float = Field(default=0.005, ge=0, description="absolute, in the metric's own units (ROUGE F is 0-1)")
    better: Literal["higher", "lower"] = "higher"


def default_metrics() -> dict[str, MetricGate]:
    """The catalogue's gated metrics, with its tolerances and directions."""
    out = {}
    for key in catalogue.GATED:
        m = catalogue.BY_KEY[key]
        out[key] = MetricGate(tolerance=m.tolerance, better=m.better or "higher")
    return out


class GateConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    metrics: dict[str, MetricGate] = Field(default_factory=default_metrics)
