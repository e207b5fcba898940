"""`briefing watch` rebuilds on a change, reports a broken edit, and keeps the last good output."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from briefing.watch import is_editor_temporary, project_changes, rebuild_once, watch


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
