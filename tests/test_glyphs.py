"""Characters no shipped font covers are warnings that name the content file and line."""

from __future__ import annotations

from pathlib import Path

from briefing.glyphs import font_coverage, missing_glyphs
from briefing.load import load_yaml

FONTS = Path(__file__).resolve().parents[1] / "templates" / "fonts"


def test_shipped_fonts_cover_latin_and_simplified_chinese(tmp_path: Path) -> None:
    covered = font_coverage([FONTS], tmp_path)
    for text in ("Policy briefing – “quoted” €", "人工智能产业规模突破1.2万亿元"):
        assert all(ord(c) in covered for c in text)
    assert font_coverage([FONTS], tmp_path) == covered  # second call from the cache
    assert list(tmp_path.glob("coverage-*.json"))


def test_uncovered_glyph_is_located(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("title: fine\nsummary: growth 😀 ahead\n", encoding="utf-8")
    loaded, problems = load_yaml(path, "content/x.yaml", tmp_path)
    assert loaded is not None and not problems
    [warning] = missing_glyphs([loaded], font_coverage([FONTS], tmp_path))
    assert str(warning) == (
        "content/x.yaml:2:10: warning: summary: no shipped font has a glyph for "
        "U+1F600 '😀'; it will print as a box"
    )
