"""Hardening, limits: strings thousands of characters long stay whole and inside the margins, lists
past their limits are refused at once, and a source at its limits builds in bounded time.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pdfplumber
import pytest
from typer.testing import CliRunner

from briefing.cli import app

from .conftest import check, edit
from .hostile import (
    ALPHA,
    BASE_ALPHA,
    BASE_FRONT,
    FRONT,
    LONG_LABEL,
    LONG_NOTE,
    LONG_PERIOD,
    LONG_UNIT,
    LONG_URL_TOKEN,
    LONG_VALUE,
    MM,
    STEM,
    Built,
    assert_refused,
    read_docx,
    read_html,
    squash,
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

    # the W: the title's 100 on the cover and the label in its table
    assert (run("W"), run("U"), run("P"), run("N")) == (100 + 300, 300, 300, 4000)
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
    edit(base / name, old, new)
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
    edit(base / ALPHA, BASE_ALPHA[BASE_ALPHA.index("  - id: chip-supply") :], challenges)
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
