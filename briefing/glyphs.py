"""Find characters in the content that no shipped font can draw, and say where they are."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

from .errors import Problem, RenderError
from .files import MAX_TEMPLATE_BYTES, read_cache, read_file, regular_file, write_cache
from .load import Loaded, dotted

FONT_SUFFIXES = (".ttf", ".otf")
WITHIN = "the templates folder"


def font_coverage(
    font_dirs: list[Path], cache_dir: Path | None, shown: Callable[[Path], str] = str
) -> set[int]:
    """Every code point some shipped font maps; cached by the fonts' names and sizes.

    A font is read only from inside its templates folder (fonts/ sits in one), and one that
    fontTools cannot read is a RenderError naming it.
    """
    fonts = [
        (path, folder.parent)
        for folder in font_dirs
        if folder.is_dir()
        for path in sorted(folder.iterdir())
        if path.suffix in FONT_SUFFIXES
    ]
    sizes = [
        (path.name, os.stat(regular_file(path, root, shown(path), within=WITHIN)).st_size)
        for path, root in fonts
    ]
    key = hashlib.sha256(json.dumps(sorted(sizes)).encode()).hexdigest()[:24]
    cached = cache_dir / f"coverage-{key}.json" if cache_dir else None
    entry = read_cache(cached) if cached else None
    if entry is not None:
        try:
            return set(json.loads(entry))
        except ValueError:
            pass  # from another version: read the fonts again
    covered: set[int] = set()
    for path, root in fonts:
        data = read_file(
            path, root, shown(path), limit=MAX_TEMPLATE_BYTES, kind="fonts", within=WITHIN
        )
        covered |= _code_points(data, shown(path))
    if cached:
        write_cache(cached, json.dumps(sorted(covered)).encode())
    return covered


def _code_points(data: bytes, shown: str) -> set[int]:
    import io

    from fontTools.ttLib import TTFont

    try:
        with TTFont(io.BytesIO(data), lazy=True) as font:
            return set(font.getBestCmap() or {})
    except Exception as exc:  # fontTools raises what its parsers meet: one line for the user
        detail = (str(exc).splitlines() or [type(exc).__name__])[0][:120]
        raise RenderError(
            f"{shown}: not a font that can be read ({detail}); replace it with a TrueType or "
            "OpenType font, or remove it"
        ) from None


def missing_glyphs(files: list[Loaded], covered: set[int]) -> list[Problem]:
    """One warning per text field that holds characters no shipped font covers."""
    problems = []
    for loaded in files:
        for at, text in loaded.strings():
            missing = sorted({c for c in text if ord(c) not in covered and not c.isspace()})
            if missing:
                shown = ", ".join(f"U+{ord(c):04X} {c!r}" for c in missing[:5])
                problems.append(
                    Problem(
                        loaded.locate(at),
                        f"no shipped font has a glyph for {shown}; it will print as a box",
                        dotted(at),
                        severity="warning",
                    )
                )
    return problems
