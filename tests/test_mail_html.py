"""The covering note's HTML part as a reader sees it: Debian's chromium (through selenium and
Debian's chromium-driver, nothing downloaded) at a phone's and a desktop's width."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from briefing.config import find_project
from briefing.content import load_content
from briefing.message import Attachment, Wording, render_bodies
from briefing.render_html import template_dirs

from .validators import chromium

REPO = Path(__file__).resolve().parents[1]

# What the page measures of itself: the card, the widest right edge of any element in it,
# the first words a reader meets, the marking label's colours and the body text size.
MEASURE = """
const root = document.documentElement;
const card = document.querySelectorAll('table')[1].getBoundingClientRect();
const right = Math.max(...[...document.querySelectorAll('table table *')]
    .map(e => e.getBoundingClientRect().right));
const label = getComputedStyle(document.querySelector('strong'));
return {
  scroll: root.scrollWidth, client: root.clientWidth, left: card.left, width: card.width,
  right: right, cardRight: card.right, start: document.body.innerText.trim().slice(0, 40),
  colour: label.color, background: label.backgroundColor,
  text: parseFloat(getComputedStyle(document.querySelector('li')).fontSize),
};
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as driver:
        yield driver


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped briefing's covering note, as TLP:AMBER, with a note, two files, a signature."""
    project = find_project(REPO)
    front = load_content(project).front.model_copy(update={"marking": "TLP:AMBER"})
    files = [
        Attachment("briefing-2026-11-23-v1.0.pdf", b"%PDF" * 58_000, 22),
        Attachment("briefing-2026-11-23-v1.0.docx", b"PK" * 40_000),
    ]
    wording = Wording(
        "Ahead of Monday's meeting: the figures in section 2 are new.",
        signature="Briefing Research Unit\nunit@example.org",
    )
    _, rich = render_bodies(front, files, wording, template_dirs(None))
    path = tmp_path_factory.mktemp("mail_html") / "note.html"
    path.write_text(rich, encoding="utf-8")
    return path


@pytest.mark.parametrize("width", [390, 1280])
def test_the_html_part_reads_well_at_phone_and_desktop_widths(
    browser: Any, page: Path, width: int
) -> None:
    browser.set_window_size(width, 900)
    browser.get(page.as_uri())
    seen = browser.execute_script(MEASURE)
    assert seen["scroll"] <= seen["client"], "the page scrolls sideways"
    assert seen["right"] <= seen["cardRight"] + 0.5, "something sticks out of the card"
    # One column: the page less its margins on a phone, 640 px at most on a desktop.
    assert seen["width"] == pytest.approx(min(640, seen["client"] - 16), abs=1)
    assert seen["left"] == pytest.approx((seen["client"] - seen["width"]) / 2, abs=1)
    assert seen["start"].startswith("TLP:AMBER Limited disclosure; you may")
    assert (seen["colour"], seen["background"]) == ("rgb(255, 192, 0)", "rgb(0, 0, 0)")
    assert seen["text"] >= 15
