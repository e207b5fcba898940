"""The self-contained HTML page: inline styles and charts, no external requests, escaped text."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from briefing.build import build
from briefing.charts import render_chart
from briefing.document import ChartData, ChartPoint
from briefing.periods import parse_period


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
    assert html.count("<svg") == 1  # the shipped briefing's one chart
    assert 'role="img" aria-label="' in html
    assert 'id="appendix"' in html and 'href="#ref-ccid-open-source-models"' in html
    assert 'name="viewport"' in html


def test_every_id_in_the_page_is_unique(project: Path) -> None:
    """Inlined charts carry matplotlib's ids, which repeat from chart to chart unless scoped."""
    [built] = build(project, ["html"])
    ids = re.findall(r'\bid="([^"]+)"', built.path.read_text(encoding="utf-8"))
    assert len(ids) > 50
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})[:5]
    references = re.findall(r'(?:href="|url\()#([^")]+)', built.path.read_text(encoding="utf-8"))
    assert set(references) <= set(ids)


def test_charts_draw_with_the_shipped_fonts(caplog: pytest.LogCaptureFixture) -> None:
    """On a machine with no Noto installed, matplotlib must still find the template fonts."""
    point = ChartPoint(
        period="2025",
        value=1.2,
        source_id="a-source",
        status="actual",
        bound="exact",
        label="[1] A source, 2025",
        when=parse_period("2025"),
    )
    chart = ChartData(
        id="size",
        title="Size",
        caption=[],
        unit="trillion yuan",
        points=[point],
        source_line="",
        alt="",
    )
    with caplog.at_level(logging.WARNING):
        svg = render_chart(chart, "svg", None).decode("utf-8")
    assert not [r for r in caplog.records if "findfont" in r.getMessage()]
    assert "Noto Sans" in svg


def test_charts_do_not_depend_on_the_hash_seed(project: Path) -> None:
    """Two units used equally often: the chart's unit must not follow Python's set order."""
    import subprocess
    import sys

    summary = project / "content" / "ccid-open-source-models.yaml"
    text = summary.read_text(encoding="utf-8")
    assert text.count("unit: firms") == 1  # the other source's firm count stays in "firms"
    summary.write_text(text.replace("unit: firms", "unit: companies"), encoding="utf-8")
    script = (
        "import sys; from pathlib import Path; from briefing.build import build; "
        "[b] = build(Path(sys.argv[1]), ['html']); sys.stdout.write(b.path.read_text())"
    )
    pages = {
        subprocess.run(
            [sys.executable, "-c", script, str(project)],
            env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3", "4", "5", "6")
    }
    assert len(pages) == 1
