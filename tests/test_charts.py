"""Charts as a reader sees them: numbers written as the tables write them, in SVG and PNG."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest

from briefing.charts import grouped, render_chart
from briefing.document import ChartData, ChartPoint
from briefing.periods import parse_period


def counts_chart() -> ChartData:
    points = [
        ChartPoint(period, value, "a-source", "actual", bound, f"[1] A source, {period}", when)
        for period, value, bound in [
            ("2024", 1200.0, "exact"),
            ("2025", 6200.0, "more-than"),
            ("2026", 14500.0, "about"),
        ]
        for when in [parse_period(period)]
    ]
    return ChartData("counts", "Counts", [], "firms", points, "", "")


def svg_texts(chart: ChartData) -> list[str]:
    svg = render_chart(chart, "svg", None).decode("utf-8")
    return [
        unescape(re.sub(r"<[^>]+>", "", t)).strip()
        for t in re.findall(r"<text\b.*?</text>", svg, re.S)
    ]


def png_texts(chart: ChartData, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The strings Agg draws into the PNG, recorded as the real renderer draws them."""
    from matplotlib.backends.backend_agg import RendererAgg

    drawn: list[str] = []
    draw_text: Any = RendererAgg.draw_text

    def recording(
        self: RendererAgg, gc: Any, x: float, y: float, s: str, *args: Any, **kwargs: Any
    ) -> Any:
        drawn.append(s)
        return draw_text(self, gc, x, y, s, *args, **kwargs)

    monkeypatch.setattr(RendererAgg, "draw_text", recording)
    png = render_chart(chart, "png", None)
    assert png.startswith(b"\x89PNG")
    return drawn


@pytest.mark.parametrize("kind", ["svg", "png"])
def test_chart_numbers_group_their_thousands(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    chart = counts_chart()
    texts = svg_texts(chart) if kind == "svg" else png_texts(chart, monkeypatch)
    joined = " | ".join(texts)
    for label in ("1,200", "> 6,200", "about 14,500", "10,000"):  # bars, and an axis tick
        assert label in texts, joined
    assert not re.search(
        r"(?<![\d,.])\d{4,}(?![\d,])",
        joined.replace("2024", "").replace("2025", "").replace("2026", ""),
    ), joined


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (1200.0, "1,200"),
        (0.6, "0.6"),
        (1882.5, "1,882.5"),
        (1e6, "1,000,000"),
        (2.0, "2"),
        (0.0, "0"),
    ],
)
def test_chart_numbers_are_written_as_the_tables_write_them(value: float, written: str) -> None:
    assert grouped(value) == written
