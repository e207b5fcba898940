"""`briefing watch` rebuilds on a change, reports a broken edit, and keeps the last good output."""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from pypdf import PdfReader

from briefing.render_html import packaged_templates
from briefing.watch import is_editor_temporary, project_changes, rebuild_once, watch
from tests.conftest import (
    MINIMAL_ALPHA,
    MINIMAL_FRONT_MATTER,
    MINIMAL_PROJECT,
    MINIMAL_SEED,
    ProjectBuilder,
)


def wait_for(condition: Callable[[], bool], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_watch_rebuilds_and_keeps_last_good_output(project: Path) -> None:
    said: list[str] = []
    problems: list[str] = []
    stop = threading.Event()
    worker = threading.Thread(
        target=watch, args=(project, ["html"], said.append, problems.append, stop), daemon=True
    )
    worker.start()
    try:
        assert wait_for(lambda: any(s.startswith("watching") for s in said))
        [page] = (project / "build").glob("*.html")
        summary = project / "content" / "ccid-open-source-models.yaml"
        original = summary.read_text(encoding="utf-8")
        summary.write_text(
            original.replace("summary: >-\n", "summary: >-\n  Watched edit.\n", 1), encoding="utf-8"
        )
        assert wait_for(lambda: "Watched edit." in page.read_text(encoding="utf-8"))
        good = page.read_bytes()

        summary.write_text(original + "\nsummary: a second summary\n", encoding="utf-8")
        assert wait_for(lambda: any("previous output is unchanged" in p for p in problems)), (
            said,
            problems,
        )
        assert any(p.startswith("content/ccid-open-source-models.yaml:") for p in problems)
        assert page.read_bytes() == good
    finally:
        stop.set()
        worker.join(timeout=10)
    assert not worker.is_alive()


@pytest.mark.parametrize(
    ("name", "temporary"),
    [
        ("content/.alpha.yaml.swp", True),  # Vim
        ("content/.alpha.yaml.swx", True),
        ("content/4913", True),  # Vim's probe for a writable folder
        ("content/alpha.yaml~", True),  # backups
        ("content/.#alpha.yaml", True),  # Emacs lock
        ("content/#alpha.yaml#", True),  # Emacs auto-save
        ("content/.goutputstream-X1Y2Z3", True),  # GNOME atomic save
        ("content/alpha.yaml.tmp", True),
        ("content/alpha.yaml", False),
        ("seeds/004_e06f6a7d580007d1.txt", False),
        ("templates/screen.css", False),
    ],
)
def test_editors_temporary_files_are_not_edits(name: str, temporary: bool) -> None:
    assert is_editor_temporary(name) is temporary


def test_a_save_through_a_temporary_file_is_one_change_and_briefing_yaml_is_seen_late(
    project: Path,
) -> None:
    """Editors write a swap file and rename over the original; briefing.yaml may come later."""
    stop = threading.Event()
    batches: list[list[str]] = []

    def collect() -> None:
        for changed in project_changes(project, stop):
            batches.append(changed)

    worker = threading.Thread(target=collect, daemon=True)
    worker.start()
    try:
        time.sleep(1)  # the watch is set up
        summary = project / "content" / "ccid-open-source-models.yaml"
        swap = project / "content" / ".ccid-open-source-models.yaml.swp"
        swap.write_text("swap", encoding="utf-8")
        summary.write_text(summary.read_text(encoding="utf-8"), encoding="utf-8")
        swap.unlink()
        assert wait_for(lambda: batches != [], 10)
        assert all(".swp" not in name for batch in batches for name in batch)
        assert ["content/ccid-open-source-models.yaml"] in batches
        (project / "briefing.yaml").write_text("paper: Letter\n", encoding="utf-8")
        assert wait_for(lambda: any("briefing.yaml" in batch for batch in batches), 10)
    finally:
        stop.set()
        worker.join(timeout=10)
    assert not worker.is_alive()


def test_each_rebuild_says_when(project: Path) -> None:
    said: list[str] = []
    assert rebuild_once(project, ["html"], said.append, said.append)
    [line] = said
    assert re.fullmatch(r"\d\d:\d\d:\d\d rebuilt briefing-[\w.-]+\.html in \d+\.\d s", line), line


# The tiny project with a chart of its one figure, and a template of its own beside the packaged
# ones, so a watch on the PDF can be shown each kind of edit.
CHARTED_FRONT_MATTER = (
    MINIMAL_FRONT_MATTER
    + """charts:
  - id: core-ai
    metric: core-ai-industry-size
    title: Core AI industry size
    caption: As the source states it [@alpha/core-ai-industry-2025].
"""
)


def save(path: Path, text: str | bytes) -> None:
    """Save as editors do: a temporary file beside the target, renamed over it."""
    temporary = path.with_name(path.name + ".tmp")
    if isinstance(text, str):
        temporary.write_text(text, encoding="utf-8")
    else:
        temporary.write_bytes(text)
    os.replace(temporary, path)


def pdf_words(pdf: Path) -> list[dict[str, Any]]:
    with pdfplumber.open(pdf) as document:
        return [
            w
            for page in document.pages
            for w in page.extract_words(extra_attrs=["fontname", "size"])
        ]


def pdf_text(pdf: Path) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(pdf).pages)


def pdf_fonts(pdf: Path) -> set[str]:
    """The fonts the PDF's words are set in, without the subset prefix ("ABCDEF+")."""
    return {w["fontname"].partition("+")[2] for w in pdf_words(pdf)}


def chart_words(pdf: Path) -> set[str]:
    """The chart's legend and bar labels: the only words drawn smaller than 7.5 pt."""
    return {w["text"] for w in pdf_words(pdf) if w["size"] < 7.5}


def test_a_warm_watch_shows_every_kind_of_edit_in_the_new_pdf(
    project_builder: ProjectBuilder,
) -> None:
    """What the warm process keeps (the Jinja environment and its compiled templates, the font
    configuration, the chart cache, the last layout's page numbers) never outlives the files it
    came from: an edited summary, template, font, chart's data and seed each show in the next
    PDF, and a broken edit leaves the last good PDF in place."""
    root = project_builder({**MINIMAL_PROJECT, "content/front-matter.yaml": CHARTED_FRONT_MATTER})
    template = root / "templates" / "briefing.html.j2"
    (root / "templates" / "fonts").mkdir(parents=True)
    shutil.copy(packaged_templates() / "briefing.html.j2", template)
    said: list[str] = []
    problems: list[str] = []
    stop = threading.Event()
    worker = threading.Thread(
        target=watch, args=(root, ["pdf"], said.append, problems.append, stop), daemon=True
    )
    worker.start()

    def saved(path: Path, text: str | bytes) -> None:
        """Save the edit and wait for the rebuild it starts, whether it succeeds or fails."""
        done = len([s for s in said if " rebuilt " in s]) + len(problems)
        save(path, text)
        assert wait_for(lambda: len([s for s in said if " rebuilt " in s]) + len(problems) > done)

    try:
        assert wait_for(lambda: any(s.startswith("watching") for s in said)), (said, problems)
        [pdf] = (root / "build").glob("*.pdf")
        assert "actual" in chart_words(pdf) and "estimate" not in chart_words(pdf)

        summary = root / "content" / "alpha.yaml"
        saved(summary, MINIMAL_ALPHA.replace("summary: A short", "summary: A watched, short"))
        assert "A watched, short news report" in pdf_text(pdf), problems

        page = template.read_text(encoding="utf-8")
        assert page.count('<p class="source-line">') == 1
        saved(template, page.replace('<p class="source-line">', '<p class="source-line">Redrawn. '))
        assert "Redrawn. Sources: [1]" in pdf_text(pdf), problems

        # The sans-serif regular face swapped for the serif italic file: the text set in it
        # changes font in the PDF.
        assert "Noto-Sans" in pdf_fonts(pdf) and "Noto-Serif-Italic" in pdf_fonts(pdf)
        italic = (packaged_templates() / "fonts" / "NotoSerif-Italic.ttf").read_bytes()
        saved(root / "templates" / "fonts" / "NotoSans-Regular.ttf", italic)
        assert "Noto-Sans" not in pdf_fonts(pdf), problems

        edited = MINIMAL_ALPHA.replace("summary: A short", "summary: A watched, short")
        assert edited.count("    bound: more-than\n") == 1
        saved(
            summary,
            edited.replace(
                "    bound: more-than\n", "    bound: more-than\n    status: estimate\n"
            ),
        )
        assert {"estimate"} <= chart_words(pdf) and "actual" not in chart_words(pdf), problems
        good = pdf.read_bytes()

        seed = root / "seeds" / "alpha.txt"
        saved(seed, MINIMAL_SEED.replace("Chip supply remains", "Chip supply was"))
        assert wait_for(lambda: any("previous output is unchanged" in p for p in problems))
        assert any(p.startswith("content/alpha.yaml:") and "excerpt" in p for p in problems), (
            problems
        )
        assert pdf.read_bytes() == good

        problems.clear()
        saved(seed, MINIMAL_SEED + "Officials expect more next year.\n")  # proved again: found
        assert not problems and said[-1].endswith(" s") and " rebuilt " in said[-1], problems
    finally:
        stop.set()
        worker.join(timeout=10)
    assert not worker.is_alive()


def test_the_last_layouts_page_numbers_are_tried_first_and_checked(
    project_builder: ProjectBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild lays the page out once when the appendix's page numbers of the last layout still
    hold, and twice when they do not: stale numbers in the cache never reach the PDF."""
    import json

    from briefing import render_pdf
    from briefing.build import build
    from briefing.files import write_cache

    layouts: list[str] = []

    def counted(html: str, dirs: list[Path]) -> Any:
        layouts.append(html)
        return real_layout(html, dirs)

    real_layout = render_pdf.layout
    monkeypatch.setattr(render_pdf, "layout", counted)
    root = project_builder()
    [built] = build(root, ["pdf"])
    cited = re.findall(r"Cited on (pp?\. [0-9–, ]+):", pdf_text(built.path))
    assert cited == ["pp. 1, 4"] and len(layouts) == 2  # no layout before: laid out again

    layouts.clear()
    edit = MINIMAL_ALPHA.replace("summary: A short", "summary: A watched, short")
    save(root / "content" / "alpha.yaml", edit)
    build(root, ["pdf"])
    assert "A watched, short" in pdf_text(built.path) and len(layouts) == 1

    layouts.clear()
    stale = {"cited": {"alpha": "pp. 9–10"}, "pages": {}}
    write_cache(root / "build" / ".cache" / "pages.json", json.dumps(stale).encode())
    build(root, ["pdf"])
    assert re.findall(r"Cited on (pp?\. [0-9–, ]+):", pdf_text(built.path)) == cited
    assert len(layouts) == 2 and "pp. 9–10" in layouts[0] and "pp. 9–10" not in layouts[1]
