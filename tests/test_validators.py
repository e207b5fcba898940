"""Every output passes independent validators with zero findings: PDF/UA-1 (and PDF/A-3a with
pdf_a), Open XML with Word's app-compat checks, html-validate, and axe-core at WCAG 2.1 AA in
Debian's chromium at desktop and phone widths. Shipped briefing and synthetic ones of 5 and 50
sources, each built once for the module. Each validator is also shown a known defect first, so
a silent validator cannot pass these tests.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from briefing.build import Built, build
from briefing.render_html import template_dirs, titled_svg
from briefing.render_pdf import render_pdf

from .conftest import REPO, ShippedBuild, copy_project
from .validators import (
    axe_findings,
    chromium,
    docx_findings,
    html_validate_findings,
    pdf_findings,
)

PROJECTS = ["shipped", "synthetic-5", "synthetic-50"]
WIDTHS = [1280, 390]  # desktop, phone


def synthetic_project(target: Path, sources: int) -> Path:
    spec = importlib.util.spec_from_file_location("synthetic", REPO / "benchmarks" / "synthetic.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return Path(module.synthetic_project(target, sources))


def make_project(name: str, target: Path) -> Path:
    if name == "shipped":
        return copy_project(target)
    return synthetic_project(target, int(name.split("-")[1]))


def outputs(built: list[Built]) -> dict[str, Path]:
    return {item.format: item.path for item in built}


@pytest.fixture(scope="module", params=PROJECTS)
def briefing(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    if request.param == "shipped":  # built once for the session, with the modules that read it
        shipped: ShippedBuild = request.getfixturevalue("shipped_build")
        return {"pdf": shipped.pdf, "docx": shipped.docx, "html": shipped.html}
    root = make_project(request.param, tmp_path_factory.mktemp(request.param) / "project")
    return outputs(build(root, ["pdf", "docx", "html"]))


@pytest.fixture(scope="module", params=PROJECTS[:2])
def archival(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_project(request.param, tmp_path_factory.mktemp(request.param) / "project")
    (root / "briefing.yaml").write_text("pdf_a: true\n", encoding="utf-8")
    [pdf] = build(root, ["pdf"])
    return pdf.path


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as driver:
        yield driver


# --- the validators find what they look for ----------------------------------------------------


def test_page_validation_finds_a_figure_without_alternative_text(tmp_path: Path) -> None:
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20"><rect width="9" height="9"/></svg>'
    html = f'<html lang="en"><head><title>t</title></head><body><p>x</p>{svg}</body></html>'
    bare, titled = tmp_path / "bare.pdf", tmp_path / "titled.pdf"
    for target, markup in ((bare, html), (titled, html.replace(svg, titled_svg(svg, "A square")))):
        data, _ = render_pdf(markup, template_dirs(None), title="t", created=dt.date(2026, 1, 1))
        target.write_bytes(data)
    assert [f.split(" ")[0] for f in pdf_findings(bare, "ua1")] == [
        "PDFUA1-FIGURE-ALTERNATIVE-TEXT-001"
    ]
    assert pdf_findings(titled, "ua1") == []


def test_openxml_audit_finds_the_styles_python_docx_leaves_out_of_styles_with_effects(
    tmp_path: Path,
) -> None:
    import docx
    from docx.enum.style import WD_STYLE_TYPE

    document = docx.Document()  # python-docx's own template, with stylesWithEffects.xml
    document.styles.add_style("House Style", WD_STYLE_TYPE.PARAGRAPH)
    document.save(str(tmp_path / "drift.docx"))
    assert docx_findings(tmp_path / "drift.docx") == [
        "word_app_compat semantic at /word/stylesWithEffects.xml (styleId): styles.xml contains "
        "5 style(s) not in stylesWithEffects: Footer, FooterChar, Header, HeaderChar, HouseStyle",
        "word_app_compat semantic at /word/stylesWithEffects.xml (docDefaults): docDefaults "
        "differ between styles.xml and stylesWithEffects (Word may treat this as unreadable "
        "content)",
    ]


def test_html_validate_finds_an_inline_style(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        '<!DOCTYPE html>\n<html lang="en"><head><title>t</title></head>'
        '<body><p style="color: red">x</p></body></html>\n',
        encoding="utf-8",
    )
    assert html_validate_findings(page) == [
        "no-inline-style at page.html:2:55: Inline style is not allowed"
    ]


def test_axe_finds_a_link_told_apart_by_colour_alone(browser: Any, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        '<!DOCTYPE html>\n<html lang="en"><head><title>t</title>'
        "<style>p { color: #555 } a { color: #1f4e79; text-decoration: none }</style></head>"
        '<body><main><p>Some words and <a href="#x">a link</a> in them.</p>'
        '<p id="x">x</p></main></body></html>\n',
        encoding="utf-8",
    )
    assert [f.split(" at ")[0] for f in axe_findings(browser, page, 1280)] == ["link-in-text-block"]


# --- every output, zero findings -----------------------------------------------------------------


def test_the_pdf_passes_pdf_ua_1(briefing: dict[str, Path]) -> None:
    assert pdf_findings(briefing["pdf"], "ua1") == []


@pytest.mark.parametrize("profile", ["3a", "ua1"])
def test_the_archival_pdf_passes_pdf_a_3a_and_pdf_ua_1(archival: Path, profile: str) -> None:
    assert pdf_findings(archival, profile) == []


def test_the_archival_pdf_meets_pdf_a_3b_and_names_the_stricter_level(archival: Path) -> None:
    """Level A is level B plus tags and Unicode: the one 3b finding is that it says A, not B."""
    findings = pdf_findings(archival, "3b")
    assert [f.split(" ")[0] for f in findings] == ["PDFA3B-ID-CONFORMANCE-001"], findings
    assert findings[0].endswith(
        'XMP declares PDF/A conformance values ["A"], expected exactly one B'
    )


def test_the_docx_has_no_openxml_audit_findings(briefing: dict[str, Path]) -> None:
    assert docx_findings(briefing["docx"]) == []


def test_the_html_has_no_html_validate_findings(briefing: dict[str, Path]) -> None:
    assert html_validate_findings(briefing["html"]) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_html_has_no_axe_violations(
    briefing: dict[str, Path], browser: Any, width: int
) -> None:
    assert axe_findings(browser, briefing["html"], width) == []


def test_the_shipped_reference_docx_has_no_findings() -> None:
    assert docx_findings(REPO / "templates" / "reference.docx") == []


def test_a_reference_docx_made_by_the_tool_and_a_briefing_built_with_it_have_no_findings(
    project: Path,
) -> None:
    reference = project / "templates" / "reference.docx"
    reference.parent.mkdir()
    subprocess.run(
        [sys.executable, str(REPO / "tools" / "make_reference_docx.py"), str(reference)],
        check=True,
        capture_output=True,
    )
    assert docx_findings(reference) == []
    [built] = build(project, ["docx"])
    assert docx_findings(built.path) == []
