"""Chart data -> SVG (for PDF and HTML) and 300 dpi PNG (for DOCX), cached by content hash.

matplotlib is imported only when a chart is not in the cache, so an unchanged rebuild spends no
time on charts.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from .document import ChartData

STATUS_COLOURS = {
    "actual": "#1f4e79",
    "estimate": "#5b8db8",
    "forecast": "#c9a227",
    "target": "#8a8a8a",
}


# A bound is drawn as a bound: hatched, and marked on its value label ("> 1.2").
BOUND_HATCHES = {
    "exact": "",
    "about": "",
    "nearly": "\\\\\\",
    "more-than": "///",
    "less-than": "\\\\\\",
}
BOUND_MARKS = {
    "exact": "",
    "about": "about ",
    "nearly": "nearly ",
    "more-than": "> ",
    "less-than": "< ",
}
BOUND_LEGEND = {
    "about": ("", "about: an approximation"),
    "nearly": ("\\\\\\", "upper bound: nearly, or < less than"),
    "less-than": ("\\\\\\", "upper bound: nearly, or < less than"),
    "more-than": ("///", "lower bound: > more than"),
}


def chart_key(chart: ChartData, kind: str) -> str:
    # The drawing code is part of the key, so a change to it never serves a stale chart.
    drawing = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    points = [[p.period, p.value, p.source_id, p.status] for p in chart.points]
    data = json.dumps([drawing, kind, chart.title, chart.unit, points], default=str)
    return hashlib.sha256(data.encode()).hexdigest()[:32]


def render_chart(chart: ChartData, kind: str, cache_dir: Path | None) -> bytes:
    """The chart as 'svg' or 'png' bytes, from the cache when its data did not change."""
    from .files import read_cache, write_cache

    key = chart_key(chart, kind)
    cached = cache_dir / f"{key}.{kind}" if cache_dir else None
    data = read_cache(cached) if cached else None  # None also for a truncated entry: draw anew
    if data is None:
        data = _draw(chart, kind)
        if cached:
            write_cache(cached, data)
    return data


def grouped(value: float) -> str:
    """A chart number as the tables write it: thousands grouped (1,200), no exponent (1e+06),
    no trailing zeros (0.6)."""
    text = f"{value:,.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _wrap(label: str, width: int = 14, lines: int = 3) -> str:
    """A label broken into short lines (at spaces and hyphens, else anywhere), at most `lines`."""
    import textwrap

    wrapped = textwrap.wrap(label, width=width, break_on_hyphens=True) or [label]
    if len(wrapped) > lines:
        wrapped = [*wrapped[: lines - 1], wrapped[lines - 1][: width - 1] + "…"]
    return "\n".join(wrapped)


def _draw(chart: ChartData, kind: str) -> bytes:
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    # The shipped fonts, so charts match the page on a machine with no Noto installed.
    from .render_html import packaged_templates

    for font in sorted((packaged_templates() / "fonts").glob("NotoSans-*.ttf")):
        font_manager.fontManager.addfont(str(font))
    plt.rcParams.update(
        {
            "svg.fonttype": "none",  # text stays text: WeasyPrint draws it fast and it is selectable
            "svg.hashsalt": "briefing",
            "text.parse_math": False,  # content is text: "US$ bn ($)" keeps its dollars
            "font.family": ["Noto Sans", "DejaVu Sans"],
            "font.size": 9,
        }
    )
    labels = [f"{_wrap(p.period)}\n{_wrap(p.label, width=16)}" for p in chart.points]
    values = [p.value for p in chart.points]
    colours = [STATUS_COLOURS[p.status] for p in chart.points]
    fig, ax = plt.subplots(figsize=(6.4, 3.0))
    width = 0.8 if len(values) > 3 else 0.5
    bars = ax.bar(
        range(len(values)), values, width, color=colours, edgecolor="white", linewidth=0.5
    )
    for bar, point in zip(bars, chart.points, strict=True):
        bar.set_hatch(BOUND_HATCHES[point.bound])
    texts = [f"{BOUND_MARKS[p.bound]}{grouped(p.value)}" for p in chart.points]
    ax.bar_label(bars, labels=texts, padding=2, fontsize=8)
    ax.set_xticks(range(len(values)), labels, fontsize=6)
    ax.yaxis.set_major_formatter(lambda value, _: grouped(value))  # 1,200, not 1200
    ax.set_ylabel(_wrap(chart.unit, width=40))
    ax.spines[["top", "right"]].set_visible(False)
    from matplotlib.patches import Patch

    used = sorted({p.status for p in chart.points})
    handles = [Patch(color=STATUS_COLOURS[s], label=s) for s in used]
    bounds = dict.fromkeys(BOUND_LEGEND[p.bound] for p in chart.points if p.bound != "exact")
    handles += [
        Patch(facecolor="white", edgecolor="#555", hatch=hatch, label=label)
        for hatch, label in bounds
    ]
    ax.legend(handles=handles, frameon=False, fontsize=7)
    fig.tight_layout()
    out = io.BytesIO()
    options: dict[str, Any] = {"format": kind, "metadata": {"Date": None} if kind == "svg" else {}}
    if kind == "png":
        options["dpi"] = 300
        options["metadata"] = {"Software": None}
    fig.savefig(out, **options)
    plt.close(fig)
    return out.getvalue()
