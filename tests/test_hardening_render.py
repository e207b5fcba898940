"""Hardening, render side: hostile text is drawn literally and safely, or refused where it stands.

One hostile project is built once for the module through `briefing build --format all`: every
free-text field carries markup, template syntax and format strings; the source URLs and the text
point at a loopback recorder, the cloud metadata service and a canary file outside the project;
prose carries bidirectional isolates and zero-width characters; table cells hold unbroken strings
thousands of characters long. The outputs are read back (the HTML parsed, the PDF's text and
links through pypdf and its layout through pdfplumber, the DOCX through python-docx) and checked
exactly. An audit hook and the recorder prove the build read no file outside the templates and
sent no request. (The hostile project uses only characters the shipped fonts draw: a character
no font has makes WeasyPrint re-encode the whole font, and pypdf then reads the page as noise.
Emoji, Arabic and Hebrew get a small project of their own.)

What must be refused goes through `briefing check` on a small clean project, one edit per case,
and must give exactly one located line and exit code 1.
"""

from __future__ import annotations

import os
import re
import sys
import threading
import time
import urllib.request
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import docx
import pdfplumber
import pytest
import yaml
from docx.oxml.ns import qn
from pypdf import PdfReader
from typer.testing import CliRunner, Result

from briefing.cli import app

MM = 72 / 25.4
STEM = "briefing-2026-03-04-v1.0"

# -- the instruments: an audit hook for file reads and connections, a loopback recorder ----------


@dataclass
class Watch:
    """What the process did while `active`: opens of the canary file, and network calls."""

    active: bool = False
    canary: str = ""
    opened: list[str] = field(default_factory=list)
    network: list[str] = field(default_factory=list)

    def start(self, canary: Path) -> None:
        self.canary, self.opened, self.network, self.active = canary.name, [], [], True

    def stop(self) -> None:
        self.active = False


WATCH = Watch()
NETWORK_EVENTS = ("socket.connect", "socket.getaddrinfo", "urllib.Request", "http.client.connect")


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not WATCH.active:
        return
    if event == "open" and isinstance(args[0], str | bytes | os.PathLike):
        path = os.fsdecode(args[0])
        if WATCH.canary and WATCH.canary in path:
            WATCH.opened.append(path)
    elif event in NETWORK_EVENTS:
        WATCH.network.append(f"{event} {args[1] if event == 'socket.connect' else args[0]!r}")


@pytest.fixture(scope="session")
def watch() -> Watch:
    """The audit hook, installed once for the session: Python cannot remove one."""
    if not getattr(sys, "_briefing_render_audit", False):
        sys.addaudithook(_audit)
        sys._briefing_render_audit = True  # type: ignore[attr-defined]
    return WATCH


class Recorder:
    """An HTTP server on 127.0.0.1 that answers every request and remembers it."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                recorder.requests.append(f"{self.command} {self.path}")
                body = b"recorded"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_HEAD = do_GET

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture(scope="module")
def recorder() -> Iterator[Recorder]:
    server = Recorder()
    yield server
    server.close()


@pytest.fixture(scope="module")
def canary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A file outside the project and the templates, which no build may read."""
    path = tmp_path_factory.mktemp("outside") / f"canary-{uuid.uuid4().hex}.txt"
    path.write_text(f"CANARY-{uuid.uuid4().hex}", encoding="utf-8")
    return path


# -- the hostile project ---------------------------------------------------------------------

METADATA_URL = "http://169.254.169.254/latest/meta-data/iam/security-credentials/"
# Kept in prose exactly as written: isolates (closed), marks, zero-width space and joiner, ZWNBSP.
BIDI_PROSE = (
    "isolated \u2067abc\u2069 and \u2066LTR\u2069, embedded \u202bxyz\u202c, marks \u200f "
    "and \u200e, zero\u200bwidth, join\u200der, no\ufeffbreak"
)
LONG_LABEL = "W" * 300  # a Line's maximum, in the widest letter
LONG_UNIT = "U" * 300
LONG_PERIOD = "P" * 300
LONG_NOTE = "N" * 4000
LONG_URL_TOKEN = "https://example.org/?q=" + "x/" * 1000  # 2,023 characters, no space
TINY, TINY_HIGH = "0." + "0" * 59 + "1", "0." + "0" * 59 + "2"  # 1e-60 and 2e-60, written out
LONG_VALUE = f"about {TINY}–{TINY_HIGH}"  # as the value column shows the range


def payload(tag: str, origin: str) -> str:
    """Markup, template and format syntax, and a recorder URL named after the field."""
    return (
        f"[{tag}] <script>alert('{tag}')</script><img src=\"{origin}/{tag}.png\" onerror=alert(1)>"
        " {{ 7*7 }} {% for x in range(3) %}{{ x }}{% endfor %} {0:>999999999} %s%n"
    )


def links(origin: str, canary: Path) -> str:
    """Links and resources in every form text can take; all must stay text."""
    return (
        '[click](javascript:alert(1)) <a href="javascript:alert(2)">js</a> '
        "<a href='data:text/html,<script>alert(3)</script>'>data</a> "
        f'<img src="{origin}/text-img.png"> <img src="file://{canary}"> <img src="{canary}"> '
        f'<img src="../../../../../../../../..{canary}"> url({origin}/css-url) '
        f'url("file://{canary}") @import url("{origin}/import.css"); '
        f'<link rel=stylesheet href="{origin}/link.css"> <iframe src="{METADATA_URL}"></iframe> '
        "../../etc/passwd file:///etc/passwd"
    )


def marking(origin: str, canary: Path) -> str:
    """A marking (allowed by briefing.yaml) that tries to leave its CSS string and <style>."""
    return (
        f'TLP:CLEAR"; }} @import url("{origin}/marking.css"); @page {{ background: '
        f'url("file://{canary}") }} </style><script>alert(1)</script> x {{ content: "'
    )


RUNNING_HEADER = "W" * 59 + "…"


def title(origin: str) -> str:
    # No short title: the running header shows the title cut to 60 characters, which here are
    # 59 unbroken letters and an ellipsis.
    return "W" * 100 + " " + payload("title", origin)


@dataclass(frozen=True)
class Spot:
    """A text field holding a payload, drawn in every format."""

    tag: str
    upper_in_pdf: bool = False  # drawn with text-transform: uppercase


SPOTS = [
    Spot("title"),
    Spot("subtitle"),
    Spot("organisation", upper_in_pdf=True),
    Spot("doc-author"),
    Spot("takeaway"),
    Spot("exec"),
    Spot("reconciliation"),
    Spot("chart-title"),
    Spot("chart-caption"),
    Spot("source-title"),
    Spot("publisher"),
    Spot("source-author"),
    Spot("type"),
    Spot("translator"),
    Spot("source-note"),
    Spot("summary"),
    Spot("figure-label"),
    Spot("unit"),
    Spot("period"),
    Spot("figure-note"),
    Spot("quote-text"),
    Spot("quote-original"),
    Spot("speaker"),
    Spot("role"),
    Spot("quote-org"),
    Spot("challenge-title"),
    Spot("challenge-detail"),
    Spot("rec-title"),
    Spot("rec-detail"),
]

ALPHA_SEED = """\
Alpha Daily, 3 March 2026

The core AI industry of Examplestan exceeded 1.2 trillion yuan in 2025, officials said.
Chip supply remains the main constraint on growth.
A protester's sign read <script>alert("seed")</script> {{ 7*7 }} {0:>999999999} %s%n.
"""

BETA_SEED = """\
Beta Weekly

Examplestan's core AI industry was worth 1.3 trillion yuan in 2025, a ministry report said.
"""


def dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**6)


def alpha_url(origin: str) -> str:
    return f'{origin}/source-url?a=<script>&b="quoted"'


def hostile_files(origin: str, canary: Path) -> dict[str, str]:
    def p(tag: str) -> str:
        return payload(tag, origin)

    text_links = links(origin, canary)
    excerpt = "The core AI industry of Examplestan exceeded 1.2 trillion yuan in 2025"
    front = {
        "title": title(origin),
        "subtitle": p("subtitle"),
        "date": "2026-03-04",
        "organisation": p("organisation"),
        "author": p("doc-author"),
        "version": "1.0",
        "marking": marking(origin, canary),
        "keywords": [p("keyword")],
        "takeaways": [
            {"text": p("takeaway") + " " + text_links, "sources": ["alpha", "beta"]},
            {"text": BIDI_PROSE, "sources": ["beta"]},
        ],
        "executive_summary": p("exec") + "\n\n" + text_links,
        "reconciliations": [
            {"metric": "core-size", "explanation": p("reconciliation") + " " + text_links}
        ],
        "charts": [
            {
                "id": "core-size-chart",
                "metric": "core-size",
                "title": p("chart-title"),
                "caption": p("chart-caption") + " " + text_links,
            }
        ],
    }
    quote_text, quote_original = p("quote-text"), p("quote-original")
    figure = {"metric": "core-size", "value": "1.2", "bound": "more-than", "excerpt": excerpt}
    alpha = {
        "source": {
            "seed": "alpha.txt",
            "title": p("source-title"),
            "publisher": p("publisher"),
            "authors": [p("source-author")],
            "published": "2026-03-03",
            "url": alpha_url(origin),
            "type": "IMF " + p("type"),
            "original_language": "zh",
            "translator": p("translator"),
            "notes": [p("source-note") + " " + text_links],
        },
        "summary": p("summary") + "\n\n" + text_links,
        "figures": [
            {"id": "core", "label": p("figure-label"), **figure, "unit": p("unit")}
            | {"period": p("period"), "note": p("figure-note") + " " + text_links},
            {"id": "long", "label": LONG_LABEL, **figure, "metric": "long-one"}
            | {"unit": LONG_UNIT, "period": LONG_PERIOD, "note": LONG_NOTE},
            {"id": "long-url", "label": "https://example.org/" + "a" * 280, **figure}
            | {"metric": "long-two", "unit": "yuan", "period": "2025", "note": LONG_URL_TOKEN},
            {"id": "tiny", "label": "A tiny range", **figure, "metric": "long-three"}
            | {"value": "1e-60", "value_high": "2e-60", "bound": "about", "unit": "yuan"}
            | {"period": "2025", "excerpt": f"between {TINY} and {TINY_HIGH} yuan"},
        ],
        "quotes": [
            {
                "id": "lin",
                "text": quote_text,
                "original": quote_original,
                "speaker": p("speaker"),
                "role": p("role"),
                "organisation": p("quote-org"),
                "excerpt": quote_text,
            }
        ],
        "challenges": [
            {
                "id": "chips",
                "title": p("challenge-title"),
                "detail": p("challenge-detail") + " " + text_links,
                "excerpt": "Chip supply remains the main constraint on growth.",
            }
        ],
        "recommendations": [
            {
                "id": "sign",
                "title": p("rec-title"),
                "detail": p("rec-detail"),
                # an excerpt with the same syntax, proven against the seed
                "excerpt": 'sign read <script>alert("seed")</script> {{ 7*7 }} {0:>999999999} %s%n',
            }
        ],
    }
    beta = {
        "source": {
            "seed": "beta.txt",
            "title": "Beta report",
            "publisher": "Beta Weekly",
            "url": METADATA_URL,
            "type": "news report",
        },
        "summary": BIDI_PROSE,
        "figures": [
            {
                "id": "core",
                "label": "Core AI industry",
                "metric": "core-size",
                "value": "1.3",
                "unit": p("unit"),
                "period": p("period"),
                "status": "estimate",
                "excerpt": "core AI industry was worth 1.3 trillion yuan in 2025",
            }
        ],
    }
    return {
        "briefing.yaml": dump({"markings": [marking(origin, canary)]}),
        "content/front-matter.yaml": dump(front),
        "content/alpha.yaml": dump(alpha),
        "content/beta.yaml": dump(beta),
        "seeds/alpha.txt": ALPHA_SEED
        + f"{quote_text}\n{quote_original}\nbetween {TINY} and {TINY_HIGH} yuan\n",
        "seeds/beta.txt": BETA_SEED,
    }


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


# -- reading the outputs back ----------------------------------------------------------------


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.styles: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        (self.styles if self._in_style else self.text).append(data)


@dataclass
class Html:
    raw: str
    text: str
    styles: str
    tags: list[tuple[str, dict[str, str | None]]]

    def attribute(self, tag: str, attribute: str, **having: str) -> list[str | None]:
        return [
            attrs.get(attribute)
            for t, attrs in self.tags
            if t == tag and all(attrs.get(k) == v for k, v in having.items())
        ]


def read_html(path: Path) -> Html:
    raw = path.read_text(encoding="utf-8")
    parser = _Page()
    parser.feed(raw)
    parser.close()
    return Html(raw, "".join(parser.text), "".join(parser.styles), parser.tags)


def paragraphs(element: Any) -> list[str]:
    """Each w:p's text: its runs (hyperlinks included), a line break or tab as one space."""
    found = []
    for p in element.iter(qn("w:p")):
        text = ""
        for node in p.iter(qn("w:t"), qn("w:br"), qn("w:tab")):
            text += (node.text or "") if node.tag == qn("w:t") else " "
        found.append(text)
    return found


@dataclass
class Docx:
    body: list[str]  # paragraphs of the body, tables included
    furniture: list[str]  # paragraphs of the headers and footers
    document: Any


def read_docx(path: Path) -> Docx:
    document = docx.Document(str(path))
    furniture = []
    for section in document.sections:
        furniture += paragraphs(section.header._element) + paragraphs(section.footer._element)
    return Docx(paragraphs(document.element.body), furniture, document)


def squash(text: str) -> str:
    """PDF text without line breaks or hyphenation: only the characters, in order."""
    return re.sub(r"[\s\u00ad\u2010-]+", "", text)


@dataclass
class Built:
    root: Path
    origin: str
    canary: Path
    result: Result
    seconds: float
    requests: list[str]
    opened: list[str]
    network: list[str]
    html: Html
    pdf: Path
    pdf_pages: list[str]
    docx: Docx
    docx_path: Path

    def payload(self, tag: str) -> str:
        return payload(tag, self.origin)

    @property
    def pdf_text(self) -> str:
        """The pages' text without their headers and footers, so text runs on across pages."""
        furniture = [squash(marking(self.origin, self.canary)), squash(RUNNING_HEADER)]
        body = []
        for page in self.pdf_pages:
            for text in furniture:
                page = page.replace(text, "")
            body.append(re.sub(r"Page\d+of\d+", "", page))
        return "".join(body)


def build_all(root: Path, watch: Watch, canary: Path) -> tuple[Result, float]:
    watch.start(canary)
    started = time.perf_counter()
    try:
        result = CliRunner().invoke(app, ["build", "--project", str(root), "--format", "all"])
    finally:
        watch.stop()
    return result, time.perf_counter() - started


@pytest.fixture(scope="module")
def built(
    tmp_path_factory: pytest.TempPathFactory, watch: Watch, recorder: Recorder, canary: Path
) -> Built:
    root = write(tmp_path_factory.mktemp("hostile"), hostile_files(recorder.origin, canary))
    result, seconds = build_all(root, watch, canary)
    assert result.exit_code == 0, (result.output, result.exception)
    out = root / "build"
    pdf = out / f"{STEM}.pdf"
    return Built(
        root=root,
        origin=recorder.origin,
        canary=canary,
        result=result,
        seconds=seconds,
        requests=list(recorder.requests),
        opened=list(watch.opened),
        network=list(watch.network),
        html=read_html(out / f"{STEM}.html"),
        pdf=pdf,
        pdf_pages=[squash(page.extract_text() or "") for page in PdfReader(pdf).pages],
        docx=read_docx(out / f"{STEM}.docx"),
        docx_path=out / f"{STEM}.docx",
    )


def test_the_hostile_project_builds_cleanly(built: Built) -> None:
    out = built.result.stdout.splitlines()
    assert [line.split(" (")[0] for line in out[:3]] == [
        f"wrote {built.root / 'build' / STEM}.{fmt}" for fmt in ("pdf", "html", "docx")
    ]
    assert out[3].startswith("built 3 files in ")
    assert built.result.stderr == ""


# -- 1. markup, template and format syntax are drawn as the text they are ------------------------


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx"])
@pytest.mark.parametrize("spot", SPOTS, ids=lambda s: s.tag)
def test_hostile_text_renders_literally(built: Built, spot: Spot, fmt: str) -> None:
    text = built.payload(spot.tag)
    if fmt == "html":
        assert text in built.html.text
    elif fmt == "pdf":
        assert squash(text.upper() if spot.upper_in_pdf else text) in built.pdf_text
    else:
        assert any(text in p for p in built.docx.body)


def test_the_seed_excerpt_with_the_same_syntax_is_proven(built: Built) -> None:
    result = CliRunner().invoke(app, ["check", "--project", str(built.root), "--verbose"])
    assert result.exit_code == 0, result.output
    assert "alpha/sign: seeds/alpha.txt:5" in result.stdout.splitlines()


def test_no_text_becomes_an_element_or_a_handler(built: Built) -> None:
    html = built.html
    names = [tag for tag, _ in html.tags]
    hostile = {"script", "img", "iframe", "link", "object", "embed", "base", "form", "input"}
    assert not hostile & set(names)
    assert names.count("h1") == 1
    assert html.attribute("meta", "http-equiv") == [None] * 6  # the template's six, no refresh
    assert not [(t, a) for t, attrs in html.tags for a in attrs if a.startswith("on")]
    assert "<script" not in html.raw
    assert "&lt;script&gt;alert(&#39;summary&#39;)&lt;/script&gt;" in html.raw
    assert built.origin not in html.styles and built.canary.name not in html.styles


def test_attributes_hold_the_whole_text(built: Built) -> None:
    """Quotes in the text cannot end an attribute: each attribute reads back as the full text."""
    html = built.html
    assert html.attribute("meta", "content", name="keywords") == [built.payload("keyword")]
    assert html.attribute("meta", "content", name="description") == [built.payload("subtitle")]
    assert html.attribute("meta", "content", name="author") == [built.payload("doc-author")]
    assert html.attribute("h1", "data-short") == [RUNNING_HEADER]
    [alt] = html.attribute("div", "aria-label", role="img")
    assert alt is not None
    assert alt.startswith(f"{built.payload('chart-title')}. {built.payload('period')}: 1.2 ")
    assert html.text.count(title(built.origin)) == 2  # <title> and the cover's <h1>


def test_pdf_and_docx_properties_hold_the_text(built: Built) -> None:
    text = title(built.origin)
    meta = PdfReader(built.pdf).metadata
    assert meta is not None and meta.title == text
    assert str(meta["/Keywords"]) == built.payload("keyword")
    props = built.docx.document.core_properties
    assert len(text) > 255 and props.title == text[:254] + "…"  # at most 255 characters
    assert props.keywords == built.payload("keyword")
    text = marking(built.origin, built.canary)
    assert props.content_status == (text if len(text) <= 255 else text[:254] + "…")


def test_the_marking_stays_a_string_in_the_margins(built: Built) -> None:
    """The marking is written into the print CSS; it must show as text on every page."""
    text = marking(built.origin, built.canary)
    assert all(page.count(squash(text)) >= 2 for page in built.pdf_pages)  # header, footer
    assert text in built.html.text  # the banner and the cover
    assert [p for p in built.docx.furniture if text in p] == [text, f"{text} · Page 1 of 1"]


def test_docx_fields_are_only_the_renderers_own(built: Built) -> None:
    """No text becomes a Word field (INCLUDEPICTURE or HYPERLINK would fetch on open)."""
    document = built.docx.document
    elements = [document.element.body]
    for section in document.sections:
        elements += [section.header._element, section.footer._element]
    fields = {t.text.strip() for e in elements for t in e.iter(qn("w:instrText"))}
    allowed = r"PAGE|NUMPAGES|SEQ Figure \\\* ARABIC|PAGEREF b_\w+ \\h"
    assert fields and all(re.fullmatch(allowed, f) for f in fields), fields


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
    text = links(built.origin, built.canary)
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


# -- 4. bidirectional and zero-width characters in prose are kept --------------------------------


@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_isolates_marks_and_zero_width_characters_are_kept_in_prose(built: Built, fmt: str) -> None:
    texts = [built.html.text] if fmt == "html" else built.docx.body
    assert sum(t.count(BIDI_PROSE) for t in texts) == 2  # beta's summary and the second takeaway


def test_prose_with_isolates_reaches_the_pdf(built: Built) -> None:
    visible = re.sub("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]", "", BIDI_PROSE)
    assert squash(visible) in re.sub(
        "[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]", "", built.pdf_text
    )


# -- 6. unbroken strings thousands of characters long stay on the page ---------------------------


@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_long_unbroken_strings_are_kept_whole(built: Built, fmt: str) -> None:
    texts = [built.html.text] if fmt == "html" else built.docx.body
    for text in (LONG_LABEL, LONG_UNIT, LONG_PERIOD, LONG_NOTE, LONG_URL_TOKEN, LONG_VALUE):
        assert any(text in t for t in texts), text[:30]


def test_long_unbroken_strings_are_drawn_whole_in_the_pdf(built: Built) -> None:
    """Every character is drawn; a cell that runs over pages has other cells' text in between."""

    def run(letter: str) -> int:
        return sum(len(m) for m in re.findall(f"{letter}{{10,}}", built.pdf_text))

    # the W: the title's 100 on the cover, the label in its table and in the appendix's "cited by"
    assert (run("W"), run("U"), run("P"), run("N")) == (100 + 2 * 300, 300, 300, 4000)
    assert built.pdf_text.count("x/") == 1000
    assert "https://example.org/?q=x/x/" in built.pdf_text
    assert squash(LONG_VALUE) in built.pdf_text


def test_no_text_runs_past_the_side_margins(built: Built) -> None:
    """Every character of the text (charts aside: their SVG is clipped) is inside the margins."""
    with pdfplumber.open(built.pdf) as pdf:
        outside = [
            (page.page_number, c["text"], round(c["x0"]), round(c["x1"]))
            for page in pdf.pages
            for c in page.chars
            if c.get("tag") != "Figure"
            and (c["x0"] < 20 * MM - 0.5 or c["x1"] > page.width - 20 * MM + 0.5)
        ]
    assert outside == []


def test_nothing_is_drawn_in_the_side_margins(built: Built) -> None:
    """The pages as a reader sees them, charts included: the side margins are blank."""
    with pdfplumber.open(built.pdf) as pdf:
        for page in pdf.pages:
            image = page.to_image(resolution=72).original.convert("L")
            left = image.crop((0, 0, int(20 * MM) - 1, image.height))
            right = image.crop((int(page.width - 20 * MM) + 2, 0, image.width, image.height))
            assert (left.getextrema(), right.getextrema()) == ((255, 255), (255, 255)), page


def test_the_hostile_build_takes_bounded_time(built: Built) -> None:
    assert built.seconds < 60, built.seconds


# -- refused where it stands: `briefing check` on a small clean project, one edit per case ------

BASE_FRONT = """\
title: Examplestan's AI industry
date: 2026-03-04
organisation: Test Unit
marking: TLP:CLEAR
takeaways:
  - text: The core AI industry passed 1.2 trillion yuan in 2025.
    sources: [alpha]
executive_summary: One source reports the size of Examplestan's core AI industry.
charts:
  - id: core-size
    metric: core-ai-industry-size
    title: Core AI industry
    caption: As reported by Alpha Daily.
"""

BASE_ALPHA = """\
source:
  seed: alpha.txt
  title: Examplestan's AI industry passes 1.2 trillion yuan
  publisher: Alpha Daily
  published: 2026-03-03
  url: https://example.org/ai-industry
  type: news report
summary: A short news report on the size of Examplestan's core AI industry.
figures:
  - id: core-ai-industry-2025
    label: Core AI industry size
    metric: core-ai-industry-size
    value: 1.2
    unit: trillion yuan
    period: "2025"
    excerpt: The core AI industry of Examplestan exceeded 1.2 trillion yuan in 2025
challenges:
  - id: chip-supply
    title: Chip supply
    detail: Chips are scarce.
    excerpt: Chip supply remains the main constraint on growth.
"""

BASE_SEED = """\
Alpha Daily, 3 March 2026

The core AI industry of Examplestan exceeded 1.2 trillion yuan in 2025, officials said.
Chip supply remains the main constraint on growth.
"""

FRONT, ALPHA = "content/front-matter.yaml", "content/alpha.yaml"


def base_files() -> dict[str, str]:
    return {FRONT: BASE_FRONT, ALPHA: BASE_ALPHA, "seeds/alpha.txt": BASE_SEED}


@pytest.fixture
def base(tmp_path: Path) -> Path:
    return write(tmp_path, base_files())


def edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def check(root: Path) -> Result:
    result = CliRunner().invoke(app, ["check", "--project", str(root)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


def assert_refused(result: Result, line: str) -> None:
    assert result.stderr.splitlines() == [line, "1 error; nothing was built."]
    assert result.exit_code == 1


def test_the_base_project_is_clean(base: Path) -> None:
    result = check(base)
    assert (result.exit_code, result.stderr) == (0, "")


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
    edit(base, ALPHA, URL, f"  url: {url}\n")
    assert_refused(check(base), f"content/alpha.yaml:6:8: source.url: {message}")


SEED = "expected a file name in seeds/ ending in .txt or .md, got"


@pytest.mark.parametrize(
    "seed", ["../../etc/passwd.txt", "/etc/passwd.txt", "file:///etc/passwd.txt", "..\\..\\x.txt"]
)
def test_a_seed_is_a_file_name_not_a_path(base: Path, seed: str) -> None:
    edit(base, ALPHA, "  seed: alpha.txt\n", f"  seed: '{seed}'\n")
    assert_refused(check(base), f"content/alpha.yaml:2:9: source.seed: {SEED} {seed!r}")


# 4. bidirectional controls and zero-width characters where a reader cannot see them
SLUG = "expected an id of lowercase letters, digits and single hyphens, got"
NUMBER = "expected a plain number such as 1.2 or 1882 (no units or commas), got"
OVERRIDE = (
    "which shows the text after it in reverse order; remove it "
    "(to set right-to-left text apart, enclose it in U+2067 … U+2069)"
)
INVISIBLE_CASES = [
    # (file, the line, its replacement, the message)
    (
        ALPHA,
        "  - id: core-ai-industry-2025\n",
        "  - id: core-ai-industry-\u202e2025\n",
        f"content/alpha.yaml:10:9: figures[0].id: {SLUG} 'core-ai-industry-\\u202e2025'",
    ),
    (
        ALPHA,
        "    metric: core-ai-industry-size\n",
        "    metric: core-ai\u200b-industry-size\n",
        f"content/alpha.yaml:12:13: figures[0].metric: {SLUG} 'core-ai\\u200b-industry-size'",
    ),
    (
        ALPHA,
        "  - id: chip-supply\n",
        "  - id: chip\u200d-supply\n",
        f"content/alpha.yaml:18:9: challenges[0].id: {SLUG} 'chip\\u200d-supply'",
    ),
    (
        ALPHA,
        "  - id: chip-supply\n",
        '  - id: "chip\\ufeff-supply"\n',
        f"content/alpha.yaml:18:9: challenges[0].id: {SLUG} 'chip\\ufeff-supply'",
    ),
    (
        FRONT,
        "    metric: core-ai-industry-size\n",
        "    metric: \u2066core-ai-industry-size\u2069\n",
        f"content/front-matter.yaml:11:13: charts[0].metric: {SLUG} "
        "'\\u2066core-ai-industry-size\\u2069'",
    ),
    (
        FRONT,
        "  - id: core-size\n",
        "  - id: core\u202d-size\n",
        f"content/front-matter.yaml:10:9: charts[0].id: {SLUG} 'core\\u202d-size'",
    ),
    (
        FRONT,
        "    sources: [alpha]\n",
        "    sources: [alpha\u200b]\n",
        f"content/front-matter.yaml:7:15: takeaways[0].sources[0]: {SLUG} 'alpha\\u200b'",
    ),
    (
        ALPHA,
        "    value: 1.2\n",
        "    value: 1.2\u202e\n",
        f"content/alpha.yaml:13:12: figures[0].value: {NUMBER} '1.2\\u202e'; "
        "it holds the invisible character U+202E",
    ),
    (
        ALPHA,
        "    value: 1.2\n",
        "    value: 1\u200b.2\n",
        f"content/alpha.yaml:13:12: figures[0].value: {NUMBER} '1\\u200b.2'; "
        "it holds the invisible character U+200B",
    ),
    (
        ALPHA,
        "    value: 1.2\n",
        '    value: "\\ufeff1.2"\n',
        f"content/alpha.yaml:13:12: figures[0].value: {NUMBER} '\\ufeff1.2'; "
        "it holds the invisible character U+FEFF",
    ),
    (
        ALPHA,
        "    value: 1.2\n",
        "    value: 1.2\n    value_high: \u20661.5\u2069\n",
        f"content/alpha.yaml:14:17: figures[0].value_high: {NUMBER} '\\u20661.5\\u2069'; "
        "it holds the invisible character U+2066",
    ),
    # in prose: overrides are refused, isolates and embeddings must close in their paragraph
    (
        ALPHA,
        "summary: A short news report on the size of Examplestan's core AI industry.\n",
        "summary: Growth was \u202e05% this year.\n",
        f"content/alpha.yaml:8:10: summary: holds U+202E (right-to-left override), {OVERRIDE}",
    ),
    (
        ALPHA,
        "    title: Chip supply\n",
        "    title: Chip \u202dsupply\u202c\n",
        "content/alpha.yaml:19:12: challenges[0].title: holds U+202D (left-to-right override), "
        f"{OVERRIDE}",
    ),
    (
        FRONT,
        "  - text: The core AI industry passed 1.2 trillion yuan in 2025.\n",
        "  - text: The core AI industry passed \u2067tr 1.2 trillion yuan in 2025.\n",
        "content/front-matter.yaml:6:11: takeaways[0].text: opens U+2067 (right-to-left isolate) "
        "without closing it with U+2069 (pop directional isolate); close it in the same "
        "paragraph or remove it",
    ),
    (
        ALPHA,
        "    label: Core AI industry size\n",
        "    label: Core AI \u202bindustry size\n",
        "content/alpha.yaml:11:12: figures[0].label: opens U+202B (right-to-left embedding) "
        "without closing it with U+202C (pop directional formatting); close it in the same "
        "paragraph or remove it",
    ),
    (
        FRONT,
        "executive_summary: One source reports the size of Examplestan's core AI industry.\n",
        'executive_summary: "One \\u2068source.\\n\\nTwo\\u2069 sources."\n',
        "content/front-matter.yaml:8:20: executive_summary: opens U+2068 (first strong isolate) "
        "without closing it with U+2069 (pop directional isolate); close it in the same "
        "paragraph or remove it",
    ),
]


@pytest.mark.parametrize(
    ("name", "old", "new", "line"),
    INVISIBLE_CASES,
    ids=[c[3].split(": ")[1] for c in INVISIBLE_CASES],
)
def test_invisible_characters_are_refused_where_they_mislead(
    base: Path, name: str, old: str, new: str, line: str
) -> None:
    edit(base, name, old, new)
    assert_refused(check(base), line)


def test_a_file_name_with_an_override_is_refused(base: Path) -> None:
    (base / ALPHA).rename(base / "content" / "alpha\u202e.yaml")
    result = check(base)
    assert result.stderr.splitlines()[0] == (
        "content: file name must be the source id: lowercase letters, digits and single "
        "hyphens, ending in .yaml (got 'alpha\\u202e.yaml')"
    )
    assert result.exit_code == 1


def test_closed_isolates_marks_and_zero_width_characters_pass_in_prose(base: Path) -> None:
    edit(
        base,
        ALPHA,
        "summary: A short news report on the size of Examplestan's core AI industry.\n",
        f"summary: {BIDI_PROSE}\n",
    )
    result = check(base)
    assert (result.exit_code, result.stderr) == (0, "")


# -- 5. emoji, Arabic and Hebrew in prose ------------------------------------------------------

ARABIC = "الذكاء الاصطناعي"
HEBREW = "בינה מלאכותית"
EMOJI = "growth 📈, developers 👩\u200d💻, flag 🇨🇳"
SCRIPT_EDITS = [
    (
        ALPHA,
        "summary: A short news report on the size of Examplestan's core AI industry.\n",
        f"summary: {EMOJI}. Arabic {ARABIC}, Hebrew {HEBREW}, isolated \u2067{ARABIC}\u2069.\n",
    ),
    (ALPHA, "    label: Core AI industry size\n", f"    label: Core AI industry ({ARABIC}) 📈\n"),
    (ALPHA, "    title: Chip supply\n", f"    title: {HEBREW} 👩\u200d💻\n"),
    (
        FRONT,
        "  - text: The core AI industry passed 1.2 trillion yuan in 2025.\n",
        f"  - text: The core AI industry passed 1.2 trillion yuan in 2025 📈 {HEBREW}.\n",
    ),
]


def glyphs(text: str) -> str:
    """Characters no shipped font has, as the glyph warning lists them: sorted, the first five."""
    return ", ".join(f"U+{ord(c):04X} {c!r}" for c in sorted(set(text) - {" "})[:5])


@pytest.fixture(scope="module")
def scripts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    root = write(tmp_path_factory.mktemp("scripts"), base_files())
    for name, old, new in SCRIPT_EDITS:
        edit(root, name, old, new)
    result = CliRunner().invoke(app, ["build", "--project", str(root), "--format", "all"])
    return root, result


def test_emoji_and_rtl_scripts_build_every_format(scripts: tuple[Path, Result]) -> None:
    """Only the shipped fonts' gaps are reported, each where it stands; nothing is refused."""
    root, result = scripts
    assert result.exit_code == 0, (result.output, result.exception)
    assert sorted(p.name for p in (root / "build").glob(f"{STEM}.*")) == [
        f"{STEM}.{fmt}" for fmt in ("docx", "html", "pdf")
    ]
    warning = "warning: {}: no shipped font has a glyph for {}; it will print as a box"
    assert result.stderr.splitlines() == [
        "content/front-matter.yaml:6:11: "
        + warning.format("takeaways[0].text", glyphs("📈" + HEBREW)),
        "content/alpha.yaml:8:10: "
        + warning.format("summary", glyphs(ARABIC + HEBREW + "📈👩💻🇨🇳")),
        "content/alpha.yaml:11:12: " + warning.format("figures[0].label", glyphs(ARABIC + "📈")),
        "content/alpha.yaml:19:12: "
        + warning.format("challenges[0].title", glyphs(HEBREW + "👩💻")),
    ]
    assert len(PdfReader(root / "build" / f"{STEM}.pdf").pages) >= 4


@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_emoji_and_rtl_scripts_read_back_exactly(scripts: tuple[Path, Result], fmt: str) -> None:
    root, _ = scripts
    out = root / "build" / f"{STEM}.{fmt}"
    texts = [read_html(out).text] if fmt == "html" else read_docx(out).body
    for name, _, new in SCRIPT_EDITS:
        text = new.split(": ", 1)[1].rstrip("\n")
        assert any(text in t for t in texts), (name, text)


# -- 7. thousands of entries are refused at once, where the list starts --------------------------


def entries(line: str, count: int) -> str:
    return "".join(line.format(i) for i in range(count))


CHIP = "Chip supply remains the main constraint on growth."
CORE = "The core AI industry of Examplestan exceeded 1.2 trillion yuan in 2025"
LIMIT_CASES = [
    # (file, the text replaced, its replacement, where the list starts, field, the limit)
    (
        ALPHA,
        BASE_ALPHA[BASE_ALPHA.index("  - id: chip-supply") :],
        entries(f"  - {{{{id: c{{}}, title: t, detail: d, excerpt: {CHIP}}}}}\n", 5000),
        "18:3",
        "challenges",
        100,
    ),
    (
        ALPHA,
        "    excerpt: Chip supply remains the main constraint on growth.\n",
        f"    excerpt: {CHIP}\nrecommendations:\n"
        + entries(f"  - {{{{id: r{{}}, title: t, detail: d, excerpt: {CHIP}}}}}\n", 5000),
        "23:3",
        "recommendations",
        100,
    ),
    (
        ALPHA,
        "    excerpt: Chip supply remains the main constraint on growth.\n",
        f"    excerpt: {CHIP}\nquotes:\n"
        + entries(f"  - {{{{id: q{{}}, text: t, speaker: s, role: r, excerpt: {CHIP}}}}}\n", 5000),
        "23:3",
        "quotes",
        100,
    ),
    (
        ALPHA,
        BASE_ALPHA[BASE_ALPHA.index("  - id: core-ai") : BASE_ALPHA.index("challenges:")],
        entries(
            "  - {{id: f{}, label: l, metric: m, value: 1.2, unit: u, period: p, excerpt: "
            + CORE
            + "}}\n",
            5000,
        ),
        "10:3",
        "figures",
        200,
    ),
    (
        ALPHA,
        "  publisher: Alpha Daily\n",
        "  authors:\n" + entries("    - a{}\n", 5000),
        "5:5",
        "source.authors",
        40,
    ),
    (
        ALPHA,
        "  publisher: Alpha Daily\n",
        "  notes:\n" + entries("    - n{}\n", 5000),
        "5:5",
        "source.notes",
        20,
    ),
    (
        FRONT,
        BASE_FRONT[BASE_FRONT.index("  - text:") : BASE_FRONT.index("executive_summary")],
        entries("  - {{text: t{}, sources: [alpha]}}\n", 5000),
        "6:3",
        "takeaways",
        8,
    ),
    (
        FRONT,
        "marking: TLP:CLEAR\n",
        "marking: TLP:CLEAR\nkeywords:\n" + entries("  - k{}\n", 5000),
        "6:3",
        "keywords",
        30,
    ),
    (
        FRONT,
        BASE_FRONT[BASE_FRONT.index("  - id: core-size") :],
        entries("  - {{id: c{}, metric: core-ai-industry-size, title: t, caption: c}}\n", 5000),
        "10:3",
        "charts",
        20,
    ),
]


@pytest.mark.parametrize(
    ("name", "old", "new", "at", "key", "limit"), LIMIT_CASES, ids=[c[4] for c in LIMIT_CASES]
)
def test_thousands_of_entries_are_refused_quickly(
    base: Path, name: str, old: str, new: str, at: str, key: str, limit: int
) -> None:
    edit(base, name, old, new)
    started = time.perf_counter()
    result = check(base)
    seconds = time.perf_counter() - started
    assert_refused(result, f"{name}:{at}: {key}: has 5,000 entries; at most {limit} allowed")
    assert seconds < 5, seconds


def test_a_source_at_its_list_limits_builds_in_bounded_time(base: Path) -> None:
    """100 challenges and 100 recommendations, titles and details near their longest."""
    title = ("Chip supply " * 25)[:299]
    detail = "Chips are scarce and data centres wait months for parts. " * 20
    points = "".join(
        f"  - {{id: {kind}{i}, title: {title}, detail: {detail.strip()}, excerpt: {CHIP}}}\n"
        for kind in ("c", "r")
        for i in range(100)
    )
    challenges = points[: len(points) // 2]
    recommendations = points[len(points) // 2 :]
    edit(base, ALPHA, BASE_ALPHA[BASE_ALPHA.index("  - id: chip-supply") :], challenges)
    (base / ALPHA).write_text(
        (base / ALPHA).read_text(encoding="utf-8") + "recommendations:\n" + recommendations,
        encoding="utf-8",
    )
    started = time.perf_counter()
    result = CliRunner().invoke(app, ["build", "--project", str(base), "--format", "html"])
    result_docx = CliRunner().invoke(app, ["build", "--project", str(base), "--format", "docx"])
    seconds = time.perf_counter() - started
    assert (result.exit_code, result_docx.exit_code) == (0, 0), result.output
    assert seconds < 30, seconds
    html = read_html(base / "build" / f"{STEM}.html")
    assert html.text.count(detail.strip()) == 200
    assert sum(detail.strip() in p for p in read_docx(base / "build" / f"{STEM}.docx").body) == 200


# -- charts draw their text as text ------------------------------------------------------------


def svg_texts(html: str) -> list[str]:
    import html as markup

    return [markup.unescape(t) for t in re.findall(r"<text\b[^>]*>(.*?)</text>", html, re.S)]


def test_chart_labels_are_drawn_literally(built: Built) -> None:
    """Long labels are wrapped to three short lines and cut with an ellipsis (the tables carry
    them whole); what is shown is the label's own text, markup and template syntax included."""
    texts = svg_texts(built.html.raw)

    def shown(payload: str, expected: int) -> None:
        starts = [i for i, t in enumerate(texts) if t.startswith(payload.split()[0])]
        assert len(starts) == expected
        squeezed = re.sub(r"\s", "", payload)
        for start in starts:
            label = re.sub(r"\s", "", "".join(texts[start : start + 3]))
            assert label.endswith("…") and squeezed.startswith(label[:-1]), label

    shown(built.payload("period"), 2)  # one bar from each source
    shown(built.payload("unit"), 1)  # the axis


def test_dollar_signs_in_a_unit_or_period_reach_the_chart_as_text(base: Path) -> None:
    edit(base, ALPHA, "    unit: trillion yuan\n", "    unit: US$ bn ($)\n")
    edit(base, ALPHA, '    period: "2025"\n', "    period: '$\\undefined{$'\n")
    result = CliRunner().invoke(app, ["build", "--project", str(base), "--format", "html"])
    assert result.exit_code == 0, result.exception
    texts = svg_texts((base / "build" / f"{STEM}.html").read_text(encoding="utf-8"))
    assert "US$ bn ($)" in texts and "$\\undefined{$" in texts
