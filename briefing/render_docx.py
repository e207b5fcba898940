"""Document model -> DOCX: the briefing's layout in Word, styled only by the reference document.

The layout is written in terms of ooxml.py's primitives and follows the HTML template part by
part. The result is finished when opened: the contents are hyperlinks to bookmarks with PAGEREF
page numbers, header and footer carry the marking and "Page X of Y", citations link to the
appendix, table header rows repeat, and Word refreshes the fields on open. Rebuilds are
byte-identical: fixed core-property dates, no random ids, a package zipped in a stable order.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from .assets import Assets, Rendered
from .document import Anchored, ChartData, Cite, ComparisonRow, Document, Prose, Section
from .errors import RenderError
from .files import regular_file
from .models import Figure, FrontMatter, Point, SourceInfo
from .ooxml import (
    TWIPS_PER_CM,
    Paragraph,
    Table,
    WordDocument,
    bookmark_name,
    default_language,
    embed_fonts,
    escaped,
    field,
    property_text,
    run,
    save_package,
    text_run,
    update_fields_on_open,
)
from .render_html import bound_text, marking_colour, number

REFERENCE_NAME = "reference.docx"
STYLE_NAMES = (
    "Normal",
    "Title",
    "Subtitle",
    "Heading 1",
    "Heading 2",
    "Heading 3",
    "Quote",
    "Intense Quote",
    "List Bullet",
    "List Number",
    "Caption",
    "Header",
    "Footer",
    "Source Meta",
    "Quote Original",
    "Quote Attribution",
    "Cover Meta",
    "Citation",
    "Cited By",
    "Figure Image",
    "Table Text",
    "Table Heading",
    "Table Number",
    "Takeaway",
    "Source Line",
    "TOC 1",
)
CHAR_STYLE_NAMES = (
    "Hyperlink",
    "Strong",
    "Emphasis",
    "Subtle Emphasis",
    "Intense Emphasis",
    "Citation Mark",
)
TABLE_STYLE = "Table Grid"  # plain: ooxml.Table draws the horizontal rules itself
HEADER_FILL, FLAGGED_FILL, EXPLAIN_FILL = "1F4E79", "FFF4D6", "FFFAF0"
# A comparison group as the PDF draws it: the metric row soft blue; a conflict of values shaded;
# a difference of status or wording marked by a gold rule down the group's left edge.
METRIC_FILL, DIFFERENCE_RULE = "EEF3F8", "C9A227"
PAGE_BREAK_BEFORE = "<w:pageBreakBefore/>"
# The takeaways box's frame and fill, on its heading too, so the box starts above the heading.
# As in the PDF, the box runs wider than the text (8 mm of text each side, 6 pt of fill beyond
# it), so page one holds the cover and every takeaway; heading and items share one left edge
# (the heading hangs as the numbers do) so Word and LibreOffice draw one box, not one a paragraph.
BOX = (
    '<w:pBdr><w:top w:val="single" w:sz="24" w:space="4" w:color="1F4E79"/>'
    '<w:left w:val="single" w:sz="4" w:space="6" w:color="EEF3F8"/>'
    '<w:bottom w:val="single" w:sz="4" w:space="4" w:color="EEF3F8"/>'
    '<w:right w:val="single" w:sz="4" w:space="6" w:color="EEF3F8"/></w:pBdr>'
    '<w:shd w:val="clear" w:color="auto" w:fill="EEF3F8"/>'
)
BOX_OUTSET, NUMBER_WIDTH = 454, 340  # twips: 8 mm beyond the text, 6 mm for "10."
BOX_INDENT = (
    f'<w:ind w:left="{NUMBER_WIDTH - BOX_OUTSET}" w:right="{-BOX_OUTSET}" '
    f'w:hanging="{NUMBER_WIDTH}"/>'
)


def render(doc: Document, assets: Assets) -> Rendered:
    """The Word document; a project's own reference.docx that cannot be used is a clear error."""
    from docx.opc.exceptions import PackageNotFoundError

    try:
        data = render_docx(
            doc,
            assets.charts(doc, "png"),
            dirs=assets.dirs,
            created=assets.created,
            paper=assets.project.config.paper,
            font_cache=assets.project.output_dir / ".cache" / "fonts",
            pages=assets.known_pages(),
        )
    except (KeyError, zipfile.BadZipFile, PackageNotFoundError) as exc:
        unusable = reference_problem(assets, exc)
        if unusable is None:
            raise
        raise unusable from None
    return Rendered(data)


def reference_problem(assets: Assets, exc: Exception) -> RenderError | None:
    """A project's own reference.docx that python-docx cannot use is the user's to fix."""
    from .render_html import packaged_templates

    dirs = assets.dirs
    reference = next((d / REFERENCE_NAME for d in dirs if (d / REFERENCE_NAME).is_file()), None)
    if reference is None or reference.parent.resolve() == packaged_templates().resolve():
        return None  # the shipped reference document works: this is a bug, not the user's file
    detail = exc.args[0] if exc.args else type(exc).__name__
    return RenderError(
        f"{assets.project.shown(reference)}: cannot use it as the Word reference document "
        f"({detail}); expected a .docx saved by Word with the styles of templates/reference.docx"
    )


def render_docx(
    doc: Document,
    charts_png: dict[str, bytes],
    *,
    dirs: list[Path],
    created: dt.date,
    paper: str = "A4",
    font_cache: Path | None = None,
    pages: dict[str, int] | None = None,
) -> bytes:
    word = WordDocument(find_reference(dirs), STYLE_NAMES, CHAR_STYLE_NAMES, TABLE_STYLE)
    word.paper(paper)
    _Layout(word, pages or {}).write(doc, charts_png)
    embed_fonts(word.docx, used_fonts(word.docx, dirs, font_cache))
    properties(word.docx, doc.front, created)
    update_fields_on_open(word.docx)
    default_language(word.docx, doc.front.language)
    return save_package(word.docx)


def used_fonts(
    document: Any, dirs: list[Path], cache: Path | None = None
) -> dict[str, dict[str, bytes]]:
    """The shipped fonts, subset to the document's characters (body, header and footer)."""
    from lxml import etree

    from .fonts import shipped_subsets

    section = document.sections[0]
    parts = [document.part.element, section.header._element, section.footer._element]
    # lxml's own text serialiser: python-docx's elements answer itertext() through their
    # Python text properties, each paragraph's text three times over (2 s at 200 sources).
    text = "".join(etree.tostring(part, method="text", encoding="unicode") for part in parts)
    found: dict[str, dict[str, bytes]] = {}
    for face in shipped_subsets(dirs, text, cache):
        found.setdefault(face.family, {})[face.face] = face.data
    return found


def find_reference(dirs: list[Path]) -> Path:
    """The first templates folder's reference document, resolved inside that folder."""
    for d in dirs:
        candidate = d / REFERENCE_NAME
        if candidate.exists() or candidate.is_symlink():
            shown = f"{d.name}/{REFERENCE_NAME}"
            return regular_file(candidate, d, shown, within="the templates folder")
    raise FileNotFoundError(f"no {REFERENCE_NAME} in {', '.join(str(d) for d in dirs)}")


class _Layout:
    """The briefing in the order the HTML template writes it, one method per part."""

    def __init__(self, word: WordDocument, pages: dict[str, int]) -> None:
        self.w = word
        self.pages = pages  # anchor -> page, from the PDF's layout

    def write(self, doc: Document, charts_png: dict[str, bytes]) -> None:
        page_furniture(self.w, doc.front)
        self.cover(doc)
        self.heading(1, "Executive summary", "executive-summary").properties = PAGE_BREAK_BEFORE
        for n, text in enumerate(doc.executive_summary, start=1):
            p = self.w.para("Normal")
            prose(self.w, p, text)
            self.w.bookmark(p, f"executive-summary-{n}")
        self.contents(doc)
        for section in doc.sections:
            self.source(section)
        if doc.comparison or doc.charts:  # with nothing to compare, no empty chapter
            self.across(doc, charts_png)
        self.appendix(doc)
        self.w.finish()

    def heading(self, level: int, text: str, anchor: str | None = None) -> Paragraph:
        p = self.w.para(f"Heading {level}", text)
        if anchor:
            self.w.bookmark(p, anchor)
        return p

    def cite(self, p: Paragraph, s: Section) -> None:
        """[n]: a non-breaking space, then the marker, a link that does not look like one."""
        self.w.run(p, "\u00a0")
        self.w.link(p, f"[{s.number}]", f"ref-{s.source_id}", char="Citation Mark")

    def table(self, headers: list[str], widths: list[float], numeric: tuple[int, ...]) -> Table:
        """A table with a filled header row; the columns in `numeric` are right-aligned."""
        t = self.w.table("Table Text", widths, text_width_cm(self.w))
        for i, (cell, text) in enumerate(
            zip(t.add_row(header=True, fill=HEADER_FILL), headers, strict=True)
        ):
            cell.style_id = self.w.style["Table Heading"]
            if i in numeric:
                cell.properties = '<w:jc w:val="right"/>'
            self.w.run(cell, text)
        return t

    def cover(self, doc: Document) -> None:
        w, front = self.w, doc.front
        w.para("Cover Meta", front.organisation)
        w.para("Title", front.title)
        if front.subtitle:
            w.para("Subtitle", front.subtitle)
        meta = [("Date", long_date(front.date)), ("Version", front.version)]
        if front.author:
            meta.append(("Author", front.author))
        count = len(doc.sections)
        meta.append(("Sources", f"{count} document{'s' * (count != 1)}, listed in the appendix"))
        p = w.para("Cover Meta")  # one line, to leave page one to the takeaways
        for i, (label, value) in enumerate(meta):
            w.run(p, f"{' · ' if i else ''}{label}: ", "Strong")
            w.run(p, value)
        # Close over the first takeaway: the chapters' space under their rule is not wanted here.
        box_heading = '<w:spacing w:after="40"/>'
        self.heading(1, "Key takeaways", "takeaways").properties = BOX + box_heading + BOX_INDENT
        for i, takeaway in enumerate(doc.takeaways, start=1):
            p = w.para("Takeaway")
            p.properties = BOX_INDENT
            prose(w, p, takeaway.text)
            w.bookmark(p, f"takeaway-{i}")

    def contents(self, doc: Document) -> None:
        self.heading(1, "Contents", "contents").properties = PAGE_BREAK_BEFORE
        entries = [("executive-summary", "Executive summary")]
        entries += [(s.anchor, f"{s.number}. {s.info.title}") for s in doc.sections]
        if doc.comparison or doc.charts:
            entries.append(("across-sources", f"{len(doc.sections) + 1}. Across the sources"))
        entries.append(("appendix", "Appendix: sources"))
        # The page numbers flush with the right margin of this paper size, not the style's stop.
        stops = (
            f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{self.w.text_width()}"/></w:tabs>'
        )
        for anchor, title in entries:
            p = self.w.para("TOC 1")
            p.properties = stops
            # In the contents' own style, as the PDF's: the entries are links, not underlined.
            self.w.link(p, title, anchor, run("\t"), self.page_ref(anchor), char=None)

    def source(self, s: Section) -> None:
        w, info = self.w, s.info
        heading = self.heading(1, f"{s.number}. {info.title}", s.anchor)
        if s.number == 1:  # the sources begin after the contents page
            heading.properties = PAGE_BREAK_BEFORE
        parts = [info.type[:1].upper() + info.type[1:]]
        if info.publisher:
            parts.append(info.publisher)
        if info.published:
            parts.append(long_date(info.published))
        p = w.para("Source Meta", " · ".join(parts))
        if info.completeness == "partial":
            w.run(p, " · ")
            w.run(p, "partial text", "Strong")
        w.run(p, " · ")
        w.link(p, "full citation", f"ref-{s.source_id}")
        for related in s.relations:
            p = w.para("Normal", f"Relation: {related.kind} ")
            p.keep_next = True  # the source's head stays with its summary
            w.link(p, related.title, related.anchor)
            w.run(p, ".")
            if related.note:
                w.run(p, f" {related.note}", "Emphasis")
        self.heading(2, "Summary")
        for text in s.summary:
            prose(w, w.para("Normal"), text)
        self.figures(s)
        self.quotes(s)
        self.points(s, "Challenges", s.challenges)
        self.points(s, "Policy recommendations", s.recommendations)
        if info.notes:
            self.heading(2, "About this source")
            for note in info.notes:
                w.para("List Bullet", note)

    def figures(self, s: Section) -> None:
        if not s.figures:
            return
        w = self.w
        self.heading(2, "Key figures")
        # The status column holds "estimate [n]" on one line at the table's 9 pt.
        t = self.table(["Figure", "Value", "Unit", "Period", "Status"], [42, 13, 16, 14, 15], (1,))
        for row in s.figures:
            f = row.figure
            first, value, unit, period, status = t.add_row()
            w.run(first, f.label)
            if f.note:
                w.line_break(first)
                w.run(first, f.note, "Subtle Emphasis")
            w.bookmark(first, row.anchor)
            value.style_id = w.style["Table Number"]
            w.run(value, value_text(f))
            w.run(unit, f.unit)
            w.run(period, f.period)
            w.run(status, f.status)
            self.cite(status, s)
        # The header row with the first two rows and the last row with the one before, as the
        # PDF keeps them: no header stands over one row at a page's foot, no row goes over alone.
        t.keep_together(0, min(2, len(t.rows) - 1))
        t.keep_together(-2, -1)

    def quotes(self, s: Section) -> None:
        if not s.quotes:
            return
        w = self.w
        self.heading(2, "In their words")
        for entry in s.quotes:
            q = entry.item
            w.bookmark(w.para("Quote", f"“{q.text}”"), entry.anchor)
            if q.original:
                w.para("Quote Original", q.original)
            who = ", ".join(x for x in (q.speaker, q.role, q.organisation) if x)
            attribution = w.para("Quote Attribution", f"— {who}")
            self.cite(attribution, s)
            if q.note:
                w.line_break(attribution)
                w.run(attribution, q.note, "Subtle Emphasis")

    def points(self, s: Section, title: str, entries: list[Anchored[Point]]) -> None:
        if not entries:
            return
        w = self.w
        self.heading(2, title)
        for entry in entries:
            p = w.para("List Bullet")
            w.run(p, f"{entry.item.title}.", "Strong")
            w.run(p, f" {entry.item.detail}")
            self.cite(p, s)
            w.bookmark(p, entry.anchor)

    def across(self, doc: Document, charts_png: dict[str, bytes]) -> None:
        """The figures first, then the comparison: a table can split where a page ends and a
        figure cannot, so the figure leaves no gap at a page's foot."""
        self.heading(1, f"{len(doc.sections) + 1}. Across the sources", "across-sources")
        for figure_number, chart in enumerate(doc.charts, start=1):
            chart_figure(self.w, figure_number, chart, charts_png[chart.id])
        if doc.comparison:
            intro = self.w.para(
                "Normal",
                "Figures that two or more sources give for the same metric and period, side by "
                "side. Where they differ, the row naming the metric says whether in value, "
                "status or wording (a conflict of values is also shaded), and the note beneath "
                "the group says which figure the briefing uses and why.",
            )
            intro.keep_next = True  # with the table it introduces
            t = self.table(["Source", "Value", "Unit", "Status"], [46, 16, 22, 16], (1,))
            for row in doc.comparison:
                comparison_row(self.w, t, row, doc)
            t.keep_together(0, 1)

    def appendix(self, doc: Document) -> None:
        w = self.w
        self.heading(1, "Appendix: sources", "appendix")  # runs on, as in the PDF
        for entry in doc.appendix:
            s, info = entry.section, entry.section.info
            p = w.para("Citation", f"[{s.number}] ")
            if info.authors:
                w.run(p, ", ".join(info.authors) + ". ")
            w.run(p, info.title, "Emphasis")
            w.run(p, citation_text(info) + ". ")
            if info.url:
                w.url(p, info.url)
                w.run(p, ". ")
            for related in s.relations:
                kind = related.kind
                w.run(p, f"{kind[:1].upper()}{kind[1:]}: ")
                w.link(p, related.title, related.anchor)
                w.run(p, ". ")
            w.bookmark(p, f"ref-{s.source_id}")
            p = w.para("Cited By", "Cited in ")
            for i, place in enumerate(entry.places):
                w.link(p, place.label, place.anchors[0])
                first, last = place.anchors[0], place.anchors[-1]
                if place.continuous and first != last:
                    w.run(p, " (pp. ")
                    p.parts.append(self.page_ref(first))
                    w.run(p, "–")
                    p.parts.append(self.page_ref(last))
                else:
                    w.run(p, " (p. ")
                    p.parts.append(self.page_ref(first))
                w.run(p, ")" + (", " if i < len(entry.places) - 1 else "."))

    def page_ref(self, anchor: str) -> str:
        """A PAGEREF field whose stored result is the page the PDF's layout found, so a
        viewer that does not update fields still shows a number; Word refreshes it on open."""
        page = self.pages.get(anchor)
        return field(f"PAGEREF {bookmark_name(anchor)} \\h", str(page) if page else "")


def page_furniture(w: WordDocument, front: FrontMatter) -> None:
    """Short title and page X of Y on the left, but for the cover; on the right the marking, as
    TLP 2.0 asks: in capitals, 12 pt, in its colour on black, in the header and the footer of
    every page."""
    colour = marking_colour(front.marking).removeprefix("#")
    marking = (
        run("\t") + f'<w:r><w:rPr><w:b/><w:color w:val="{colour}"/><w:sz w:val="24"/>'
        f'<w:shd w:val="clear" w:color="auto" w:fill="000000"/></w:rPr>'
        f'<w:t xml:space="preserve"> {escaped(front.marking)} </w:t></w:r>'
    )
    short = front.short_title or running_title(front.title)
    footer = text_run("Page ") + field("PAGE", "1") + run(" of ") + field("NUMPAGES", "1")
    # Page one, the cover, carries the marking alone, as the PDF's first page does.
    w.header_and_footer(
        ("Header", text_run(short) + marking),
        ("Footer", footer + marking),
        w.text_width(),
        first_page=(marking, marking),
    )


def running_title(title: str, length: int = 60) -> str:
    """The title cut as the PDF's running header cuts it (Jinja's truncate: at the last space
    before `length`, with an ellipsis)."""
    if len(title) <= length:
        return title
    return title[: length - 1].rsplit(" ", 1)[0] + "…"


def comparison_row(w: WordDocument, t: Table, row: ComparisonRow, doc: Document) -> None:
    """A metric's group: a row across the table naming metric and period, a row per source,
    then why they differ. No merged column, so a group that a page splits stays one table."""
    first_row = len(t.rows)
    fill = FLAGGED_FILL if row.conflict else ""
    rule = DIFFERENCE_RULE if row.disagreements else ""
    [metric] = t.add_row(span=True, fill=fill or METRIC_FILL, left_rule=rule)
    w.bookmark(metric, row.anchor)
    if row.disagreements:
        w.run(metric, f"{row.verdict}: ", "Intense Emphasis")
    w.run(metric, row.label, "Strong")
    w.run(metric, f", {row.period}")
    for sid, f in row.cells.items():
        source, value, unit, status = t.add_row(fill=fill, left_rule=rule)
        w.link(source, f"[{doc.numbers[sid]}]", f"ref-{sid}", char="Citation Mark")
        w.run(source, f"\u00a0{doc.short_labels[sid]}")
        value.style_id = w.style["Table Number"]
        w.run(value, value_text(f))
        w.run(unit, f.unit)
        w.run(status, f.status)
    if row.disagreements:
        [merged] = t.add_row(span=True, fill=EXPLAIN_FILL, left_rule=rule)
        explanation = doc.explanations.get(row.metric)
        if explanation is None:
            w.run(merged, "Why they differ: ", "Strong")
            w.run(merged, "Not yet explained by the editors.")
        else:
            for part in explanation.uses:
                w.run(merged, part.text, "Strong")
                cites(w, merged, part.cites, part.marker)
                w.run(merged, ". ", "Strong")
            prose(w, merged, explanation.text)
        w.bookmark(merged, row.anchor)
    t.keep_together(first_row, -1)  # a metric's rows and why they differ, on one page


def chart_figure(w: WordDocument, figure_number: int, chart: ChartData, png: bytes) -> None:
    """Title and caption above the chart, kept with it; the source line below."""
    caption = w.para("Caption")
    w.run(caption, "Figure ", "Strong")
    caption.parts.append(field("SEQ Figure \\* ARABIC", str(figure_number), w.char["Strong"]))
    w.run(caption, f". {chart.title}.", "Strong")
    w.run(caption, " ")
    prose(w, caption, chart.caption)
    w.bookmark(caption, f"chart-{chart.id}")
    picture = w.picture(
        png, text_width_cm(w), name=f"Chart {chart.id}", title=chart.title, alt=chart.alt
    )
    p = w.para("Figure Image")
    p.parts.append(picture)
    w.para("Source Line", chart.source_line)


def text_width_cm(w: WordDocument) -> float:
    """The width between the margins of the paper in use: tables and charts fill it."""
    return w.text_width() / TWIPS_PER_CM


def prose(w: WordDocument, p: Paragraph, runs: Prose) -> None:
    """The briefing's own prose, with its numbered citations linked to the items cited."""
    for part in runs:
        if part.text:
            w.run(p, part.text)
        cites(w, p, part.cites, part.marker)


def cites(w: WordDocument, p: Paragraph, found: tuple[Cite, ...], marker: str = "") -> None:
    """[n, m] after a non-breaking space, in the citation style: links that do not look like
    links; bookmarked by the group's marker, which the appendix's page numbers point to."""
    if not found:
        return
    with w.bookmarked(p, marker) if marker else nullcontext():
        w.run(p, "\u00a0[", "Citation Mark")
        for j, cite in enumerate(found):
            if j:
                w.run(p, ",\u00a0", "Citation Mark")  # and no break inside the group
            w.link(p, str(cite.number), cite.anchor, char="Citation Mark")
        w.run(p, "]", "Citation Mark")


def citation_text(info: SourceInfo) -> str:
    """The citation after the title: publisher, date, type and language, as the HTML has them."""
    text = ". "
    if info.publisher:
        text += f"{info.publisher}. "
    if info.published:
        text += f"{info.published.isoformat()}. "
    text += f"{info.type[:1].upper()}{info.type[1:]}, language {info.language}"
    if info.original_language:
        text += f" (translated from {info.original_language}"
        text += f" by {info.translator})" if info.translator else ")"
    if info.completeness == "partial":
        text += ", partial text"
    return text


def properties(document: Any, front: FrontMatter, created: dt.date) -> None:
    """The core properties from the front matter, dated by the content, never the clock."""
    when = dt.datetime(created.year, created.month, created.day, tzinfo=dt.UTC)
    props = document.core_properties
    props.title = property_text(front.title)
    props.author = property_text(front.author or front.organisation)
    props.last_modified_by = property_text(front.author or front.organisation)
    props.subject = property_text(front.subtitle or "")
    props.keywords = property_text(", ".join(front.keywords))
    props.language = front.language
    props.category = "Briefing"
    props.comments = ""
    props.identifier = ""
    props.version = front.version
    props.content_status = property_text(front.marking)
    props.revision = 1
    props.created = props.modified = props.last_printed = when


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def value_text(f: Figure) -> str:
    high = f"–{number(f.value_high)}" if f.value_high is not None else ""
    return f"{bound_text(f)}{number(f.value)}{high}"
