"""Make templates/fonts/NotoSansSC-Regular-subset.ttf from Noto Sans CJK.

The subset holds ASCII, GB2312 (the 6,763 common simplified characters), CJK and full-width
punctuation, and every character of the content and seeds, so the shipped font stays a few MB.
Its CFF outlines are converted to TrueType so WeasyPrint embeds it as a CID TrueType font like
the Latin fonts: every PDF text extractor then maps its glyphs back to Unicode, where some
(pypdf among them) cannot read a CFF font's custom encoding.

Usage: python tools/make_cjk_font.py /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
(Debian package fonts-noto-cjk; needed only to remake the font, not to build a briefing.)
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

MAX_ERROR = 1.0  # font units: quadratic curves within one unit of the cubic originals


REPO = Path(__file__).resolve().parents[1]
TARGET = REPO / "templates" / "fonts" / "NotoSansSC-Regular-subset.ttf"
SC_FAMILY = "Noto Sans CJK SC"


def wanted_characters() -> set[int]:
    wanted = set(range(0x20, 0x7F)) | set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFFF0))
    wanted |= set(range(0x2010, 0x2028))
    for high in range(0xB0, 0xF8):
        for low in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                wanted.add(ord(bytes([high, low]).decode("gb2312")))
    for folder in ("content", "seeds"):
        for path in (REPO / folder).iterdir():
            wanted |= {ord(c) for c in path.read_text(encoding="utf-8")}
    return wanted


def simplified_chinese_index(collection: str) -> int:
    from fontTools.ttLib import TTCollection

    for index, font in enumerate(TTCollection(collection).fonts):
        if font["name"].getDebugName(1) == SC_FAMILY:
            return index
    raise SystemExit(f"{collection}: no {SC_FAMILY} face")


def make_subset(collection: str) -> TTFont:
    font = TTFont(collection, fontNumber=simplified_chinese_index(collection))
    cmap = font.getBestCmap()
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[c for c in wanted_characters() if c in cmap])
    subsetter.subset(font)
    return font


def convert(font: TTFont, target: Path) -> None:
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, MAX_ERROR, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = glyphs
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                  "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                  "maxComponentElements", "maxPoints", "maxContours",
                  "maxCompositePoints", "maxCompositeContours", "maxComponentDepth"):  # fmt: skip
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["head"].indexToLocFormat = 0
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = glyph_order
    font.sfntVersion = "\x00\x01\x00\x00"
    font.save(target)


if __name__ == "__main__":
    convert(make_subset(sys.argv[1]), TARGET)
    print(f"wrote {TARGET} ({TARGET.stat().st_size // 1024} KiB)")
