"""The DOCX read back: structure, styles, tables, images, properties, reproducibility (its pages
as LibreOffice lays them out: test_publication.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from briefing.charts import render_chart
from briefing.config import find_project
from briefing.content import load_content
from briefing.document import ComparisonRow, Document, build_document, sentence
from briefing.ooxml import bookmark_name
from briefing.provenance import check_provenance
from briefing.render_docx import render_docx
from briefing.render_html import template_dirs

from .conftest import REPO


@dataclass
class Built:
    doc: Document
    data: bytes
    path: Path
    pngs: dict[str, bytes]
    dirs: list[Path]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    tmp = tmp_path_factory.mktemp("docx")
    project = find_project(REPO)
    content = load_content(project)
    doc = build_document(content, check_provenance(project, content))
    pngs = {c.id: render_chart(c, "png", tmp / "cache") for c in doc.charts}
    dirs = template_dirs(project.templates_dir)
    data = render_docx(doc, pngs, dirs=dirs, created=doc.front.date)
    path = tmp / "briefing.docx"
    path.write_bytes(data)
    return Built(doc, data, path, pngs, dirs)


def test_headings_follow_the_sections(built: Built) -> None:
    opened = docx.Document(str(built.path))
    h1 = [p.text for p in opened.paragraphs if p.style.name == "Heading 1"]
    n = len(built.doc.sections)
    expected = [f"{s.number}. {s.info.title}" for s in built.doc.sections]
    assert h1[:3] == ["Key takeaways", "Executive summary", "Contents"]
    assert h1[3 : 3 + n] == expected
    assert h1[3 + n :] == [f"{n + 1}. Across the sources", "Appendix: sources"]


def test_real_styles_are_used(built: Built) -> None:
    opened = docx.Document(str(built.path))
    used = {p.style.name for p in opened.paragraphs}
    for name in ("Title", "Subtitle", "Heading 1", "Heading 2", "Quote", "List Bullet"):
        assert name in used
    assert {"Takeaway", "Caption", "Source Line", "Quote Original", "TOC 1"} <= used
    assert opened.paragraphs[1].style.name == "Title"  # under the organisation: no marking
    assert any("人工智能" in p.text for p in opened.paragraphs if p.style.name == "Quote Original")


def test_tables_repeat_headers_and_rows_do_not_split(built: Built) -> None:
    opened = docx.Document(str(built.path))
    figure_tables = sum(1 for s in built.doc.sections if s.figures)
    assert len(opened.tables) == figure_tables + 1
    for table in opened.tables:
        rows = table._tbl.tr_lst
        assert rows[0].trPr.find(qn("w:tblHeader")) is not None
        assert all(r.trPr.find(qn("w:cantSplit")) is not None for r in rows)
        assert all(r.trPr.find(qn("w:tblHeader")) is None for r in rows[1:])


def fills(row: object) -> set[str | None]:
    return {shd.get(qn("w:fill")) for shd in row.iter(qn("w:shd"))}  # type: ignore[attr-defined]


def test_tables_look_like_the_pdfs(built: Built) -> None:
    """A filled header row, horizontal rules only, values right-aligned (the comparison's groups:
    test_the_comparison_opens_each_metric_with_a_row_across_the_table)."""
    opened = docx.Document(str(built.path))
    for table in opened.tables:
        borders = table._tbl.tblPr.find(qn("w:tblBorders"))
        assert {
            side: borders.find(qn(f"w:{side}")).get(qn("w:val"))
            for side in ("top", "bottom", "insideH", "left", "right", "insideV")
        } == {
            "top": "single",
            "bottom": "single",
            "insideH": "single",
            "left": "nil",
            "right": "nil",
            "insideV": "nil",
        }
        header = table.rows[0]
        assert fills(header._tr) == {"1F4E79"}
        assert {c.paragraphs[0].style.name for c in header.cells} == {"Table Heading"}
        headings = [c.text for c in header.cells]
        value = headings.index("Value")
        assert headings[value + 1] == "Unit"
        for row in table.rows[1:]:
            cell = row.cells[value]
            if len({id(c) for c in row.cells}) == len(row.cells):  # not the merged note row
                assert cell.paragraphs[0].style.name == "Table Number"


def left_rules(row: object) -> list[str | None]:
    """Each cell's left-edge rule colour, or None."""
    return [
        left.get(qn("w:color"))
        if (left := tc.find(f"{qn('w:tcPr')}/{qn('w:tcBorders')}/{qn('w:left')}")) is not None
        else None
        for tc in row.iter(qn("w:tc"))  # type: ignore[attr-defined]
    ]


def comparison_groups(table: object, doc: Document) -> list[tuple[ComparisonRow, list[object]]]:
    """The comparison table's rows after the header, cut into each metric's group."""
    rows = table._tbl.tr_lst[1:]  # type: ignore[attr-defined]
    groups = []
    for row in doc.comparison:
        size = 1 + len(row.cells) + bool(row.disagreements)
        groups.append((row, rows[:size]))
        rows = rows[size:]
    assert rows == []
    return groups


def assert_groups_drawn(table: object, doc: Document) -> None:
    """A metric row across the table (soft blue, or shaded for a conflict of values), a row per
    source, the note on why they differ; a gold rule down the left of a group that differs."""
    for row, (metric, *sources) in comparison_groups(table, doc):
        cells = metric.tc_lst  # type: ignore[attr-defined]
        assert len(cells) == 1 and cells[0].grid_span == 4
        text = "".join(cells[0].itertext())
        assert row.label in text and text.endswith(f", {row.period}")
        assert text.startswith(f"{row.verdict}: ") == bool(row.disagreements)
        assert fills(metric) == ({"FFF4D6"} if row.conflict else {"EEF3F8"})
        *per_source, note = sources if row.disagreements else (*sources, None)
        for source in per_source:
            assert len(source.tc_lst) == 4  # type: ignore[attr-defined]
            assert fills(source) == ({"FFF4D6"} if row.conflict else set())
        if note is not None:
            assert fills(note) == {"FFFAF0"}
        rule = "C9A227" if row.disagreements else None
        for drawn in [metric, *sources]:
            assert left_rules(drawn)[0] == rule and set(left_rules(drawn)[1:]) <= {None}


def test_the_comparison_opens_each_metric_with_a_row_across_the_table(built: Built) -> None:
    opened = docx.Document(str(built.path))
    comparison = opened.tables[-1]
    assert [c.text for c in comparison.rows[0].cells] == ["Source", "Value", "Unit", "Status"]
    assert not list(comparison._tbl.iter(qn("w:vMerge")))  # no merged column to split
    assert any(r.disagreements for r in built.doc.comparison)
    assert any(not r.disagreements for r in built.doc.comparison)
    assert_groups_drawn(comparison, built.doc)


def test_a_conflict_of_values_shades_its_group(built: Built) -> None:
    """The shipped briefing has no conflict; its first difference, made one of value, is shaded."""
    first = next(r for r in built.doc.comparison if r.disagreements)
    d = first.disagreements[0]
    conflict = dataclasses.replace(first, disagreements=[dataclasses.replace(d, kind="value")])
    rows = [conflict if r is first else r for r in built.doc.comparison]
    doc = dataclasses.replace(built.doc, comparison=rows)
    data = render_docx(doc, built.pngs, dirs=built.dirs, created=doc.front.date)
    comparison = docx.Document(io.BytesIO(data)).tables[-1]
    assert conflict.conflict
    assert_groups_drawn(comparison, doc)


def test_images_carry_alt_text(built: Built) -> None:
    opened = docx.Document(str(built.path))
    descriptions = [e.get("descr") for e in opened.element.body.iter(qn("wp:docPr"))]
    assert descriptions == [c.alt for c in built.doc.charts]
    assert len(opened.inline_shapes) == len(built.doc.charts)


def test_links_fields_and_bookmarks(built: Built) -> None:
    opened = docx.Document(str(built.path))
    body = opened.element.body
    bookmarks = {e.get(qn("w:name")) for e in body.iter(qn("w:bookmarkStart"))}
    anchors = [e.get(qn("w:anchor")) for e in body.iter(qn("w:hyperlink"))]
    anchors = [a for a in anchors if a]
    assert len(anchors) > 100
    assert set(anchors) <= bookmarks
    for s in built.doc.sections:
        assert bookmark_name(s.anchor) in bookmarks
        assert bookmark_name(f"ref-{s.source_id}") in bookmarks
    instructions = " ".join(e.text for e in body.iter(qn("w:instrText")))
    contents = [p for p in opened.paragraphs if p.style.name == "TOC 1"]
    assert len(contents) == len(built.doc.sections) + 3
    assert all("PAGEREF" in p._p.xml for p in contents)
    # the appendix gives the pages of every part that cites a source
    assert instructions.count("PAGEREF") > len(contents) + len(built.doc.sections)
    footer = opened.sections[0].footer._element
    assert {"PAGE", "NUMPAGES"} <= {e.text.strip() for e in footer.iter(qn("w:instrText"))}
    header = opened.sections[0].header.paragraphs[0]
    assert header.text == f"{built.doc.front.short_title}\t {built.doc.front.marking} "
    external = [r for r in opened.part.rels.values() if r.is_external]
    assert {s.info.url for s in built.doc.sections if s.info.url} <= {
        r.target_ref for r in external
    }
    assert opened.settings.element.find(qn("w:updateFields")) is not None


def test_core_properties(built: Built) -> None:
    props = docx.Document(str(built.path)).core_properties
    front = built.doc.front
    assert props.title == front.title
    assert props.author == (front.author or front.organisation)
    assert props.subject == (front.subtitle or "")
    assert props.keywords == ", ".join(front.keywords)
    assert props.language == front.language
    day = dt.datetime(front.date.year, front.date.month, front.date.day, tzinfo=dt.UTC)
    assert props.created == props.modified == props.last_printed == day


def test_rebuild_is_byte_identical(built: Built) -> None:
    again = render_docx(built.doc, built.pngs, dirs=built.dirs, created=built.doc.front.date)
    assert again == built.data


def test_a_reference_declaring_namespaces_only_where_used_gives_the_same_document(
    built: Built, tmp_path: Path
) -> None:
    """Word declares xmlns:r on the root; a valid reference may declare it only where it is used."""
    shipped = next(d / "reference.docx" for d in built.dirs if (d / "reference.docx").is_file())
    templates = tmp_path / "templates"
    templates.mkdir()
    declaration = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    with (
        zipfile.ZipFile(shipped) as source,
        zipfile.ZipFile(templates / "reference.docx", "w") as target,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                text = data.decode("utf-8")
                assert text.count(" " + declaration) == 1
                text = text.replace(" " + declaration, "")
                text = re.sub(r"<([\w:]+)(?=[^>]* r:)", rf"<\1 {declaration}", text)
                data = text.encode("utf-8")
            target.writestr(item, data)
    data = render_docx(
        built.doc, built.pngs, dirs=[templates, *built.dirs], created=built.doc.front.date
    )
    opened, shipped_build = docx.Document(io.BytesIO(data)), docx.Document(str(built.path))
    assert [p.text for p in opened.paragraphs] == [p.text for p in shipped_build.paragraphs]
    links = [r.target_ref for r in opened.part.rels.values() if r.is_external]
    assert links and links == [
        r.target_ref for r in shipped_build.part.rels.values() if r.is_external
    ]


def test_captions_end_with_one_full_stop(built: Built) -> None:
    """A chart's source line ends with the last source's label, which may end in "n.d."."""
    opened = docx.Document(str(built.path))
    captions = [p.text for p in opened.paragraphs if p.style.name in ("Caption", "Source Line")]
    assert captions and all(c.endswith(".") and not c.endswith("..") for c in captions)
    assert (
        sentence("Sources: Alpha Daily, 2026; Beta, n.d.")
        == "Sources: Alpha Daily, 2026; Beta, n.d."
    )


def keeps_with_next(row: object) -> bool:
    paragraphs = list(row.iter(qn("w:p")))  # type: ignore[attr-defined]
    keeps = {p.pPr.find(qn("w:keepNext")) is not None for p in paragraphs}
    assert len(keeps) == 1, "a row's cells keep with the next row all or none"
    return keeps == {True}


def test_tables_carry_no_lone_row_and_keep_a_metric_together(built: Built) -> None:
    """Header row with the first two rows, the last row with the one before; in the comparison
    table, a metric's rows and the note on why they differ keep together, each metric free of
    the next."""
    opened = docx.Document(str(built.path))
    *figures, comparison = opened.tables
    for table in figures:
        keeps = [keeps_with_next(r) for r in table._tbl.tr_lst]
        assert keeps[-2] and not keeps[-1]
        assert all(keeps[: min(2, len(keeps) - 1)])
    keeps = [keeps_with_next(r) for r in comparison._tbl.tr_lst]
    assert keeps[0]
    assert keeps.count(False) == len(built.doc.comparison) and not keeps[-1]
    groups = [  # rows a metric takes: its own, one per source, the note on why they differ
        1 + len(row.cells) + bool(row.disagreements) for row in built.doc.comparison
    ]
    ends = [sum(groups[: i + 1]) for i in range(len(groups))]
    assert [i for i, keep in enumerate(keeps) if not keep] == ends


def test_the_takeaways_box_is_one_frame_wider_than_the_text(built: Built) -> None:
    """Heading and takeaways share one frame and one left and right edge, so they draw as one
    box, which runs out beyond the text on both sides as the PDF's does."""
    opened = docx.Document(str(built.path))
    paragraphs = opened.paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.text == "Key takeaways")
    box = paragraphs[start : start + 1 + len(built.doc.takeaways)]
    assert [p.style.name for p in box] == ["Heading 1"] + ["Takeaway"] * len(built.doc.takeaways)
    frames = set()
    for p in box:
        frame = (p.style.element.pPr if p.style.name == "Takeaway" else p._p.pPr).find(qn("w:pBdr"))
        frames.add(tuple((side.tag, tuple(sorted(side.attrib.items()))) for side in frame))
    assert len(frames) == 1
    indents = {tuple(sorted(p._p.pPr.find(qn("w:ind")).attrib.items())) for p in box}
    [indent] = indents
    edges = dict((k.split("}")[1], int(v)) for k, v in indent)
    assert edges["left"] - edges["hanging"] < 0 and edges["right"] < 0
    assert opened.styles["Takeaway"].font.size.pt == 9


def test_the_cover_page_carries_the_marking_alone(built: Built) -> None:
    section = docx.Document(str(built.path)).sections[0]
    marking = built.doc.front.marking
    assert section.different_first_page_header_footer
    assert section.first_page_header.paragraphs[0].text == f"\t {marking} "
    assert section.first_page_footer.paragraphs[0].text == f"\t {marking} "
