"""Validated content and its provenance report -> the one document model every renderer reads."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from .claims import segments
from .content import Content
from .models import ChartRequest, Figure, FrontMatter, Point, Quote, SourceInfo
from .periods import Period, parse_period
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
class Cite:
    """A numbered citation in the briefing's own prose: the cited source's number, linked to the
    first item it cites there; `label` names every item cited (a tooltip, the appendix)."""

    number: int
    anchor: str
    label: str


@dataclass(frozen=True)
class Run:
    """A stretch of prose as a reader sees it, and the citations printed after it."""

    text: str
    cites: tuple[Cite, ...] = ()
    # The id the citation group carries, where the briefing's own prose cites: the appendix's
    # back-reference leads there and names the page it falls on, not where its paragraph starts.
    marker: str = ""


Prose = list[Run]  # one paragraph


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
    note: str | None = None  # the editor's word on how the two texts relate


@dataclass(frozen=True)
class Section:
    number: int
    source_id: str
    anchor: str
    info: SourceInfo
    summary: list[Prose]
    figures: list[FigureEntry]
    quotes: list[Anchored[Quote]]
    challenges: list[Anchored[Point]]
    recommendations: list[Anchored[Point]]
    relations: list[RelatedSource]


@dataclass(frozen=True)
class KeyTakeaway:
    text: Prose


@dataclass(frozen=True)
class CitedPlace:
    """A part of the briefing that cites a source: "section 3", "key takeaways 1, 2 and 6",
    "the comparison table", "Figure 1". Its anchors are where it cites the source; a section
    is read as running from its first anchor to its last."""

    label: str
    anchors: list[str]
    continuous: bool = False  # every page from the first anchor's to the last's


@dataclass(frozen=True)
class AppendixEntry:
    """A source's appendix entry: its section, every item of the briefing that cites it, and
    the parts those items fall in, for the "cited on pp. 1–2, 11–15" line."""

    section: Section
    cited_by: list[Link]
    places: list[CitedPlace] = field(default_factory=list)


VERDICTS = {"value": "Values differ", "unit": "Units or wording differ", "status": "Status differs"}


@dataclass(frozen=True)
class ComparisonRow:
    metric: str
    label: str
    period: str
    cells: dict[str, Figure]  # by source id
    disagreements: list[Discrepancy]
    anchor: str = ""

    @property
    def conflict(self) -> bool:
        """The sources' values cannot all be true: not a difference of status or wording."""
        return any(d.kind == "value" for d in self.disagreements)

    @property
    def verdict(self) -> str:
        """What differs, as the row's flag says it: "Status differs", "Values differ" …"""
        kinds = dict.fromkeys(d.kind for d in self.disagreements)
        return "; ".join(VERDICTS[k] for k in kinds)


@dataclass(frozen=True)
class Explanation:
    """A reconciliation as printed: the figure the briefing relies on, then why."""

    uses: Prose
    text: Prose


@dataclass(frozen=True)
class ChartPoint:
    """One bar: a figure, or one figure that translations of one original report alike."""

    period: str  # as the editor wrote it
    value: float  # in the chart's unit
    source_id: str
    status: str
    bound: str  # exact, about, nearly, more-than, less-than
    label: str  # the source as the bar names it: "[4] Sinocism, 2026"
    when: Period | None
    also: tuple[str, ...] = ()  # other translations of the same original, reporting the same


@dataclass(frozen=True)
class ChartData:
    id: str
    title: str
    caption: Prose
    unit: str
    points: list[ChartPoint]
    source_line: str
    alt: str


@dataclass
class Document:
    front: FrontMatter
    executive_summary: list[Prose]
    takeaways: list[KeyTakeaway]
    sections: list[Section]
    comparison: list[ComparisonRow]
    explanations: dict[str, Explanation]
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
    if info.label:
        return info.label
    who = info.publisher or info.title
    year = info.published.year if info.published else "n.d."
    return f"{who.split('(')[0].strip()}, {year}"


def build_document(content: Content, report: Report) -> Document:
    ids = list(content.sources)
    labels = {sid: short_label(content.sources[sid].source) for sid in ids}
    sections = [_section(n, sid, content, report) for n, sid in enumerate(ids, start=1)]
    by_id = {s.source_id: s for s in sections}
    sections = [_with_relations(s, by_id) for s in sections]
    citer = _Citer(sections)
    front = content.front
    takeaways = []
    for i, takeaway in enumerate(front.takeaways, start=1):
        place = Link(f"takeaway-{i}", f"Key takeaway {i}")
        whole = "".join(f" [@{sid}]" for sid in takeaway.sources)
        takeaways.append(KeyTakeaway(citer.prose(" ".join(takeaway.text.split()) + whole, place)))
    executive_summary = [
        citer.prose(text, Link(f"executive-summary-{n}", f"Executive summary, paragraph {n}"))
        for n, text in enumerate(paragraphs(front.executive_summary), start=1)
    ]
    sections = [
        replace(
            s,
            summary=[
                citer.prose(text, Link(s.anchor, f"Summary of section {s.number}"), s.source_id)
                for text in paragraphs(content.sources[s.source_id].summary)
            ],
        )
        for s in sections
    ]
    numbers = {s.source_id: s.number for s in sections}
    charts = [
        _chart(request, content, numbers, labels, citer, Link(f"chart-{request.id}", f"Figure {k}"))
        for k, request in enumerate(front.charts, start=1)
    ]
    comparison = _comparison(content, report)
    explanations: dict[str, Explanation] = {}
    for entry in front.reconciliations:
        row = next((r for r in comparison if r.metric == entry.metric), None)
        at = Link(row.anchor, f"Across the sources: {row.label}") if row else None
        uses = citer.uses(entry.uses, at)
        explanations[entry.metric] = Explanation(uses, citer.prose(entry.explanation, at))
    citations = citer.cited_by
    for section in sections:  # in the order the section shows them
        cited = citations[section.source_id]
        cited += [Link(e.anchor, f"Figure: {e.figure.label}") for e in section.figures]
        cited += [Link(e.anchor, f"Quote: {e.item.speaker}") for e in section.quotes]
        cited += [Link(e.anchor, f"Challenge: {e.item.title}") for e in section.challenges]
        cited += [
            Link(e.anchor, f"Recommendation: {e.item.title}") for e in section.recommendations
        ]
    return for_reader(
        Document(
            front=front,
            executive_summary=executive_summary,
            takeaways=takeaways,
            sections=sections,
            comparison=comparison,
            explanations=explanations,
            charts=charts,
            appendix=[
                AppendixEntry(
                    s,
                    citations[s.source_id],
                    _places(s, citations[s.source_id], comparison, charts),
                )
                for s in sections
            ],
            short_labels=labels,
            numbers=numbers,
        )
    )


class _Citer:
    """Turns prose with [@source/item] marks into runs with numbered citations, and records
    every place that cites a source, for the appendix's "cited by" list."""

    def __init__(self, sections: list[Section]) -> None:
        self.numbers = {s.source_id: s.number for s in sections}
        self.items: dict[tuple[str, str], Link] = {}
        self.figures: dict[tuple[str, str], Figure] = {}
        for s in sections:
            for f in s.figures:
                self.items[(s.source_id, f.figure.id)] = Link(f.anchor, f"Figure: {f.figure.label}")
                self.figures[(s.source_id, f.figure.id)] = f.figure
            for q in s.quotes:
                self.items[(s.source_id, q.item.id)] = Link(q.anchor, f"Quote: {q.item.speaker}")
            for kind, entries in (
                ("Challenge", s.challenges),
                ("Recommendation", s.recommendations),
            ):
                for e in entries:
                    self.items[(s.source_id, e.item.id)] = Link(e.anchor, f"{kind}: {e.item.title}")
        self.cited_by: dict[str, list[Link]] = defaultdict(list)
        self.markers: dict[str, int] = defaultdict(int)  # citation groups so far, by place

    def prose(self, text: str, place: Link | None, own: str | None = None) -> Prose:
        runs: Prose = []
        for segment in segments(text):
            if not segment.cites:
                runs.append(Run(segment.text))
                continue
            by_source: dict[str, list[str | None]] = {}
            for cited in segment.cites:
                if cited.source in self.numbers:
                    by_source.setdefault(cited.source, []).append(cited.item)
            at = self._marked(place)
            cites = tuple(
                sorted(
                    (self._cite(sid, items, at, own) for sid, items in by_source.items()),
                    key=lambda cite: cite.number,
                )
            )
            last = runs.pop() if runs and not runs[-1].cites else Run("")
            runs.append(Run(last.text, last.cites + cites, at.anchor if at else ""))
        return runs

    def _marked(self, place: Link | None) -> Link | None:
        """The place of one citation group: its own id, after the id of the part it is in."""
        if place is None:
            return None
        self.markers[place.anchor] += 1
        return Link(f"{place.anchor}-cite-{self.markers[place.anchor]}", place.label)

    def uses(self, cited: str | None, place: Link | None) -> Prose:
        """ "Briefing uses: more than 1.2 trillion yuan (actual)", citing the figure."""
        if cited is None:
            return []
        sid, _, item = cited.lstrip("@").partition("/")
        figure = self.figures.get((sid, item))
        if figure is None:
            return []
        value = _value_words(figure)
        at = self._marked(place)
        cite = self._cite(sid, [item], at, None)
        text = f"Briefing uses: {value} {figure.unit} ({figure.status})"
        return [Run(text, (cite,), at.anchor if at else "")]

    def mention(self, sid: str, place: Link) -> None:
        """Record that `place` rests on the source, for its appendix entry."""
        if place not in self.cited_by[sid]:
            self.cited_by[sid].append(place)

    def _cite(self, sid: str, items: list[str | None], place: Link | None, own: str | None) -> Cite:
        links = [self.items[(sid, i)] for i in items if i is not None and (sid, i) in self.items]
        if place is not None and sid != own:
            self.mention(sid, place)
        anchor = links[0].anchor if links else appendix_anchor(sid)
        label = "; ".join(dict.fromkeys(link.label for link in links)) or "the source as a whole"
        return Cite(self.numbers[sid], anchor, label)


BOUND_WORDS = {
    "exact": "",
    "about": "about ",
    "nearly": "nearly ",
    "more-than": "more than ",
    "less-than": "less than ",
}


def _value_words(figure: Figure) -> str:
    value = f"{figure.value:f}"
    if figure.value_high is not None:
        value += f"–{figure.value_high:f}"
    return BOUND_WORDS[figure.bound] + value


def _places(
    section: Section,
    cited_by: list[Link],
    comparison: list[ComparisonRow],
    charts: list[ChartData],
) -> list[CitedPlace]:
    """Where the briefing cites a source, part by part, in reading order: the key takeaways,
    the executive summary, its own section, other sections, the comparison table, the figures."""
    sid, places = section.source_id, []
    own = {section.anchor} | {e.anchor for e in section.figures}
    own |= {e.anchor for e in section.quotes + section.challenges + section.recommendations}

    def numbered(prefix: str, singular: str, plural: str) -> None:
        found = [c.anchor for c in cited_by if c.anchor.startswith(prefix)]
        if found:  # "takeaway-3-cite-1": the citation groups of takeaway 3
            numbers = list(dict.fromkeys(a.removeprefix(prefix).split("-")[0] for a in found))
            listed = (
                numbers[0] if len(numbers) == 1 else ", ".join(numbers[:-1]) + " and " + numbers[-1]
            )
            places.append(
                CitedPlace(f"{singular if len(numbers) == 1 else plural} {listed}", found)
            )

    numbered("takeaway-", "key takeaway", "key takeaways")
    numbered("executive-summary-", "executive summary, paragraph", "executive summary, paragraphs")
    items = [e.anchor for e in section.figures]
    items += [e.anchor for e in section.quotes + section.challenges + section.recommendations]
    places.append(CitedPlace(f"section {section.number}", [section.anchor, *items], True))
    # Another section's summary may cite the source more than once: one place, each citation
    # an anchor, so the pages named are those the citations fall on.
    others: dict[str, list[str]] = {}
    for c in cited_by:
        if c.anchor.startswith("src-") and c.anchor not in own:
            others.setdefault(c.label[:1].lower() + c.label[1:], []).append(c.anchor)
    places += [CitedPlace(label, anchors) for label, anchors in others.items()]
    rows = [row.anchor for row in comparison if sid in row.cells]
    if rows:
        places.append(CitedPlace("the comparison table", rows))
    for number, chart in enumerate(charts, start=1):
        anchor = f"chart-{chart.id}"
        if any(p.source_id == sid for p in chart.points) or any(
            c.anchor == anchor or c.anchor.startswith(f"{anchor}-cite-") for c in cited_by
        ):
            places.append(CitedPlace(f"Figure {number}", [anchor]))
    return places


def page_ranges(places: list[CitedPlace], page_of: dict[str, int]) -> str:
    """The pages the places fall on, as a reader writes them: 'p. 4' or 'pp. 1–2, 11–15'."""
    pages: set[int] = set()
    for place in places:
        found = [page_of[a] for a in place.anchors if a in page_of]
        if found and place.continuous:
            pages.update(range(min(found), max(found) + 1))
        else:
            pages.update(found)
    if not pages:
        return ""
    runs: list[list[int]] = []
    for page in sorted(pages):
        if runs and page == runs[-1][-1] + 1:
            runs[-1].append(page)
        else:
            runs.append([page])
    text = ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)
    return f"{'p.' if len(pages) == 1 else 'pp.'} {text}"


def _section(number: int, source_id: str, content: Content, report: Report) -> Section:
    summary = content.sources[source_id]

    def points(kind: str, items: list[Point]) -> list[Anchored[Point]]:
        return [Anchored(f"{kind}-{source_id}-{p.id}", p) for p in items]

    return Section(
        number=number,
        source_id=source_id,
        anchor=source_anchor(source_id),
        info=summary.source,
        summary=[],  # with its citations, once every section's items are known
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
        RelatedSource(
            r.kind.replace("-", " "), by_id[r.source].info.title, by_id[r.source].anchor, r.note
        )
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
    rows: list[ComparisonRow] = []
    for (metric, period), cells in sorted(groups.items()):
        if len(cells) < 2:
            continue
        found = [d for d in report.discrepancies if d.metric == metric and d.period == period]
        label = next(iter(cells.values())).label
        anchor = f"across-{metric}-{len(rows) + 1}"
        rows.append(ComparisonRow(metric, label, period, cells, found, anchor))
    return rows


def _chart(
    request: ChartRequest,
    content: Content,
    numbers: dict[str, int],
    labels: dict[str, str],
    citer: _Citer,
    place: Link,
) -> ChartData:
    from .charts import grouped
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
    points = []
    for sid, f, also in _once_per_original(figures, content):
        label = f"[{numbers[sid]}] {labels[sid]}"
        if also:
            label += " (also " + ", ".join(f"[{numbers[a]}]" for a in also) + ")"
        value = float(f.value * split_unit(f.unit)[0] / scale)
        when = parse_period(f.period)
        points.append(
            ChartPoint(f.period, value, sid, str(f.status), f.bound, label, when, tuple(also))
        )
    points.sort(key=_in_time)
    for sid in sorted(
        {sid for p in points for sid in (p.source_id, *p.also)}, key=numbers.__getitem__
    ):
        citer.mention(sid, place)  # the chart draws this source's figures
    used = sorted({numbers[sid] for p in points for sid in (p.source_id, *p.also)})
    by_number = {n: sid for sid, n in numbers.items()}
    alt = f"{request.title}. " + "; ".join(
        f"{p.period}: {BOUND_WORDS[p.bound]}{grouped(p.value)} {unit} ({p.label}, {p.status})"
        for p in points
    )
    return ChartData(
        id=request.id,
        title=request.title,
        caption=citer.prose(request.caption, place),
        unit=unit,
        points=points,
        source_line=sentence(
            "Sources: " + "; ".join(f"[{n}]\u00a0{labels[by_number[n]]}" for n in used)
        ),
        alt=alt,
    )


def _in_time(point: ChartPoint) -> tuple[Any, ...]:
    """Bars in time order (a period that names no date last), then by value and source."""
    if point.when is None:
        return (1, dt.date.max, dt.date.max, point.value, point.label)
    return (0, point.when.end, point.when.start, point.value, point.label)


def _once_per_original(
    figures: list[tuple[str, Figure]], content: Content
) -> list[tuple[str, Figure, list[str]]]:
    """Figures, with those that two translations of one original report alike counted once.

    The figure kept is the one whose source carries the original's words, so its status is
    the original's; the other sources are listed beside it.
    """
    related = {
        frozenset((sid, r.source))
        for sid, s in content.sources.items()
        for r in s.source.relations
        if r.kind in ("same-original", "translation-of")
    }

    def same(a: Figure, b: Figure) -> bool:
        return (a.period.strip().lower(), a.value, a.value_high, a.unit, a.bound) == (
            b.period.strip().lower(),
            b.value,
            b.value_high,
            b.unit,
            b.bound,
        )

    kept: list[tuple[str, Figure, list[str]]] = []
    for sid, figure in figures:
        twin = next(
            (
                i
                for i, (other, f, _) in enumerate(kept)
                if frozenset((sid, other)) in related and same(f, figure)
            ),
            None,
        )
        if twin is None:
            kept.append((sid, figure, []))
            continue
        other, f, also = kept[twin]
        if figure.original_excerpt and not f.original_excerpt:
            kept[twin] = (sid, figure, [*also, other])
        else:
            kept[twin] = (other, f, [*also, sid])
    return kept


def sentence(text: str) -> str:
    """The text ending with one full stop, though its last label already ends with one."""
    return text if text.endswith(".") else text + "."


# Fields a reader never sees as prose, or that must stay as written: ids and anchors, addresses,
# the seed's own words (proved against it) and the original-language text.
VERBATIM_FIELDS = frozenset(
    {"id", "anchor", "marker", "source_id", "source", "also", "seed", "url", "metric", "excerpt"}
    | {"original", "original_excerpt", "language", "original_language", "marking"}
)
_OPENS_AFTER = frozenset("([{<\u2014\u2013-/\u00a0")


def curly_quotes(text: str, before: str = "") -> str:
    """Straight quotes as a typesetter sets them: \u201cdouble\u201d, \u2018single\u2019 and the
    apostrophe \u2019. A quote opens after a space, an opening bracket or a dash (or at the start,
    `before` being the text that precedes this piece), and closes everywhere else."""
    if "'" not in text and '"' not in text:
        return text
    out: list[str] = []
    for i, char in enumerate(text):
        previous = out[-1] if out else before[-1:]
        opens = not previous or previous.isspace() or previous in _OPENS_AFTER
        if char in "'\"" and is_cjk(previous) and is_cjk(text[i + 1 : i + 2]):
            pass  # a quote inside Chinese words ('头雁') stays as the original has it
        elif char == '"':
            char = "\u201c" if opens else "\u201d"
        elif char == "'":
            following = text[i + 1 : i + 2]
            char = "\u2018" if opens and following.isalnum() else "\u2019"
        out.append(char)
    return "".join(out)


def is_cjk(char: str) -> bool:
    """A Chinese character or CJK punctuation (a full-width comma, the ideographic full stop)."""
    return bool(char) and (
        "\u2e80" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" or "\uff00" <= char <= "\uffef"
    )


Node = TypeVar("Node")


def for_reader(node: Node) -> Node:
    """The document model with every piece of text a reader sees in curly quotes, so the PDF,
    the HTML and the DOCX set the same typography; ids, addresses, excerpts and the original
    language stay as written. Prose runs are curled in order, each knowing the text before it."""
    return _curled(node, "")  # type: ignore[no-any-return]


def _curled(node: Any, name: str) -> Any:
    if name in VERBATIM_FIELDS:
        return node
    if isinstance(node, str):
        return curly_quotes(node)
    if isinstance(node, list) and node and all(isinstance(n, Run) for n in node):
        runs, before = [], ""
        for run in node:
            text = curly_quotes(run.text, before)
            runs.append(replace(run, text=text, cites=tuple(_curled(c, "") for c in run.cites)))
            before = text or before
        return runs
    if isinstance(node, list):
        return [_curled(n, name) for n in node]
    if isinstance(node, tuple):
        return tuple(_curled(n, name) for n in node)
    if isinstance(node, dict):  # keyed by ids
        return {key: _curled(value, name) for key, value in node.items()}
    if isinstance(node, BaseModel):
        changes = {f: _curled(getattr(node, f), f) for f in type(node).model_fields}
        return node.model_copy(update=changes)
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        changes = {f.name: _curled(getattr(node, f.name), f.name) for f in dataclasses.fields(node)}
        return replace(node, **changes)
    return node
