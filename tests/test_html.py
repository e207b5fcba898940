"""The self-contained HTML page: inline styles and charts, no external requests, escaped text."""

from __future__ import annotations

import re
from pathlib import Path

from briefing.build import build


def test_html_is_self_contained_and_escapes_content(project: Path) -> None:
    summary = project / "content" / "ccid-open-source-models.yaml"
    text = summary.read_text(encoding="utf-8")
    text = text.replace("summary: >-\n", "summary: >-\n  <script>alert(1)</script> {{ 7*7 }}\n", 1)
    summary.write_text(text, encoding="utf-8")
    [built] = build(project, ["html"])
    html = built.path.read_text(encoding="utf-8")
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }}" in html
    assert not re.search(r'<(link|img|script|iframe)\b[^>]*(src|href)="(https?:|//|file:)', html)
    assert html.count("<svg") == 2
    assert 'role="img" aria-label="' in html
    assert 'id="appendix"' in html and 'href="#ref-ccid-open-source-models"' in html
    assert 'name="viewport"' in html
