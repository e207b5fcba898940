"""Validated content and its provenance report -> the one document model every renderer reads."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Generic, TypeVar

from .content import Content
from .models import ChartRequest, Figure, FrontMatter, Point, Quote, SourceInfo
from .provenance import Discrepancy, Report

Item = TypeVar("Item", Quote, Point)


@dataclass(frozen=True)
class Link:
    """An internal link: the anchor it leads to and the text it shows.

    A key takeaway links to its sources' appendix entries by their short labels; an appendix
    entry links back to every item that cites the source ("Figure: Core AI industry size").
    """

    anchor: str
    label: str


@dataclass(frozen=True)
class FigureEntry:
    """A figure of a section, with the anchor its table row carries and its line in the seed."""

    anchor: str
    figure: Figure
    seed_line: int | None


@dataclass(frozen=True)
class Anchored(Generic[Item]):
    """A quote, challenge or recommendation of a section, with the anchor it carries on the page:
    its entry in the appendix's "cited by" list links to it."""

    anchor: str
    item: Item


@dataclass(frozen=True)
class RelatedSource:
    """How a section relates to another section of the briefing: 'translation of' that one."""

    kind: str
    title: str
    anchor: str


@dataclass(frozen=True)
class Section:
    number: int
    source_id: str
    anchor: str
    info: SourceInfo
    summary: list[str]
    figures: list[FigureEntry]
    quotes: list[Anchored[Quote]]
    challenges: list[Anchored[Point]]
    recommendations: list[Anchored[Point]]
    relations: list[RelatedSource]


@dataclass(frozen=True)
class KeyTakeaway:
    text: str
    cites: list[Link]


@dataclass(frozen=True)
class AppendixEntry:
    """A source's appendix entry: its section and every item of the briefing that cites it."""

    section: Section
    cited_by: list[Link]


@dataclass(frozen=True)
class ComparisonRow:
    metric: str
    label: str
    period: str
    cells: dict[str, Figure]  # by source id
    disagreements: list[Discrepancy]


@dataclass(frozen=True, order=True)
class ChartPoint:
    """One bar; points sort by period, then value, source id and status."""

    period: str
    value: float  # in the chart's unit
    source_id: str
    status: str


@dataclass(frozen=True)
class ChartData:
    id: str
    title: str
    caption: str
    unit: str
    points: list[ChartPoint]
    source_line: str
    alt: str


@dataclass
class Document:
    front: FrontMatter
    executive_summary: list[str]
    takeaways: list[KeyTakeaway]
    sections: list[Section]
    comparison: list[ComparisonRow]
    explanations: dict[str, str]
    charts: list[ChartData]
    appendix: list[AppendixEntry]
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
    citations: dict[str, list[Link]] = defaultdict(list)
    takeaways = []
    for i, takeaway in enumerate(content.front.takeaways, start=1):
        links = [Link(appendix_anchor(s), labels[s]) for s in takeaway.sources]
        takeaways.append(KeyTakeaway(takeaway.text, links))
        for sid in takeaway.sources:
            citations[sid].append(Link(f"takeaway-{i}", f"Key takeaway {i}"))
    for section in sections:  # in the order the section shows them
        cited = citations[section.source_id]
        cited += [Link(e.anchor, f"Figure: {e.figure.label}") for e in section.figures]
        cited += [Link(e.anchor, f"Quote: {e.item.speaker}") for e in section.quotes]
        cited += [Link(e.anchor, f"Challenge: {e.item.title}") for e in section.challenges]
        cited += [
            Link(e.anchor, f"Recommendation: {e.item.title}") for e in section.recommendations
        ]
    return Document(
        front=content.front,
        executive_summary=paragraphs(content.front.executive_summary),
        takeaways=takeaways,
        sections=sections,
        comparison=_comparison(content, report),
        explanations={r.metric: r.explanation for r in content.front.reconciliations},
        charts=[_chart(request, content, labels) for request in content.front.charts],
        appendix=[AppendixEntry(s, citations[s.source_id]) for s in sections],
        short_labels=labels,
        numbers={s.source_id: s.number for s in sections},
    )


def _section(number: int, source_id: str, content: Content, report: Report) -> Section:
    summary = content.sources[source_id]

    def points(kind: str, items: list[Point]) -> list[Anchored[Point]]:
        return [Anchored(f"{kind}-{source_id}-{p.id}", p) for p in items]

    return Section(
        number=number,
        source_id=source_id,
        anchor=source_anchor(source_id),
        info=summary.source,
        summary=paragraphs(summary.summary),
        figures=[
            FigureEntry(f"fig-{source_id}-{f.id}", f, _line(report, source_id, f.id))
            for f in summary.figures
        ],
        quotes=[Anchored(f"quote-{source_id}-{q.id}", q) for q in summary.quotes],
        challenges=points("challenge", summary.challenges),
        recommendations=points("rec", summary.recommendations),
        relations=[],
    )


def _line(report: Report, source_id: str, item_id: str) -> int | None:
    found = report.found.get((source_id, item_id))
    return found.line if found else None


def _with_relations(section: Section, by_id: dict[str, Section]) -> Section:
    relations = [
        RelatedSource(r.kind.replace("-", " "), by_id[r.source].info.title, by_id[r.source].anchor)
        for r in section.info.relations
        if r.source in by_id
    ]
    return replace(section, relations=relations)


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
    points = sorted(
        ChartPoint(f.period, float(f.value * split_unit(f.unit)[0] / scale), sid, str(f.status))
        for sid, f in figures
    )
    used = sorted({labels[p.source_id] for p in points})
    alt = f"{request.title}. " + "; ".join(
        f"{p.period}: {p.value:g} {unit} ({labels[p.source_id]}, {p.status})" for p in points
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
