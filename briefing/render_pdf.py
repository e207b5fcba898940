"""HTML -> PDF bytes through WeasyPrint, with a fetcher that serves only the template assets."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from .assets import Assets, Rendered
from .config import Project
from .content import Content
from .document import Document
from .errors import Problem, RenderError

ASSET_SCHEME = "briefing-asset:"


def locked_fetcher(dirs: list[Path]) -> Any:
    """Serve files from the template folders only: no network, no other file, no data: tricks."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    roots = [base.resolve() for base in dirs]

    class TemplateAssetFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            name = asset_name(url)
            if name is not None:
                for base in roots:
                    path = (base / name).resolve()
                    if path.is_relative_to(base) and path.is_file():
                        return URLFetcherResponse(
                            url, body=path.read_bytes(), headers={"Content-Type": _mime(path)}
                        )
            raise ValueError(f"blocked resource: {url[:80]}")

    return TemplateAssetFetcher()


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
    covered = font_coverage(font_dirs, project.output_dir / ".cache")
    return missing_glyphs([content.front_file, *content.files.values()], covered)


def render(doc: Document, assets: Assets) -> Rendered:
    """The print page through WeasyPrint; PDF/A-3b carries the content files as attachments."""
    from .render_html import render_html

    config = assets.project.config
    html = render_html(
        doc, assets.charts(doc, "svg"), medium="print", dirs=assets.dirs, paper=config.paper
    )
    attachments = None
    if config.pdf_a:
        content_files = sorted(assets.project.content_dir.glob("*.yaml"))
        attachments = [(p.name, p.read_bytes()) for p in content_files]
    data, pages = render_pdf(
        html,
        assets.dirs,
        title=doc.front.title,
        created=assets.created,
        pdf_a=config.pdf_a,
        attachments=attachments,
    )
    return Rendered(data, pages)


def render_pdf(
    html: str,
    dirs: list[Path],
    *,
    title: str,
    created: dt.date,
    pdf_a: bool = False,
    attachments: list[tuple[str, bytes]] | None = None,
) -> tuple[bytes, int]:
    """The PDF's bytes and its page count."""
    import logging

    from weasyprint import HTML, Attachment

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    try:
        document = HTML(
            string=html, base_url=ASSET_SCHEME + "/", url_fetcher=locked_fetcher(dirs)
        ).render()
        stamp = dt.datetime.combine(created, dt.time(), tzinfo=dt.UTC).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
        document.metadata.created = stamp
        document.metadata.modified = stamp
        document.metadata.title = title
        options: dict[str, Any] = {
            "pdf_variant": "pdf/a-3b" if pdf_a else "pdf/ua-1",
            "uncompressed_pdf": False,
        }
        if attachments:
            options["attachments"] = [
                Attachment(string=data, name=name) for name, data in attachments
            ]
        data = document.write_pdf(**options)
    except Exception as exc:  # WeasyPrint raises many types; the user needs one clear line
        raise RenderError(f"PDF rendering failed: {exc}") from exc
    return data, len(document.pages)
