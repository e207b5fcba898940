"""Validated content and its provenance report -> the one document model every renderer reads."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .content import Content
from .models import ChartRequest, Figure, FrontMatter, Point, Quote, SourceInfo
from .provenance import Discrepancy, Report


@dataclass(frozen=True)
class Citation:
    """An item of the briefing that cites a source: its anchor and how it reads in the appendix."""

    anchor: str
    label: str


@dataclass(frozen=True)
class Section:
    number: int
    source_id: str
    anchor: str
    info: SourceInfo
    summary: list[str]
    figures: list[tuple[str, Figure, int | None]]  # anchor, figure, seed line
    quotes: list[tuple[str, Quote]]
    challenges: list[tuple[str, Point]]
    recommendations: list[tuple[str, Point]]
    relations: list[tuple[str, str, str]]  # kind, other section title, other anchor


@dataclass(frozen=True)
class ComparisonRow:
    metric: str
    label: str
    period: str
    cells: dict[str, Figure]  # by source id
    disagreements: list[Discrepancy]


@dataclass(frozen=True)
class ChartData:
    id: str
    title: str
    caption: str
    unit: str
    points: list[tuple[str, float, str, str]]  # period, value in the chart unit, source id, status
    source_line: str
    alt: str


@dataclass
class Document:
    front: FrontMatter
    executive_summary: list[str]
    takeaways: list[tuple[str, list[tuple[str, str]]]]  # text, [(source anchor, short label)]
    sections: list[Section]
    comparison: list[ComparisonRow]
    explanations: dict[str, str]
    charts: list[ChartData]
    appendix: list[tuple[Section, list[Citation]]]
    short_labels: dict[str, str] = field(default_factory=dict)
    numbers: dict[str, int] = field(default_factory=dict)


def paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]


def source_anchor(source_id: str) -> str:
    return f"src-{source_id}"


def appendix_anchor(source_id: str) -> str:
    return f"ref-{source_id}"


def short_label(info: SourceInfo) -> str:
    who = info.publisher or info.title
    year = info.published.year if info.published else "n.d."
    return f"{who.split('(')[0].strip()}, {year}"


def build_document(content: Content, report: Report) -> Document:
    ids = list(content.sources)
    labels = {sid: short_label(content.sources[sid].source) for sid in ids}
    sections = [_section(n, sid, content, report) for n, sid in enumerate(ids, start=1)]
    by_id = {s.source_id: s for s in sections}
    sections = [_with_relations(s, by_id) for s in sections]
    citations: dict[str, list[Citation]] = defaultdict(list)
    takeaways = []
    for i, takeaway in enumerate(content.front.takeaways, start=1):
        takeaways.append(
            (takeaway.text, [(appendix_anchor(s), labels[s]) for s in takeaway.sources])
        )
        for sid in takeaway.sources:
            citations[sid].append(Citation(f"takeaway-{i}", f"Key takeaway {i}"))
    for section in sections:
        for kind, items in (
            ("Figure", section.figures),
            ("Quote", section.quotes),
            ("Challenge", section.challenges),
            ("Recommendation", section.recommendations),
        ):
            for entry in items:
                item = entry[1]
                name = getattr(item, "label", None) or getattr(item, "title", None)
                name = name or getattr(item, "speaker", "")
                citations[section.source_id].append(Citation(entry[0], f"{kind}: {name}"))
    return Document(
        front=content.front,
        executive_summary=paragraphs(content.front.executive_summary),
        takeaways=takeaways,
        sections=sections,
        comparison=_comparison(content, report),
        explanations={r.metric: r.explanation for r in content.front.reconciliations},
        charts=[_chart(request, content, labels) for request in content.front.charts],
        appendix=[(s, citations[s.source_id]) for s in sections],
        short_labels=labels,
        numbers={s.source_id: s.number for s in sections},
    )


def _section(number: int, source_id: str, content: Content, report: Report) -> Section:
    summary = content.sources[source_id]

    def anchored(kind: str, items: list[Point] | list[Quote]) -> list[tuple[str, Point | Quote]]:
        return [(f"{kind}-{source_id}-{item.id}", item) for item in items]

    figures = [
        (f"fig-{source_id}-{f.id}", f, _line(report, source_id, f.id)) for f in summary.figures
    ]
    return Section(
        number=number,
        source_id=source_id,
        anchor=source_anchor(source_id),
        info=summary.source,
        summary=paragraphs(summary.summary),
        figures=figures,
        quotes=anchored("quote", summary.quotes),  # type: ignore[arg-type]
        challenges=anchored("challenge", summary.challenges),  # type: ignore[arg-type]
        recommendations=anchored("rec", summary.recommendations),  # type: ignore[arg-type]
        relations=[],
    )


def _line(report: Report, source_id: str, item_id: str) -> int | None:
    found = report.found.get((source_id, item_id))
    return found.line if found else None


def _with_relations(section: Section, by_id: dict[str, Section]) -> Section:
    relations = [
        (r.kind.replace("-", " "), by_id[r.source].info.title, by_id[r.source].anchor)
        for r in section.info.relations
        if r.source in by_id
    ]
    return Section(**{**section.__dict__, "relations": relations})


def _comparison(content: Content, report: Report) -> list[ComparisonRow]:
    """Metrics reported by two or more sources for the same period, side by side."""
    groups: dict[tuple[str, str], dict[str, Figure]] = defaultdict(dict)
    for sid, summary in content.sources.items():
        for figure in summary.figures:
            groups[(figure.metric, figure.period)].setdefault(sid, figure)
    rows = []
    for (metric, period), cells in sorted(groups.items()):
        if len(cells) < 2:
            continue
        found = [d for d in report.discrepancies if d.metric == metric and d.period == period]
        label = next(iter(cells.values())).label
        rows.append(ComparisonRow(metric, label, period, cells, found))
    return rows


def _chart(request: ChartRequest, content: Content, labels: dict[str, str]) -> ChartData:
    from .provenance import split_unit

    metric = request.metric
    figures = [
        (sid, f) for sid, s in content.sources.items() for f in s.figures if f.metric == metric
    ]
    # Plot in the unit most figures use, converting magnitude words (billion/trillion); a tie
    # goes to the unit met first, never to set order, which changes with the hash seed.
    units = [f.unit for _, f in figures]
    unit = max(units, key=units.count)
    scale, _ = split_unit(unit)
    points: list[tuple[str, float, str, str]] = sorted(
        (f.period, float(f.value * split_unit(f.unit)[0] / scale), sid, str(f.status))
        for sid, f in figures
    )
    used = sorted({labels[sid] for _, _, sid, _ in points})
    alt = f"{request.title}. " + "; ".join(
        f"{period}: {value:g} {unit} ({labels[sid]}, {status})"
        for period, value, sid, status in points
    )
    return ChartData(
        id=request.id,
        title=request.title,
        caption=request.caption,
        unit=unit,
        points=points,
        source_line=sentence("Sources: " + "; ".join(used)),
        alt=alt,
    )


def sentence(text: str) -> str:
    """The text ending with one full stop, though its last label already ends with one."""
    return text if text.endswith(".") else text + "."
