"""The PDF read back: structure, text, links, metadata, tags, reproducibility, atomic publish."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from briefing.build import build
from briefing.cli import app
from briefing.config import find_project
from briefing.content import load_content
from briefing.document import curly_quotes

from .conftest import ShippedBuild, copy_built


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, shipped_build: ShippedBuild) -> Path:
    """The shared build's PDF in a copy of its project, which these tests build again."""
    root = copy_built(shipped_build, tmp_path_factory.mktemp("pdf") / "project")
    return root / shipped_build.pdf.relative_to(shipped_build.root)


def text_of(pdf: Path) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(pdf).pages)


def test_pdf_holds_every_heading_quote_and_figure(built: Path) -> None:
    content = load_content(find_project(built.parents[1]))
    text = text_of(built)
    assert curly_quotes(content.front.title.split(":")[0]) in text
    for summary in content.sources.values():
        for quote in summary.quotes:
            assert curly_quotes(" ".join(quote.text.split()[:6])) in text
        for figure in summary.figures:
            label = curly_quotes(figure.label)  # as the reader gets it
            assert label in text or label[:30] in text
    assert "Appendix: sources" in text


def embedded_fonts(pdf: Path) -> dict[str, str]:
    """Each embedded font's base name (without the subset tag) and its encoding."""
    fonts: dict[str, str] = {}
    for page in PdfReader(pdf).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[str(font["/BaseFont"]).split("+", 1)[-1]] = str(font["/Encoding"])
    return fonts


def test_pdf_embeds_the_shipped_fonts_with_every_glyph(built: Path) -> None:
    fonts = embedded_fonts(built)
    # The template fonts, not whatever the machine has: a fresh machine has no Noto at all.
    assert {"Noto-Serif", "Noto-Serif-Bold", "Noto-Sans", "Noto-Sans-CJK-SC"} <= set(fonts)
    # A font given a custom encoding means WeasyPrint drew .notdef for some character.
    assert set(fonts.values()) == {"/Identity-H"}


def test_chinese_text_is_extractable(built: Path) -> None:
    assert "人工智能" in text_of(built)


def test_outline_matches_the_chapters(built: Path) -> None:
    reader = PdfReader(built)
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles[:3] == ["Key takeaways", "Executive summary", "Contents"]
    assert titles[-1] == "Appendix: sources"
    assert any(t.startswith("6. Across the sources") for t in titles)


def test_metadata_and_tags(built: Path) -> None:
    reader = PdfReader(built)
    assert reader.metadata.title.startswith("China")
    assert reader.metadata.author
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en"
    assert root["/MarkInfo"]["/Marked"]


def test_internal_links_resolve(built: Path) -> None:
    reader = PdfReader(built)
    named = reader.named_destinations
    links = 0
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            obj = annot.get_object()
            if obj.get("/Subtype") == "/Link" and "/Dest" in obj:
                links += 1
                dest = obj["/Dest"]
                assert not isinstance(dest, str) or dest in named
    assert links > 50


def test_contents_have_page_numbers_and_every_page_the_marking(built: Path) -> None:
    reader = PdfReader(built)
    for page in reader.pages:
        assert "TLP:CLEAR" in (page.extract_text() or "")
    contents = next(
        p.extract_text() for p in reader.pages if "Contents" in (p.extract_text() or "")
    )
    assert "Appendix: sources" in contents


def test_rebuild_is_byte_identical(built: Path) -> None:
    before = hashlib.sha256(built.read_bytes()).hexdigest()
    build(built.parents[1], ["pdf"])
    assert hashlib.sha256(built.read_bytes()).hexdigest() == before


def test_failed_build_leaves_previous_pdf_untouched(built: Path) -> None:
    root = built.parents[1]
    before = built.read_bytes()
    front = root / "content" / "front-matter.yaml"
    saved = front.read_text(encoding="utf-8")
    front.write_text(saved.replace("marking: TLP:CLEAR", "marking: SECRET"), encoding="utf-8")
    try:
        result = CliRunner().invoke(app, ["build", "--format", "pdf", "--project", str(root)])
    finally:
        front.write_text(saved, encoding="utf-8")
    assert result.exit_code == 1
    assert "marking: expected one of TLP:CLEAR" in result.output
    assert built.read_bytes() == before
    assert [p.name for p in built.parent.iterdir() if p.name.startswith(".briefing")] == []


def test_pdf_a_option_attaches_the_content(project: Path) -> None:
    (project / "briefing.yaml").write_text("pdf_a: true\n", encoding="utf-8")
    [result] = build(project, ["pdf"])
    reader = PdfReader(result.path)
    assert sorted(reader.attachments) == sorted(
        p.name for p in (project / "content").glob("*.yaml")
    )
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root  # PDF/A-3a and PDF/UA-1: the archival file stays tagged
    metadata = root["/Metadata"].get_object()
    assert "/Filter" not in metadata  # PDF/A reads the XMP packet unfiltered
    xmp = metadata.get_data()
    assert b'pdfaid:part="3"' in xmp and b'pdfaid:conformance="A"' in xmp
    assert b"<pdfuaid:part>1</pdfuaid:part>" in xmp
