"""`evalsum show` in the terminal: a cluster's references and summaries, marks inline, as rich Text.

Every string from data (sources, summaries, ids, reasons) goes into `rich.text.Text` as plain text
with a style, never into console markup, so a summary holding `[/b]` or `:smile:` prints as
written. Without a terminal the same lines come out unstyled, marks still spelled out.
"""
from __future__ import annotations

from rich.text import Text

from evalsum.analysis.view_models import ClusterView, Mark, SummaryView

STYLES = {"fact": "green", "probe": "bold red", "unsupported": "yellow", "off_topic": "magenta"}
SYMBOLS = {"fact": "✓ fact", "probe": "✗ probe", "unsupported": "? unsupported", "off_topic": "∅ off-topic"}
SCORES = (("rouge1_f", "R-1", 100.0, 1), ("rouge2_f", "R-2", 100.0, 1), ("rougeLsum_f", "R-Lsum", 100.0, 1),
          ("facts", "Facts", 100.0, 1), ("unsupported", "Unsupp.", 1.0, 0), ("off_topic", "Off-topic", 1.0, 0))
LEGEND = ("Marks: ✓ fact = a checklist fact the sentence states; ✗ probe = a contradiction probe it trips; "
          "? unsupported = a number, date or name no source states (highlighted); ∅ off-topic = page furniture "
          "or off-subject.")


def mark_text(m: Mark) -> Text:
    """`[✓ fact montana]`, `[? unsupported number “17”]`, `[∅ off-topic (reason)]`: one mark, styled."""
    out = Text("[", style=STYLES[m.kind])
    out.append(f"{SYMBOLS[m.kind]} ")
    if m.kind == "unsupported":
        out.append(m.label + " “")
        out.append(m.text)
        out.append("”")
    elif m.kind == "off_topic":
        out.append(f"({m.label})")
    else:
        out.append(m.label)
    if m.author is not None:
        out.append(f" in {m.author}")
    out.append("]")
    return out


def sentence_text(index: int, text: str, marks: list[Mark]) -> Text:
    """One numbered sentence with its unsupported spans highlighted and its marks after it."""
    line = Text(f"  {index:>2}. ")
    body = Text(text, style="dim" if any(m.kind == "off_topic" for m in marks) else "")
    for m in marks:
        if m.kind == "unsupported" and m.text:
            at = text.find(m.text)
            if at >= 0:
                body.stylize("reverse yellow", at, at + len(m.text))
    line.append_text(body)
    for m in marks:
        line.append(" ")
        line.append_text(mark_text(m))
    return line


def summary_lines(s: SummaryView) -> list[Text]:
    head = Text("── ", style="bold")
    head.append(s.system + (" †" if s.uses_references else ""), style="bold cyan")
    head.append(f"  (run {s.run_id}")
    if s.status != "ok":
        head.append(")")
        fail = Text("  FAILED: ", style="bold red")
        fail.append(s.failure or "")
        return [head, fail]
    scores = [f"{label} {s.scores[k] * scale:.{d}f}" for k, label, scale, d in SCORES if k in s.scores]
    head.append(f"; {s.words} words{' (cut to the budget)' if s.truncated else ''}; " + ", ".join(scores) + ")")
    lines = [head]
    if s.note:
        lines.append(Text(f"  note: {s.note}", style="italic"))
    lines += [sentence_text(i, sent.text, sent.marks) for i, sent in enumerate(s.sentences, 1)]
    for m in s.elsewhere:
        other = Text("      elsewhere: ")
        other.append_text(mark_text(m))
        if m.sentence:
            other.append(" “")
            other.append(m.sentence)
            other.append("”")
        lines.append(other)
    if not s.checklist:
        lines.append(Text("  (no checklist: facts and probes not checked)", style="italic"))
    return lines


def render(view: ClusterView) -> list[Text]:
    """The lines `evalsum show` prints, in order."""
    title = Text(view.cluster_id, style="bold")
    if view.title:
        title.append(": " + view.title)
    lines = [title]
    if not view.gold:
        lines.append(Text("(gold data not found: references and fact statements not shown)", style="italic"))
    if view.references:
        lines += [Text(""), Text(f"References ({len(view.references)})", style="bold underline")]
        for r in view.references:
            lines.append(Text(f"── {r.author} ({r.words} words)", style="bold"))
            lines += [Text("  " + para) for para in r.text.strip().splitlines() if para.strip()]
    if view.facts:
        lines += [Text(""), Text(f"Checklist facts ({len(view.facts)}; weight, references stating it)",
                                  style="bold underline")]
        for f in view.facts:
            refs = "–" if f.refs is None else str(f.refs)
            weight = "–" if f.weight is None else f"{f.weight:g}"
            line = Text(f"  {f.id}", style="green")
            line.append(f" ({weight}, {refs}) ", style="")
            line.append(f.statement)
            lines.append(line)
    for p in view.probes:
        line = Text(f"  probe {p.id}: ", style="red")
        line.append(p.statement)
        lines.append(line)
    lines += [Text(""), Text(f"Summaries ({len(view.summaries)})", style="bold underline"),
              Text(LEGEND, style="italic")]
    if not view.summaries:
        lines.append(Text("  no record holds a summary of this cluster: run `evalsum run --all` first"))
    for s in view.summaries:
        lines += summary_lines(s)
    return lines
