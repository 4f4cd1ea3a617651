"""The leaderboard as markdown: one section per comparability key, the rule stated above them."""
from __future__ import annotations

import textwrap
from collections.abc import Sequence

from evalsum.analysis import stats
from evalsum.analysis.leaderboard import MATRIX_CLUSTERS, MATRIX_FACTS, Leaderboard, Table
from evalsum.analysis.leaderboard_details import render_details
from evalsum.analysis.leaderboard_rows import SORT_KEY, Row
from evalsum.metrics import catalogue
from evalsum.text.markdown import cell

RULE = ("Rows are ranked only against rows with the same comparability key (settings that change numbers, "
        "reference count and gold-data digest) over the same clusters; a system's row is its latest run that "
        "scored every cluster of its table, and a newer run that failed or skipped clusters, or scored older gold "
        "data, is listed under Incomplete instead.")
HEADLINE = ("rouge1_f", "rouge2_f", "rougeLsum_f")  # the ROUGE columns of catalogue.TABLE
VARIANTS = ("rouge3_f", "rouge4_f", "rougeW_f", "rougeSU4_f")  # shown when a table's runs report them
COST = (("tokens_in", "Tokens in", 0), ("tokens_out", "Tokens out", 0), ("latency", "Latency (s)", 2),
        ("attempts", "Attempts", 2))


def _with_interval(r: Row, key: str) -> str:
    """`34.1 [32.1, 36.1]` when the row has an interval for this metric, else just the mean."""
    m = catalogue.get(key)
    cell = m.format(r.metrics.get(key))
    iv = r.intervals.get(key)
    if iv is not None and iv.low is not None and iv.high is not None:
        cell += f" [{m.format(iv.low)}, {m.format(iv.high)}]"
    return cell


def _name(r: Row) -> str:
    return f"{r.system} †" if r.uses_references else r.system


def _grid(head: Sequence[str], rows: Sequence[Sequence[str]], left: Sequence[int] = (0,)) -> list[str]:
    """A markdown table; columns in `left` are left-aligned, the rest (numbers) right-aligned."""
    rule = ["---" if i in left else "---:" for i in range(len(head))]
    lines = ["| " + " | ".join(cell(h) for h in head) + " |", "|" + "|".join(rule) + "|"]
    # Every cell goes through `cell`: a label, cluster id or reason from data cannot break a row.
    return lines + ["| " + " | ".join(cell(c) for c in cells) + " |" for cells in rows]


def interval_note(rows: Sequence[Row]) -> str:
    """The line under a table that says how intervals were made, or the true reason a row has none."""
    if not rows:
        return ""
    seeds = ", ".join(str(s) for s in sorted({r.seed for r in rows}))
    parts = [f"Intervals: {stats.CONFIDENCE:.0%} percentile bootstrap over clusters, {stats.RESAMPLES} resamples, "
             f"seed {seeds}; intervals and rank-group tests need at least {stats.MIN_TEST_CLUSTERS} clusters."]
    why: dict[str, list[str]] = {}
    for r in rows:
        n = r.clusters - r.failed
        if r.section == "incomplete":
            every = "the only cluster" if r.clusters == 1 else f"all {r.clusters} clusters"
            reason = f"{every} failed" if n == 0 else "incomplete, not ranked"
        elif n < stats.MIN_TEST_CLUSTERS:
            reason = f"n={n} cluster{'s' if n != 1 else ''}, below {stats.MIN_TEST_CLUSTERS}"
        else:
            continue
        why.setdefault(reason, []).append(cell(r.system))
    parts += [f"No interval ({reason}): {', '.join(names)}." for reason, names in why.items()]
    return " ".join(parts)


def columns(rows: Sequence[Row]) -> list[str]:
    """A table's columns: R-1, R-2 and R-Lsum F, and the variants its runs asked for with
    `--rouge-variants` (a run that asked only for variants shows only those, not three columns
    of dashes), then the rest of `catalogue.TABLE`."""
    have = {k for r in rows for k in r.metrics}
    headline = bool(have & set(HEADLINE))
    # R-L comes with every default run, as reference only; it is a column when a run asked for it alone
    variants = [k for k in (*VARIANTS, "rougeL_f") if k in have and (k != "rougeL_f" or not headline)]
    head = list(HEADLINE) if headline or not variants else []
    rouge = [k for k in catalogue.ROUGE_F if k in (*head, *variants)]
    return rouge + [k for k in catalogue.TABLE if k not in HEADLINE]


def _table_lines(i: int, table: Table, rows: Sequence[Row]) -> list[str]:
    mine = [r for r in rows if r.table == i]
    ranked = [r for r in mine if r.section == "ranked"]
    ceilings = [r for r in mine if r.section == "ceiling"]
    incomplete = [r for r in mine if r.section == "incomplete"]
    keys = columns(mine)
    labels = [catalogue.get(k).label for k in keys]
    by = catalogue.get(table.sort_key)
    out = [f"## Key `{table.key}` ({table.clusters} cluster{'s' if table.clusters != 1 else ''})", ""]
    out += [f"Provenance: {' ; '.join(f'`{p}`' for p in table.provenance) or '–'}", ""]
    if table.sort_key != SORT_KEY:
        out += [f"Sorted and tested by {by.label} F: these runs report no {catalogue.get(SORT_KEY).label} "
                "(`--rouge-variants`).", ""]
    if ranked:
        out += _grid(["#", "Group", "System", "Clusters", *labels], [
            [str(r.rank), str(r.group), _name(r), str(r.clusters), *(_with_interval(r, k) for k in keys)]
            for r in ranked], left=(2,))
    if ceilings:
        out += ["", "Ceilings (†: read the references, not comparable as systems):", ""]
        out += _grid(["System", "Clusters", *labels],
                     [[_name(r), str(r.clusters), *(_with_interval(r, k) for k in keys)] for r in ceilings])
    done = ranked + ceilings
    recall = [k[:-2] + "_r" for k in keys if k in catalogue.ROUGE_F]
    if done:
        out += ["", "ROUGE recall (as DUC/TAC papers report it):", ""]
        out += _grid(["System", *(catalogue.get(k).label for k in recall)],
                     [[_name(r), *(catalogue.get(k).format(r.metrics.get(k)) for k in recall)] for r in done])
    costly = [r for r in done if r.cost]
    if costly:
        out += ["", "Model cost, mean per summary:", ""]
        out += _grid(["System", *(label for _, label, _ in COST)],
                     [[_name(r), *(f"{r.cost[k]:.{d}f}" if k in r.cost else "–" for k, _, d in COST)] for r in costly])
    if incomplete:
        out += ["", "Incomplete (not ranked):", ""]
        out += _grid(["System", "Coverage", f"{by.label} (scored clusters)", "Reason"],
                     [[_name(r), r.coverage, by.format(r.metrics.get(table.sort_key)),
                       (r.reason or "").replace("|", "/")] for r in incomplete], left=(0, 1, 3))
    return out + ["", interval_note(mine), ""]


def _facts(board: Leaderboard) -> list[str]:
    names = [r.system for r in board.rows if r.table == 0 and r.section != "incomplete"]
    if not board.fact_rates or not names:
        return []
    n = board.fact_clusters
    out = [] if n < 2 else ["## Fact hit rates", "",
           f"Share of the {n} cluster{'s' if n != 1 else ''} with the fact whose summary states it, x100, for the "
           f"first table's rows; heaviest facts first (weight summed over clusters), at most {MATRIX_FACTS} facts"
           f" ({len(board.fact_rates)} in all, every one in leaderboard.json).", ""]
    out += _grid(["Fact", "Clusters", "Weight", *names], [
        [fr.fact, str(fr.clusters), f"{fr.weight:g}",
         *(f"{fr.rates[s] * 100:.0f}" if s in fr.rates else "–" for s in names)]
        for fr in board.fact_rates[:MATRIX_FACTS]]) if n > 1 else []
    shown = sorted({str(fr["cluster"]) for fr in board.fact_matrix})
    out += [""] * bool(out) + ["## Fact matrix", "",
            f"Per cluster, for the first {MATRIX_CLUSTERS} clusters by id ({len(shown)} of {n} shown; the records "
            "keep all). Refs = references stating the fact; Weight = its pyramid weight (Refs, unless set "
            "explicitly). ✓ = the summary states it, · = it does not.", ""]
    out += ["| Cluster | Fact | Refs | Weight | " + " | ".join(cell(n) for n in names) + " |",
            "|---|---|---:|---:|" + "|".join(":-:" for _ in names) + "|"]
    for fr in board.fact_matrix:
        marks = ["✓" if fr["systems"].get(s) else ("·" if s in fr["systems"] else " ") for s in names]
        refs = "–" if fr["refs"] is None else str(fr["refs"])
        out.append(f"| {cell(fr['cluster'])} | {cell(fr['fact'])} | {refs} | {fr['weight']:g} | "
                   + " | ".join(marks) + " |")
    return out + [""]


def render_markdown(board: Leaderboard) -> str:
    shown = sorted({k for i in range(len(board.tables)) for k in columns([r for r in board.rows if r.table == i])},
                   key=lambda k: (k not in catalogue.ROUGE_F, (*catalogue.ROUGE_F, *catalogue.TABLE).index(k)))
    legend = "; ".join(f"{m.label} = {m.description}" for m in (catalogue.get(k) for k in shown or catalogue.TABLE))
    sort = catalogue.get(SORT_KEY)
    other = " (unless a table says otherwise)" if any(t.sort_key != SORT_KEY for t in board.tables) else ""
    out = ["# Leaderboard", "", *textwrap.wrap(f"Exact means over clusters. {legend}. Details per system below. "
                                               "Derived from `results/runs/` by `evalsum leaderboard`; do not edit "
                                               "by hand. Keys are explained by `evalsum signature KEY`.", 100), ""]
    out += [*textwrap.wrap(
        f"{RULE} Rows are sorted by mean {sort.label} F over clusters, best first{other}. Group: rows not "
        "significantly worse than the group's best row share its group (two-sided paired sign-flip test over clusters, "
        f"Holm-corrected, alpha 0.05); with fewer than {stats.MIN_TEST_CLUSTERS} clusters there is no test and "
        "every row is in group 1.", 100), ""]
    for i, table in enumerate(board.tables):
        out += _table_lines(i, table, board.rows)
    out += _facts(board)
    out += render_details([r for r in board.rows if r.section != "incomplete"])
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"
