"""Template override file by file, and a fetcher that serves nothing but the template assets."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from briefing.build import build
from briefing.errors import RenderError
from briefing.render_html import packaged_templates, template_dirs
from briefing.render_pdf import ASSET_SCHEME, locked_fetcher, render_pdf


def test_project_template_shadows_the_packaged_one(project: Path) -> None:
    (project / "templates").mkdir()
    screen = (packaged_templates() / "screen.css").read_text(encoding="utf-8")
    (project / "templates" / "screen.css").write_text(
        screen + "\n.house-style{}\n", encoding="utf-8"
    )
    [built] = build(project, ["html"])
    html = built.path.read_text(encoding="utf-8")
    assert ".house-style{}" in html  # the project's screen.css
    assert "--accent: #1f4e79" in html  # base.css still from the package


BLOCKED = [
    "file:///etc/passwd",
    "http://127.0.0.1:9/x.png",
    "http://169.254.169.254/latest/meta-data/",
    "data:image/png;base64,iVBORw0KGgo=",
    ASSET_SCHEME + "/../pyproject.toml",
    ASSET_SCHEME + "/fonts/../../README.md",
]


@pytest.mark.parametrize("url", BLOCKED)
def test_fetcher_refuses_anything_but_template_assets(url: str) -> None:
    fetcher = locked_fetcher(template_dirs(None))
    with pytest.raises(ValueError, match="blocked resource"):
        fetcher.fetch(url)


def test_fetcher_serves_a_shipped_font() -> None:
    fetcher = locked_fetcher(template_dirs(None))
    response = fetcher.fetch(ASSET_SCHEME + "/fonts/OFL.txt")
    assert b"SIL" in response.read()


@pytest.mark.parametrize("url", BLOCKED[:3])
def test_a_blocked_image_fails_the_render_with_one_line(url: str) -> None:
    """WeasyPrint only logs an image it could not load; a PDF without it is never published."""
    html = f'<html lang="en"><p>before</p><img src="{url}" alt="x"><p>after</p></html>'
    with pytest.raises(RenderError) as failure:
        render_pdf(html, template_dirs(None), title="t", created=dt.date(2026, 1, 1))
    assert str(failure.value) == (
        f"PDF rendering failed: WeasyPrint reported: Failed to load image at '{url}': "
        f"ValueError: blocked resource: {url}"
    )


def test_a_figure_without_alternative_text_fails_the_render(tmp_path: Path) -> None:
    """PDF/UA-1 wants alternative text on every figure; WeasyPrint only logs its absence."""
    (tmp_path / "dot.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle r="5"/></svg>',
        encoding="utf-8",
    )
    html = '<html lang="en"><img src="dot.svg"></html>'
    with pytest.raises(RenderError) as failure:
        render_pdf(html, [tmp_path], title="t", created=dt.date(2026, 1, 1))
    assert str(failure.value) == (
        'PDF rendering failed: WeasyPrint reported: Image "dot.svg" has no required alt description'
    )


@pytest.mark.parametrize(
    ("data", "ending"),
    [(b"q 1 0 0 1 0 0 cm Q", b"Q\nendstream"), (b"x\xda\x03\r", b"\x03\r\r\nendstream")],
    ids=["ends in a letter", "ends in a carriage return"],
)
def test_stream_data_ending_in_cr_gets_a_crlf_so_its_length_reads_right(
    data: bytes, ending: bytes
) -> None:
    import pydyf

    from briefing.render_pdf import unambiguous_stream_ends

    pdf = pydyf.PDF()
    stream = pydyf.Stream([data])
    pdf.add_object(stream)
    unambiguous_stream_ends(None, pdf)
    written = stream.data
    assert written.endswith(ending)
    assert f"/Length {len(data)}".encode() in written


def test_the_streams_pydyf_makes_as_it_writes_end_unambiguously_too() -> None:
    """The object stream and the cross-reference stream exist only once pydyf writes the file. A
    file is padded until its compressed cross-reference stream ends in CR (about one in 256)."""
    import io
    import re
    import zlib

    import pydyf

    from briefing.render_pdf import unambiguous_stream_ends

    for padding in range(4000):
        pdf = pydyf.PDF()
        pdf.add_object(pydyf.Stream([b"%" * padding]))
        unambiguous_stream_ends(None, pdf)
        output = io.BytesIO()
        pdf.write(output, version=b"1.7", compress=True)
        written = output.getvalue()
        xref = written[written.rindex(b"/Type /XRef") :]
        length = int(re.search(rb"/Length (\d+)", xref).group(1))  # type: ignore[union-attr]
        data = xref[xref.index(b"stream\n") + len(b"stream\n") :]
        if data[length - 1 : length] == b"\r":
            break
    else:
        pytest.fail("no padding gave a cross-reference stream ending in CR")
    assert data[length:].startswith(b"\r\nendstream")
    assert zlib.decompress(data[:length])
