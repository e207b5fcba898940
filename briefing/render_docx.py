"""Document model -> DOCX through python-docx, styled only by the reference document's styles.

The result is finished when opened: the contents are hyperlinks to bookmarks with PAGEREF page
numbers, header and footer carry the marking and "Page X of Y", citations link to the appendix,
table header rows repeat, and Word refreshes the fields on open (w:updateFields). Rebuilds are
byte-identical: fixed core-property dates, no random ids, and the package zipped with fixed
timestamps in a stable order.

python-docx opens the reference document and writes the package (parts, relationships, the
pictures, the properties); the body itself is written as WordprocessingML text and parsed once,
which keeps a 200-source briefing under a second where element-by-element building took several.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import secrets
import zipfile
from pathlib import Path
from typing import Any, cast

from .assets import Assets, Rendered
from .document import ChartData, ComparisonRow, Document, Section
from .errors import RenderError
from .models import Figure
from .render_html import bound_text, number

REFERENCE_NAME = "reference.docx"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
TEXT_WIDTH_CM = 16.0
MAX_PROPERTY = 255  # characters in a core property (docProps/core.xml)
TWIPS_PER_CM = 1440 / 2.54
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
    "TOC 1",
)
CHAR_STYLE_NAMES = ("Hyperlink", "Strong", "Emphasis", "Subtle Emphasis", "Intense Emphasis")
TABLE_STYLE = "Light Grid Accent 1"
# Elements of w:settings that must follow w:updateFields (ECMA-376 CT_Settings order).
AFTER_UPDATE_FIELDS = (
    "hdrShapeDefaults",
    "footnotePr",
    "endnotePr",
    "compat",
    "docVars",
    "rsids",
    "mathPr",
    "attachedSchema",
    "themeFontLang",
    "clrSchemeMapping",
    "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures",
    "forceUpgrade",
    "captions",
    "readModeInkLockDown",
    "smartTagType",
    "schemaLibrary",
    "shapeDefaults",
    "doNotEmbedSmartTags",
    "decimalSymbol",
    "listSeparator",
)


def find_reference(dirs: list[Path]) -> Path:
    for d in dirs:
        candidate = d / REFERENCE_NAME
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"no {REFERENCE_NAME} in {', '.join(str(d) for d in dirs)}")


def bookmark_name(anchor: str) -> str:
    """An HTML anchor as a Word bookmark name: a letter first, [A-Za-z0-9_], at most 40 chars."""
    name = "b_" + re.sub(r"[^A-Za-z0-9]", "_", anchor)
    if len(name) > 40:
        digest = hashlib.sha1(anchor.encode()).hexdigest()[:8]
        name = f"{name[:31]}_{digest}"
    return name


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def render(doc: Document, assets: Assets) -> Rendered:
    """The Word document; a project's own reference.docx that cannot be used is a clear error."""
    from docx.opc.exceptions import PackageNotFoundError

    try:
        data = render_docx(doc, assets.charts(doc, "png"), dirs=assets.dirs, created=assets.created)
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
    doc: Document, charts_png: dict[str, bytes], *, dirs: list[Path], created: dt.date
) -> bytes:
    writer = _Writer(find_reference(dirs))
    writer.write(doc, charts_png)
    writer.properties(doc, created)
    return writer.save()


def _escaped(text: str) -> str:
    """Text as XML character data (the loader has already refused what XML cannot hold)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _quoted(text: str) -> str:
    """Text as an attribute value: a parser would turn a raw tab or line end into a space."""
    return (
        _escaped(text)
        .replace('"', "&quot;")
        .replace("\t", "&#9;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
    )


def _run_properties(char_style: str | None) -> str:
    return f'<w:rPr><w:rStyle w:val="{char_style}"/></w:rPr>' if char_style else ""


def _run(text: str, char_style: str | None = None) -> str:
    """A run of text, in a character style if given; the text stays one w:t, tabs included."""
    rpr = _run_properties(char_style)
    return f'<w:r>{rpr}<w:t xml:space="preserve">{_escaped(text)}</w:t></w:r>'


def _typed_run(text: str, char_style: str | None = None) -> str:
    """A run as python-docx's Run.text writes it: tabs become w:tab, line ends w:br."""
    content = []
    for piece in _BREAKS.split(text):
        if piece == "\t":
            content.append("<w:tab/>")
        elif piece == "\n":
            content.append("<w:br/>")
        elif piece:
            space = ' xml:space="preserve"' if piece.strip() != piece else ""
            content.append(f"<w:t{space}>{_escaped(piece)}</w:t>")
    return f"<w:r>{_run_properties(char_style)}{''.join(content)}</w:r>"


def _text_run(text: str, char_style: str | None = None) -> str:
    if "\n" in text or "\t" in text:
        return _typed_run(text, char_style)
    return _run(text, char_style)


_BREAKS = re.compile(r"([\t\n])")
LINE_BREAK = "<w:r><w:br/></w:r>"


def _field(instruction: str, placeholder: str) -> str:
    """A complex field (begin, instruction, separate, cached result, end)."""
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {_escaped(instruction)} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f'{_run(placeholder)}<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


class _Para:
    """A paragraph being written: its style, the bookmarks that open it, and its content."""

    __slots__ = ("opening", "parts", "style_id")

    def __init__(self, style_id: str) -> None:
        self.style_id = style_id
        self.opening = ""
        self.parts: list[str] = []

    def xml(self) -> str:
        return (
            f'<w:p><w:pPr><w:pStyle w:val="{self.style_id}"/></w:pPr>'
            f"{self.opening}{''.join(self.parts)}</w:p>"
        )


class _Cell:
    __slots__ = ("grid_span", "merge", "para", "width")

    def __init__(self, para: _Para, width: int, grid_span: int) -> None:
        self.para, self.width, self.grid_span = para, width, grid_span
        self.merge = ""

    def xml(self) -> str:
        span = f'<w:gridSpan w:val="{self.grid_span}"/>' if self.grid_span > 1 else ""
        return (
            f'<w:tc><w:tcPr><w:tcW w:w="{self.width}" w:type="dxa"/>{span}{self.merge}'
            f"</w:tcPr>{self.para.xml()}</w:tc>"
        )


class _Table:
    """A table in a table style: a repeating header row, rows that never split across pages."""

    __slots__ = ("rows", "style_id", "widths")

    def __init__(self, style_id: str, widths: list[int]) -> None:
        self.style_id, self.widths = style_id, widths
        self.rows: list[tuple[bool, list[_Cell]]] = []

    def xml(self) -> str:
        grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in self.widths)
        rows = "".join(
            f"<w:tr><w:trPr><w:cantSplit/>{'<w:tblHeader/>' if header else ''}</w:trPr>"
            f"{''.join(c.xml() for c in cells)}</w:tr>"
            for header, cells in self.rows
        )
        return (
            f'<w:tbl><w:tblPr><w:tblStyle w:val="{self.style_id}"/><w:tblW w:type="auto" w:w="0"/>'
            '<w:tblLook w:val="0420" w:firstRow="1" w:lastRow="0" w:firstColumn="0" '
            'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr>'
            f"<w:tblGrid>{grid}</w:tblGrid>{rows}</w:tbl>"
        )


class _Writer:
    """Writes the body as WordprocessingML text, parsed into the reference document in one go.

    Building the XML as text and parsing it once is several times faster than creating each
    element through lxml or python-docx, whose table API rescans the whole grid (and whose
    add_table searches the whole body) on every call.
    """

    def __init__(self, reference: Path) -> None:
        import docx
        from docx.oxml.ns import nsdecls, qn

        self.qn = qn
        self.docx: Any = docx.Document(str(reference))
        self.body: Any = self.docx.element.body
        for child in list(self.body):
            if child.tag != qn("w:sectPr"):
                self.body.remove(child)
        self.sect_pr: Any = self.body.find(qn("w:sectPr"))
        self.namespaces = nsdecls("w", "r")
        styles = self.docx.styles
        # Style ids looked up by name once: python-docx's lookup by name is a linear scan.
        self.style: dict[str, str] = {n: _quoted(styles[n].style_id) for n in STYLE_NAMES}
        self.char: dict[str, str] = {n: _quoted(styles[n].style_id) for n in CHAR_STYLE_NAMES}
        self.table_style_id = _quoted(styles[TABLE_STYLE].style_id)
        self.blocks: list[_Para | _Table] = []
        self.next_bookmark = 0
        self.figure_count = 0

    # -- building blocks -------------------------------------------------------------------------

    def para(self, style: str, text: str = "") -> _Para:
        """A body paragraph in a named style."""
        p = _Para(self.style[style])
        self.blocks.append(p)
        if text:
            self.run(p, text)
        return p

    def run(self, p: _Para, text: str, char: str | None = None) -> None:
        p.parts.append(_text_run(text, self.char[char] if char else None))

    def line_break(self, p: _Para) -> None:
        p.parts.append(LINE_BREAK)

    def link(self, p: _Para, text: str, anchor: str, *inside: str) -> None:
        """An internal hyperlink to the bookmark of an HTML anchor."""
        p.parts.append(
            f'<w:hyperlink w:anchor="{_quoted(bookmark_name(anchor))}" w:history="1">'
            f"{_run(text, self.char['Hyperlink'])}{''.join(inside)}</w:hyperlink>"
        )

    def url(self, p: _Para, address: str) -> None:
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        rid = self.docx.part.relate_to(address, RT.HYPERLINK, is_external=True)
        p.parts.append(
            f'<w:hyperlink r:id="{_quoted(rid)}" w:history="1">'
            f"{_run(address, self.char['Hyperlink'])}</w:hyperlink>"
        )

    def bookmark(self, p: _Para, anchor: str) -> None:
        """Wrap the paragraph's content in a bookmark named after the anchor."""
        ident = self.next_bookmark
        self.next_bookmark += 1
        name = _quoted(bookmark_name(anchor))
        p.opening = f'<w:bookmarkStart w:id="{ident}" w:name="{name}"/>{p.opening}'
        p.parts.append(f'<w:bookmarkEnd w:id="{ident}"/>')

    def cite(self, p: _Para, section_number: int, source_id: str) -> None:
        self.run(p, " ")
        self.link(p, f"[{section_number}]", f"ref-{source_id}")

    def heading(self, level: int, text: str, anchor: str | None = None) -> _Para:
        p = self.para(f"Heading {level}", text)
        if anchor:
            self.bookmark(p, anchor)
        return p

    def table(self, headers: list[str], widths: list[float]) -> _Table:
        total = sum(widths)
        t = _Table(
            self.table_style_id, [round(TEXT_WIDTH_CM * w / total * TWIPS_PER_CM) for w in widths]
        )
        self.blocks.append(t)
        for cell, text in zip(self.add_row(t, header=True), headers, strict=True):
            self.run(cell, text)
        return t

    def add_row(self, t: _Table, *, header: bool = False, span: bool = False) -> list[_Para]:
        """A row of cells in the table's widths (or one cell across them), a paragraph each."""
        widths = [sum(t.widths)] if span else t.widths
        cells = [
            _Cell(_Para(self.style["Table Text"]), w, len(t.widths) if span else 1) for w in widths
        ]
        t.rows.append((header, cells))
        return [c.para for c in cells]

    def merge_down(self, t: _Table, first_row: int) -> None:
        """Join the first cells of the rows from first_row to the last (w:vMerge), as Word does."""
        rows = t.rows[first_row:]
        if len(rows) > 1:
            rows[0][1][0].merge = '<w:vMerge w:val="restart"/>'
            for _, cells in rows[1:]:
                cells[0].merge = "<w:vMerge/>"

    def finish(self) -> None:
        """Parse the written body, with the reference's root and section settings, in one go.

        The whole part is parsed anew rather than the blocks moved into the reference's tree:
        moving a large subtree between lxml documents costs far more than parsing it.
        """
        from docx.oxml.ns import nsmap
        from docx.oxml.parser import parse_xml
        from lxml import etree

        root = self.docx.element
        if any(root.nsmap.get(prefix, nsmap[prefix]) != nsmap[prefix] for prefix in ("w", "r")):
            raise KeyError("its document binds the w: or r: prefix to another namespace")
        # A marker no reference document holds: it only splits the text, and never reaches output.
        marker = f"briefing-body-{secrets.token_hex(16)}"
        self.sect_pr.addprevious(etree.Comment(marker))
        before, after = etree.tostring(root, encoding="unicode").split(f"<!--{marker}-->")
        missing = "".join(
            f' xmlns:{prefix}="{nsmap[prefix]}"'
            for prefix in ("w", "r")
            if prefix not in root.nsmap
        )
        if missing:  # declare on the root what the body's text uses
            tag_end = before.index(">")
            before = before[:tag_end] + missing + before[tag_end:]
        body = "".join(block.xml() for block in self.blocks)
        self.docx.part._element = parse_xml(before + body + after)

    def append_xml(self, parent: Any, xml: str) -> None:
        from docx.oxml.parser import parse_xml

        for child in parse_xml(f"<w:p {self.namespaces}>{xml}</w:p>"):
            parent.append(child)

    # -- the document --------------------------------------------------------------------------

    def write(self, doc: Document, charts_png: dict[str, bytes]) -> None:
        self.page_furniture(doc.front.marking)
        self.cover(doc)
        self.heading(1, "Executive summary", "executive-summary")
        for text in doc.executive_summary:
            self.para("Normal", text)
        self.contents(doc)
        for section in doc.sections:
            self.source(section)
        self.across(doc, charts_png)
        self.appendix(doc)
        self.finish()

    def page_furniture(self, marking: str) -> None:
        section, styles = self.docx.sections[0], self.docx.styles
        header = section.header.paragraphs[0]
        header._p.style = styles["Header"].style_id
        self.append_xml(header._p, _text_run(marking))
        footer = section.footer.paragraphs[0]
        footer._p.style = styles["Footer"].style_id
        self.append_xml(
            footer._p,
            _text_run(f"{marking} · Page ")
            + _field("PAGE", "1")
            + _run(" of ")
            + _field("NUMPAGES", "1"),
        )

    def cover(self, doc: Document) -> None:
        front = doc.front
        self.para("Intense Quote", front.marking)
        self.para("Cover Meta", front.organisation)
        self.para("Title", front.title)
        if front.subtitle:
            self.para("Subtitle", front.subtitle)
        meta = [("Date", long_date(front.date)), ("Version", front.version)]
        if front.author:
            meta.append(("Author", front.author))
        meta.append(("Sources", f"{len(doc.sections)} documents, listed in the appendix"))
        for label, value in meta:
            p = self.para("Cover Meta")
            self.run(p, f"{label}: ", "Strong")
            self.run(p, value)
        self.heading(1, "Key takeaways", "takeaways")
        for i, takeaway in enumerate(doc.takeaways, start=1):
            p = self.para("List Number", takeaway.text + " [")
            for j, link in enumerate(takeaway.cites):
                if j:
                    self.run(p, "; ")
                self.link(p, link.label, link.anchor)
            self.run(p, "]")
            self.bookmark(p, f"takeaway-{i}")

    def contents(self, doc: Document) -> None:
        self.heading(1, "Contents", "contents")
        entries = [("executive-summary", "Executive summary")]
        entries += [(s.anchor, f"{s.number}. {s.info.title}") for s in doc.sections]
        entries += [
            ("across-sources", f"{len(doc.sections) + 1}. Across the sources"),
            ("appendix", "Appendix: sources"),
        ]
        for anchor, title in entries:
            page = _field(f"PAGEREF {bookmark_name(anchor)} \\h", "#")
            self.link(self.para("TOC 1"), title, anchor, _run("\t"), page)

    def source(self, s: Section) -> None:
        info = s.info
        self.heading(1, f"{s.number}. {info.title}", s.anchor)
        parts = [info.type[:1].upper() + info.type[1:]]
        if info.publisher:
            parts.append(info.publisher)
        if info.published:
            parts.append(long_date(info.published))
        p = self.para("Source Meta", " · ".join(parts))
        if info.completeness == "partial":
            self.run(p, " · ")
            self.run(p, "partial text", "Strong")
        self.run(p, " · ")
        self.link(p, "full citation", f"ref-{s.source_id}")
        for related in s.relations:
            p = self.para("Normal", f"Relation: {related.kind} ")
            self.link(p, related.title, related.anchor)
            self.run(p, ".")
        self.heading(2, "Summary")
        for text in s.summary:
            self.para("Normal", text)
        if s.figures:
            self.heading(2, "Key figures")
            t = self.table(["Figure", "Value", "Unit", "Period", "Status"], [44, 13, 17, 14, 12])
            for row in s.figures:
                f = row.figure
                first, value, unit, period, status = self.add_row(t)
                self.run(first, f.label)
                if f.note:
                    self.line_break(first)
                    self.run(first, f.note, "Subtle Emphasis")
                self.bookmark(first, row.anchor)
                self.run(value, value_text(f))
                self.run(unit, f.unit)
                self.run(period, f.period)
                self.run(status, f.status)
                self.cite(status, s.number, s.source_id)
        if s.quotes:
            self.heading(2, "In their words")
            for entry in s.quotes:
                q = entry.quote
                p = self.para("Quote", f"“{q.text}”")
                self.bookmark(p, entry.anchor)
                if q.original:
                    self.para("Quote Original", q.original)
                who = ", ".join(x for x in (q.speaker, q.role, q.organisation) if x)
                p = self.para("Quote Attribution", f"— {who}")
                self.cite(p, s.number, s.source_id)
        for title, points in (
            ("Challenges", s.challenges),
            ("Policy recommendations", s.recommendations),
        ):
            if not points:
                continue
            self.heading(2, title)
            for point in points:
                p = self.para("List Bullet")
                self.run(p, f"{point.point.title}.", "Strong")
                self.run(p, f" {point.point.detail}")
                self.cite(p, s.number, s.source_id)
                self.bookmark(p, point.anchor)
        if info.notes:
            self.heading(2, "About this source")
            for note in info.notes:
                self.para("List Bullet", note)

    def across(self, doc: Document, charts_png: dict[str, bytes]) -> None:
        self.heading(1, f"{len(doc.sections) + 1}. Across the sources", "across-sources")
        self.para(
            "Normal",
            "Figures that two or more sources give for the same metric and period, side by "
            "side. Where they disagree, the row is marked and the note beneath it explains why.",
        )
        if doc.comparison:
            t = self.table(["Metric and period", "Source", "Reported", "Status"], [30, 36, 21, 13])
            for row in doc.comparison:
                self.comparison_row(t, row, doc)
        for chart in doc.charts:
            self.chart(chart, charts_png[chart.id])

    def comparison_row(self, t: _Table, row: ComparisonRow, doc: Document) -> None:
        first_row = len(t.rows)
        for i, (sid, f) in enumerate(row.cells.items()):
            metric, source, reported, status = self.add_row(t)
            if i == 0:
                if row.disagreements:
                    self.run(metric, "Disagreement: ", "Intense Emphasis")
                self.run(metric, row.label, "Strong")
                self.line_break(metric)
                self.run(metric, row.period)
            self.link(source, f"[{doc.numbers[sid]}]", f"ref-{sid}")
            self.run(source, f" {doc.short_labels[sid]}")
            self.run(reported, f"{value_text(f)} {f.unit}")
            self.run(status, f.status)
        self.merge_down(t, first_row)
        if row.disagreements:
            [merged] = self.add_row(t, span=True)
            self.run(merged, "Why they differ: ", "Strong")
            self.run(merged, doc.explanations.get(row.metric, "Not yet explained by the editors."))

    def chart(self, chart: ChartData, png: bytes) -> None:
        from docx.shared import Cm
        from lxml import etree

        self.figure_count += 1
        inline = self.docx.part.new_pic_inline(io.BytesIO(png), Cm(TEXT_WIDTH_CM), None)
        for pr in inline.iter(self.qn("wp:docPr")):
            # Shape ids count the pictures: the body being written holds no other shapes.
            pr.set("id", str(self.figure_count))
            pr.set("descr", chart.alt)
            pr.set("title", chart.title)
            pr.set("name", f"Chart {chart.id}")
        p = self.para("Figure Image")
        drawing = without_declared(etree.tostring(inline, encoding="unicode"), self.docx.element)
        p.parts.append(f"<w:r><w:drawing>{drawing}</w:drawing></w:r>")
        self.bookmark(p, f"chart-{chart.id}")
        caption = self.para("Caption")
        self.run(caption, "Figure ", "Strong")
        caption.parts.append(_field("SEQ Figure \\* ARABIC", str(self.figure_count)))
        self.run(caption, f". {chart.title}.", "Strong")
        self.run(caption, f" {chart.caption}")
        self.para("Caption", chart.source_line)

    def appendix(self, doc: Document) -> None:
        self.heading(1, "Appendix: sources", "appendix")
        for entry in doc.appendix:
            s, info = entry.section, entry.section.info
            p = self.para("Citation", f"[{s.number}] ")
            if info.authors:
                self.run(p, ", ".join(info.authors) + ". ")
            self.run(p, info.title, "Emphasis")
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
            self.run(p, text + ". ")
            if info.url:
                self.url(p, info.url)
                self.run(p, ". ")
            self.run(p, f"Seed file: {info.seed}.")
            for related in s.relations:
                kind = related.kind
                self.run(p, f" {kind[:1].upper()}{kind[1:]}: ")
                self.link(p, related.title, related.anchor)
                self.run(p, ".")
            self.bookmark(p, f"ref-{s.source_id}")
            p = self.para("Cited By", "Cited by: ")
            self.link(p, f"section {s.number}", s.anchor)
            for c in entry.cited_by:
                self.run(p, "; ")
                self.link(p, c.label, c.anchor)

    # -- package-level settings ----------------------------------------------------------------

    def properties(self, doc: Document, created: dt.date) -> None:
        from docx.oxml import OxmlElement

        front = doc.front
        when = dt.datetime(created.year, created.month, created.day, tzinfo=dt.UTC)
        props = self.docx.core_properties
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
        settings = self.docx.settings.element
        found = settings.find(self.qn("w:updateFields"))
        if found is None:
            found = OxmlElement("w:updateFields", {self.qn("w:val"): "true"})
            later = [settings.find(self.qn(f"w:{n}")) for n in AFTER_UPDATE_FIELDS]
            later = [e for e in later if e is not None]
            if later:
                min(later, key=settings.index).addprevious(found)
            else:
                settings.append(found)
        # The document's language for spelling and hyphenation, on the defaults.
        rpr = self.docx.styles.element.find(self.qn("w:docDefaults"))
        rpr = rpr.find(self.qn("w:rPrDefault")).find(self.qn("w:rPr"))
        lang = rpr.find(self.qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(self.qn("w:val"), front.language)

    def save(self) -> bytes:
        """The package zipped once: members in a stable order, each with a fixed timestamp.

        python-docx's own save zips with the time of day; its PackageWriter steps are run here
        against a collector instead, so the parts are serialised once and compressed once.
        """
        from docx.opc.pkgwriter import PackageWriter

        package = self.docx.part.package
        for part in package.parts:
            part.before_marshal()
        members, steps = _Members(), cast(Any, PackageWriter)
        steps._write_content_types_stream(members, package.parts)
        steps._write_pkg_rels(members, package.rels)
        steps._write_parts(members, package.parts)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for name in sorted(members.blobs, key=lambda n: (n != "[Content_Types].xml", n)):
                info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                info.create_system = 0
                target.writestr(info, members.blobs[name], compresslevel=6)
        return out.getvalue()


class _Members:
    """Collects a package's members by name, in place of python-docx's zip writer."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}

    def write(self, pack_uri: Any, blob: bytes) -> None:
        self.blobs[pack_uri.membername] = blob


def without_declared(xml: str, root: Any) -> str:
    """An element's XML without the namespace declarations its new root already makes."""
    tag_end = xml.index(">")
    start = re.sub(
        r' xmlns:(\w+)="([^"]*)"',
        lambda m: "" if root.nsmap.get(m[1]) == m[2] else m[0],
        xml[:tag_end],
    )
    return start + xml[tag_end:]


def property_text(text: str) -> str:
    """Text for a core property, which Word (and python-docx) cap at 255 characters."""
    return text if len(text) <= MAX_PROPERTY else text[: MAX_PROPERTY - 1] + "…"


def value_text(f: Figure) -> str:
    high = f"–{number(f.value_high)}" if f.value_high is not None else ""
    return f"{bound_text(f)}{number(f.value)}{high}"
