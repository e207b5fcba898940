"""Hardening, resources and fetching: only the source URLs become links, a build fetches nothing
and reads no file outside the templates, and a URL or seed that could reach elsewhere is refused.

The hostile project's text and URLs point at a loopback recorder, the cloud metadata service and
a canary file outside the project; the audit hook and the recorder (tests/hostile.py) prove that
the build read nothing and sent no request, and that they would have seen it.
"""

from __future__ import annotations

import urllib.request
import zipfile
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from briefing.document import curly_quotes

from .conftest import check, edit
from .hostile import (
    ALPHA,
    METADATA_URL,
    Built,
    Recorder,
    Watch,
    alpha_url,
    assert_refused,
    links,
    squash,
)

# -- 2. links: only the two web addresses given as source URLs become links ----------------------


def source_urls(built: Built) -> set[str]:
    return {alpha_url(built.origin), METADATA_URL}


def encoded_source_urls(built: Built) -> set[str]:
    """As a PDF link holds them: the characters a URI may not hold percent-encoded."""
    return {f"{built.origin}/source-url?a=%3Cscript%3E&b=%22quoted%22", METADATA_URL}


def test_html_links_are_anchors_or_the_source_addresses(built: Built) -> None:
    targets = {
        value or ""
        for _, attrs in built.html.tags
        for name, value in attrs.items()
        if name in ("href", "src", "xlink:href", "action", "formaction", "data", "poster")
    }
    assert {t for t in targets if not t.startswith("#")} == source_urls(built)
    assert built.html.attribute("a", "href", **{"class": "url"}) == [
        alpha_url(built.origin),
        METADATA_URL,
    ]


def test_pdf_links_are_internal_or_the_source_addresses(built: Built) -> None:
    reader = PdfReader(built.pdf)
    uris: set[str] = set()
    kinds: set[str] = set()
    annotations: Any
    for page in reader.pages:
        annotations = page.get("/Annots") or []
        for ref in annotations:
            action = ref.get_object().get("/A")
            if action is not None:
                action = action.get_object()
                kinds.add(str(action["/S"]))
                if action["/S"] == "/URI":
                    uris.add(str(action["/URI"]))
    assert uris == encoded_source_urls(built)
    assert kinds == {"/URI"}  # internal links are plain /Dest annotations
    catalog: Any = reader.trailer["/Root"]
    assert "/OpenAction" not in catalog and "/AA" not in catalog
    names = catalog.get("/Names")
    assert names is None or "/JavaScript" not in names.get_object()
    assert reader.attachments == {}


def test_docx_hyperlinks_are_bookmarks_or_the_source_addresses(built: Built) -> None:
    document = built.docx.document
    parts = [document.part]
    for section in document.sections:
        parts += [section.header.part, section.footer.part]
    external = {
        (rel.reltype.rsplit("/", 1)[-1], rel.target_ref)
        for part in parts
        for rel in part.rels.values()
        if rel.is_external
    }
    assert external == {("hyperlink", url) for url in source_urls(built)}


def test_links_in_text_stay_text(built: Built) -> None:
    text = curly_quotes(links(built.origin, built.canary))  # as the reader gets it
    assert text in built.html.text
    assert squash(text) in built.pdf_text
    assert any(text in p for p in built.docx.body)


# -- 3. nothing is fetched, and nothing outside the templates is read ----------------------------


def test_no_request_left_the_process(built: Built) -> None:
    assert built.requests == []
    assert built.network == []


def test_the_canary_was_never_read(built: Built) -> None:
    assert built.opened == []
    secret = built.canary.read_text(encoding="utf-8")
    assert secret not in built.html.raw
    assert secret not in built.pdf_text
    with zipfile.ZipFile(built.docx_path) as package:
        assert not [n for n in package.namelist() if secret.encode() in package.read(n)]


def test_the_instruments_see_what_they_watch_for(
    built: Built, watch: Watch, recorder: Recorder
) -> None:
    """A silent recorder or a deaf hook would prove nothing: they must see a real read and GET."""
    before = len(recorder.requests)
    watch.start(built.canary)
    try:
        built.canary.read_bytes()
        with urllib.request.urlopen(f"{recorder.origin}/probe", timeout=5) as response:
            assert response.read() == b"recorded"
    finally:
        watch.stop()
    assert watch.opened == [str(built.canary)]
    assert any(n.startswith("socket.connect ('127.0.0.1', ") for n in watch.network)
    assert recorder.requests[before:] == ["GET /probe"]


URL = "  url: https://example.org/ai-industry\n"
WEB = "expected a web address starting with http:// or https://, got"

# 2. what a source URL may not be: the line that replaces BASE_ALPHA's url, and the message
URL_CASES = [
    ("file:///etc/passwd", f"{WEB} 'file:///etc/passwd'"),
    ("javascript:alert(document.domain)", f"{WEB} 'javascript:alert(document.domain)'"),
    ("JaVaScRiPt:alert(1)", f"{WEB} 'JaVaScRiPt:alert(1)'"),
    ('" javascript:alert(1)"', f"{WEB} 'javascript:alert(1)'"),
    ("vbscript:msgbox(1)", f"{WEB} 'vbscript:msgbox(1)'"),
    (
        "data:text/html,<script>alert(1)</script>",
        f"{WEB} 'data:text/html,<script>alert(1)</script>'",
    ),
    (
        "data:text/html;base64,PHNjcmlwdD5hbGVydChkb2N1bWVudC5kb21haW4pPC9zY3JpcHQ+",
        f"{WEB} 'data:text/html;base64,PHNjcmlwdD5hbGVydChkb2N1bWVudC5kb21' …",
    ),
    ("../../etc/passwd", f"{WEB} '../../etc/passwd'"),
    ("/etc/passwd", f"{WEB} '/etc/passwd'"),
    ("//evil.example/x", f"{WEB} '//evil.example/x'"),
    ("http://", f"{WEB} 'http://'"),
    ("https://exa mple.org/", f"{WEB} 'https://exa mple.org/'"),
    (
        "https://example.org/\u202egpj.exe",
        "holds the invisible character U+202E (right-to-left override); "
        "expected a web address written out plainly",
    ),
    (
        "https://exa\u200bmple.org/",
        "holds the invisible character U+200B (zero width space); "
        "expected a web address written out plainly",
    ),
]


@pytest.mark.parametrize(("url", "message"), URL_CASES, ids=[c[0][:24] for c in URL_CASES])
def test_a_source_url_must_be_a_plain_web_address(base: Path, url: str, message: str) -> None:
    edit(base / ALPHA, URL, f"  url: {url}\n")
    assert_refused(check(base), f"content/alpha.yaml:6:8: source.url: {message}")


SEED = "expected a file name in seeds/ ending in .txt or .md, got"


@pytest.mark.parametrize(
    "seed", ["../../etc/passwd.txt", "/etc/passwd.txt", "file:///etc/passwd.txt", "..\\..\\x.txt"]
)
def test_a_seed_is_a_file_name_not_a_path(base: Path, seed: str) -> None:
    edit(base / ALPHA, "  seed: alpha.txt\n", f"  seed: '{seed}'\n")
    assert_refused(check(base), f"content/alpha.yaml:2:9: source.seed: {SEED} {seed!r}")
