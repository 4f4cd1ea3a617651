"""The one adapter from records to the views `show` and `report` render (`view_models`).

Everything that reads record or score internals for those commands lives here: fact hits, probe
hits, unsupported items, off-topic sentences, per-system metric values, intervals and the order of
the ranked tables. Renderers see only view models, so a change to the record format changes this
module alone. Reads records streaming; nothing here prints.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from evalsum.analysis import leaderboard, leaderboard_render
from evalsum.analysis.leaderboard_rows import SORT_KEY
from evalsum.analysis.view_models import (
    Cell,
    ClusterView,
    Column,
    FactInfo,
    Heatmap,
    Mark,
    ProbeInfo,
    ReferenceView,
    ReportView,
    RowView,
    SentenceView,
    SummaryView,
    SystemPoint,
    TableView,
)
from evalsum.errors import DataError
from evalsum.metrics import catalogue
from evalsum.models import Cluster, ClusterResult, RecordHeader, ResultLine, SystemInfo
from evalsum.store.records import iter_record, read_header

# The report's per-cluster sections and heatmap stop at these caps (and say so): a 10,000-cluster
# run still gives a file a browser opens. The records keep everything.
REPORT_CLUSTERS = 50
HEATMAP_FACTS = 60
COLUMNS = [Column(key="rouge1_f", label="R-1"), Column(key="rouge2_f", label="R-2"),
           Column(key="rougeLsum_f", label="R-Lsum"), Column(key="facts", label="Facts"),
           Column(key="contradictions", label="Contra.", scale=1.0, digits=2),
           Column(key="unsupported", label="Unsupp.", scale=1.0, digits=2),
           Column(key="off_topic", label="Off-topic", scale=1.0, digits=2),
           Column(key="redundancy", label="Redund.", scale=1.0, digits=2),
           Column(key="density", label="Density", scale=1.0, digits=1),
           Column(key="words", label="Words", scale=1.0, digits=0)]
CHART_METRICS = ("rouge1_f", "rouge2_f", "rougeLsum_f", "facts", "unsupported")
def sort_note(sort_key: str) -> str:
    """The line under the report's tables: what orders them (R-2 F, unless the runs report none)."""
    by = catalogue.get(sort_key).label
    why = "the leaderboard's sort key" if sort_key == SORT_KEY else "these runs report no R-2"
    return (f"Ordered by mean {by} F over clusters ({why}), highest first; x100 except Contra. to Words. † rows "
            "read the references: ceilings, not systems you can deploy.")

Found = tuple[str, SystemInfo, ClusterResult]  # (run id, system, result)


def _published(paths: Iterable[Path]) -> list[tuple[Path, RecordHeader]]:
    """Record files with their headers, leaving out shards (part of a run until merged)."""
    return [(p, h) for p in paths if (h := read_header(p)).shard is None]


def latest_results(paths: Sequence[Path], cluster_id: str) -> list[Found]:
    """Per system, its result for this cluster from the latest record that scored it."""
    found: dict[str, Found] = {}
    for path, header in _published(paths):
        infos = {s.name: s for s in header.systems}
        for item in iter_record(path):
            if isinstance(item, ResultLine) and item.result.cluster_id == cluster_id:
                if item.system not in infos:
                    raise DataError(path, None, f"result for system {item.system!r} not in the header")
                found[item.system] = (header.run_id, infos[item.system], item.result)
    return [found[k] for k in sorted(found, key=lambda n: (found[n][1].uses_references, n))]


def choose(found: Sequence[Found], systems: Sequence[str]) -> list[Found]:
    """The results of the named systems, in the order named; an unknown name is a data error."""
    if not systems:
        return list(found)
    by = {f[1].name: f for f in found}
    missing = [s for s in systems if s not in by]
    if missing:
        raise DataError(missing[0], None, "no record holds this system's summary of the cluster; recorded: "
                        + (", ".join(sorted(by)) or "none"))
    return [by[s] for s in dict.fromkeys(systems)]


def _placed(text: str, sentences: Sequence[str]) -> list[int]:
    """Sentences a recorded audit sentence refers to: itself, or each part of a summary-scope hit."""
    if text in sentences:
        return [sentences.index(text)]
    return [i for i, s in enumerate(sentences) if s and s in text]


def _marks(res: ClusterResult) -> list[Mark]:
    out: list[Mark] = []
    scores = res.scores
    if scores is None:
        return out
    if scores.facts is not None:
        out += [Mark(kind="fact", label=h.id, sentence=h.sentence) for h in scores.facts.hits]
        out += [Mark(kind="probe", label=h.id, sentence=h.sentence) for h in scores.facts.contradictions]
    q = scores.quality
    if q is not None:
        out += [Mark(kind="unsupported", label=u.kind, text=u.text, sentence=u.sentence, author=u.author)
                for u in q.faithfulness.items]
        out += [Mark(kind="off_topic", label=o.reason, sentence=o.sentence, author=o.author)
                for o in q.style.off_topic_items]
    return out


def summary_view(run_id: str, system: SystemInfo, res: ClusterResult) -> SummaryView:
    base: dict[str, Any] = {"system": system.name, "uses_references": system.uses_references, "run_id": run_id,
                            "status": res.status}
    if res.status != "ok" or res.summary is None:
        return SummaryView(**base, failure=" ".join(str(res.failure or "no summary").split()))
    sentences = list(res.summary.sentences)
    per: list[list[Mark]] = [[] for _ in sentences]
    elsewhere: list[Mark] = []
    for m in _marks(res):
        where = _placed(m.sentence, sentences)
        if m.author is not None and where and m.sentence not in sentences:
            where = []
        for i in where:
            per[i].append(m)
        if not where:
            elsewhere.append(m)
    facts = res.scores.facts if res.scores is not None else None
    note = res.summary.metadata.get("note")
    return SummaryView(
        **base, words=res.summary.words, truncated=res.summary.truncated,
        note=note if isinstance(note, str) else None,
        sentences=[SentenceView(text=s, marks=marks) for s, marks in zip(sentences, per, strict=True)],
        elsewhere=elsewhere,
        checklist=facts is not None, facts_hit=[h.id for h in facts.hits] if facts else [],
        probes_hit=[h.id for h in facts.contradictions] if facts else [], scores=leaderboard.cluster_metrics(res))


def cluster_view(cluster_id: str, gold: Cluster | None, found: Sequence[Found]) -> ClusterView:
    """References and checklist from the gold data (when given), and each found summary with its marks."""
    weights: dict[str, float] = {}
    refs: dict[str, int] = {}
    for _, _, res in found:
        if res.scores is not None and res.scores.facts is not None:
            weights, refs = res.scores.facts.weights, res.scores.facts.ref_counts
            break
    summaries = [summary_view(run_id, info, res) for run_id, info, res in found]
    if gold is None:
        return ClusterView(cluster_id=cluster_id, gold=False, summaries=summaries,
                           facts=[FactInfo(id=k, statement="", weight=w, refs=refs.get(k)) for k, w in weights.items()])
    checklist = gold.checklist
    return ClusterView(
        cluster_id=cluster_id, title=gold.title, gold=True, summaries=summaries,
        references=[ReferenceView(author=r.author, text=r.text, words=r.words) for r in gold.references],
        facts=[FactInfo(id=f.id, statement=f.statement, weight=weights.get(f.id, f.weight), refs=refs.get(f.id))
               for f in (checklist.facts if checklist else [])],
        probes=[ProbeInfo(id=p.id, statement=p.statement) for p in (checklist.probes if checklist else [])])


# ---------------------------------------------------------------- the report


def _latest_paths(paths: Sequence[Path]) -> dict[str, Path]:
    """System -> its latest published record: the leaderboard's rule."""
    latest: dict[str, Path] = {}
    for p, header in _published(paths):
        for s in header.systems:
            latest[s.name] = p
    return latest


def report_cluster_ids(paths: Sequence[Path]) -> tuple[list[str], int]:
    """The clusters the report has sections for (sorted, capped) and how many there are in all."""
    latest = _latest_paths(paths)
    ids: set[str] = set()
    for p in sorted(set(latest.values())):
        ids.update(i.result.cluster_id for i in iter_record(p)
                   if isinstance(i, ResultLine) and latest.get(i.system) == p)
    return sorted(ids)[:REPORT_CLUSTERS], len(ids)


def _report_clusters(paths: Sequence[Path], ids: Sequence[str], gold: Mapping[str, Cluster]) -> list[ClusterView]:
    latest = _latest_paths(paths)
    wanted = set(ids)
    found: dict[str, dict[str, Found]] = {i: {} for i in ids}
    for p in sorted(set(latest.values())):
        header = read_header(p)
        infos = {s.name: s for s in header.systems}
        for item in iter_record(p):
            if (isinstance(item, ResultLine) and item.result.cluster_id in wanted and item.system in infos
                    and latest.get(item.system) == p):
                found[item.result.cluster_id][item.system] = (header.run_id, infos[item.system], item.result)
    out = []
    for cid in ids:
        per = found[cid]
        ordered = [per[k] for k in sorted(per, key=lambda n: (per[n][1].uses_references, n))]
        out.append(cluster_view(cid, gold.get(cid), ordered))
    return out


def report_columns(rows: Sequence[leaderboard.Row]) -> list[Column]:
    """The leaderboard table's columns for these rows (with the ROUGE variants their runs asked
    for), formatted as the catalogue says."""
    return [Column(key=k, label=m.label, scale=m.scale, digits=m.digits)
            for k, m in ((k, catalogue.get(k)) for k in leaderboard_render.columns(rows))]


def _cells(row: leaderboard.Row, columns: Sequence[Column] = COLUMNS) -> dict[str, Cell]:
    out = {}
    for c in columns:
        iv = row.intervals.get(c.key)
        out[c.key] = Cell(mean=row.metrics.get(c.key), low=iv.low if iv else None, high=iv.high if iv else None)
    return out


def _shown(board: leaderboard.Leaderboard) -> list[leaderboard.Row]:
    """The first table's ranked and ceiling rows: what the report's tables and charts draw."""
    return [r for r in board.rows if r.table == 0 and r.section != "incomplete"]


def _heatmap(board: leaderboard.Leaderboard) -> Heatmap:
    rows = _shown(board)
    shown = board.fact_rates[:HEATMAP_FACTS]
    rates = [[fr.rates.get(r.system) for fr in shown] for r in rows]
    return Heatmap(systems=[r.system for r in rows], ceilings=[r.uses_references for r in rows],
                   facts=[fr.fact for fr in shown], rates=rates, shown_of=len(board.fact_rates))


def report_view(paths: Sequence[Path], gold: Mapping[str, Cluster]) -> ReportView:
    """Everything `evalsum report` draws, from the record files (oldest first) and the gold data."""
    board = leaderboard.build_from_paths(paths, provenance=True)
    ids, total = report_cluster_ids(paths)
    columns = report_columns(_shown(board))
    note = sort_note(board.tables[0].sort_key if board.tables else SORT_KEY)
    tables = []
    for title, ceiling in (("Systems", False), ("Ceilings †", True)):
        rows = [r for r in _shown(board) if r.uses_references == ceiling]
        if rows:
            tables.append(TableView(title=title, note=note, rows=[
                RowView(position=i, group=r.group, system=r.system, ceiling=ceiling, clusters=r.clusters,
                        failed=r.failed, run_id=r.run_id or "", cells=_cells(r, columns))
                for i, r in enumerate(rows, 1)]))
    points = [SystemPoint(system=r.system, ceiling=r.uses_references,
                          metrics={k: v for k, v in _cells(r).items() if k in CHART_METRICS}) for r in _shown(board)]
    return ReportView(columns=columns, tables=tables, signatures=board.signatures,
                      interval_note=leaderboard_render.interval_note([r for r in board.rows if r.table == 0]),
                      points=points, heatmap=_heatmap(board),
                      clusters=_report_clusters(paths, ids, gold), clusters_total=total)
