"""`briefing watch`: rebuild when content, seeds, templates or configuration change.

The process stays warm (libraries imported, chart cache on disk), so a rebuild costs the render
alone. A failed rebuild prints its problems and leaves the last good output in place.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from .build import build
from .config import CONFIG_NAME, Format, find_project
from .errors import BriefingError, ContentError


def rebuild_once(
    root: Path, formats: list[Format], say: Callable[[str], None], problem: Callable[[str], None]
) -> bool:
    started = time.perf_counter()
    try:
        built = build(root, formats, warn=problem)
    except BriefingError as error:
        lines = (
            [str(p) for p in error.problems] if isinstance(error, ContentError) else [str(error)]
        )
        for line in lines:
            problem(line)
        problem("build failed; the previous output is unchanged")
        return False
    names = ", ".join(b.path.name for b in built)
    say(f"rebuilt {names} in {time.perf_counter() - started:.1f} s")
    return True


def watch(
    root: Path,
    formats: list[Format],
    say: Callable[[str], None],
    problem: Callable[[str], None],
    stop: threading.Event | None = None,
    debounce_ms: int = 300,
) -> None:
    from watchfiles import watch as watch_changes

    project = find_project(root)
    paths = [
        p for p in (project.content_dir, project.seeds_dir, project.templates_dir) if p.is_dir()
    ]
    if (project.root / CONFIG_NAME).exists():
        paths.append(project.root / CONFIG_NAME)
    rebuild_once(root, formats, say, problem)
    say(f"watching {', '.join(project.shown(p) for p in paths)}; Ctrl+C to stop")
    for changes in watch_changes(
        *paths, debounce=debounce_ms, stop_event=stop, raise_interrupt=False, step=50
    ):
        changed = sorted({project.shown(Path(path)) for _, path in changes})
        say(f"changed: {', '.join(changed)}")
        rebuild_once(root, formats, say, problem)
