"""Every file the tool reads or writes in a project passes here: confined, regular, bounded.

A path must resolve inside its root (the project folder; for templates and fonts, the templates
folder they belong to). A link that stays inside is fine; one that leads out is refused with the
file's name and where it leads. Only regular files are opened, and never read past a limit, so a
FIFO, a device or a huge file is refused before a byte of it is read. Cache entries carry a
checksum (a truncated entry is rebuilt, silently) and are written atomically, never through a link.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import os
import stat
import tempfile
from pathlib import Path

from .errors import FileRefused

MAX_SEED_BYTES = 64 * 1024 * 1024
MAX_TEMPLATE_BYTES = 32 * 1024 * 1024  # a template, a style sheet, a font, reference.docx
MAX_CACHE_BYTES = 1024 * 1024 * 1024
CACHE_FOLDER = ".cache"
_CACHE_MAGIC = b"briefing-cache 1\n"
_DIGEST = 32  # bytes of sha256 after the magic line
_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC
_SPECIAL = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a folder",
}
# Byte-order marks editors write (Notepad, Visual Studio): the text after one is read in its encoding.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def confine(path: Path, root: Path, shown: str, *, within: str = "the project") -> Path:
    """The path with every link resolved, when it stays inside root; FileRefused otherwise."""
    try:
        real = path.resolve()
    except (RuntimeError, OSError):  # Python 3.11 raises RuntimeError for a loop of links
        raise FileRefused(
            shown, "a symbolic link that leads back to itself; expected a file or a link to one"
        ) from None
    if real.is_relative_to(root.resolve()):
        return real
    if path.is_symlink():
        target = os.readlink(path)
        leads = f"a symbolic link to {target}"
        if Path(target) != real:
            leads += f" (which leads to {real})"
    else:
        leads = f"a path that leads to {real} through a linked folder"
    raise FileRefused(
        shown, f"{leads}, outside {within}; copy it into {within} instead of linking to it"
    )


def regular_file(path: Path, root: Path, shown: str, *, within: str = "the project") -> Path:
    """The resolved path of a regular file inside root, for a library that opens it itself."""
    real = confine(path, root, shown, within=within)
    _refuse_special(os.stat(real), shown)
    return real


def project_file(path: Path, root: Path, shown: str) -> Path:
    """The resolved path of a file the tool keeps in the project (it may not exist yet), for a
    module that opens it itself: inside root, and a regular file if it is there."""
    real = confine(path, root, shown)
    if os.path.lexists(real):
        _refuse_special(os.stat(real), shown)
    return real


def read_file(
    path: Path, root: Path, shown: str, *, limit: int, kind: str, within: str = "the project"
) -> bytes:
    """The bytes of a regular file inside root, at most `limit` of them.

    FileNotFoundError when there is nothing there; FileRefused for anything else that is wrong.
    """
    real = confine(path, root, shown, within=within)
    _refuse_special(os.stat(real), shown)  # before opening: a FIFO would block, a device stream
    fd = os.open(real, _OPEN_FLAGS)
    with open(fd, "rb") as handle:
        size = os.fstat(fd).st_size
        _refuse_special(os.fstat(fd), shown)  # replaced between the two looks
        if size > limit:
            raise FileRefused(shown, _too_big(size, limit, kind))
        data = handle.read(size + 1)
        if len(data) > size:  # it grew while we read: take the rest, to the limit
            data += handle.read(limit + 1 - len(data))
    if len(data) > limit:
        raise FileRefused(shown, _too_big(len(data), limit, kind))
    return data


def _too_big(size: int, limit: int, kind: str) -> str:
    return f"{size:,} bytes; {kind} are limited to {limit:,}"


def _refuse_special(info: os.stat_result, shown: str) -> None:
    if not stat.S_ISREG(info.st_mode):
        kind = _SPECIAL.get(stat.S_IFMT(info.st_mode), "not a regular file")
        raise FileRefused(shown, f"{kind}, not a regular file; expected a plain file")


def split_bom(raw: bytes) -> tuple[bytes, str]:
    """The bytes after a byte-order mark, and the encoding it announces (UTF-8 without one)."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return raw[len(bom) :], encoding
    return raw, "utf-8"


def decode_text(raw: bytes) -> str:
    """Text in UTF-8, or in UTF-8 or UTF-16 after a byte-order mark; UnicodeDecodeError else."""
    body, encoding = split_bom(raw)
    return body.decode(encoding)


def create_file(path: Path, data: bytes, root: Path, shown: str) -> None:
    """Write a new file inside root, whole or not at all; FileExistsError if anything is there.

    A link already at the path (even one that leads nowhere) counts as something there: the
    file is written beside it and linked into place, which never follows or replaces a link.
    """
    folder = confine(path.parent, root, shown)
    fd, staged = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with open(fd, "wb") as handle:
            handle.write(data)
        os.chmod(staged, 0o644)
        os.link(staged, folder / path.name, follow_symlinks=False)
    finally:
        os.unlink(staged)


def read_cache(path: Path) -> bytes | None:
    """A cache entry's data, or None when it is missing, truncated or damaged (build it again)."""
    _refuse_cache_links(path)
    try:
        info = os.lstat(path)
    except OSError:
        return None
    _refuse_special(info, str(path))
    try:
        fd = os.open(path, _OPEN_FLAGS)
        with open(fd, "rb") as handle:
            raw = handle.read(MAX_CACHE_BYTES + 1)
    except OSError:
        return None
    start = len(_CACHE_MAGIC) + _DIGEST
    if len(raw) > MAX_CACHE_BYTES or not raw.startswith(_CACHE_MAGIC):
        return None
    data = raw[start:]
    if hashlib.sha256(data).digest() != raw[len(_CACHE_MAGIC) : start]:
        return None
    return data


def write_cache(path: Path, data: bytes) -> None:
    """Store a cache entry atomically. A cache is an optimisation: a folder that refuses it
    costs time only, but a link in the cache is refused, as it is for the built files."""
    _refuse_cache_links(path)
    staged = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _refuse_cache_links(path)
        fd, staged = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with open(fd, "wb") as handle:
            handle.write(_CACHE_MAGIC)
            handle.write(hashlib.sha256(data).digest())
            handle.write(data)
        os.replace(staged, path)  # replaces a name, never writes through one
        staged = None
    except OSError:
        pass
    finally:
        if staged is not None:
            with contextlib.suppress(OSError):
                os.unlink(staged)


def _refuse_cache_links(path: Path) -> None:
    """The entry and every folder between it and the cache folder are real, not links.

    The output folder above the cache may itself be a link (a build folder on another disk).
    """
    chain = [path, *path.parents]
    names = [part.name for part in chain]
    chain = chain[: names.index(CACHE_FOLDER) + 1] if CACHE_FOLDER in names else chain[:1]
    for part in chain:
        if part.is_symlink():
            raise FileRefused(
                str(part),
                f"a symbolic link to {os.readlink(part)}; the cache is never read or written "
                f"through links (delete {part})",
            )
