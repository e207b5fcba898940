"""The hostile project and its instruments, shared by the render hardening tests.

One hostile project is built once for the session through `briefing build --format all`: every
free-text field carries markup, template syntax and format strings; the source URLs and the text
point at a loopback recorder, the cloud metadata service and a canary file outside the project;
prose carries bidirectional isolates and zero-width characters; table cells hold unbroken strings
thousands of characters long. The outputs are read back (the HTML parsed, the PDF's text and
links through pypdf and its layout through pdfplumber, the DOCX through python-docx). An audit
hook and the recorder see every file read and request of the build. (The hostile project uses
only characters the shipped fonts draw: a character no font has makes WeasyPrint re-encode the
whole font, and pypdf then reads the page as noise.)

What must be refused goes through `briefing check` on a small clean project (`base`, written by
conftest's project builder), one edit per case.
"""

from __future__ import annotations

import os
import re
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from docx.oxml.ns import qn
from pypdf import PdfReader
from typer.testing import CliRunner, Result

from briefing.cli import app
from briefing.document import curly_quotes

from .conftest import (
    LIN_QUOTE,
    MINIMAL_ALPHA,
    MINIMAL_FRONT_MATTER,
    MINIMAL_SEED,
    ProjectBuilder,
    metrics_yaml,
    write_files,
)

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


@pytest.fixture(scope="session")
def recorder() -> Iterator[Recorder]:
    server = Recorder()
    yield server
    server.close()


@pytest.fixture(scope="session")
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


VERBATIM_SPOTS = {"quote-original"}


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
        "content/metrics.yaml": metrics_yaml("core-size", "long-one", "long-two", "long-three"),
        "seeds/alpha.txt": ALPHA_SEED
        + f"{quote_text}\n{quote_original}\nbetween {TINY} and {TINY_HIGH} yuan\n",
        "seeds/beta.txt": BETA_SEED,
    }


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
            if node.getparent().tag == qn("w:tabs"):
                continue  # a tab stop of the paragraph's properties, not text
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
        """The field's payload as the briefing sets it for a reader: its straight quotes curled,
        but in the original-language quote, which stays as written."""
        text = payload(tag, self.origin)
        return text if tag in VERBATIM_SPOTS else curly_quotes(text)

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


@pytest.fixture(scope="session")
def built(
    tmp_path_factory: pytest.TempPathFactory, watch: Watch, recorder: Recorder, canary: Path
) -> Built:
    root = write_files(tmp_path_factory.mktemp("hostile"), hostile_files(recorder.origin, canary))
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


# -- refused where it stands: `briefing check` on a small clean project, one edit per case ------

# conftest's minimal front matter without a version, and with a chart of the figure.
BASE_FRONT = MINIMAL_FRONT_MATTER.replace('version: "1.0"\n', "").replace(
    "    sources:\n      - alpha\n", "    sources: [alpha]\n"
) + (
    "charts:\n  - id: core-size\n    metric: core-ai-industry-size\n"
    "    title: Core AI industry\n    caption: As reported by Alpha Daily.\n"
)

# conftest's minimal source with a web address, an exact figure and no quote, and its seed.
BASE_ALPHA = (
    MINIMAL_ALPHA.replace("  type:", "  url: https://example.org/ai-industry\n  type:")
    .replace("    bound: more-than\n", "")
    .replace(LIN_QUOTE, "")
)
BASE_SEED = "".join(line for line in MINIMAL_SEED.splitlines(True) if "Open models" not in line)

FRONT, ALPHA = "content/front-matter.yaml", "content/alpha.yaml"


def base_files() -> dict[str, str]:
    return {
        FRONT: BASE_FRONT,
        ALPHA: BASE_ALPHA,
        "content/metrics.yaml": metrics_yaml("core-ai-industry-size"),
        "seeds/alpha.txt": BASE_SEED,
    }


@pytest.fixture
def base(project_builder: ProjectBuilder) -> Path:
    return project_builder(base_files())


def assert_refused(result: Result, line: str) -> None:
    assert result.stderr.splitlines() == [line, "1 error; nothing was built."]
    assert result.exit_code == 1
