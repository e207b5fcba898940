"""The shipped briefing as a reader gets it, in every format: no processing internals."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from briefing.build import build

from .conftest import REPO, copy_project


@dataclass(frozen=True)
class Formats:
    pdf: Path
    docx: Path
    html: Path


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Formats:
    root = copy_project(tmp_path_factory.mktemp("publication") / "project")
    built = {b.format: b.path for b in build(root, ["pdf", "docx", "html"])}
    return Formats(built["pdf"], built["docx"], built["html"])


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    section = document.sections[0]
    parts += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    return "\n".join(parts)


def html_text(path: Path) -> str:
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.parts: list[str] = []
            self.skip = 0

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.skip += tag in ("style", "svg")

        def handle_endtag(self, tag: str) -> None:
            self.skip -= tag in ("style", "svg")

        def handle_data(self, data: str) -> None:
            if not self.skip:
                self.parts.append(data)

    parser = Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(parser.parts)


TEXT_OF = {"pdf": pdf_text, "docx": docx_text, "html": html_text}
SEED_NAMES = sorted(p.name for p in (REPO / "seeds").iterdir())
INTERNALS = [r"\bseeds?\b", r"\bscrap(e|ed|es|ing)\b", r"\bfrom line \d+", r"comment-widget"]


@pytest.mark.parametrize("form", ["pdf", "docx", "html"])
def test_no_processing_internals_reach_the_reader(shipped: Formats, form: str) -> None:
    text = TEXT_OF[form](getattr(shipped, form))
    # PDF text extraction may keep a hyphenated break: join it before looking.
    text = re.sub(r"[\u2010-]\n", "", " ".join(text.split(" ")))
    for pattern in INTERNALS:
        found = re.search(pattern, text, re.IGNORECASE)
        assert found is None, f"{form}: {text[max(0, found.start() - 60) : found.end() + 60]!r}"
    for name in SEED_NAMES:
        assert name not in text and Path(name).stem not in text, f"{form}: {name}"
