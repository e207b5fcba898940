"""WordprocessingML primitives -> a .docx package: escaping, runs, paragraphs, tables, fields,
bookmarks, pictures and the package's saving. Nothing here knows what a briefing is.

python-docx opens the reference document and writes the package; the body is written as
WordprocessingML text and parsed once, several times faster than building it element by element
(python-docx's table API rescans the grid, and add_table the whole body, on every call). Saving
zips with fixed timestamps in a stable order, so rebuilds are byte-identical.
"""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
MAX_PROPERTY = 255  # characters in a core property (docProps/core.xml)
TWIPS_PER_CM = 1440 / 2.54
LINE_BREAK = "<w:r><w:br/></w:r>"
_BREAKS = re.compile(r"([\t\n])")
# Elements of w:settings that must follow w:updateFields (ECMA-376 CT_Settings order).
AFTER_UPDATE_FIELDS = (
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr",
    "attachedSchema", "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown",
    "smartTagType", "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol",
    "listSeparator",
)  # fmt: skip


def bookmark_name(anchor: str) -> str:
    """An HTML anchor as a Word bookmark name: a letter first, [A-Za-z0-9_], at most 40 chars."""
    name = "b_" + re.sub(r"[^A-Za-z0-9]", "_", anchor)
    if len(name) > 40:
        digest = hashlib.sha1(anchor.encode()).hexdigest()[:8]
        name = f"{name[:31]}_{digest}"
    return name


def property_text(text: str) -> str:
    """Text for a core property, which Word (and python-docx) cap at 255 characters."""
    return text if len(text) <= MAX_PROPERTY else text[: MAX_PROPERTY - 1] + "…"


# -- text ----------------------------------------------------------------------------------------


def escaped(text: str) -> str:
    """Text as XML character data (the loader has already refused what XML cannot hold)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoted(text: str) -> str:
    """Text as an attribute value: a parser would turn a raw tab or line end into a space."""
    return (
        escaped(text)
        .replace('"', "&quot;")
        .replace("\t", "&#9;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
    )


def _run_properties(char_style: str | None) -> str:
    return f'<w:rPr><w:rStyle w:val="{char_style}"/></w:rPr>' if char_style else ""


def run(text: str, char_style: str | None = None) -> str:
    """A run of text, in a character style if given; the text stays one w:t, tabs included."""
    rpr = _run_properties(char_style)
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escaped(text)}</w:t></w:r>'


def typed_run(text: str, char_style: str | None = None) -> str:
    """A run as python-docx's Run.text writes it: tabs become w:tab, line ends w:br."""
    content = []
    for piece in _BREAKS.split(text):
        if piece == "\t":
            content.append("<w:tab/>")
        elif piece == "\n":
            content.append("<w:br/>")
        elif piece:
            space = ' xml:space="preserve"' if piece.strip() != piece else ""
            content.append(f"<w:t{space}>{escaped(piece)}</w:t>")
    return f"<w:r>{_run_properties(char_style)}{''.join(content)}</w:r>"


def text_run(text: str, char_style: str | None = None) -> str:
    if "\n" in text or "\t" in text:
        return typed_run(text, char_style)
    return run(text, char_style)


def field(instruction: str, placeholder: str, char_style: str | None = None) -> str:
    """A complex field (begin, instruction, separate, cached result, end), every run in the
    character style if given: Word formats a refreshed result as the field code's first run."""
    rpr = _run_properties(char_style)
    return (
        f'<w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r>{rpr}<w:instrText xml:space="preserve"> {escaped(instruction)} </w:instrText></w:r>'
        f'<w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>'
        f'{run(placeholder, char_style)}<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>'
    )


class Paragraph:
    """A paragraph being written: its style, the bookmarks that open it, and its content."""

    __slots__ = ("keep_next", "opening", "parts", "properties", "style_id")

    def __init__(self, style_id: str) -> None:
        self.style_id = style_id
        self.opening = ""
        self.parts: list[str] = []
        self.keep_next = False  # on the page with the next paragraph (or table row)
        self.properties = ""  # direct paragraph properties after keepNext, in schema order

    def xml(self) -> str:
        keep = "<w:keepNext/>" if self.keep_next else ""
        return (
            f'<w:p><w:pPr><w:pStyle w:val="{self.style_id}"/>{keep}{self.properties}</w:pPr>'
            f"{self.opening}{''.join(self.parts)}</w:p>"
        )


class Cell:
    __slots__ = ("fill", "grid_span", "left_rule", "para", "width")

    def __init__(self, para: Paragraph, width: int, grid_span: int) -> None:
        self.para, self.width, self.grid_span = para, width, grid_span
        self.fill = ""  # a background colour, RRGGBB
        self.left_rule = ""  # a 2 pt rule down the cell's left edge, in this colour (RRGGBB)

    def xml(self) -> str:
        span = f'<w:gridSpan w:val="{self.grid_span}"/>' if self.grid_span > 1 else ""
        shading = f'<w:shd w:val="clear" w:color="auto" w:fill="{self.fill}"/>' if self.fill else ""
        rule = (
            f'<w:tcBorders><w:left w:val="single" w:sz="16" w:space="0" w:color="{self.left_rule}"/>'
            "</w:tcBorders>"
            if self.left_rule
            else ""
        )
        return (
            f'<w:tc><w:tcPr><w:tcW w:w="{self.width}" w:type="dxa"/>{span}{rule}'
            f"{shading}</w:tcPr>{self.para.xml()}</w:tc>"
        )


# Horizontal rules only, as in the PDF: a rule under every row, none between the columns.
TABLE_RULES = (
    "<w:tblBorders>"
    '<w:top w:val="single" w:sz="8" w:space="0" w:color="1F4E79"/>'
    '<w:left w:val="nil"/>'
    '<w:bottom w:val="single" w:sz="8" w:space="0" w:color="1F4E79"/>'
    '<w:right w:val="nil"/>'
    '<w:insideH w:val="single" w:sz="4" w:space="0" w:color="C8CED6"/>'
    '<w:insideV w:val="nil"/>'
    "</w:tblBorders>"
    '<w:tblCellMar><w:top w:w="57" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
    '<w:bottom w:w="57" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>'
)


class Table:
    """A table in a table style: a repeating header row, rows that never split across pages."""

    __slots__ = ("cell_style_id", "rows", "style_id", "widths")

    def __init__(self, style_id: str, cell_style_id: str, widths: list[int]) -> None:
        self.style_id, self.cell_style_id, self.widths = style_id, cell_style_id, widths
        self.rows: list[tuple[bool, list[Cell]]] = []

    def add_row(
        self, *, header: bool = False, span: bool = False, fill: str = "", left_rule: str = ""
    ) -> list[Paragraph]:
        """A row of cells in the table's widths (or one cell across them), a paragraph each,
        with a background colour (RRGGBB) if given, and a rule down the first cell's left edge."""
        widths = [sum(self.widths)] if span else self.widths
        grid_span = len(self.widths) if span else 1
        cells = [Cell(Paragraph(self.cell_style_id), w, grid_span) for w in widths]
        for cell in cells:
            cell.fill = fill
        cells[0].left_rule = left_rule
        self.rows.append((header, cells))
        return [c.para for c in cells]

    def keep_together(self, first_row: int, last_row: int) -> None:
        """Rows first_row to last_row (inclusive, negative counts from the end) on one page: each
        but the last keeps with the next, as Word and LibreOffice read keepNext in a row."""
        for _, cells in self.rows[first_row:last_row]:
            for cell in cells:
                cell.para.keep_next = True

    def xml(self) -> str:
        grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in self.widths)
        rows = "".join(
            f"<w:tr><w:trPr><w:cantSplit/>{'<w:tblHeader/>' if header else ''}</w:trPr>"
            f"{''.join(c.xml() for c in cells)}</w:tr>"
            for header, cells in self.rows
        )
        return (
            f'<w:tbl><w:tblPr><w:tblStyle w:val="{self.style_id}"/><w:tblW w:type="auto" w:w="0"/>'
            f"{TABLE_RULES}"
            '<w:tblLook w:val="0420" w:firstRow="1" w:lastRow="0" w:firstColumn="0" '
            'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr>'
            f"<w:tblGrid>{grid}</w:tblGrid>{rows}</w:tbl>"
        )


# -- the document --------------------------------------------------------------------------------


class WordDocument:
    """A reference document emptied of its body, and the body written into it as text.

    Style ids are looked up by name once, on opening (python-docx's lookup by name is a linear
    scan), so a reference document without a needed style fails before anything is written.
    """

    def __init__(
        self, reference: Path, styles: Iterable[str], char_styles: Iterable[str], table_style: str
    ) -> None:
        import docx
        from docx.oxml.ns import qn

        self.docx: Any = docx.Document(str(reference))
        self.body: Any = self.docx.element.body
        for child in list(self.body):
            if child.tag != qn("w:sectPr"):
                self.body.remove(child)
        self.sect_pr: Any = self.body.find(qn("w:sectPr"))
        found = self.docx.styles
        self.style: dict[str, str] = {n: quoted(found[n].style_id) for n in styles}
        self.char: dict[str, str] = {n: quoted(found[n].style_id) for n in char_styles}
        self.table_style_id = quoted(found[table_style].style_id)
        self.blocks: list[Paragraph | Table] = []
        self.next_bookmark = 0
        self.picture_count = 0

    def para(self, style: str, text: str = "") -> Paragraph:
        """A body paragraph in a named style."""
        p = Paragraph(self.style[style])
        self.blocks.append(p)
        if text:
            self.run(p, text)
        return p

    def run(self, p: Paragraph, text: str, char: str | None = None) -> None:
        p.parts.append(text_run(text, self.char[char] if char else None))

    def line_break(self, p: Paragraph) -> None:
        p.parts.append(LINE_BREAK)

    def link(
        self, p: Paragraph, text: str, anchor: str, *inside: str, char: str | None = "Hyperlink"
    ) -> None:
        """An internal hyperlink to the bookmark of an HTML anchor, its text in `char` (None:
        in the paragraph's own style)."""
        p.parts.append(
            f'<w:hyperlink w:anchor="{quoted(bookmark_name(anchor))}" w:history="1">'
            f"{run(text, self.char[char] if char else None)}{''.join(inside)}</w:hyperlink>"
        )

    def url(self, p: Paragraph, address: str) -> None:
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        rid = self.docx.part.relate_to(address, RT.HYPERLINK, is_external=True)
        p.parts.append(
            f'<w:hyperlink r:id="{quoted(rid)}" w:history="1">'
            f"{run(address, self.char['Hyperlink'])}</w:hyperlink>"
        )

    @contextmanager
    def bookmarked(self, p: Paragraph, anchor: str) -> Iterator[None]:
        """A bookmark named after the anchor around what the block appends to the paragraph."""
        ident = self.next_bookmark
        self.next_bookmark += 1
        p.parts.append(
            f'<w:bookmarkStart w:id="{ident}" w:name="{quoted(bookmark_name(anchor))}"/>'
        )
        yield
        p.parts.append(f'<w:bookmarkEnd w:id="{ident}"/>')

    def bookmark(self, p: Paragraph, anchor: str) -> None:
        """Wrap the paragraph's content in a bookmark named after the anchor."""
        ident = self.next_bookmark
        self.next_bookmark += 1
        name = quoted(bookmark_name(anchor))
        p.opening = f'<w:bookmarkStart w:id="{ident}" w:name="{name}"/>{p.opening}'
        p.parts.append(f'<w:bookmarkEnd w:id="{ident}"/>')

    def table(self, cell_style: str, widths: list[float], text_width_cm: float) -> Table:
        """A table across the text width, its columns in proportion to `widths`."""
        total = sum(widths)
        twips = [round(text_width_cm * w / total * TWIPS_PER_CM) for w in widths]
        t = Table(self.table_style_id, self.style[cell_style], twips)
        self.blocks.append(t)
        return t

    def picture(self, png: bytes, width_cm: float, *, name: str, title: str, alt: str) -> str:
        """A run holding the PNG inline, the width given, with its title and description."""
        from docx.oxml.ns import qn
        from docx.shared import Cm
        from lxml import etree

        self.picture_count += 1
        inline = self.docx.part.new_pic_inline(io.BytesIO(png), Cm(width_cm), None)
        for pr in inline.iter(qn("wp:docPr")):
            # Shape ids count the pictures: the body being written holds no other shapes.
            pr.set("id", str(self.picture_count))
            pr.set("descr", alt)
            pr.set("title", title)
            pr.set("name", name)
        drawing = without_declared(etree.tostring(inline, encoding="unicode"), self.docx.element)
        return f"<w:r><w:drawing>{drawing}</w:drawing></w:r>"

    def header_and_footer(
        self,
        header: tuple[str, str],
        footer: tuple[str, str],
        right_tab: int,
        first_page: tuple[str, str] | None = None,
    ) -> None:
        """The first section's header and footer paragraphs: (style name, runs' XML) each, with
        one right-aligned tab stop at `right_tab` twips in place of the style's own stops; with
        `first_page` (header and footer runs' XML, in the same styles), page one has its own."""
        section = self.docx.sections[0]
        furnished = [
            (header, section.header.paragraphs[0]),
            (footer, section.footer.paragraphs[0]),
        ]
        if first_page is not None:
            section.different_first_page_header_footer = True
            furnished += [
                ((header[0], first_page[0]), section.first_page_header.paragraphs[0]),
                ((footer[0], first_page[1]), section.first_page_footer.paragraphs[0]),
            ]
        for (style, xml), paragraph in furnished:
            self._furnish(paragraph._p, style, xml, right_tab)

    def _furnish(self, p: Any, style: str, xml: str, right_tab: int) -> None:
        from docx.oxml.ns import nsdecls
        from docx.oxml.parser import parse_xml

        p.style = self.docx.styles[style].style_id
        stops = self.docx.styles[style].paragraph_format.tab_stops
        cleared = "".join(f'<w:tab w:val="clear" w:pos="{stop.position.twips}"/>' for stop in stops)
        tabs = (
            f'<w:tabs {nsdecls("w")}>{cleared}<w:tab w:val="right" w:pos="{right_tab}"/></w:tabs>'
        )
        p.get_or_add_pPr().insert_element_before(
            parse_xml(tabs), "w:suppressAutoHyphens", "w:spacing", "w:ind", "w:jc", "w:rPr"
        )
        self._append_xml(p, xml)

    def paper(self, name: str) -> None:
        """The page size of the first section: A4 or Letter, upright."""
        from docx.shared import Cm, Inches

        section = self.docx.sections[0]
        if name == "Letter":
            section.page_width, section.page_height = Inches(8.5), Inches(11)
        else:
            section.page_width, section.page_height = Cm(21), Cm(29.7)

    def text_width(self) -> int:
        """The width between the first section's margins, in twips."""
        section = self.docx.sections[0]
        return int(
            section.page_width.twips - section.left_margin.twips - section.right_margin.twips
        )

    def _append_xml(self, parent: Any, xml: str) -> None:
        from docx.oxml.ns import nsdecls
        from docx.oxml.parser import parse_xml

        for child in parse_xml(f"<w:p {nsdecls('w', 'r')}>{xml}</w:p>"):
            parent.append(child)

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


# -- settings and the package ----------------------------------------------------------------------


def update_fields_on_open(document: Any) -> None:
    """w:updateFields in the settings, in its schema place: Word refreshes every field on open."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    settings = document.settings.element
    found = settings.find(qn("w:updateFields"))
    if found is None:
        found = OxmlElement("w:updateFields", {qn("w:val"): "true"})
        insert_setting(settings, found, AFTER_UPDATE_FIELDS)


def insert_setting(settings: Any, element: Any, later_names: Iterable[str]) -> None:
    """Put a w:settings child in its schema place: before the first of the settings that
    the schema orders after it, else at the end (Word rejects settings out of order)."""
    from docx.oxml.ns import qn

    later = [settings.find(qn(f"w:{n}")) for n in later_names]
    present = [e for e in later if e is not None]
    if present:
        min(present, key=settings.index).addprevious(element)
    else:
        settings.append(element)


def default_language(document: Any, language: str) -> None:
    """The language for spelling and hyphenation, on the style defaults."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rpr = document.styles.element.find(qn("w:docDefaults"))
    rpr = rpr.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), language)


def save_package(document: Any) -> bytes:
    """The package zipped once: members in a stable order, each with a fixed timestamp.

    python-docx's own save zips with the time of day; its PackageWriter steps are run here
    against a collector instead, so the parts are serialised once and compressed once.
    """
    from docx.opc.pkgwriter import PackageWriter

    package = document.part.package
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


# -- embedded fonts --------------------------------------------------------------------------------

FONT_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font"
OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
# CT_Settings children that come after w:embedTrueTypeFonts and w:saveSubsetFonts.
AFTER_EMBEDDED_FONTS = (
    "saveFormsData", "mirrorMargins", "alignBordersAndEdges", "bordersDoNotSurroundHeader", "bordersDoNotSurroundFooter", "gutterAtTop", "hideSpellingErrors",
    "hideGrammaticalErrors", "activeWritingStyle", "proofState", "formsDesign", "attachedTemplate",
    "linkStyles", "stylePaneFormatFilter", "stylePaneSortMethod", "documentType", "mailMerge",
    "revisionView", "trackRevisions", "doNotTrackMoves", "doNotTrackFormatting", "documentProtection",
    "autoFormatOverride", "styleLockTheme", "styleLockQFSet", "defaultTabStop",
    "autoHyphenation", "consecutiveHyphenLimit", "hyphenationZone", "doNotHyphenateCaps",
    "showEnvelope", "summaryLength", "clickAndTypeStyle", "defaultTableStyle",
    "evenAndOddHeaders", "bookFoldRevPrinting", "bookFoldPrinting", "bookFoldPrintingSheets",
    "drawingGridHorizontalSpacing", "drawingGridVerticalSpacing",
    "displayHorizontalDrawingGridEvery", "displayVerticalDrawingGridEvery",
    "doNotUseMarginsForDrawingGridOrigin", "drawingGridHorizontalOrigin",
    "drawingGridVerticalOrigin", "doNotShadeFormData", "noPunctuationKerning",
    "characterSpacingControl", "printTwoOnOne", "strictFirstAndLastChars", "noLineBreaksAfter",
    "noLineBreaksBefore", "savePreviewPicture", "doNotValidateAgainstSchema", "saveInvalidXml",
    "ignoreMixedContent", "alwaysShowPlaceholderText", "doNotDemarcateInvalidXml",
    "saveXmlDataOnly", "useXSLTWhenSaving", "saveThroughXslt", "showXMLTags",
    "alwaysMergeEmptyNamespace", "updateFields", *AFTER_UPDATE_FIELDS,
)  # fmt: skip
FONT_FACES = ("Regular", "Bold", "Italic", "BoldItalic")


def obfuscated_font(data: bytes, key: str) -> bytes:
    """A font as an embedded font part stores it (ECMA-376 Part 1, 17.8.1): its first 32 bytes
    XORed with the font key, a GUID read as 16 bytes from its last hex pair to its first."""
    digits = key.strip("{}").replace("-", "")
    xor = bytes(int(digits[i : i + 2], 16) for i in range(30, -2, -2))
    head = bytes(b ^ xor[i % 16] for i, b in enumerate(data[:32]))
    return head + data[32:]


def font_key(data: bytes) -> str:
    """A GUID derived from the font's bytes, so rebuilds are byte-identical."""
    digest = hashlib.sha256(data).hexdigest()[:32].upper()
    return f"{{{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:]}}}"


def embed_fonts(document: Any, fonts: dict[str, dict[str, bytes]]) -> None:
    """Embed TrueType fonts, by family name then face (Regular, Bold, Italic, BoldItalic), as
    obfuscated parts of the font table, and tell Word and LibreOffice to use them."""
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.oxml.parser import parse_xml
    from lxml import etree

    font_table = next(
        (r.target_part for r in document.part.rels.values() if r.reltype.endswith("/fontTable")),
        None,
    )
    if font_table is None:
        raise KeyError("its document has no font table (word/fontTable.xml)")
    table = parse_xml(font_table.blob)
    number = 0
    for family, faces in fonts.items():
        entry = next((f for f in table.iter(qn("w:font")) if f.get(qn("w:name")) == family), None)
        if entry is None:
            entry = OxmlElement("w:font", {qn("w:name"): family})
            table.append(entry)
        for old in [e for e in entry if e.tag.startswith(qn("w:embed"))]:
            entry.remove(old)
        for face in FONT_FACES:
            if face not in faces:
                continue
            number += 1
            key = font_key(faces[face])
            part = Part(
                PackURI(f"/word/fonts/font{number}.odttf"),
                OBFUSCATED_FONT,
                obfuscated_font(faces[face], key),
                font_table.package,
            )
            rid = font_table.relate_to(part, FONT_RELATIONSHIP)
            entry.append(OxmlElement(f"w:embed{face}", {qn("r:id"): rid, qn("w:fontKey"): key}))
    font_table._blob = etree.tostring(
        table, xml_declaration=True, encoding="UTF-8", standalone=True
    )
    settings = document.settings.element
    for name in ("embedTrueTypeFonts", "saveSubsetFonts"):
        if settings.find(qn(f"w:{name}")) is None:
            insert_setting(settings, OxmlElement(f"w:{name}"), AFTER_EMBEDDED_FONTS)
