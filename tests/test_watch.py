"""`briefing watch` rebuilds on a change, reports a broken edit, and keeps the last good output."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from briefing.watch import watch


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
