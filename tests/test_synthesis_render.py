"""The briefing's own prose as a reader gets it: numbered citations linked to the items cited,
the appendix's back-references, charts that say what their numbers are, and a comparison that
tells a conflict of values from a difference of status or wording."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from pypdf import PdfReader

from briefing.charts import render_chart
from briefing.config import find_project
from briefing.content import load_content
from briefing.document import Document, build_document
from briefing.ooxml import bookmark_name
from briefing.provenance import check_provenance

from .conftest import ShippedBuild, copy_project

BILINGUAL_2025 = "fig-qiushi-ai-industry-bilingual-core-ai-industry-2025"
CCID_2025 = "fig-ccid-open-source-models-core-ai-industry-2025"


@dataclass(frozen=True)
class Built:
    doc: Document
    pdf: Path
    html: str
    docx: Path


@pytest.fixture(scope="module")
def built(shipped_build: ShippedBuild, tmp_path_factory: pytest.TempPathFactory) -> Built:
    # The model from a copy of the content: checking it where it was built would cache its
    # folded seeds in the shared build folder.
    project = find_project(copy_project(tmp_path_factory.mktemp("synthesis") / "project"))
    content = load_content(project)
    doc = build_document(content, check_provenance(project, content))
    html = shipped_build.html.read_text(encoding="utf-8")
    return Built(doc, shipped_build.pdf, html, shipped_build.docx)


class _Links(HTMLParser):
    """Each element with an id: the text inside it and the links (href, text) it holds."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, str | None]] = []
        self.text: dict[str, str] = {}
        self.links: dict[str, list[tuple[str, str]]] = {}
        self.href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        ident = found.get("id")
        self.open.append((tag, ident))
        if ident:
            self.text[ident], self.links[ident] = "", []
        if tag == "a":
            self.href = found.get("href")
            for _, owner in self.open:
                if owner:
                    self.links[owner].append((self.href or "", ""))

    def handle_endtag(self, tag: str) -> None:
        while self.open:
            if self.open.pop()[0] == tag:
                break
        if tag == "a":
            self.href = None

    def handle_data(self, data: str) -> None:
        for _, owner in self.open:
            if owner:
                self.text[owner] += data
                if self.href is not None:
                    href, text = self.links[owner][-1]
                    self.links[owner][-1] = (href, text + data)


def page(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def test_no_citation_or_derivation_mark_reaches_a_reader(built: Built) -> None:
    text = " ".join(page(built.html).text.values())
    assert "[@" not in text and "[=" not in text
    pdf = " ".join(p.extract_text() or "" for p in PdfReader(built.pdf).pages)
    assert "[@" not in pdf and "[=" not in pdf
    words = " ".join(p.text for p in docx.Document(str(built.docx)).paragraphs)
    assert "[@" not in words and "[=" not in words


def test_a_takeaway_cites_by_number_linked_to_the_items(built: Built) -> None:
    found = page(built.html)
    links = found.links["takeaway-1"]
    numbers = {s.source_id: s.number for s in built.doc.sections}
    assert (f"#{BILINGUAL_2025}", str(numbers["qiushi-ai-industry-bilingual"])) in links
    assert (f"#{CCID_2025}", str(numbers["ccid-open-source-models"])) in links
    assert found.text["takeaway-1"].startswith(
        "China’s core AI industry exceeded 1.2 trillion yuan in 2025 by the Qiushi study’s "
        f"Chinese original and the April 2026 CCID-based report\u00a0[{numbers['ccid-open-source-models']},\u00a0"
        f"{numbers['qiushi-ai-industry-bilingual']}]; in December 2025"
    )
    assert all(href[1:] in found.text for href, _ in links)  # every link leads to an element


def test_the_appendix_lists_every_place_that_cites_a_source(built: Built) -> None:
    found = page(built.html)
    cited_by = {text for _, text in found.links["ref-qiushi-ai-industry-bilingual"]}
    # the parts that cite it, each linked to its first citing place (in print, with pages)
    assert {
        "key takeaways 1, 2, 3 and 6",
        "executive summary, paragraphs 2 and 4",
        "section 3",
        "the comparison table",
        "Figure 1",
    } <= cited_by
    for href, _ in found.links["ref-qiushi-ai-industry-bilingual"]:
        assert not href.startswith("#") or href[1:] in found.text, href


def test_pdf_citations_are_links_to_the_items(built: Built) -> None:
    reader = PdfReader(built.pdf)
    named = reader.named_destinations
    first_page = reader.pages[0]
    targets = set()
    for annot in first_page.get("/Annots") or []:
        obj = annot.get_object()
        if obj.get("/Subtype") == "/Link" and "/Dest" in obj:
            targets.add(str(obj["/Dest"]))
    assert {BILINGUAL_2025, CCID_2025} <= targets
    assert {BILINGUAL_2025, CCID_2025} <= set(named)


def test_docx_citations_are_links_to_the_items(built: Built) -> None:
    body = docx.Document(str(built.docx)).element.body
    first = next(
        p for p in body.iter(qn("w:p")) if "exceeded 1.2 trillion" in "".join(p.itertext())
    )
    anchors = [h.get(qn("w:anchor")) for h in first.iter(qn("w:hyperlink"))]
    assert [bookmark_name(CCID_2025), bookmark_name(BILINGUAL_2025)] == anchors[:2]
    bookmarks = {b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))}
    assert set(anchors) <= bookmarks
    assert bookmark_name("executive-summary-2") in bookmarks


def test_the_chart_orders_periods_in_time_and_names_sources_by_number(built: Built) -> None:
    chart = next(c for c in built.doc.charts if c.id == "core-ai-industry")
    assert [p.period for p in chart.points] == [
        "September 2024",
        "2024",
        "2025",
        "2025",
        "2025",
        "2025",
        "2035",
    ]
    ids = set(built.doc.numbers)
    for point in chart.points:
        assert re.match(r"\[\d\] ", point.label), point.label
        assert not any(sid in point.label for sid in ids), point.label


def test_two_translations_of_one_original_count_once(built: Built) -> None:
    chart = next(c for c in built.doc.charts if c.id == "core-ai-industry")
    qiushi = [p for p in chart.points if "qiushi" in p.source_id]
    assert [(p.source_id, p.status, p.also) for p in qiushi] == [
        ("qiushi-ai-industry-bilingual", "actual", ("qiushi-ai-industry-en",))
    ]
    number = built.doc.numbers["qiushi-ai-industry-en"]
    assert qiushi[0].label.endswith(f"(also [{number}])")


def test_bounds_are_drawn_as_bounds(built: Built, tmp_path: Path) -> None:
    chart = next(c for c in built.doc.charts if c.id == "core-ai-industry")
    svg = render_chart(chart, "svg", None).decode("utf-8")
    assert "&gt; 1.2" in svg and "nearly 0.6" in svg and "lower bound: &gt; more than" in svg
    assert svg.count("<pattern") >= 2  # hatched: a lower bound and an upper bound
    assert not any(sid in svg for sid in built.doc.numbers)


def test_status_and_wording_differences_are_not_conflicts(built: Built) -> None:
    rows = {(r.metric, r.period): r for r in built.doc.comparison}
    beijing = rows[("beijing-core-ai-industry-size", "2025")]
    assert (beijing.conflict, beijing.verdict) == (False, "Status differs")
    clusters = rows[("computing-clusters", "undated")]
    assert (clusters.conflict, clusters.verdict) == (False, "Units or wording differ")
    assert not any(r.conflict for r in built.doc.comparison)
    row = page(built.html)
    assert 'class="marked"' in built.html and 'class="flagged"' not in built.html
    shown = " ".join(row.text[beijing.anchor].split())
    assert shown.startswith("Status differs: Beijing’s core AI industry size")


def test_each_explained_row_opens_with_the_figure_the_briefing_uses(built: Built) -> None:
    found = page(built.html)
    for row in built.doc.comparison:
        if row.disagreements:
            text = " ".join(found.text[row.anchor].split())
            assert "Briefing uses: " in text, row.metric
    core = next(r for r in built.doc.comparison if r.metric == "china-core-ai-industry-size")
    assert (
        "Briefing uses: more than 1.2 trillion yuan (actual) "
        f"[{built.doc.numbers['qiushi-ai-industry-bilingual']}]."
    ) in " ".join(found.text[core.anchor].split())


def comparison_groups(html: str) -> list[str]:
    """Each metric's tbody of the comparison table, as written."""
    table = html[html.index('<table class="comparison">') :]
    table = table[: table.index("</table>")]
    return re.findall(r"<tbody\b.*?</tbody>", table, re.S)


def test_each_comparison_group_opens_with_a_header_row_across_the_table(built: Built) -> None:
    """No rowspan: a group a page splits stays a table of four columns in every row. The
    metric heads its rows for a screen reader (scope rowgroup)."""
    groups = comparison_groups(built.html)
    assert len(groups) == len(built.doc.comparison)
    assert "rowspan" not in built.html
    for group, row in zip(groups, built.doc.comparison, strict=True):
        rows = re.findall(r"<tr\b.*?</tr>", group, re.S)
        assert len(rows) == 1 + len(row.cells) + bool(row.disagreements)
        assert rows[0].startswith('<tr class="metric"><th colspan="4" scope="rowgroup">')
        assert all(r.count("<td") == 4 for r in rows[1 : 1 + len(row.cells)])


def structure_elements(reader: PdfReader, kind: str, within: Any = None) -> list[Any]:
    """Every structure element of one type (/TD, /TH …) in the PDF's tag tree, or in a part."""
    found, todo = [], [reader.trailer["/Root"]["/StructTreeRoot"] if within is None else within]
    while todo:
        node = todo.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            todo.extend(node)
        elif isinstance(node, dict):
            if node.get("/S") == kind:
                found.append(node)
            if "/K" in node:
                todo.append(node["/K"])
    return found


def test_in_the_pdf_no_comparison_group_is_split_by_a_page(built: Built) -> None:
    """WeasyPrint tags a table once for each page it is on, so a group a page split would be
    two row groups: there are as many as metrics, each opening with its metric row."""
    reader = PdfReader(built.pdf)
    tables = [
        table
        for table in structure_elements(reader, "/Table")
        if any(th["/A"].get("/ColSpan") == 4 for th in structure_elements(reader, "/TH", table))
    ]
    assert len(tables) >= 2  # the comparison runs over more than one page
    groups = [group for table in tables for group in structure_elements(reader, "/TBody", table)]
    assert len(groups) == len(built.doc.comparison)


def test_in_the_pdf_a_metric_row_heads_no_column(built: Built) -> None:
    """WeasyPrint makes a header that is not a row header a header of its column; the metric row
    is a row header in print, so each cell keeps the headers of its columns, not every metric's."""
    reader = PdfReader(built.pdf)
    ths = structure_elements(reader, "/TH")
    spanning = [th for th in ths if th["/A"].get("/ColSpan") == 4]
    assert len(spanning) >= len(built.doc.comparison)  # a group split by a page: two elements
    tds = structure_elements(reader, "/TD")
    assert tds
    for td in tds:  # a cell across the table, the note on why sources differ, has all four
        assert len(td["/A"].get("/Headers", [])) == td["/A"].get("/ColSpan", 1)


def listed_pages(line: str) -> set[int]:
    """'pp. 1–2, 4–6, 17' -> {1, 2, 4, 5, 6, 17}."""
    pages: set[int] = set()
    for part in line.removeprefix("pp. ").removeprefix("p. ").split(", "):
        first, _, last = part.partition("–")
        pages.update(range(int(first), int(last or first) + 1))
    return pages


def test_the_appendix_names_the_page_each_citation_falls_on(built: Built) -> None:
    """A citation in the briefing's own prose carries an id of its own: the appendix names its
    page even when its paragraph began on the page before, and links to it."""
    reader = PdfReader(built.pdf)
    destinations = reader.named_destinations
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages[-2:])
    appendix = text[text.index("Appendix: sources") :]
    lines = dict(re.findall(r"\[(\d+)\] (?:(?!Cited on).)*Cited on (pp?\. [0-9–, ]+):", appendix))
    checked = 0
    for entry in built.doc.appendix:
        named = listed_pages(lines[str(entry.section.number)])
        for place in entry.places:
            for anchor in place.anchors:
                if "-cite-" in anchor:
                    page = reader.get_destination_page_number(destinations[anchor]) + 1
                    assert page in named, (entry.section.number, place.label, page, named)
                    assert f'id="{anchor}"' in built.html
                    checked += 1
    assert checked >= 20
