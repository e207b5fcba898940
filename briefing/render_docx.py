"""Document model -> DOCX through python-docx, styled only by the reference document's styles.

The result is finished when opened: the contents are hyperlinks to bookmarks with PAGEREF page
numbers, header and footer carry the marking and "Page X of Y", citations link to the appendix,
table header rows repeat, and Word refreshes the fields on open (w:updateFields). Rebuilds are
byte-identical: fixed core-property dates, no random ids, and the zip re-packed with fixed
timestamps in a stable order.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from .document import ChartData, ComparisonRow, Document, Section
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


@functools.cache
def _clark(tag: str) -> tuple[str, dict[str, str]]:
    """'w:p' -> ('{namespace}p', {'w': namespace}), computed once per name."""
    from docx.oxml.ns import nsmap

    prefix, name = tag.split(":")
    return f"{{{nsmap[prefix]}}}{name}", {prefix: nsmap[prefix]}


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


def render_docx(
    doc: Document, charts_png: dict[str, bytes], *, dirs: list[Path], created: dt.date
) -> bytes:
    writer = _Writer(find_reference(dirs))
    writer.write(doc, charts_png)
    writer.properties(doc, created)
    return writer.save()


class _Writer:
    def __init__(self, reference: Path) -> None:
        import docx
        from docx.oxml.ns import qn

        self.qn = qn
        self.docx: Any = docx.Document(str(reference))
        self.body: Any = self.docx.element.body
        for child in list(self.body):
            if child.tag != qn("w:sectPr"):
                self.body.remove(child)
        from docx.oxml.parser import oxml_parser

        self.makeelement = oxml_parser.makeelement
        self.sect_pr: Any = self.body.find(qn("w:sectPr"))
        styles = self.docx.styles
        # Style objects looked up by name once: python-docx's lookup by name is a linear scan.
        self.style: dict[str, str] = {n: styles[n].style_id for n in STYLE_NAMES}
        self.char: dict[str, str] = {n: styles[n].style_id for n in CHAR_STYLE_NAMES}
        self.table_style_id: str = styles[TABLE_STYLE].style_id
        self.next_bookmark = 0
        self.figure_count = 0

    # -- low-level building blocks -------------------------------------------------------------

    def el(self, tag: str, **attrs: str) -> Any:
        """A new element of the custom python-docx classes; names resolved once per tag."""
        clark, nsmap = _clark(tag)
        return self.makeelement(
            clark, {_clark(k.replace("_", ":", 1))[0]: v for k, v in attrs.items()}, nsmap
        )

    def para(self, style: str, text: str = "") -> Any:
        """A body paragraph in a named style, appended before the final section properties."""
        from docx.text.paragraph import Paragraph

        p = self.el("w:p")
        ppr = self.el("w:pPr")
        ppr.append(self.el("w:pStyle", w_val=self.style[style]))
        p.append(ppr)
        self.sect_pr.addprevious(p)
        paragraph = Paragraph(p, self.docx._body)
        if text:
            self.run(paragraph, text)
        return paragraph

    def run(self, p: Any, text: str, char: str | None = None) -> Any:
        """Append a run of text, in a character style if given."""
        if "\n" in text or "\t" in text:  # python-docx turns these into w:br and w:tab
            r = p.add_run(text)
            if char:
                r._r.style = self.char[char]
            return r
        r = self._run_el(text, char)
        p._p.append(r)
        return r

    def line_break(self, p: Any) -> None:
        r = self.el("w:r")
        r.append(self.el("w:br"))
        p._p.append(r)

    def _run_el(self, text: str, char: str | None) -> Any:
        r = self.el("w:r")
        if char:
            rpr = self.el("w:rPr")
            rpr.append(self.el("w:rStyle", w_val=self.char[char]))
            r.append(rpr)
        t = self.el("w:t")
        t.text = text
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        r.append(t)
        return r

    def link(self, p: Any, text: str, anchor: str) -> Any:
        """An internal hyperlink to the bookmark of an HTML anchor."""
        h = self.el("w:hyperlink", w_anchor=bookmark_name(anchor), w_history="1")
        h.append(self._run_el(text, "Hyperlink"))
        p._p.append(h)
        return h

    def url(self, p: Any, address: str) -> None:
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        rid = p.part.relate_to(address, RT.HYPERLINK, is_external=True)
        h = self.el("w:hyperlink", r_id=rid, w_history="1")
        h.append(self._run_el(address, "Hyperlink"))
        p._p.append(h)

    def bookmark(self, p: Any, anchor: str) -> None:
        """Wrap the paragraph's content in a bookmark named after the anchor."""
        ident = str(self.next_bookmark)
        self.next_bookmark += 1
        start = self.el("w:bookmarkStart", w_id=ident, w_name=bookmark_name(anchor))
        ppr = p._p.pPr
        if ppr is not None:
            ppr.addnext(start)
        else:
            p._p.insert(0, start)
        p._p.append(self.el("w:bookmarkEnd", w_id=ident))

    def field(self, parent: Any, instruction: str, placeholder: str) -> None:
        """A complex field (begin, instruction, separate, cached result, end)."""
        for kind, text in (("begin", None), ("instr", instruction), ("separate", None)):
            r = self.el("w:r")
            if kind == "instr":
                t = self.el("w:instrText")
                t.text = f" {text} "
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                r.append(t)
            else:
                r.append(self.el("w:fldChar", w_fldCharType=kind))
            parent.append(r)
        parent.append(self._run_el(placeholder, None))
        end = self.el("w:r")
        end.append(self.el("w:fldChar", w_fldCharType="end"))
        parent.append(end)

    def cite(self, p: Any, section_number: int, source_id: str) -> None:
        self.run(p, " ")
        self.link(p, f"[{section_number}]", f"ref-{source_id}")

    def heading(self, level: int, text: str, anchor: str | None = None) -> Any:
        p = self.para(f"Heading {level}", text)
        if anchor:
            self.bookmark(p, anchor)
        return p

    def table(self, headers: list[str], widths: list[float]) -> Any:
        t = self.docx.add_table(rows=0, cols=len(headers))
        t._tbl.tblPr.insert(0, self.el("w:tblStyle", w_val=self.table_style_id))
        look = t._tbl.tblPr.find(self.qn("w:tblLook"))
        if look is not None:
            t._tbl.tblPr.remove(look)
        t._tbl.tblPr.append(
            self.el(
                "w:tblLook",
                w_val="0420",
                w_firstRow="1",
                w_lastRow="0",
                w_firstColumn="0",
                w_lastColumn="0",
                w_noHBand="0",
                w_noVBand="1",
            )
        )
        total = sum(widths)
        twips = [round(TEXT_WIDTH_CM * w / total * TWIPS_PER_CM) for w in widths]
        self.widths = twips
        for col, width in zip(t._tbl.tblGrid.gridCol_lst, twips, strict=True):
            col.set(self.qn("w:w"), str(width))
        for cell, text in zip(self.add_row(t, header=True), headers, strict=True):
            self.run(cell.paragraphs[0], text)
        return t

    def add_row(self, t: Any, *, header: bool = False, span: int = 1) -> list[Any]:
        """A row of empty cells in the table's widths, one styled paragraph each, kept whole.

        The row is built as XML and appended directly: python-docx's add_row and row.cells
        recompute the whole table's grid on every call, which makes long tables quadratic.
        """
        from docx.table import _Cell

        tr = self.el("w:tr")
        trpr = self.el("w:trPr")
        trpr.append(self.el("w:cantSplit"))
        if header:
            trpr.append(self.el("w:tblHeader"))
        tr.append(trpr)
        widths = self.widths if span == 1 else [sum(self.widths)]
        cells = []
        for width in widths:
            tc = self.el("w:tc")
            tcpr = self.el("w:tcPr")
            tcpr.append(self.el("w:tcW", w_w=str(width), w_type="dxa"))
            if span > 1:
                tcpr.append(self.el("w:gridSpan", w_val=str(len(self.widths))))
            tc.append(tcpr)
            p = self.el("w:p")
            ppr = self.el("w:pPr")
            ppr.append(self.el("w:pStyle", w_val=self.style["Table Text"]))
            p.append(ppr)
            tc.append(p)
            tr.append(tc)
            cells.append(_Cell(tc, t))
        t._tbl.append(tr)
        return cells

    def merge_down(self, first: Any, below: Any) -> None:
        """Join a cell with the one under it (w:vMerge), as Word does, without a grid scan."""
        for cell, value in ((first, "restart"), (below, None)):
            tcpr = cell._tc.tcPr
            if tcpr.find(self.qn("w:vMerge")) is None:
                merge = self.el("w:vMerge", w_val=value) if value else self.el("w:vMerge")
                tcpr.append(merge)

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

    def page_furniture(self, marking: str) -> None:
        section = self.docx.sections[0]
        header = section.header.paragraphs[0]
        header._p.style = self.style["Header"]
        self.run(header, marking)
        footer = section.footer.paragraphs[0]
        footer._p.style = self.style["Footer"]
        self.run(footer, f"{marking} · Page ")
        self.field(footer._p, "PAGE", "1")
        self.run(footer, " of ")
        self.field(footer._p, "NUMPAGES", "1")

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
        for i, (text, cites) in enumerate(doc.takeaways, start=1):
            p = self.para("List Number", text + " [")
            for j, (anchor, label) in enumerate(cites):
                if j:
                    self.run(p, "; ")
                self.link(p, label, anchor)
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
            p = self.para("TOC 1")
            h = self.link(p, title, anchor)
            h.append(self._run_el("\t", None))
            self.field(h, f"PAGEREF {bookmark_name(anchor)} \\h", "#")

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
        for kind, title, anchor in s.relations:
            p = self.para("Normal", f"Relation: {kind} ")
            self.link(p, title, anchor)
            self.run(p, ".")
        self.heading(2, "Summary")
        for text in s.summary:
            self.para("Normal", text)
        if s.figures:
            self.heading(2, "Key figures")
            t = self.table(["Figure", "Value", "Unit", "Period", "Status"], [44, 13, 17, 14, 12])
            for anchor, f, _line in s.figures:
                cells = self.add_row(t)
                first = cells[0].paragraphs[0]
                self.run(first, f.label)
                if f.note:
                    self.line_break(first)
                    self.run(first, f.note, "Subtle Emphasis")
                self.bookmark(first, anchor)
                self.run(cells[1].paragraphs[0], value_text(f))
                self.run(cells[2].paragraphs[0], f.unit)
                self.run(cells[3].paragraphs[0], f.period)
                status = cells[4].paragraphs[0]
                self.run(status, f.status)
                self.cite(status, s.number, s.source_id)
        if s.quotes:
            self.heading(2, "In their words")
            for anchor, q in s.quotes:
                p = self.para("Quote", f"“{q.text}”")
                self.bookmark(p, anchor)
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
            for anchor, point in points:
                p = self.para("List Bullet")
                self.run(p, f"{point.title}.", "Strong")
                self.run(p, f" {point.detail}")
                self.cite(p, s.number, s.source_id)
                self.bookmark(p, anchor)
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

    def comparison_row(self, t: Any, row: ComparisonRow, doc: Document) -> None:
        first_cell = None
        for sid, f in row.cells.items():
            cells = self.add_row(t)
            if first_cell is None:
                first_cell = cells[0]
                p = first_cell.paragraphs[0]
                if row.disagreements:
                    self.run(p, "Disagreement: ", "Intense Emphasis")
                self.run(p, row.label, "Strong")
                self.line_break(p)
                self.run(p, row.period)
            else:
                self.merge_down(first_cell, cells[0])
            p = cells[1].paragraphs[0]
            self.link(p, f"[{doc.numbers[sid]}]", f"ref-{sid}")
            self.run(p, f" {doc.short_labels[sid]}")
            self.run(cells[2].paragraphs[0], f"{value_text(f)} {f.unit}")
            self.run(cells[3].paragraphs[0], f.status)
        if row.disagreements:
            [merged] = self.add_row(t, span=len(self.widths))
            p = merged.paragraphs[0]
            self.run(p, "Why they differ: ", "Strong")
            self.run(p, doc.explanations.get(row.metric, "Not yet explained by the editors."))

    def chart(self, chart: ChartData, png: bytes) -> None:
        from docx.shared import Cm

        self.figure_count += 1
        p = self.para("Figure Image")
        p.add_run().add_picture(io.BytesIO(png), width=Cm(TEXT_WIDTH_CM))
        for pr in p._p.iter(self.qn("wp:docPr")):
            pr.set("descr", chart.alt)
            pr.set("title", chart.title)
            pr.set("name", f"Chart {chart.id}")
        self.bookmark(p, f"chart-{chart.id}")
        caption = self.para("Caption")
        self.run(caption, "Figure ", "Strong")
        self.field(caption._p, "SEQ Figure \\* ARABIC", str(self.figure_count))
        self.run(caption, f". {chart.title}.", "Strong")
        self.run(caption, f" {chart.caption}")
        self.para("Caption", f"{chart.source_line}.")

    def appendix(self, doc: Document) -> None:
        self.heading(1, "Appendix: sources", "appendix")
        for s, cites in doc.appendix:
            info = s.info
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
            for kind, title, anchor in s.relations:
                self.run(p, f" {kind[:1].upper()}{kind[1:]}: ")
                self.link(p, title, anchor)
                self.run(p, ".")
            self.bookmark(p, f"ref-{s.source_id}")
            p = self.para("Cited By", "Cited by: ")
            self.link(p, f"section {s.number}", s.anchor)
            for c in cites:
                self.run(p, "; ")
                self.link(p, c.label, c.anchor)

    # -- package-level settings ----------------------------------------------------------------

    def properties(self, doc: Document, created: dt.date) -> None:
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
            found = self.el("w:updateFields", w_val="true")
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
            lang = self.el("w:lang")
            rpr.append(lang)
        lang.set(self.qn("w:val"), front.language)

    def save(self) -> bytes:
        raw = io.BytesIO()
        self.docx.save(raw)
        out = io.BytesIO()
        with (
            zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source,
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
        ):
            names = sorted(source.namelist(), key=lambda n: (n != "[Content_Types].xml", n))
            for name in names:
                info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                info.create_system = 0
                target.writestr(info, source.read(name), compresslevel=6)
        return out.getvalue()


def property_text(text: str) -> str:
    """Text for a core property, which Word (and python-docx) cap at 255 characters."""
    return text if len(text) <= MAX_PROPERTY else text[: MAX_PROPERTY - 1] + "…"


def value_text(f: Figure) -> str:
    high = f"–{number(f.value_high)}" if f.value_high is not None else ""
    return f"{bound_text(f)}{number(f.value)}{high}"
