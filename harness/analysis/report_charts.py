"""The report's charts: matplotlib figures rendered to SVG text, inlined into the HTML.

Why matplotlib and SVG: matplotlib is a well-kept plotting library whose SVG backend is
deterministic once `svg.hashsalt` is fixed and the date is left out (`metadata={"Date": None}`),
so the same records give a byte-identical report; SVG inlines into one self-contained HTML file
with no JavaScript, no CDN and no fonts to fetch (glyphs are drawn as paths). Hand-drawn SVG
would mean maintaining axes, ticks and colour bars ourselves. matplotlib is optional (the
`report` extra); without it `evalsum report` says how to install it instead of drawing nothing.

Labels from data are drawn with `parse_math=False`, so a `$` in a system name is not mathtext.
"""
from __future__ import annotations

import importlib.util
import io
import math
import re
from typing import Any

from pydantic import BaseModel, ConfigDict

from evalsum.analysis.view_models import Heatmap, SystemPoint
from evalsum.errors import EvalsumError

INSTALL_HINT = "pip install 'evalsum[report]'"
PANELS = (("rouge1_f", "R-1 F"), ("rouge2_f", "R-2 F"), ("rougeLsum_f", "R-Lsum F"), ("facts", "Fact recall"))
SYSTEM_COLOUR, CEILING_COLOUR = "#1f5f99", "#8a8a8a"


class ReportUnavailable(EvalsumError):
    """The report needs matplotlib (the `report` extra): exit 3, like any missing optional part."""

    exit_code = 3


class Charts(BaseModel):
    """The report's charts as inline SVG text."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    scores: str
    heatmap: str | None = None  # None when no cluster has a checklist: the page says so instead
    rouge_unsupported: str


def require() -> None:
    """Fail early and loudly when matplotlib is missing: never a silent blank chart."""
    try:
        found = importlib.util.find_spec("matplotlib") is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise ReportUnavailable(f"evalsum report draws its charts with matplotlib, which is not installed: "
                                f"{INSTALL_HINT}")


def _rc(salt: str) -> Any:
    return {"svg.hashsalt": f"evalsum-{salt}", "svg.fonttype": "path", "font.size": 9,
            "font.family": "DejaVu Sans", "axes.spines.top": False, "axes.spines.right": False}


def _scoped(svg: str, prefix: str) -> str:
    """The `<svg>` element alone (no XML prolog, DOCTYPE or RDF metadata), every id prefixed so that several
    charts inlined in one page never share an id (matplotlib names glyphs the same in each)."""
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg[svg.index("<svg"):], flags=re.S)
    ids = set(re.findall(r'\bid="([^"]+)"', svg))
    return re.sub(r'(\bid="|#)([^")\s]+)(?=[")])',
                  lambda m: m.group(1) + (f"{prefix}-{m.group(2)}" if m.group(2) in ids else m.group(2)), svg)


def _render(salt: str, draw: Any, size: tuple[float, float]) -> str:
    try:
        import matplotlib
        from matplotlib.figure import Figure
    except ImportError as e:  # found but broken
        raise ReportUnavailable(f"matplotlib cannot be imported ({e}): {INSTALL_HINT}") from None
    with matplotlib.rc_context(_rc(salt)):
        fig = Figure(figsize=size, layout="constrained")
        draw(fig)
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return _scoped(buf.getvalue(), salt)


def scores_chart(points: list[SystemPoint]) -> str:
    """Each system's mean per metric (x100) with its bootstrap interval when it has one."""
    names = [p.system + (" †" if p.ceiling else "") for p in points]

    def draw(fig: Any) -> None:
        axes = fig.subplots(1, len(PANELS), sharey=True)
        for ax, (key, label) in zip(axes, PANELS, strict=True):
            for y, p in enumerate(points):
                c = p.metrics.get(key)
                if c is None or c.mean is None:
                    continue
                colour = CEILING_COLOUR if p.ceiling else SYSTEM_COLOUR
                if c.low is not None and c.high is not None:
                    ax.errorbar([c.mean * 100], [y], xerr=[[(c.mean - c.low) * 100], [(c.high - c.mean) * 100]],
                                fmt="o", color=colour, capsize=3)
                else:
                    ax.plot([c.mean * 100], [y], "o", color=colour)
            ax.set_title(label)
            ax.set_xlabel("mean x100")
            ax.grid(axis="x", alpha=0.3)
        axes[0].set_yticks(range(len(names)), labels=names, parse_math=False)
        axes[0].set_ylim(len(names) - 0.5, -0.5)

    return _render("scores", draw, (10.0, 0.45 * max(len(points), 1) + 1.4))


def heatmap_chart(h: Heatmap) -> str:
    """Systems x facts, coloured by the share of clusters whose summary states the fact."""
    import numpy as np

    def draw(fig: Any) -> None:
        ax = fig.subplots()
        data = np.array([[math.nan if v is None else v for v in row] for row in h.rates] or [[math.nan]], dtype=float)
        image = ax.imshow(np.ma.masked_invalid(data), cmap="Greens", vmin=0.0, vmax=1.0, aspect="auto")
        ax.set_xticks(range(len(h.facts)), labels=h.facts, rotation=90, parse_math=False)
        names = [s + (" †" if c else "") for s, c in zip(h.systems, h.ceilings, strict=True)]
        ax.set_yticks(range(len(names)), labels=names, parse_math=False)
        ax.spines[:].set_visible(False)
        fig.colorbar(image, ax=ax, label="hit rate over clusters", shrink=0.8)

    width = max(6.0, 0.24 * len(h.facts) + 3.0)
    return _render("heatmap", draw, (width, 0.32 * max(len(h.systems), 1) + 2.6))


def rouge_unsupported_chart(points: list[SystemPoint]) -> str:
    """Mean R-2 F against mean unsupported items per summary: high ROUGE bought with invented claims shows."""

    xy = [(p, un.mean, r2.mean * 100) for p in points
          if (r2 := p.metrics.get("rouge2_f")) is not None and (un := p.metrics.get("unsupported")) is not None
          and r2.mean is not None and un.mean is not None]
    span_x = max((x for _, x, _ in xy), default=0) - min((x for _, x, _ in xy), default=0) or 1.0
    span_y = max((y for _, _, y in xy), default=0) - min((y for _, _, y in xy), default=0) or 1.0

    def draw(fig: Any) -> None:
        ax = fig.subplots()
        for i, (p, x, y) in enumerate(xy):
            colour = CEILING_COLOUR if p.ceiling else SYSTEM_COLOUR
            ax.plot([x], [y], "o", color=colour, markerfacecolor="white" if p.ceiling else colour)
            # Labels of points that nearly coincide are stacked downwards instead of overprinted.
            near = sum(1 for _, x2, y2 in xy[:i] if abs(x2 - x) < 0.05 * span_x and abs(y2 - y) < 0.04 * span_y)
            ax.annotate(p.system + (" †" if p.ceiling else ""), (x, y), xytext=(5, 3 - 10 * near),
                        textcoords="offset points", parse_math=False)
        ax.set_xlabel("unsupported items per summary (numbers, dates, names no source states)")
        ax.set_ylabel("R-2 F x100")
        ax.margins(x=0.25, y=0.15)
        lo, hi = ax.get_xlim()  # counts: the axis starts just left of 0 and spans at least one item
        ax.set_xlim(max(lo, -0.05 * max(hi, 1.0)), max(hi, 1.0))
        ax.grid(alpha=0.3)

    return _render("scatter", draw, (6.5, 4.0))


def draw_all(points: list[SystemPoint], heatmap: Heatmap) -> Charts:
    require()
    return Charts(scores=scores_chart(points), heatmap=heatmap_chart(heatmap) if heatmap.facts else None,
                  rouge_unsupported=rouge_unsupported_chart(points))
