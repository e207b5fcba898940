"""The shipped fonts cut down to the characters a document uses, for the formats that carry
their fonts inside them: the DOCX (embedded TrueType parts) and the HTML page (inline WOFF2).

A subset is cached by the font's bytes, the characters and the form, and the cache is skipped
when it cannot be written.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .files import MAX_TEMPLATE_BYTES, read_cache, read_file, write_cache

FontForm = Literal["ttf", "woff2"]

# Family -> face -> file in templates/fonts: the families the styles name.
SHIPPED_FONTS = {
    "Noto Serif": {
        "Regular": "NotoSerif-Regular.ttf",
        "Bold": "NotoSerif-Bold.ttf",
        "Italic": "NotoSerif-Italic.ttf",
    },
    "Noto Sans": {"Regular": "NotoSans-Regular.ttf", "Bold": "NotoSans-Bold.ttf"},
    "Noto Sans CJK SC": {"Regular": "NotoSansSC-Regular-subset.ttf"},
}
# What a renderer may add beside the text: page numbers, separators.
ALWAYS = "0123456789 .,:;–-()[]"


@dataclass(frozen=True)
class FontFace:
    family: str
    face: str  # Regular, Bold, Italic, BoldItalic
    data: bytes

    @property
    def bold(self) -> bool:
        return "Bold" in self.face

    @property
    def italic(self) -> bool:
        return "Italic" in self.face


def shipped_subsets(
    dirs: list[Path], text: str, cache: Path | None, form: FontForm = "ttf"
) -> list[FontFace]:
    """Every shipped face found in the template folders (a project's own first), subset."""
    characters = "".join(sorted(set(text + ALWAYS)))
    faces = []
    for family, files in SHIPPED_FONTS.items():
        for face, name in files.items():
            folder = next((d / "fonts" for d in dirs if (d / "fonts" / name).is_file()), None)
            if folder is not None:
                data = read_file(
                    folder / name, folder, f"{folder.parent.name}/fonts/{name}",
                    limit=MAX_TEMPLATE_BYTES, kind="fonts", within="the templates folder",
                )  # fmt: skip
                faces.append(FontFace(family, face, _cached_subset(data, characters, cache, form)))
    return faces


def _cached_subset(data: bytes, characters: str, cache: Path | None, form: FontForm) -> bytes:
    """A damaged entry reads as None and is made again; a cache that cannot be written costs
    time only (files.py's cache rules, as for charts and folded seeds)."""
    key = hashlib.sha256(data + characters.encode("utf-8") + form.encode()).hexdigest()[:32]
    cached = cache / f"{key}.{form}" if cache else None
    entry = read_cache(cached) if cached is not None else None
    if entry is not None:
        return entry
    subset = subset_font(data, characters, form)
    if cached is not None:
        write_cache(cached, subset)
    return subset


def subset_font(data: bytes, text: str, form: FontForm = "ttf") -> bytes:
    """The font cut down to the characters of `text` (and what shaping them needs)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data), recalcTimestamp=False)  # rebuilds stay byte-identical
    # Unhinted, with kerning and ligatures only: a fifth of the time of a full subset, and
    # Word, LibreOffice and browsers lay the text out the same.
    options = subset.Options(hinting=False, layout_features=["kern", "liga"])
    options.name_legacy = True  # the family names Word and LibreOffice look fonts up by
    if form == "woff2":
        options.flavor = "woff2"
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    if form == "woff2":
        font.flavor = "woff2"
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()
