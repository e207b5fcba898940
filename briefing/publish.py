"""Bytes in memory -> files in the output folder, all or nothing, only after every format succeeded.

Each file is written and synced beside its target under a hidden temporary name, then every
target is swapped in with os.replace. Before a target is replaced, its previous version is kept
as a hard link; if a later swap fails, the files already swapped are put back, so the output
folder holds the previous set or the new set, never a mix, and no temporary file is left behind.
Before anything is rendered, the output folder is checked to be a folder of its own and every
file name to be a plain one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .config import Project
from .content import Content
from .document import Document
from .errors import ContentError, Problem, PublishError


def output_name(project: Project, doc: Document, fmt: str) -> Path:
    stem = project.config.filename.format(
        date=doc.front.date.isoformat(), version=doc.front.version
    )
    return project.output_dir / f"{stem}.{fmt}"


def prepare_output(project: Project) -> None:
    """Make sure the output folder is a folder of its own, before anything is rendered.

    A symbolic link as the output folder is followed (a build folder on another disk is a common
    set-up), but not into the project's own folders: the built files never land among the inputs.
    """
    out = project.output_dir
    shown = project.shown(out)
    if out.is_symlink() and not out.exists():
        raise PublishError(
            f"{shown} is a symbolic link to {os.readlink(out)}, which does not exist; "
            "expected the output folder or a link to one"
        )
    if out.exists() and not out.is_dir():
        raise PublishError(f"{shown} is a file; expected the output folder (remove the file)")
    real = out.resolve()
    if real == project.root or real in project.root.parents:
        raise PublishError(
            f"{shown} leads to {real}, which holds the whole project; "
            "expected a folder of its own for the built files"
        )
    for role, folder in (
        ("content", project.content_dir),
        ("seeds", project.seeds_dir),
        ("templates", project.templates_dir),
    ):
        folder = folder.resolve()
        if real == folder or folder in real.parents or real in folder.parents:
            raise PublishError(
                f"{shown} leads to {project.shown(real)}, which overlaps the {role} folder; "
                "expected a folder of its own for the built files"
            )


def check_names(project: Project, content: Content, names: list[Path]) -> None:
    """The front matter's version is part of the file name: it must not make a hidden file."""
    for path in names:
        if path.name.startswith("."):
            raise ContentError(
                [
                    Problem(
                        content.front_file.locate(("version",)),
                        f"makes the output file name {path.name!r}, a hidden file; expected a "
                        "version that starts with a letter or digit",
                        "version",
                    )
                ]
            )


def publish(outputs: dict[Path, bytes]) -> list[Path]:
    """Write every file, then swap them all in; any failure leaves the previous files as they were."""
    _refuse_aliases(list(outputs))
    staged: list[tuple[Path, Path]] = []
    target = Path("output")
    try:
        for target, data in outputs.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            _refuse_non_file(target)
            fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
            staged.append((Path(tmp_name), target))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp_name, 0o644)
    except OSError as exc:
        _discard(tmp for tmp, _ in staged)
        raise PublishError(f"cannot write {target}: {exc.strerror}") from None
    except PublishError:
        _discard(tmp for tmp, _ in staged)
        raise
    _swap(staged)
    return [target for _, target in staged]


def _refuse_aliases(targets: list[Path]) -> None:
    """Two outputs that name one file (through a link, or by case on a case-blind disk)."""
    seen: dict[tuple[str, str], Path] = {}
    for target in targets:
        key = (os.path.normcase(str(target.parent.resolve())), target.name.casefold())
        if key in seen:
            raise PublishError(
                f"{seen[key]} and {target} would be the same file; nothing was written"
            )
        seen[key] = target


def _refuse_non_file(target: Path) -> None:
    if target.is_symlink():
        raise PublishError(f"{target} is a symbolic link; refusing to write through it")
    if target.exists() and not target.is_file():
        raise PublishError(f"{target} is not a regular file; expected a file or nothing there")


def _swap(staged: list[tuple[Path, Path]]) -> None:
    # (target, the previous file's backup or None when there was none, swapped yet)
    done: list[tuple[Path, Path | None]] = []
    backups: list[Path] = []
    try:
        for tmp, target in staged:
            backup = None
            if target.exists():
                backup = tmp.with_name(tmp.name + ".old")
                backups.append(backup)
                _keep(target, backup)
            os.replace(tmp, target)
            done.append((target, backup))
    except OSError as exc:
        failed = _restore(done)
        _discard([*(tmp for tmp, _ in staged), *backups])
        kept = (
            "the previous files were kept"
            if not failed
            else f"could not put back {', '.join(str(p) for p in failed)}"
        )
        raise PublishError(f"cannot replace {target}: {exc.strerror}; {kept}") from None
    _discard(backups)
    _sync_folders({target.parent for _, target in staged})


def _keep(target: Path, backup: Path) -> None:
    """A second name for the previous file; a copy where the disk has no hard links."""
    try:
        os.link(target, backup)
    except OSError:
        shutil.copy2(target, backup)


def _restore(done: list[tuple[Path, Path | None]]) -> list[Path]:
    failed = []
    for target, backup in reversed(done):
        try:
            if backup is None:
                target.unlink()
            else:
                os.replace(backup, target)
        except OSError:
            failed.append(target)
    return failed


def _discard(paths: Iterable[Path]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


def _sync_folders(folders: set[Path]) -> None:
    """Make the renames durable; not every system can open a folder, and that is fine."""
    for folder in folders:
        try:
            fd = os.open(folder, os.O_RDONLY)
        except OSError:
            continue
        try:
            with contextlib.suppress(OSError):
                os.fsync(fd)
        finally:
            os.close(fd)
