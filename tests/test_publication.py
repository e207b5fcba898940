"""The shipped briefing as a reader gets it, in every format: no processing internals."""

from __future__ import annotations

import io
import itertools
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from briefing.document import curly_quotes

from .conftest import REPO, ShippedBuild


@dataclass(frozen=True)
class Formats:
    pdf: Path
    docx: Path
    html: Path


@pytest.fixture(scope="module")
def shipped(shipped_build: ShippedBuild) -> Formats:
    return Formats(shipped_build.pdf, shipped_build.docx, shipped_build.html)


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    section = document.sections[0]
    parts += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    return "\n".join(parts)


def html_text(path: Path) -> str:
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.parts: list[str] = []
            self.skip = 0

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.skip += tag in ("style", "svg")

        def handle_endtag(self, tag: str) -> None:
            self.skip -= tag in ("style", "svg")

        def handle_data(self, data: str) -> None:
            if not self.skip:
                self.parts.append(data)

    parser = Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(parser.parts)


TEXT_OF = {"pdf": pdf_text, "docx": docx_text, "html": html_text}
SEED_NAMES = sorted(p.name for p in (REPO / "seeds").iterdir())
INTERNALS = [r"\bseeds?\b", r"\bscrap(e|ed|es|ing)\b", r"\bfrom line \d+", r"comment-widget"]


@pytest.mark.parametrize("form", ["pdf", "docx", "html"])
def test_no_processing_internals_reach_the_reader(shipped: Formats, form: str) -> None:
    text = TEXT_OF[form](getattr(shipped, form))
    # PDF text extraction may keep a hyphenated break: join it before looking.
    text = re.sub(r"[\u2010-]\n", "", " ".join(text.split(" ")))
    for pattern in INTERNALS:
        found = re.search(pattern, text, re.IGNORECASE)
        assert found is None, f"{form}: {text[max(0, found.start() - 60) : found.end() + 60]!r}"
    for name in SEED_NAMES:
        assert name not in text and Path(name).stem not in text, f"{form}: {name}"


CHINESE = "[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]"
# A straight quote, unless it stands inside Chinese words ('头雁'), which keep the original's.
STRAIGHT_QUOTE = re.compile(rf"(?<!{CHINESE})['\"]|['\"](?!{CHINESE})")


@pytest.mark.parametrize("form", ["pdf", "docx", "html"])
def test_reader_text_sets_quotes_curly(shipped: Formats, form: str) -> None:
    text = TEXT_OF[form](getattr(shipped, form))
    found = [text[max(0, m.start() - 40) : m.end() + 20] for m in STRAIGHT_QUOTE.finditer(text)]
    assert found == [], f"{form}: {found[:5]}"
    assert "\u201c" in text and "\u2019" in text  # the content's quotes are there, curled


@pytest.mark.parametrize(
    ("written", "set_as"),
    [
        ("China's roadmap", "China\u2019s roadmap"),
        ('the "Two Sessions" plan', "the \u201cTwo Sessions\u201d plan"),
        (
            "essentially 'buying the capability.' But",
            "essentially \u2018buying the capability.\u2019 But",
        ),
        ('("reached")', "(\u201creached\u201d)"),
        ('"5%", drops', "\u201c5%\u201d, drops"),
        ("other countries' market", "other countries\u2019 market"),
        ("renders (\"具有很强的'头雁'效应\") as", "renders (\u201c具有很强的'头雁'效应\u201d) as"),
        ("no quotes at all", "no quotes at all"),
    ],
)
def test_curly_quotes_as_a_typesetter_sets_them(written: str, set_as: str) -> None:
    assert curly_quotes(written) == set_as


def test_curly_quotes_leave_ids_urls_excerpts_and_the_original_as_written() -> None:
    from briefing.document import for_reader
    from briefing.models import Quote

    quote = Quote(
        id="q",
        text="It's 'open'",
        original="它是'开放'的",
        speaker="Zhong's colleague",
        role="researcher",
        excerpt="It's 'open'",
    )
    shown = for_reader(quote)
    assert (shown.text, shown.speaker) == ("It\u2019s \u2018open\u2019", "Zhong\u2019s colleague")
    assert (shown.id, shown.original, shown.excerpt) == ("q", "它是'开放'的", "It's 'open'")


# A citation marker group, "[5]" or "[1, 5]"; one followed by a word is a label ("[3] Sinocism",
# the appendix's "[1] Zhou …", a chart's bar), which starts its line by design.
MARKER = re.compile(r"\[\d+(?:,\s?\d+)*\]")
LABEL_AFTER = re.compile(r"[\s\u00a0]?\w")


def pdf_lines_opening_with_a_marker(path: Path) -> list[str]:
    import pdfplumber

    found = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            for line in page.extract_text_lines():
                text = line["text"]
                marker = MARKER.match(text)
                if marker and not LABEL_AFTER.match(text, marker.end()):
                    found.append(f"page {number}: {text[:60]}")
    return found


def docx_markers_set_apart(path: Path) -> list[str]:
    """Markers not joined to the word before by a no-break space, or with a breakable space."""
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    texts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    found = []
    for text in texts:
        for marker in MARKER.finditer(text):
            if marker.start() == 0 or LABEL_AFTER.match(text, marker.end()):
                continue
            if text[marker.start() - 1] != "\u00a0" or " " in marker.group():
                found.append(text[max(0, marker.start() - 30) : marker.end()])
    return found


# Each marker group on one line (its pieces' boxes at one height), and on the line of the word
# before it.
HTML_MARKERS_SET_APART = """
const found = [];
for (const span of document.querySelectorAll("span.cites")) {
  const rects = span.getClientRects();
  const before = span.previousSibling;
  let joined = false;
  if (before && before.nodeType === Node.TEXT_NODE && before.data.length > 0) {
    const range = document.createRange();
    range.setStart(before, before.data.length - 1);
    range.setEnd(before, before.data.length);
    const word = range.getBoundingClientRect(), mark = rects[0];
    joined = word.top < mark.bottom && mark.top < word.bottom;
  }
  const tops = Array.from(rects, (rect) => rect.top);
  if (Math.max(...tops) - Math.min(...tops) > 1 || !joined) found.push(span.closest("[id]").id + ": " + span.textContent);
}
return found;
"""


@pytest.mark.parametrize("form", ["pdf", "docx", "html-1280", "html-390"])
def test_no_citation_marker_starts_a_line(shipped: Formats, form: str) -> None:
    if form == "pdf":
        assert pdf_lines_opening_with_a_marker(shipped.pdf) == []
    elif form == "docx":
        assert docx_markers_set_apart(shipped.docx) == []
    else:
        from .validators import chromium

        with chromium() as driver:
            driver.set_window_size(int(form.split("-")[1]), 900)
            driver.get(shipped.html.resolve().as_uri())
            assert driver.execute_script(HTML_MARKERS_SET_APART) == []
            assert driver.execute_script("return document.querySelectorAll('span.cites').length")


def test_on_a_phone_no_table_scrolls_sideways(shipped: Formats) -> None:
    from .validators import chromium

    with chromium() as driver:
        driver.set_window_size(390, 900)
        driver.get(shipped.html.resolve().as_uri())
        wide = driver.execute_script(
            "return Array.from(document.querySelectorAll('table'))"
            ".filter((t) => t.scrollWidth > t.clientWidth).map((t) => t.className)"
        )
        assert wide == []


CHART_LABEL_HEIGHTS = """return Array.from(document.querySelectorAll('.chart-image svg text'))
  .map((t) => t.getBoundingClientRect().height).filter((h) => h > 0)"""


def test_on_a_phone_a_chart_keeps_legible_labels_and_scrolls_in_its_own_box(
    shipped: Formats,
) -> None:
    """At 390 px the chart is not squeezed to illegible labels: it scrolls sideways in a box of
    its own that the keyboard can reach, and the page itself does not scroll sideways."""
    from .validators import chromium

    with chromium() as driver:
        driver.set_window_size(390, 900)
        driver.get(shipped.html.resolve().as_uri())
        heights = driver.execute_script(CHART_LABEL_HEIGHTS)
        assert heights and min(heights) >= 9
        box = driver.execute_script(
            "const b = document.querySelector('.chart-scroll');"
            "return [b.scrollWidth > b.clientWidth, b.tabIndex, b.tagName, b.ariaLabel]"
        )
        assert box == [True, 0, "SECTION", "Figure 1"]  # a region a screen reader names
        page = driver.execute_script("return document.documentElement.scrollWidth")
        assert page <= driver.execute_script("return window.innerWidth")


def test_docx_keeps_widows_and_orphans_with_their_paragraphs(shipped: Formats) -> None:
    from docx.oxml.ns import qn

    styles = docx.Document(str(shipped.docx)).styles
    normal = styles["Normal"].element.pPr
    assert normal.find(qn("w:widowControl")) is not None
    for name in ("Heading 1", "Heading 2"):
        ppr = styles[name].element.pPr
        assert ppr.find(qn("w:keepNext")) is not None
        assert ppr.find(qn("w:pageBreakBefore")) is None


def test_docx_embeds_the_shipped_fonts_obfuscated(shipped: Formats) -> None:
    """Every family the document names is embedded: deobfuscated with its key, each part is a
    TrueType font of that family that draws every character of the document."""
    import zipfile

    from docx.oxml.ns import qn
    from fontTools.ttLib import TTFont

    from briefing.ooxml import obfuscated_font

    document = docx.Document(str(shipped.docx))
    assert document.settings.element.find(qn("w:embedTrueTypeFonts")) is not None
    font_table = next(
        r.target_part for r in document.part.rels.values() if r.reltype.endswith("/fontTable")
    )
    parts = {rid: rel.target_part.blob for rid, rel in font_table.rels.items()}
    from docx.oxml.parser import parse_xml

    embedded: dict[str, set[str]] = {}
    text = docx_text(shipped.docx)
    for entry in parse_xml(font_table.blob).iter(qn("w:font")):
        for embed in entry:
            if not embed.tag.startswith(qn("w:embed")):
                continue
            data = obfuscated_font(parts[embed.get(qn("r:id"))], embed.get(qn("w:fontKey")))
            font = TTFont(io.BytesIO(data))
            family = font["name"].getDebugName(1)
            assert family == entry.get(qn("w:name"))
            embedded.setdefault(family, set()).add(embed.tag.split("}")[1])
            if family == "Noto Sans CJK SC":
                cmap = font.getBestCmap()
                chinese = {c for c in text if "\u4e00" <= c <= "\u9fff"}
                assert chinese and all(ord(c) in cmap for c in chinese)
    assert embedded == {
        "Noto Serif": {"embedRegular", "embedBold", "embedItalic"},
        "Noto Sans": {"embedRegular", "embedBold"},
        "Noto Sans CJK SC": {"embedRegular"},
    }
    with zipfile.ZipFile(shipped.docx) as package:
        types = package.read("[Content_Types].xml").decode()
    assert "application/vnd.openxmlformats-officedocument.obfuscatedFont" in types


def squashed(text: str) -> str:
    return "".join(text.split())


@dataclass(frozen=True)
class LaidOut:
    """The shipped DOCX as LibreOffice lays it out: its PDF and, per page, the body's words."""

    pdf: Path
    pages: list[str]  # each page's body text (no header or footer), without white space: a
    # line may break after a hyphen ("open-" / "source"), which extraction cannot tell apart
    fills: list[float]  # how far down the body each page's lowest text or image reaches, 0-1


@pytest.fixture(scope="module")
def laid_out(shipped: Formats, tmp_path_factory: pytest.TempPathFactory) -> LaidOut:
    """One LibreOffice conversion for every test of the DOCX's pages, in a profile of its own
    (another conversion on the machine then neither blocks nor shares it)."""
    import shutil

    import pdfplumber

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is a system package of the Makefile"
    out = tmp_path_factory.mktemp("libreoffice")
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{out}/lo",
         "--convert-to", "pdf", "--outdir", str(out), str(shipped.docx)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    section = docx.Document(str(shipped.docx)).sections[0]
    top, bottom = section.top_margin.pt, section.bottom_margin.pt
    pages, fills = [], []
    with pdfplumber.open(out / f"{shipped.docx.stem}.pdf") as pdf:
        for page in pdf.pages:
            body_end = page.height - bottom
            inside = [
                o
                for o in page.chars + page.images
                if o["top"] >= top - 2 and o["bottom"] <= body_end + 2
            ]
            lowest = max((o["bottom"] for o in inside), default=top)
            fills.append((lowest - top) / (body_end - top))
            words = page.within_bbox((0, top - 2, page.width, body_end + 2)).extract_text()
            pages.append(squashed(words or ""))
    return LaidOut(out / f"{shipped.docx.stem}.pdf", pages, fills)


def test_libreoffice_lays_the_docx_out_in_about_the_pdfs_pages(
    shipped: Formats, laid_out: LaidOut
) -> None:
    """LibreOffice, with the embedded fonts, lays the DOCX out within 15% of the PDF's pages,
    and shows its Chinese with the embedded font whether or not Noto is installed."""
    converted = PdfReader(laid_out.pdf)
    pdf_pages = len(PdfReader(shipped.pdf).pages)
    assert abs(len(converted.pages) - pdf_pages) <= 0.15 * pdf_pages
    fonts = set()
    for page in converted.pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            fonts.add(str(font.get_object().get("/BaseFont")))
    assert any("NotoSansCJK" in f for f in fonts), fonts
    assert any("NotoSerif-Regular" in f for f in fonts), fonts


def test_libreoffice_shows_every_heading_quote_and_page_number(
    shipped: Formats, laid_out: LaidOut
) -> None:
    reader = PdfReader(laid_out.pdf)
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    squashed = text.replace(" ", "")
    document = docx.Document(str(shipped.docx))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    quotes = [p.text for p in document.paragraphs if p.style.name == "Quote"]
    assert len(headings) > 20 and quotes
    for heading in headings:
        assert heading.replace(" ", "") in squashed
    for quote in quotes:
        assert " ".join(quote.split()[:5]).replace(" ", "") in squashed
    pages = len(reader.pages)
    # The cover carries the marking alone, as the PDF's first page does; every other page its
    # number.
    assert "Page 1 of" not in text
    assert all(f"Page {n} of {pages}" in text for n in range(2, pages + 1))


def docx_paragraphs(path: Path, style: str) -> list[str]:
    document = docx.Document(str(path))
    return [squashed(p.text) for p in document.paragraphs if p.style.name == style]


def test_page_one_of_the_docx_holds_the_cover_and_every_takeaway(
    shipped: Formats, laid_out: LaidOut
) -> None:
    [title] = docx_paragraphs(shipped.docx, "Title")
    takeaways = docx_paragraphs(shipped.docx, "Takeaway")
    assert len(takeaways) >= 5
    page_one = laid_out.pages[0]
    assert title in page_one
    for takeaway in takeaways:
        assert takeaway in page_one, takeaway[:60]


def test_the_docx_executive_summary_fills_one_page(shipped: Formats, laid_out: LaidOut) -> None:
    document = docx.Document(str(shipped.docx))
    heads = [i for i, p in enumerate(document.paragraphs) if p.style.name == "Heading 1"]
    texts = [p.text for p in document.paragraphs]
    start = texts.index("Executive summary")
    end = next(i for i in heads if i > start)
    summary = [squashed(t) for t in texts[start + 1 : end]]
    assert summary
    [page] = [p for p in laid_out.pages if p.startswith("Executivesummary")]
    assert all(paragraph in page for paragraph in summary)


def test_no_page_of_the_docx_is_near_empty(laid_out: LaidOut) -> None:
    """Every page but the last is at least a quarter full: the lowest text line (or image) of
    its body, between the margins, reaches a quarter of the way down."""
    near_empty = {n: round(f, 2) for n, f in enumerate(laid_out.fills[:-1], start=1) if f < 0.25}
    assert near_empty == {}, near_empty


def test_no_page_of_the_pdf_is_near_empty(shipped: Formats) -> None:
    """As for the DOCX: every page but the last reaches at least a quarter of the way down its
    body (print.css's margins, 24 mm at the top and 22 mm at the foot) with text or drawing."""
    import pdfplumber

    millimetre = 72 / 25.4
    fills = []
    with pdfplumber.open(shipped.pdf) as pdf:
        for page in pdf.pages:
            top, bottom = 24 * millimetre, page.height - 22 * millimetre
            inside = [
                o["bottom"]
                for o in page.chars + page.images + page.rects + page.curves
                if o["top"] >= top - 2 and o["bottom"] <= bottom + 2
            ]
            fills.append((max(inside, default=top) - top) / (bottom - top))
    near_empty = {n: round(f, 2) for n, f in enumerate(fills[:-1], start=1) if f < 0.25}
    assert near_empty == {}, near_empty


def test_no_contents_line_of_the_pdf_is_only_a_leader_and_a_page_number(shipped: Formats) -> None:
    """A long title wraps short of the number column instead of pushing its leader and page
    number to a line of their own."""
    reader = PdfReader(shipped.pdf)
    [contents] = [
        p for p in reader.pages if (p.extract_text() or "").lstrip().startswith("Contents")
    ]
    lines = [line.strip() for line in (contents.extract_text() or "").splitlines()]
    entries = [line for line in lines if re.search(r"\.\s*\.\s*\.", line)]
    assert len(entries) >= 8
    bare = [line for line in entries if not re.sub(r"[.\s\d]", "", line)]
    assert bare == []


def test_no_source_heading_of_the_pdf_stands_at_the_foot_of_a_page(shipped: Formats) -> None:
    """A source's heading, its meta line and relations go with its summary's first lines."""
    reader = PdfReader(shipped.pdf)
    outline = reader.outline
    pairs = [
        (chapter, sections[0])
        for chapter, sections in itertools.pairwise(outline)
        if not isinstance(chapter, list) and isinstance(sections, list)
    ]
    assert len(pairs) >= 5 and all(first.title == "Summary" for _, first in pairs)
    page = reader.get_destination_page_number
    assert [page(chapter) for chapter, _ in pairs] == [page(first) for _, first in pairs]


def test_html_carries_its_fonts_inline_chinese_included(shipped: Formats) -> None:
    """Every font of the page is a data: URL (none is fetched), a CJK face among them draws
    every Chinese character of the page, and the page stays under 500 KB."""
    import base64

    from fontTools.ttLib import TTFont

    page = shipped.html.read_text(encoding="utf-8")
    assert shipped.html.stat().st_size < 500_000
    sources = [s.strip("\"'") for s in re.findall(r"url\(([^)]*)\)", page)]
    sources = [s for s in sources if not s.startswith("#")]  # the charts' own clip paths
    assert sources and all(s.startswith("data:font/woff2;base64,") for s in sources)
    faces = re.findall(
        r'@font-face \{ font-family: "([^"]+)";[^}]*base64,([A-Za-z0-9+/=]+)"\)', page
    )
    families = {family for family, _ in faces}
    assert families == {"Noto Serif", "Noto Sans", "Noto Sans CJK SC"}
    [cjk] = [data for family, data in faces if family == "Noto Sans CJK SC"]
    cmap = TTFont(io.BytesIO(base64.b64decode(cjk))).getBestCmap()
    chinese = {c for c in html_text(shipped.html) if "\u4e00" <= c <= "\u9fff"}
    assert chinese and all(ord(c) in cmap for c in chinese)


def test_appendix_gives_page_ranges_and_the_docx_stores_real_pages(shipped: Formats) -> None:
    """'Cited on pp. 1, 4–5, 19–20' in the PDF, each page one where the source is cited; the
    DOCX's contents and appendix fields store page numbers, never '#'."""
    from docx.oxml.ns import qn

    reader = PdfReader(shipped.pdf)
    pages = [" ".join((p.extract_text() or "").split()) for p in reader.pages]
    lines = re.findall(r"Cited on (pp?\. [0-9–, ]+):", " ".join(pages[-3:]))
    assert len(lines) == 5
    for line in lines:
        assert re.fullmatch(r"pp?\. \d+(–\d+)?(, \d+(–\d+)?)*", line), line
        numbers = [int(n) for n in re.findall(r"\d+", line)]
        assert numbers == sorted(numbers) and numbers[0] == 1  # every source is in a takeaway
    document = docx.Document(str(shipped.docx))
    results = []
    for paragraph in document.paragraphs:
        runs = list(paragraph._p.iter(qn("w:r")))
        for i, r in enumerate(runs):
            instruction = r.find(qn("w:instrText"))
            if instruction is not None and "PAGEREF" in instruction.text:
                results.append("".join(t.text for t in runs[i + 2].iter(qn("w:t"))))
    assert results and all(r.isdigit() for r in results), results
