"""Find characters in the content that no shipped font can draw, and say where they are."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import Problem
from .load import Loaded, dotted

FONT_SUFFIXES = (".ttf", ".otf")


def font_coverage(font_dirs: list[Path], cache_dir: Path | None) -> set[int]:
    """Every code point some shipped font maps; cached by the fonts' names and sizes."""
    fonts = sorted(
        p for d in font_dirs if d.is_dir() for p in d.iterdir() if p.suffix in FONT_SUFFIXES
    )
    key = hashlib.sha256(
        json.dumps([(p.name, p.stat().st_size) for p in fonts]).encode()
    ).hexdigest()[:24]
    cached = cache_dir / f"coverage-{key}.json" if cache_dir else None
    if cached and cached.exists():
        try:
            return set(json.loads(cached.read_text()))
        except (OSError, ValueError):
            pass  # unreadable: read the fonts again
    from fontTools.ttLib import TTFont

    covered: set[int] = set()
    for path in fonts:
        with TTFont(path, lazy=True) as font:
            covered |= set(font.getBestCmap() or {})
    if cached:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            cached.write_text(json.dumps(sorted(covered)))
        except OSError:
            pass  # the cache is an optimisation: a folder that refuses it costs time only
    return covered


def _strings(data: Any, at: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(data, str):
        yield at, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, (*at, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, (*at, index))


def missing_glyphs(files: list[Loaded], covered: set[int]) -> list[Problem]:
    """One warning per text field that holds characters no shipped font covers."""
    problems = []
    for loaded in files:
        for at, text in _strings(loaded.data, ()):
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
