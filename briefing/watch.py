"""`briefing watch`: rebuild when content, seeds, templates or configuration change.

The process stays warm (libraries imported, chart cache on disk), so a rebuild costs the render
alone. A failed rebuild prints its problems and leaves the last good output in place.
`project_changes` is the watching itself, shared with `briefing serve`.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .build import build
from .config import CONFIG_NAME, Format, Project, find_project
from .errors import BriefingError, ContentError
from .interrupt import forget_published, raise_if_interrupted

# Files editors write beside the one being saved: Vim's swap and probe files, Emacs' lock and
# auto-save files, GNOME's and JetBrains' atomic-save files, backups. Saving one is not an edit.
EDITOR_TEMPORARY = re.compile(
    r"""^(\..*\.sw.|4913|\.\#.*|\#.*\#|.*~|\.goutputstream-.*|.*\.___jb_\w+___
    |.*\.(tmp|temp|swp|bak)|\.DS_Store|flycheck_.*)$""",
    re.VERBOSE,
)
POLL_SECONDS = 0.5  # how often briefing.yaml and the watched folders are looked for


def is_editor_temporary(path: str) -> bool:
    return EDITOR_TEMPORARY.match(Path(path).name) is not None


def stamp() -> str:
    """The local time of day, so a rebuild can be told from the one before it."""
    return dt.datetime.now().strftime("%H:%M:%S")


@dataclass(frozen=True)
class Layout:
    """What is watched, and the state of briefing.yaml, which is looked at rather than watched.

    briefing.yaml is polled because it may be created after the watch starts and editors often
    replace it with a new file, which would end a watch on the old one.
    """

    folders: tuple[Path, ...]
    config_state: tuple[int, int] | None  # (modification time, size), None if absent


def current_layout(root: Path, previous: Project | None) -> tuple[Layout, Project | None]:
    try:
        project: Project | None = find_project(root)
    except BriefingError:  # a broken briefing.yaml: keep watching where we watched
        project = previous
    folders: tuple[Path, ...] = ()
    if project is not None:
        candidates = (project.content_dir, project.seeds_dir, project.templates_dir)
        folders = tuple(p for p in candidates if p.is_dir())
    config = (project.root if project else root.resolve()) / CONFIG_NAME
    try:
        info = config.stat()
        state: tuple[int, int] | None = (info.st_mtime_ns, info.st_size)
    except OSError:
        state = None
    return Layout(folders, state), project


def project_changes(
    root: Path,
    stop: threading.Event | None = None,
    step_ms: int = 50,
    watching: Callable[[], None] = lambda: None,
) -> Iterator[list[str]]:
    """Yield the names of the project's changed files, one list per save, until stop is set.

    `watching` is called once, when the folders are watched: a save made before that is not
    seen, so that is when a person (or a benchmark) may start saving.
    """
    from watchfiles import DefaultFilter
    from watchfiles import watch as watch_files

    class EditFilter(DefaultFilter):
        def __call__(self, change: object, path: str) -> bool:
            return super().__call__(change, path) and not is_editor_temporary(path)  # type: ignore[arg-type]

    layout, project = current_layout(root, None)
    shown = project.shown if project else str
    while not (stop and stop.is_set()):
        if not layout.folders:  # nothing to watch yet (content/ was removed): look again
            watching()  # briefing.yaml, which is looked at
            watching = no_call
            time.sleep(POLL_SECONDS)
            now, project = current_layout(root, project)
            if now != layout:
                layout = now
                yield [CONFIG_NAME]
            continue
        batches = watch_files(
            *layout.folders,
            watch_filter=EditFilter(),
            debounce=1600,
            step=step_ms,
            stop_event=stop,
            rust_timeout=int(POLL_SECONDS * 1000),
            yield_on_timeout=True,
        )
        try:
            for batch in batches:  # the first comes within rust_timeout, empty if nothing changed
                watching()
                watching = no_call
                changed = sorted({shown(Path(path)) for _, path in batch})
                now, project = current_layout(root, project)
                if now.config_state != layout.config_state:
                    changed.append(CONFIG_NAME)
                restart = now.folders != layout.folders
                layout = now
                if changed:
                    yield changed
                if restart:  # a folder appeared or moved: watch the new set
                    break
            else:
                return  # stopped
        except KeyboardInterrupt:
            # watchfiles' loop takes the exception our signal handler raised and raises
            # KeyboardInterrupt in its place: the signal's own exception carries on.
            raise_if_interrupted()
            raise


def no_call() -> None:
    pass


def rebuild_once(
    root: Path, formats: list[Format], say: Callable[[str], None], problem: Callable[[str], None]
) -> bool:
    started = time.perf_counter()
    forget_published()
    try:
        built = build(root, formats, warn=problem)
    except BriefingError as error:
        for line in problem_lines(error):
            problem(line)
        problem(f"{stamp()} build failed; the previous output is unchanged")
        return False
    names = ", ".join(b.path.name for b in built)
    say(f"{stamp()} rebuilt {names} in {time.perf_counter() - started:.1f} s")
    return True


def problem_lines(error: BriefingError) -> list[str]:
    if isinstance(error, ContentError):
        return [str(p) for p in error.problems]
    return [str(error)]


def watch(
    root: Path,
    formats: list[Format],
    say: Callable[[str], None],
    problem: Callable[[str], None],
    stop: threading.Event | None = None,
) -> None:
    project = find_project(root)
    rebuild_once(root, formats, say, problem)
    paths = [project.content_dir, project.seeds_dir, project.templates_dir]
    watched = [project.shown(p) for p in paths if p.is_dir()] + [CONFIG_NAME]
    for changed in project_changes(
        root, stop, watching=lambda: say(f"watching {', '.join(watched)}; Ctrl+C to stop")
    ):
        say(f"{stamp()} changed: {', '.join(changed)}")
        rebuild_once(root, formats, say, problem)
