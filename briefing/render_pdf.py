"""HTML -> PDF bytes through WeasyPrint, with a fetcher that serves only the template assets."""

from __future__ import annotations

import atexit
import datetime as dt
import gc
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any

from .assets import Assets, Rendered, template_files_key
from .config import Project
from .content import Content, content_files
from .document import Document, page_ranges
from .errors import FileRefused, Problem, RenderError
from .files import MAX_TEMPLATE_BYTES, read_file
from .interrupt import raise_if_interrupted
from .load import MAX_FILE_BYTES

ASSET_SCHEME = "briefing-asset:"


def locked_fetcher(dirs: list[Path]) -> Any:
    """Serve files from the template folders only: no network, no other file, no data: tricks.

    Each file is read through files.read_file, inside its own templates folder; a link that
    leads out is kept in `refused`, so the build can fail naming it (WeasyPrint only logs).
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class TemplateAssetFetcher(URLFetcher):  # type: ignore[misc]
        refused: list[FileRefused]

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            name = asset_name(url)
            parts = PurePosixPath(name).parts if name is not None else ("..",)
            for base in dirs if ".." not in parts else []:
                path = base.joinpath(*parts)
                if path.exists() or path.is_symlink():
                    try:
                        body = read_file(
                            path, base, f"{base.name}/{name}", limit=MAX_TEMPLATE_BYTES,
                            kind="template assets", within="the templates folder",
                        )  # fmt: skip
                    except FileRefused as exc:
                        self.refused.append(exc)
                        raise ValueError(f"blocked resource: {exc}") from None
                    return URLFetcherResponse(url, body=body, headers={"Content-Type": _mime(path)})
            raise ValueError(f"blocked resource: {url[:80]}")

    fetcher = TemplateAssetFetcher()
    fetcher.refused = []
    return fetcher


def asset_name(url: str) -> str | None:
    """The template file a URL names, or None when it names anything else.

    Python's urljoin leaves relative URLs alone under an unregistered scheme, so a stylesheet's
    url("fonts/x.ttf") reaches the fetcher as it was written, relative to the template folder.
    """
    from urllib.parse import urlsplit

    if url.startswith(ASSET_SCHEME):
        return url[len(ASSET_SCHEME) :].lstrip("/")
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("/"):
        return None
    return url


def _mime(path: Path) -> str:
    return {".ttf": "font/ttf", ".otf": "font/otf", ".css": "text/css", ".png": "image/png",
            ".svg": "image/svg+xml"}.get(path.suffix, "application/octet-stream")  # fmt: skip


def check(project: Project, content: Content) -> list[Problem]:
    """Characters in the content that no shipped font can draw on the page."""
    from .glyphs import font_coverage, missing_glyphs
    from .render_html import template_dirs

    font_dirs = [d / "fonts" for d in template_dirs(project.templates_dir)]
    covered = font_coverage(font_dirs, project.output_dir / ".cache", project.shown)
    return missing_glyphs([content.front_file, *content.files.values()], covered)


def render(doc: Document, assets: Assets) -> Rendered:
    """The print page through WeasyPrint; PDF/A-3a carries the content files as attachments.

    The appendix says on which pages each source is cited ("pp. 1–2, 11–15"), which only a
    layout knows. The appendix comes last, so its own text moves none of the pages it names:
    the page numbers of the last layout are tried first, and only when the layout finds them
    changed is the page laid out once more with the new ones. An edit that moves no citation
    to another page, the usual save in `briefing watch`, costs one layout.
    """
    from .render_html import render_html

    config = assets.project.config
    charts = assets.charts(doc, "svg")

    def page(cited: dict[str, str]) -> str:
        return render_html(
            doc, charts, medium="print", dirs=assets.dirs, paper=config.paper, cited_pages=cited
        )

    guess = _last_cited_pages(assets, [e.section.source_id for e in doc.appendix])
    document = layout(page(guess), assets.dirs)
    page_of = anchor_pages(document)
    cited = {e.section.source_id: page_ranges(e.places, page_of) for e in doc.appendix}
    if cited != guess:
        del document  # the first layout's boxes would otherwise live on through the second
        document = layout(page(cited), assets.dirs)
        page_of = anchor_pages(document)
    assets.pages.update(page_of)
    assets.store_layout(cited, page_of)
    attachments = None
    if config.pdf_a:
        project = assets.project
        attachments = [
            (
                p.name,
                read_file(
                    p, project.root, project.shown(p), limit=MAX_FILE_BYTES, kind="content files"
                ),
            )
            for p in content_files(project)
        ]
    data = write_pdf(
        document,
        title=doc.front.title,
        created=assets.created,
        pdf_a=config.pdf_a,
        attachments=attachments,
    )
    return Rendered(data, len(document.pages))


def anchor_pages(document: Any) -> dict[str, int]:
    """Every anchor of a laid-out document -> the number of the page it starts on (a box split
    across pages carries its anchor on each of them)."""
    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            pages.setdefault(anchor, number)
    return pages


def _last_cited_pages(assets: Assets, source_ids: list[str]) -> dict[str, str]:
    """The last layout's page ranges of the sources this appendix lists (a guess to be checked:
    any layout that finds other pages is made again with those)."""
    stored = assets.stored_layout().get("cited")
    if not isinstance(stored, dict):
        return {}
    return {k: str(stored[k]) for k in source_ids if isinstance(stored.get(k), str)}


# PDF/A allows only the XMP properties of its own schemas and of extension schemas the file
# declares: the PDF/UA identification needs this declaration to sit in a PDF/A-3 file.
UA_IDENTIFICATION = """<rdf:Description rdf:about=""
    xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
    xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
    xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
  <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
    <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
    <pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
    <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
    <pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
      <pdfaProperty:name>part</pdfaProperty:name>
      <pdfaProperty:valueType>Integer</pdfaProperty:valueType>
      <pdfaProperty:category>internal</pdfaProperty:category>
      <pdfaProperty:description>Part of ISO 14289 the file conforms to</pdfaProperty:description>
    </rdf:li></rdf:Seq></pdfaSchema:property>
  </rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
  <pdfuaid:part>1</pdfuaid:part>
</rdf:Description>
"""


_UNAMBIGUOUS: dict[type, type] = {}


def unambiguous_stream_ends(document: Any, pdf: Any) -> None:
    """End every stream whose data ends in a carriage return with CR LF before 'endstream'.

    pydyf writes one LF after a stream's data; when compressed data happens to end in CR (about
    one stream in 256), a reader takes that CR and the LF together as the end-of-line marker, so
    the data looks one byte shorter than its /Length, which PDF/A forbids.
    """
    for item in pdf.objects:
        _end_unambiguously(item)
    # pydyf makes the object stream and the cross-reference stream as it writes the file, and
    # adds them then: they get the same ending.
    add_object = pdf.add_object

    def add_unambiguous_object(item: Any) -> None:
        add_object(item)
        _end_unambiguously(item)

    pdf.add_object = add_unambiguous_object


def _end_unambiguously(item: Any) -> None:
    import pydyf

    if isinstance(item, pydyf.Stream):
        kind = type(item)
        if kind not in _UNAMBIGUOUS:
            _UNAMBIGUOUS[kind] = type(kind.__name__, (kind,), {"data": property(_ended)})
        item.__class__ = _UNAMBIGUOUS[kind]


def _ended(stream: Any) -> bytes:
    data: bytes = super(type(stream), stream).data
    if data.endswith(b"\r\nendstream"):
        data = data[: -len(b"\nendstream")] + b"\r\nendstream"
    return data


def archival_finish(document: Any, pdf: Any) -> None:
    """Make WeasyPrint's PDF/A-3 file a PDF/UA-1 file too, with metadata a validator can read.

    PDF/A wants the XMP metadata stream unfiltered and PDF/UA wants its own identification in it;
    WeasyPrint writes one variant's metadata only, compressed like every other stream.
    """
    unambiguous_stream_ends(document, pdf)
    number = int(pdf.catalog["Metadata"].split()[0])  # a reference, b"12 0 R"
    metadata = pdf.objects[number]
    xmp = b"".join(metadata.stream)
    end = xmp.index(b"</rdf:RDF>")
    metadata.stream = [xmp[:end] + UA_IDENTIFICATION.encode() + xmp[end:]]
    metadata.compress = False


def render_pdf(
    html: str,
    dirs: list[Path],
    *,
    title: str,
    created: dt.date,
    pdf_a: bool = False,
    attachments: list[tuple[str, bytes]] | None = None,
) -> tuple[bytes, int]:
    """The PDF's bytes and its page count: PDF/UA-1, or PDF/A-3a and PDF/UA-1 with pdf_a."""
    document = layout(html, dirs)
    data = write_pdf(document, title=title, created=created, pdf_a=pdf_a, attachments=attachments)
    return data, len(document.pages)


def layout(html: str, dirs: list[Path]) -> Any:
    """The page laid out by WeasyPrint, its resources fetched only from the template folders.

    WeasyPrint reports an image it could not load or draw, or a figure without alternative
    text, only in its log, and goes on: any such error fails the render, so a PDF with a blank
    chart is never published.
    """
    from weasyprint import HTML

    fetcher = locked_fetcher(dirs)
    _count_pages_once()
    _keep_layout_contexts()
    fonts = font_configuration(dirs)
    with logged_errors() as errors:
        try:
            with young_collections_only(), layout_contexts() as contexts:
                document = HTML(
                    string=html, base_url=ASSET_SCHEME + "/", url_fetcher=fetcher
                ).render(font_config=fonts)
        except Exception as exc:  # WeasyPrint raises many types; the user needs one clear line
            raise RenderError(f"PDF rendering failed: {one_line(str(exc))}") from exc
    for context in contexts:
        release_layout_state(context)
    raise_if_interrupted()  # WeasyPrint catches everything while it draws an SVG, signals too
    if fetcher.refused:  # WeasyPrint logged it too; this line names the file and where it leads
        raise fetcher.refused[0]
    if errors:
        raise RenderError(f"PDF rendering failed: WeasyPrint reported: {one_line(errors[0])}")
    return document


def write_pdf(
    document: Any,
    *,
    title: str,
    created: dt.date,
    pdf_a: bool = False,
    attachments: list[tuple[str, bytes]] | None = None,
) -> bytes:
    """A laid-out document as PDF/UA-1 (or PDF/A-3a and PDF/UA-1) bytes, dated by the content."""
    from weasyprint import Attachment

    with logged_errors() as errors:
        try:
            with young_collections_only(), page_streams_joined():
                stamp = dt.datetime.combine(created, dt.time(), tzinfo=dt.UTC).strftime(
                    "%Y-%m-%dT%H:%M:%SZ"
                )
                document.metadata.created = stamp
                document.metadata.modified = stamp
                document.metadata.title = title
                options: dict[str, Any] = {
                    "pdf_variant": "pdf/ua-1",
                    "uncompressed_pdf": False,
                    "finisher": unambiguous_stream_ends,
                }
                if pdf_a:
                    options.update(pdf_variant="pdf/a-3a", pdf_tags=True, finisher=archival_finish)
                if attachments:
                    options["attachments"] = [
                        Attachment(string=data, name=name) for name, data in attachments
                    ]
                data: bytes = document.write_pdf(**options)
        except Exception as exc:  # WeasyPrint raises many types; the user needs one clear line
            raise RenderError(f"PDF rendering failed: {one_line(str(exc))}") from exc
    raise_if_interrupted()
    if errors:
        raise RenderError(f"PDF rendering failed: WeasyPrint reported: {one_line(errors[0])}")
    return data


def one_line(text: str) -> str:
    return " ".join(text.split())


@contextmanager
def logged_errors() -> Iterator[list[str]]:
    """The messages WeasyPrint logs at ERROR level while the block runs; warnings stay silent."""
    import logging

    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    logger = logging.getLogger("weasyprint")
    handler = Collect(logging.ERROR)
    logger.setLevel(logging.ERROR)
    logger.addHandler(handler)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)


# The font configuration outlives a render: WeasyPrint builds a Fontconfig configuration and
# copies every @font-face file into it on each render unless it is given one to reuse, and a
# reused one keeps Pango's font and shaping caches warm, which is what `briefing watch` wants.
# One entry, keyed by the template files, so an edited stylesheet or font starts a fresh one.
_FONTS: dict[tuple[tuple[str, int, int], ...], Any] = {}


def font_configuration(dirs: list[Path]) -> Any:
    """The FontConfiguration for these template folders, kept while their files stay the same."""
    key = template_files_key(dirs)
    config = _FONTS.get(key)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        release_fonts()
        config = _FONTS[key] = FontConfiguration()
    return config


@atexit.register
def release_fonts() -> None:
    """Forget the kept configuration and remove its copies of the fonts.

    WeasyPrint removes that temporary folder only in FontConfiguration.__del__, which never
    runs when the command ends with os._exit; exit handlers do run, so this one cleans up.
    """
    for config in _FONTS.values():
        folder = getattr(config, "_folder", None)
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
    _FONTS.clear()


@contextmanager
def young_collections_only() -> Iterator[None]:
    """Let the cycle collector sweep only young objects while WeasyPrint lays out and draws.

    Layout allocates millions of small objects, and each full collection walks every live one,
    the growing box tree included: 13 full collections took 6.5 of 29 CPU seconds of a build at
    50 sources. Objects from before the render are set aside (gc.freeze) and full collections
    wait until it ends; young collections still free the short-lived cycles, so peak memory
    grows by about 4% (docs/benchmarks.md).
    """
    young, middle, old = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(young, middle, 1_000_000)
    try:
        yield
    finally:
        gc.set_threshold(young, middle, old)
        gc.unfreeze()


@contextmanager
def page_streams_joined() -> Iterator[None]:
    """Join each page's drawing operators into one bytes object as soon as the page is painted.

    pydyf keeps a page's content as a list with one small bytes or str object per operator and
    operand until the whole file is written, so every page is held in that form at once; joined,
    a page's operators take less than a third of the memory (docs/benchmarks.md). pydyf writes
    a stream as its items joined by newlines, so the one joined item writes the same bytes.
    WeasyPrint draws nothing more on a page stream once the page is painted (the tags read only
    the stream's table of marked content).
    """
    from pydyf import _to_bytes
    from weasyprint.document import Page

    paint = Page.paint

    def paint_and_join(page: Any, stream: Any, scale: float = 1) -> None:
        paint(page, stream, scale)
        stream.stream = [b"\n".join(_to_bytes(item) for item in stream.stream)]

    Page.paint = paint_and_join
    try:
        yield
    finally:
        Page.paint = paint


_MADE = threading.local()


@contextmanager
def layout_contexts() -> Iterator[list[Any]]:
    """The layout context of each WeasyPrint render this thread makes while the block runs."""
    made: list[Any] = []
    outer = getattr(_MADE, "contexts", None)
    _MADE.contexts = made
    try:
        yield made
    finally:
        _MADE.contexts = outer


def _keep_layout_contexts() -> None:
    """Make WeasyPrint hand each render's layout context to layout_contexts(), if one is open.

    WeasyPrint makes the context inside Document._render and gives no other way to reach it.
    """
    from weasyprint.document import Document

    if getattr(Document, "_briefing_contexts", False):
        return
    build = Document.__dict__["_build_layout_context"].__func__

    def build_and_keep(cls: Any, *args: Any, **kwargs: Any) -> Any:
        context = build(cls, *args, **kwargs)
        made = getattr(_MADE, "contexts", None)
        if made is not None:
            made.append(context)
        return context

    Document._build_layout_context = classmethod(build_and_keep)
    Document._briefing_contexts = True


def release_layout_state(context: Any) -> None:
    """Let go of what WeasyPrint needed only to lay the pages out, before they are drawn.

    The layout context holds every element's cascaded and computed style, the box tree as built
    before layout (its target collector keeps the box of every anchor) and the table and page
    caches. It would end with the render, but every SVG image keeps a reference to it, and it
    refers to itself through its image loader, so it lived on through drawing and writing: 16% of
    the peak at 50 sources (docs/benchmarks.md). Drawing an SVG uses only its fonts, its
    hyphenation dictionaries and its image loader, which stay.
    """
    context.style_for = None
    context.target_collector = None
    context.tables = {}
    context.page_maker = []
    context.broken_out_of_flow = {}
    context.running_elements.clear()
    context.string_set.clear()
    context._excluded_shapes = {}
    context._excluded_shapes_root_boxes = []
    context.footnotes = []
    context.page_footnotes = {}
    context.current_page_footnotes = []
    context.reported_footnotes = []
    context.current_page = None


def _count_pages_once() -> None:
    """Make pydyf's PDF.page_references a tuple built once per page count, not on every read.

    The property builds a tuple of every page's reference each time it is read, and
    WeasyPrint's PDF/UA tagging reads it once per tagged box, so writing the tags grew with
    pages times boxes. The memo is keyed by the page count, so a page added later still shows.
    """
    import pydyf

    if getattr(pydyf.PDF, "_briefing_memo", False):
        return

    def page_references(pdf: Any) -> tuple[bytes, ...]:
        kids = pdf.pages["Kids"]
        memo: tuple[int, tuple[bytes, ...]] | None = pdf.__dict__.get("_briefing_page_references")
        if memo is None or memo[0] != len(kids):
            memo = (len(kids), tuple(f"{n} 0 R".encode("ascii") for n in kids[::3]))
            pdf.__dict__["_briefing_page_references"] = memo
        return memo[1]

    pydyf.PDF.page_references = property(page_references)
    pydyf.PDF._briefing_memo = True
