"""Bytes in memory -> files in the output folder, all or nothing, only after every format succeeded.

Each file is written and synced beside its target under a hidden staging name, then every
target is swapped in with os.replace. Before a target is replaced, its previous version is kept
as a hard link; if a later swap fails, the files already swapped are put back, so the output
folder holds the previous set or the new set, never a mix, and no staging file is left behind.

SIGINT and SIGTERM wait while the swap runs, so it finishes. SIGKILL or a power cut cannot be
waited for: before the first rename, a journal naming every swap is written, and the next
publish (or build) in that folder completes a swap its journal describes, then removes every
staging and backup file a killed process left. An exclusive lock on the folder keeps that
clean-up away from the files of a publish still running.

Before anything is rendered, the output folder is checked to be a folder of its own and every
file name to be a plain one.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .config import Project
from .content import Content
from .document import Document
from .errors import ContentError, Problem, PublishError
from .interrupt import (
    Interrupted,
    deferred,
    forget_published,
    note_published,
    raise_if_interrupted,
)

JOURNAL = ".publish-journal.json"
STAGED_SUFFIX = ".staged"
BACKUP_SUFFIX = ".staged.old"
# mkstemp's names: "." + the target's name + "." + eight random characters + the suffix.
LEFTOVER = re.compile(r"^\..+\.[a-z0-9_]{8}\.staged(\.old)?$")


@dataclass(frozen=True)
class Swap:
    """One file to move into place, and the name its previous version is kept under meanwhile."""

    staged: Path
    target: Path

    @property
    def backup(self) -> Path:
        return self.staged.with_name(self.staged.name.removesuffix(STAGED_SUFFIX) + BACKUP_SUFFIX)


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
    forget_published()  # a new set: until it is swapped in, none of it is in place
    folders = sorted({target.parent for target in outputs})
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PublishError(f"cannot write {folder}: {exc.strerror}") from None
    with _locked(folders):
        for folder in folders:
            _recover_locked(folder)
        swaps = _stage(outputs)
        swapped = False
        try:
            with deferred():  # a signal now waits until the whole set is in place
                raise_if_interrupted()  # one something swallowed on the way: publish nothing
                _write_journals(swaps)
                _swap(swaps)
                _remove_journals(folders)
                swapped = True
                note_published([swap.target for swap in swaps])
        except Interrupted as stop:
            if not swapped:
                _abandon(swaps, folders)
            stop.published = [swap.target for swap in swaps] if swapped else []
            raise
        except BaseException:
            _abandon(swaps, folders)
            raise
    return [swap.target for swap in swaps]


def _abandon(swaps: list[Swap], folders: list[Path]) -> None:
    _discard(swap.staged for swap in swaps)
    _remove_journals(folders)


def recover(folder: Path) -> None:
    """Complete a swap a killed publish journaled, and remove the staging files it left."""
    if not folder.is_dir():
        return
    with _locked([folder]):
        _recover_locked(folder)


def _stage(outputs: dict[Path, bytes]) -> list[Swap]:
    swaps: list[Swap] = []
    target = Path("output")
    try:
        for target, data in outputs.items():
            _refuse_non_file(target)
            fd, staged = tempfile.mkstemp(
                prefix=f".{target.name}.", suffix=STAGED_SUFFIX, dir=target.parent
            )
            swaps.append(Swap(Path(staged), target))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(staged, 0o644)
    except OSError as exc:
        _discard(swap.staged for swap in swaps)
        raise PublishError(f"cannot write {target}: {exc.strerror}") from None
    except BaseException:  # PublishError, or a signal: nothing staged stays behind
        _discard(swap.staged for swap in swaps)
        raise
    return swaps


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


def _swap(swaps: list[Swap]) -> None:
    # (target, the previous file's backup or None when there was none)
    done: list[tuple[Path, Path | None]] = []
    backups: list[Path] = []
    target = Path("output")
    try:
        for swap in swaps:
            target, backup = swap.target, None
            if target.exists():
                backup = swap.backup
                backups.append(backup)
                _keep(target, backup)
            os.replace(swap.staged, target)
            done.append((target, backup))
    except OSError as exc:
        failed = _restore(done)
        _discard([*(swap.staged for swap in swaps), *backups])
        kept = (
            "the previous files were kept"
            if not failed
            else f"could not put back {', '.join(str(p) for p in failed)}"
        )
        raise PublishError(f"cannot replace {target}: {exc.strerror}; {kept}") from None
    _discard(backups)
    _sync_folders({swap.target.parent for swap in swaps})


def _write_journals(swaps: list[Swap]) -> None:
    """Name every swap on disk before the first rename, so a killed publish can be completed."""
    by_folder: dict[Path, list[Swap]] = {}
    for swap in swaps:
        by_folder.setdefault(swap.target.parent, []).append(swap)
    for folder, entries in by_folder.items():
        record = [{"staged": s.staged.name, "target": s.target.name} for s in entries]
        tmp = folder / (JOURNAL + ".tmp")
        try:
            with open(tmp, "w", encoding="utf-8") as handle:
                json.dump(record, handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, folder / JOURNAL)
        except OSError as exc:
            _discard([tmp])
            raise PublishError(f"cannot write {folder / JOURNAL}: {exc.strerror}") from None
        _sync_folders({folder})


def _remove_journals(folders: Iterable[Path]) -> None:
    _discard(folder / JOURNAL for folder in folders)


def _recover_locked(folder: Path) -> None:
    """Roll a journaled swap forward (its staged files are complete), then sweep leftovers."""
    journal = folder / JOURNAL
    try:
        entries = json.loads(journal.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        entries = []  # no journal, or one cut short before its rename: nothing was swapped yet
    for entry in entries if isinstance(entries, list) else []:
        staged, target = _journaled(folder, entry)
        if staged is not None and target is not None and staged.is_file():
            with contextlib.suppress(OSError):
                os.replace(staged, target)
    _discard([journal, folder / (JOURNAL + ".tmp")])
    with contextlib.suppress(OSError):
        _discard(path for path in folder.iterdir() if LEFTOVER.match(path.name))
    _sync_folders({folder})


def _journaled(folder: Path, entry: object) -> tuple[Path | None, Path | None]:
    """The entry's two names, when both are plain names in this folder and of the right shape."""
    if not isinstance(entry, dict):
        return None, None
    staged, target = entry.get("staged"), entry.get("target")
    if not isinstance(staged, str) or not isinstance(target, str):
        return None, None
    if Path(staged).name != staged or Path(target).name != target or not LEFTOVER.match(staged):
        return None, None
    if not staged.startswith(f".{target}.") or (folder / target).is_symlink():
        return None, None
    return folder / staged, folder / target


@contextlib.contextmanager
def _locked(folders: list[Path]) -> Iterator[None]:
    """An exclusive lock on each output folder: one publish or clean-up at a time in it."""
    fds: list[int] = []
    try:
        for folder in folders:
            try:
                fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
            except OSError:
                continue  # a folder that cannot be opened is refused later, with its name
            fds.append(fd)
            with contextlib.suppress(OSError):  # not every file system can lock
                fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        for fd in fds:
            os.close(fd)


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
