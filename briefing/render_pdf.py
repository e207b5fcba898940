"""HTML -> PDF bytes through WeasyPrint, with a fetcher that serves only the template assets."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from .errors import RenderError

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
