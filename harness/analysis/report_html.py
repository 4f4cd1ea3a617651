"""`evalsum report`: one self-contained HTML file from the report view and its SVG charts.

No script, no stylesheet link, no font or image to fetch: the styles are inline, the charts are
inline SVG (`report_charts`), and every data string (system labels, summaries, references, ids)
goes through `html.escape`. Nothing depends on the clock, so the same records give the same bytes.
"""
from __future__ import annotations

from html import escape

from evalsum.analysis.report_charts import Charts
from evalsum.analysis.view_models import (
    Cell,
    ClusterView,
    Column,
    Mark,
    ReportView,
    SentenceView,
    SummaryView,
    TableView,
)

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:2rem auto;max-width:1200px;
padding:0 1rem;color:#1b1b1b;line-height:1.45}
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #1f5f99;padding-bottom:.2rem;margin-top:2.5rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.9rem}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:right;vertical-align:top}
th{background:#eef3f8}td.name,th.name{text-align:left}tr.ceiling td{color:#555;background:#fafafa}
.iv{color:#666;font-size:.8rem}.note{color:#444;font-size:.9rem}code{font-size:.8rem;word-break:break-all}
figure{margin:1rem 0}figure svg{max-width:100%;height:auto}figcaption{color:#444;font-size:.9rem}
.cluster{border-top:1px solid #ccc;margin-top:2rem}.summary{margin:1rem 0;padding:.5rem 1rem;background:#f7f9fb;
border-left:4px solid #1f5f99}.summary.failed{border-left-color:#b00020}.meta{color:#444;font-size:.85rem}
.m{display:inline-block;font-size:.75rem;border-radius:3px;padding:0 .3rem;margin-left:.3rem}
.m.fact{background:#dff3e3;color:#145a22}.m.probe{background:#fbe0e0;color:#8b0000;font-weight:bold}
.m.unsupported{background:#fff3c4;color:#6b5200}.m.off_topic{background:#f0e0f5;color:#5b1a6e}
li.off_topic{color:#777}mark.unsupported{background:#ffe27a}.ref{white-space:pre-wrap;font-size:.9rem}
td.fact,th.fact{text-align:left}
"""
MARK_LABELS = {"fact": "✓ fact", "probe": "✗ probe", "unsupported": "? unsupported", "off_topic": "∅ off-topic"}


def e(text: object) -> str:
    return escape(str(text), quote=True)


def _num(v: float | None, c: Column) -> str:
    return "–" if v is None else f"{v * c.scale:.{c.digits}f}"


def _cell(cell: Cell | None, c: Column) -> str:
    if cell is None:
        return "–"
    out = _num(cell.mean, c)
    if cell.low is not None and cell.high is not None:
        out += f' <span class="iv">[{_num(cell.low, c)}, {_num(cell.high, c)}]</span>'
    return out


def table(t: TableView, columns: list[Column]) -> list[str]:
    group = any(r.group is not None for r in t.rows)
    head = ['<th>#</th>', *(['<th>Group</th>'] if group else []), '<th class="name">System</th>', '<th>Clusters</th>',
            *(f"<th>{e(c.label)}</th>" for c in columns)]
    out = [f"<h3>{e(t.title)}</h3>", f'<p class="note">{e(t.note)}</p>', '<table class="board">',
           "<thead><tr>" + "".join(head) + "</tr></thead>", "<tbody>"]
    for r in t.rows:
        n = f"{r.clusters - r.failed}" + (f" ({r.failed} failed)" if r.failed else "")
        cells = [f"<td>{'' if r.position is None else r.position}</td>",
                 *([f"<td>{'' if r.group is None else r.group}</td>"] if group else []),
                 f'<td class="name">{e(r.system)}{" †" if r.ceiling else ""}</td>', f"<td>{e(n)}</td>",
                 *(f"<td>{_cell(r.cells.get(c.key), c)}</td>" for c in columns)]
        out.append(f'<tr class="{"ceiling" if r.ceiling else "system"}" data-system="{e(r.system)}">'
                   + "".join(cells) + "</tr>")
    return out + ["</tbody></table>"]


def mark(m: Mark) -> str:
    if m.kind == "unsupported":
        body = f"{e(m.label)} “{e(m.text)}”"
    elif m.kind == "off_topic":
        body = f"({e(m.label)})"
    else:
        body = e(m.label)
    who = "" if m.author is None else f" in {e(m.author)}"
    return f'<span class="m {m.kind}">{MARK_LABELS[m.kind]} {body}{who}</span>'


def sentence(s: SentenceView) -> str:
    spans = sorted({(at, at + len(m.text)) for m in s.marks if m.kind == "unsupported" and m.text
                    and (at := s.text.find(m.text)) >= 0})
    parts, pos = [], 0
    for a, b in spans:
        if a < pos:
            continue
        parts += [e(s.text[pos:a]), f'<mark class="unsupported">{e(s.text[a:b])}</mark>']
        pos = b
    parts.append(e(s.text[pos:]))
    off = ' class="off_topic"' if any(m.kind == "off_topic" for m in s.marks) else ""
    return f"<li{off}>{''.join(parts)}{''.join(mark(m) for m in s.marks)}</li>"


def summary(s: SummaryView) -> list[str]:
    name = e(s.system) + (" †" if s.uses_references else "")
    if s.status != "ok":
        return [f'<article class="summary failed" data-system="{e(s.system)}"><h4>{name}</h4>',
                f'<p class="meta">run {e(s.run_id)}: failed: {e(s.failure or "")}</p></article>']
    scores = [f"{label} {s.scores[k] * sc:.{d}f}" for k, label, sc, d in
              (("rouge1_f", "R-1", 100, 1), ("rouge2_f", "R-2", 100, 1), ("rougeLsum_f", "R-Lsum", 100, 1),
               ("facts", "Facts", 100, 1)) if k in s.scores]
    meta = f"run {e(s.run_id)}; {s.words} words{' (cut to the budget)' if s.truncated else ''}; {', '.join(scores)}"
    out = [f'<article class="summary" data-system="{e(s.system)}"><h4>{name}</h4>', f'<p class="meta">{meta}</p>']
    if s.note:
        out.append(f'<p class="meta">{e(s.note)}</p>')
    out += ["<ol>", *(sentence(x) for x in s.sentences), "</ol>"]
    if s.elsewhere:
        out.append('<p class="meta">Marks on text not shown: ' + " ".join(
            mark(m) + (f" “{e(m.sentence)}”" if m.sentence else "") for m in s.elsewhere) + "</p>")
    if not s.checklist:
        out.append('<p class="meta">No checklist: facts and probes not checked.</p>')
    return out + ["</article>"]


def cluster(c: ClusterView, anchor: str) -> list[str]:
    title = e(c.cluster_id) + (f": {e(c.title)}" if c.title else "")
    out = [f'<section class="cluster" id="{anchor}"><h3>{title}</h3>']
    if not c.gold:
        out.append('<p class="note">Gold data not found: references and fact statements not shown.</p>')
    if c.references:
        out.append(f"<details><summary>References ({len(c.references)})</summary>")
        out += [f'<h4>{e(r.author)} ({r.words} words)</h4><p class="ref">{e(r.text.strip())}</p>' for r in c.references]
        out.append("</details>")
    if c.facts or c.probes:
        out += [f"<details><summary>Checklist ({len(c.facts)} facts, {len(c.probes)} probes)</summary>",
                '<table><thead><tr><th class="fact">Id</th><th>Weight</th><th>Refs</th><th class="fact">Statement</th>'
                "</tr></thead><tbody>"]
        out += [f'<tr><td class="fact">{e(f.id)}</td><td>{"–" if f.weight is None else f"{f.weight:g}"}</td>'
                f'<td>{"–" if f.refs is None else f.refs}</td><td class="fact">{e(f.statement)}</td></tr>'
                for f in c.facts]
        out += [f'<tr><td class="fact">probe {e(p.id)}</td><td></td><td></td>'
                f'<td class="fact">{e(p.statement)}</td></tr>' for p in c.probes]
        out.append("</tbody></table></details>")
    for s in c.summaries:
        out += summary(s)
    return out + ["</section>"]


def render(view: ReportView, charts: Charts) -> str:
    """The whole report as one HTML document."""
    h = view.heatmap
    cap = (f" Showing the {len(h.facts)} heaviest of {h.shown_of} facts." if len(h.facts) < h.shown_of else "")
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">', "<title>evalsum report</title>",
           f"<style>{STYLE}</style></head><body>", "<h1>evalsum report</h1>",
           '<p class="note">Derived from the records in <code>results/runs/</code> by <code>evalsum report</code>: '
           "each system's latest run, as on the leaderboard.</p>",
           '<nav><a href="#leaderboard">Leaderboard</a> · <a href="#charts">Charts</a> · '
           '<a href="#clusters">Clusters</a></nav>', '<section id="leaderboard"><h2>Leaderboard</h2>']
    for t in view.tables:
        out += table(t, view.columns)
    out += [f'<p class="note">{e(view.interval_note)}</p>',
            "<p class=\"note\">Signature: " + " ; ".join(f"<code>{e(s)}</code>" for s in view.signatures) + "</p>",
            "</section>", '<section id="charts"><h2>Charts</h2>',
            f'<figure class="chart" id="chart-scores">{charts.scores}<figcaption>Each system\'s mean score x100 '
            "over clusters; bars are 95% bootstrap intervals where a system has more than one cluster. "
            "Grey: ceilings (†).</figcaption></figure>",
            (f'<figure class="chart" id="chart-heatmap">{charts.heatmap}<figcaption>Fact heatmap: for each system '
             f"and checklist fact, the share of clusters whose summary states it (blank: never scored).{cap}"
             "</figcaption></figure>") if charts.heatmap is not None else
            '<p class="note" id="no-heatmap">No fact heatmap: no scored cluster has a checklist.</p>',
            f'<figure class="chart" id="chart-rouge-unsupported">{charts.rouge_unsupported}<figcaption>R-2 F '
            "against unsupported items per summary: a high score that comes with invented numbers, dates or "
            "names sits to the right. Hollow: ceilings (†).</figcaption></figure>", "</section>",
            '<section id="clusters"><h2>Clusters</h2>']
    if len(view.clusters) < view.clusters_total:
        out.append(f'<p class="note">Showing the first {len(view.clusters)} of {view.clusters_total} clusters '
                   "(by id); <code>evalsum show CLUSTER</code> shows any of them.</p>")
    out.append("<p>" + " · ".join(f'<a href="#cluster-{i}">{e(c.cluster_id)}</a>'
                                  for i, c in enumerate(view.clusters, 1)) + "</p>")
    for i, c in enumerate(view.clusters, 1):
        out += cluster(c, f"cluster-{i}")
    out += ["</section>", "</body></html>"]
    return "\n".join(out) + "\n"
