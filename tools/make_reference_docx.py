"""Write templates/reference.docx: python-docx's default template with the briefing's fonts and
the few extra paragraph and character styles the DOCX renderer uses. Run once; the file is
committed.

    .venv/bin/python tools/make_reference_docx.py [OUT]   # default: templates/reference.docx

A project that wants its own reference document starts from this one (OUT in its templates/).
"""

from __future__ import annotations

import sys
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

SERIF, SANS, CJK = "Noto Serif", "Noto Sans", "Noto Sans CJK SC"
LINE_1_45 = 256  # 240ths of a line: 1.45 / 1.362 of Noto's line height
LINE_1_36 = 240  # single: Noto's own 1.362 em, the takeaways' leading in the PDF (1.32)
OUT = Path(__file__).resolve().parents[1] / "templates" / "reference.docx"


def set_fonts(rpr_parent, latin: str) -> None:  # type: ignore[no-untyped-def]
    if hasattr(rpr_parent, "get_or_add_rPr"):
        rpr = rpr_parent.get_or_add_rPr()
    else:
        rpr = rpr_parent.find(qn("w:rPr"))
        if rpr is None:
            rpr = rpr_parent.makeelement(qn("w:rPr"), {})
            rpr_parent.append(rpr)
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:eastAsia"), CJK)


STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


def drop_styles_with_effects(document) -> None:  # type: ignore[no-untyped-def]
    """Remove the Word 2010 copy of the styles that python-docx's template carries.

    Word 2010 wrote stylesWithEffects.xml beside styles.xml; Word 2013 and later write only
    styles.xml. python-docx edits styles.xml alone, so the two drift apart (styles added here are
    missing from the copy, docDefaults differ), and Word then repairs the file on opening it.
    Without the copy, every Word reads styles.xml, which holds every style.
    """
    part = document.part
    for rel_id, rel in list(part.rels.items()):
        if rel.reltype == STYLES_WITH_EFFECTS:
            part.drop_rel(rel_id)


def shade_and_frame(style_element) -> None:  # type: ignore[no-untyped-def]
    """The takeaways box: a pale fill and a rule above, on paragraphs that run together."""
    ppr = style_element.get_or_add_pPr()
    borders = ppr.makeelement(qn("w:pBdr"), {})
    # The same frame as render_docx.BOX gives the box's heading: LibreOffice and Word join
    # paragraphs into one box only where their borders are alike.
    for side, size, space, colour in (("top", "24", "4", "1F4E79"), ("left", "4", "6", "EEF3F8"),
                                      ("bottom", "4", "4", "EEF3F8"), ("right", "4", "6", "EEF3F8")):
        borders.append(borders.makeelement(qn(f"w:{side}"), {
            qn("w:val"): "single", qn("w:sz"): size, qn("w:space"): space, qn("w:color"): colour}))
    ppr.append(borders)
    ppr.append(ppr.makeelement(qn("w:shd"), {
        qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): "EEF3F8"}))


def main(out: Path = OUT) -> None:
    document = docx.Document()
    styles = document.styles
    doc_defaults = styles.element.find(qn("w:docDefaults"))
    set_fonts(doc_defaults.find(qn("w:rPrDefault")), SERIF)
    # The PDF's leading: 1.45 times the type size, where Word's "multiple" counts in Noto's own
    # line height (1.362 em); python-docx's template has 1.15 of it, 1.57 em, which loosens
    # every page and pushes the takeaways and the executive summary over a page.
    doc_defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing")).set(
        qn("w:line"), str(LINE_1_45)
    )
    for style in styles:
        if style.type in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER):
            fonts = (
                style.element.rPr.find(qn("w:rFonts")) if style.element.rPr is not None else None
            )
            if fonts is not None:
                set_fonts(
                    style.element,
                    SANS if "Heading" in style.name or "Title" in style.name else SERIF,
                )
    normal = styles["Normal"]
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(6)
    for name in (
        "Title",
        "Subtitle",
        "Heading 1",
        "Heading 2",
        "Heading 3",
        "Caption",
        "Header",
        "Footer",
    ):
        set_fonts(styles[name].element, SANS)
    # Chapters flow on, kept with what follows them; the layout breaks the page where a part
    # begins (executive summary, contents, the first source, the appendix).
    normal.paragraph_format.widow_control = True
    for name in ("Heading 1", "Heading 2", "Heading 3"):
        styles[name].paragraph_format.keep_with_next = True
        styles[name].paragraph_format.page_break_before = None
    styles["Heading 1"].paragraph_format.space_before = Pt(18)
    # The PDF's headings: chapters 16 pt over a rule, parts 11.5 pt, both in the briefing's
    # accent rather than the template's theme blues.
    for name, size in (("Heading 1", 16), ("Heading 2", 11.5), ("Heading 3", 10.5)):
        heading = styles[name]
        heading.font.size = Pt(size)
        heading.font.color.rgb = RGBColor(0x1F, 0x4E, 0x79)
    styles["Heading 1"].paragraph_format.space_after = Pt(6)
    styles["Heading 2"].paragraph_format.space_before = Pt(10)
    styles["Heading 2"].paragraph_format.space_after = Pt(3)
    h1 = styles["Heading 1"].element.pPr
    chapter_rule = h1.makeelement(qn("w:pBdr"), {})
    chapter_rule.append(chapter_rule.makeelement(qn("w:bottom"), {
        qn("w:val"): "single", qn("w:sz"): "12", qn("w:space"): "2", qn("w:color"): "1F4E79"}))
    h1.find(qn("w:keepLines")).addnext(chapter_rule)
    for name in ("Header", "Footer"):
        styles[name].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        styles[name].font.size = Pt(8)
        styles[name].font.color.rgb = RGBColor(0x55, 0x55, 0x55)

    def paragraph_style(name: str, base: str):  # type: ignore[no-untyped-def]
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[base]
        style.quick_style = True
        return style

    meta = paragraph_style("Source Meta", "Normal")
    set_fonts(meta.element, SANS)
    meta.font.size = Pt(9)
    meta.paragraph_format.keep_with_next = True  # under its heading, never alone at a page foot
    meta.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
    styles["Quote"].paragraph_format.left_indent = Cm(1)
    styles["Quote"].paragraph_format.space_after = Pt(2)
    # A quote, its Chinese original and who said it on one page.
    styles["Quote"].paragraph_format.keep_with_next = True
    original = paragraph_style("Quote Original", "Quote")
    original.font.italic = False
    lang = original.element.get_or_add_rPr().makeelement(qn("w:lang"), {qn("w:eastAsia"): "zh-CN"})
    original.element.get_or_add_rPr().append(lang)
    attribution = paragraph_style("Quote Attribution", "Normal")
    attribution.font.size = Pt(9)
    attribution.paragraph_format.left_indent = Cm(1.5)
    attribution.paragraph_format.space_after = Pt(12)
    cover = paragraph_style("Cover Meta", "Normal")
    set_fonts(cover.element, SANS)
    cover.font.size = Pt(9)  # the date, version, author and sources on one line, as in the PDF
    cover.paragraph_format.space_after = Pt(2)
    citation = paragraph_style("Citation", "Normal")
    citation.paragraph_format.left_indent = Cm(1)
    citation.paragraph_format.first_line_indent = Cm(-1)
    citation.paragraph_format.keep_with_next = True  # with its "Cited in" line
    cited = paragraph_style("Cited By", "Normal")
    cited.font.size = Pt(9)
    cited.paragraph_format.left_indent = Cm(1)
    cited.paragraph_format.space_after = Pt(12)
    picture = paragraph_style("Figure Image", "Normal")
    picture.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.paragraph_format.keep_with_next = True
    cell = paragraph_style("Table Text", "Normal")
    cell.font.size = Pt(9)
    cell.paragraph_format.space_after = Pt(0)
    toc = paragraph_style("TOC 1", "Normal")
    toc.paragraph_format.space_after = Pt(4)
    toc.paragraph_format.tab_stops.add_tab_stop(Cm(14.6), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    # A long entry wraps under its title, clear of the page numbers' column.
    toc.paragraph_format.left_indent = Cm(0.6)
    toc.paragraph_format.first_line_indent = Cm(-0.6)
    toc.paragraph_format.right_indent = Cm(1)
    styles["Caption"].font.size = Pt(9)
    styles["Caption"].font.bold = False
    styles["Caption"].font.italic = False
    styles["Caption"].font.color.rgb = RGBColor(0x33, 0x33, 0x33)
    styles["Caption"].paragraph_format.keep_with_next = True
    source_line = paragraph_style("Source Line", "Caption")
    source_line.font.size = Pt(8)
    source_line.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
    source_line.paragraph_format.keep_with_next = False
    source_line.paragraph_format.space_after = Pt(12)
    heading_cell = paragraph_style("Table Heading", "Table Text")
    set_fonts(heading_cell.element, SANS)
    heading_cell.font.bold = True
    heading_cell.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    number_cell = paragraph_style("Table Number", "Table Text")
    number_cell.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    takeaway = paragraph_style("Takeaway", "List Number")
    shade_and_frame(takeaway.element)  # first: pBdr and shd come before spacing in w:pPr
    takeaway.font.size = Pt(9)
    takeaway.paragraph_format.space_after = Pt(3)
    takeaway.element.pPr.find(qn("w:spacing")).set(qn("w:line"), str(LINE_1_36))
    takeaway.element.pPr.find(qn("w:spacing")).set(qn("w:lineRule"), "auto")
    # The items stand apart, as the PDF's do: List Number's contextual spacing would drop the gap.
    takeaway.element.pPr.append(takeaway.element.pPr.makeelement(qn("w:contextualSpacing"), {qn("w:val"): "0"}))
    mark = styles.add_style("Citation Mark", WD_STYLE_TYPE.CHARACTER)
    mark.font.color.rgb = RGBColor(0x1F, 0x4E, 0x79)
    mark.font.size = Pt(9)  # the smallest type in the body, the takeaways box's size
    link = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb = RGBColor(0x1F, 0x4E, 0x79)
    link.font.underline = True
    # The cover: organisation, title, subtitle and meta leave the takeaways most of page one.
    styles["Title"].font.size = Pt(20)
    styles["Title"].font.bold = True  # as the PDF's title
    styles["Title"].font.color.rgb = RGBColor(0x1F, 0x4E, 0x79)
    styles["Title"].paragraph_format.space_after = Pt(8)
    rule = styles["Title"].element.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    rule.set(qn("w:color"), "1F4E79")  # the briefing's accent, not the template's theme blue
    del rule.attrib[qn("w:themeColor")]
    styles["Subtitle"].font.size = Pt(11.5)
    styles["Subtitle"].font.italic = False
    # Set solid, as the PDF's: the template's 0.75 pt letter-spacing reads as a display face.
    subtitle_spacing = styles["Subtitle"].element.rPr.find(qn("w:spacing"))
    styles["Subtitle"].element.rPr.remove(subtitle_spacing)
    styles["Subtitle"].paragraph_format.space_after = Pt(6)
    styles["Subtitle"].paragraph_format.line_spacing = 1.0
    styles["Subtitle"].font.color.rgb = RGBColor(0x44, 0x44, 0x44)
    # "Disagreement:" in the comparison table, as the PDF's flag: bold amber, upright.
    styles["Intense Emphasis"].font.italic = False
    styles["Intense Emphasis"].font.color.rgb = RGBColor(0x9A, 0x5B, 0x00)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    # 14.6 cm of text at 11 pt: 70 to 80 characters a line, as in the PDF.
    section.left_margin = section.right_margin = Cm(3.2)
    section.top_margin, section.bottom_margin = Cm(2.4), Cm(2.2)
    document.core_properties.title = "Briefing reference"
    drop_styles_with_effects(document)
    document.save(str(out))
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
