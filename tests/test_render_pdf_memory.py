"""What the PDF render keeps in memory: one layout at a time."""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import Any

import pytest

from briefing import render_pdf
from briefing.build import build


def test_a_second_layout_starts_after_the_first_is_released(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first build guesses no appendix page numbers, so it lays the page out twice; the first
    layout's boxes are gone before the second starts (a build at 5 sources: 161 -> 134 MB)."""
    laid_out: list[weakref.ref[Any]] = []
    alive_at_start: list[int] = []
    layout = render_pdf.layout

    def tracked(html: str, dirs: list[Path]) -> Any:
        alive_at_start.append(sum(ref() is not None for ref in laid_out))
        document = layout(html, dirs)
        laid_out.append(weakref.ref(document))
        return document

    monkeypatch.setattr(render_pdf, "layout", tracked)
    build(project, ["pdf"])
    assert alive_at_start == [0, 0]
