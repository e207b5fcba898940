"""One model, two renderers: the DOCX and the PDF carry the same chapters, figures and quotes."""

from __future__ import annotations

import docx
from pypdf import PdfReader

from briefing.config import find_project
from briefing.content import load_content
from briefing.document import curly_quotes

from .conftest import ShippedBuild


def test_docx_and_pdf_agree(shipped_build: ShippedBuild) -> None:
    project = shipped_build.root
    reader = PdfReader(shipped_build.pdf)
    pdf_chapters = [i.title for i in reader.outline if not isinstance(i, list)]
    document = docx.Document(str(shipped_build.docx))
    docx_chapters = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert docx_chapters == pdf_chapters

    pdf_text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    docx_text = " ".join(p.text for p in document.paragraphs)
    for table in document.tables:
        for row in table.rows:
            docx_text += " " + " ".join(cell.text for cell in row.cells)
    docx_text = " ".join(docx_text.split())
    content = load_content(find_project(project))
    for summary in content.sources.values():
        for quote in summary.quotes:
            words = curly_quotes(" ".join(quote.text.split()[:6]))  # as the reader gets it
            assert words in pdf_text and words in docx_text
        for figure in summary.figures:
            assert curly_quotes(figure.label) in docx_text
            assert curly_quotes(figure.label)[:25] in pdf_text
