"""What the PDF render keeps in memory: one layout at a time, no layout state while drawing,
page streams joined once painted."""

from __future__ import annotations

import datetime as dt
import gc
import weakref
from pathlib import Path
from typing import Any

import pytest

from briefing import render_pdf
from briefing.build import build
from briefing.config import find_project
from briefing.content import load_content
from briefing.document import build_document
from briefing.provenance import check_provenance
from briefing.render_html import render_html, template_dirs


def print_page(root: Path) -> str:
    """The print HTML of a project, as the PDF render lays it out."""
    from briefing.charts import render_chart

    project = find_project(root)
    content = load_content(project)
    doc = build_document(content, check_provenance(project, content))
    cache = project.output_dir / ".cache" / "charts"
    charts = {c.id: render_chart(c, "svg", cache) for c in doc.charts}
    return render_html(doc, charts, medium="print", dirs=template_dirs(None))


def test_joined_page_streams_write_the_bytes_weasyprint_writes(project: Path) -> None:
    """The same laid-out briefing (text, tables, charts, links, tags) written by write_pdf and
    by WeasyPrint alone, with the same options and metadata, gives the same file."""
    document = render_pdf.layout(print_page(project), template_dirs(None))
    ours = render_pdf.write_pdf(document, title="Joined", created=dt.date(2026, 1, 2))
    theirs = document.write_pdf(
        pdf_variant="pdf/ua-1",
        uncompressed_pdf=False,
        finisher=render_pdf.unambiguous_stream_ends,
    )
    assert len(document.pages) > 10
    assert ours == theirs


def test_layout_lets_go_of_its_state_and_draws_the_same_pdf(project: Path) -> None:
    """After layout() no target collector is left, nor any box outside the laid-out pages (the
    box tree as built before layout); the pages draw the file WeasyPrint's own render draws."""
    from weasyprint import HTML
    from weasyprint.css.targets import TargetCollector
    from weasyprint.formatting_structure.boxes import Box

    html, dirs = print_page(project), template_dirs(None)
    ours = render_pdf.layout(html, dirs)
    gc.collect()
    alive = [o for o in gc.get_objects() if isinstance(o, (Box, TargetCollector))]
    assert [o for o in alive if isinstance(o, TargetCollector)] == []
    assert len(alive) < 1.1 * len(laid_out_boxes(ours))
    del alive
    theirs = HTML(
        string=html,
        base_url=render_pdf.ASSET_SCHEME + "/",
        url_fetcher=render_pdf.locked_fetcher(dirs),
    ).render(font_config=render_pdf.font_configuration(dirs))
    options = {"pdf_variant": "pdf/ua-1", "finisher": render_pdf.unambiguous_stream_ends}
    assert ours.write_pdf(**options) == theirs.write_pdf(**options)


def laid_out_boxes(document: Any) -> list[Any]:
    found, stack = [], [page._page_box for page in document.pages]
    while stack:
        box = stack.pop()
        found.append(box)
        stack.extend(getattr(box, "children", None) or [])
    return found


def test_the_painter_is_weasyprints_own_outside_a_write() -> None:
    from weasyprint.document import Page

    painter = Page.paint
    with render_pdf.page_streams_joined():
        assert Page.paint is not painter
    assert Page.paint is painter


def test_a_second_layout_starts_after_the_first_is_released(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first build guesses no appendix page numbers, so it lays the page out twice; the first
    layout's boxes are gone before the second starts (a build at 5 sources: 161 -> 134 MB)."""
    laid_out: list[weakref.ref[Any]] = []
    alive_at_start: list[int] = []
    layout = render_pdf.layout

    def tracked(html: str, dirs: list[Path]) -> Any:
        alive_at_start.append(sum(ref() is not None for ref in laid_out))
        document = layout(html, dirs)
        laid_out.append(weakref.ref(document))
        return document

    monkeypatch.setattr(render_pdf, "layout", tracked)
    build(project, ["pdf"])
    assert alive_at_start == [0, 0]
