"""Hardening, text in each renderer: hostile text is drawn literally in the HTML, the PDF and the
DOCX, or refused where it stands.

The hostile project (tests/hostile.py) carries markup, template syntax, format strings and
bidirectional and zero-width characters in every free-text field; each is read back from every
format. Invisible characters that would mislead a reader are refused by `briefing check` on the
small clean project, one edit per case, with one located line. Emoji, Arabic and Hebrew get a
small project of their own.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docx.oxml.ns import qn
from pypdf import PdfReader
from typer.testing import CliRunner, Result

from briefing.cli import app
from briefing.document import curly_quotes

from .conftest import check, edit, write_files
from .hostile import (
    ALPHA,
    BIDI_PROSE,
    FRONT,
    RUNNING_HEADER,
    SPOTS,
    STEM,
    Built,
    Spot,
    assert_refused,
    base_files,
    marking,
    read_docx,
    read_html,
    squash,
    title,
)


def test_the_hostile_project_builds_cleanly(built: Built) -> None:
    out = built.result.stdout.splitlines()
    assert [line.split(" (")[0] for line in out[:3]] == [
        f"wrote {built.root / 'build' / STEM}.{fmt}" for fmt in ("pdf", "html", "docx")
    ]
    assert out[3].startswith("built 3 files in ")
    # The payloads' numbers ({{ 7*7 }}, {0:>999999999}) are stated by no item: only that is said.
    # A period payload names no time, so the chart draws its bar last and says so, and it is
    # longer than the period column holds.
    unproven = re.compile(
        r"content/\S+: warning: \S+: (\S+ (rests on no cited figure|is not a value)|.* cannot "
        r"place it in time|.* more than the period column holds .*)"
    )
    assert all(unproven.match(line) for line in built.result.stderr.splitlines())


# -- 1. markup, template and format syntax are drawn as the text they are ------------------------


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx"])
@pytest.mark.parametrize("spot", SPOTS, ids=lambda s: s.tag)
def test_hostile_text_renders_literally(built: Built, spot: Spot, fmt: str) -> None:
    text = built.payload(spot.tag)
    if fmt == "html":
        assert text in built.html.text
    elif fmt == "pdf":
        assert squash(text.upper() if spot.upper_in_pdf else text) in built.pdf_text
    else:
        assert any(text in p for p in built.docx.body)


def test_the_seed_excerpt_with_the_same_syntax_is_proven(built: Built) -> None:
    result = CliRunner().invoke(app, ["check", "--project", str(built.root), "--verbose"])
    assert result.exit_code == 0, result.output
    assert "alpha/sign: seeds/alpha.txt:5" in result.stdout.splitlines()


def test_no_text_becomes_an_element_or_a_handler(built: Built) -> None:
    html = built.html
    names = [tag for tag, _ in html.tags]
    hostile = {"script", "img", "iframe", "link", "object", "embed", "base", "form", "input"}
    assert not hostile & set(names)
    assert names.count("h1") == 1
    assert html.attribute("meta", "http-equiv") == [None] * 6  # the template's six, no refresh
    assert not [(t, a) for t, attrs in html.tags for a in attrs if a.startswith("on")]
    assert "<script" not in html.raw
    assert "&lt;script&gt;alert(‘summary’)&lt;/script&gt;" in html.raw  # quotes set curly
    assert built.origin not in html.styles and built.canary.name not in html.styles


def test_attributes_hold_the_whole_text(built: Built) -> None:
    """Quotes in the text cannot end an attribute: each attribute reads back as the full text."""
    html = built.html
    assert html.attribute("meta", "content", name="keywords") == [built.payload("keyword")]
    assert html.attribute("meta", "content", name="description") == [built.payload("subtitle")]
    assert html.attribute("meta", "content", name="author") == [built.payload("doc-author")]
    assert html.attribute("h1", "data-short") == [RUNNING_HEADER]
    [alt] = html.attribute("div", "aria-label", role="img")
    assert alt is not None
    assert alt.startswith(
        f"{built.payload('chart-title')}. {built.payload('period')}: more than 1.2 "
    )
    assert html.text.count(curly_quotes(title(built.origin))) == 1  # the cover's <h1>
    # <title>: at most 70 characters, as html-validate wants; the short title, or the title cut.
    assert html.text.count("W" * 69 + "…") == 1


def test_pdf_and_docx_properties_hold_the_text(built: Built) -> None:
    text = curly_quotes(title(built.origin))
    meta = PdfReader(built.pdf).metadata
    assert meta is not None and meta.title == text
    assert str(meta["/Keywords"]) == built.payload("keyword")
    props = built.docx.document.core_properties
    assert len(text) > 255 and props.title == text[:254] + "…"  # at most 255 characters
    assert props.keywords == built.payload("keyword")
    text = marking(built.origin, built.canary)
    assert props.content_status == (text if len(text) <= 255 else text[:254] + "…")


def test_the_marking_stays_a_string_in_the_margins(built: Built) -> None:
    """The marking is written into the print CSS; it must show as text on every page."""
    text = marking(built.origin, built.canary)
    assert all(page.count(squash(text)) >= 2 for page in built.pdf_pages)  # header, footer
    assert text in built.html.text  # the banner and the cover
    # header: the running title, then the marking at the right; footer: page X of Y, marking
    assert [p for p in built.docx.furniture if text in p] == [
        f"{RUNNING_HEADER}\t {text} ",
        f"Page 1 of 1\t {text} ",
    ]


def test_docx_fields_are_only_the_renderers_own(built: Built) -> None:
    """No text becomes a Word field (INCLUDEPICTURE or HYPERLINK would fetch on open)."""
    document = built.docx.document
    elements = [document.element.body]
    for section in document.sections:
        elements += [section.header._element, section.footer._element]
    fields = {t.text.strip() for e in elements for t in e.iter(qn("w:instrText"))}
    allowed = r"PAGE|NUMPAGES|SEQ Figure \\\* ARABIC|PAGEREF b_\w+ \\h"
    assert fields and all(re.fullmatch(allowed, f) for f in fields), fields


# -- 4. bidirectional and zero-width characters in prose are kept --------------------------------


@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_isolates_marks_and_zero_width_characters_are_kept_in_prose(built: Built, fmt: str) -> None:
    texts = [built.html.text] if fmt == "html" else built.docx.body
    assert sum(t.count(BIDI_PROSE) for t in texts) == 2  # beta's summary and the second takeaway


def test_prose_with_isolates_reaches_the_pdf(built: Built) -> None:
    visible = re.sub("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]", "", BIDI_PROSE)
    assert squash(visible) in re.sub(
        "[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]", "", built.pdf_text
    )


def test_the_base_project_is_clean(base: Path) -> None:
    result = check(base)
    assert (result.exit_code, result.stderr) == (0, "")


# 4. bidirectional controls and zero-width characters where a reader cannot see them
SLUG = "expected an id of lowercase letters, digits and single hyphens, got"
NUMBER = "expected a plain number such as 1.2 or 1882 (no units or commas), got"
OVERRIDE = (
    "which shows the text after it in reverse order; remove it "
    "(to set right-to-left text apart, enclose it in U+2067 … U+2069)"
)
INVISIBLE_CASES = [
    # (file, the line, its replacement, the message)
    (
        ALPHA,
        "  - id: core-ai-industry-2025\n",
        "  - id: core-ai-industry-\u202e2025\n",
        f"content/alpha.yaml:10:9: figures[0].id: {SLUG} 'core-ai-industry-\\u202e2025'",
    ),
    (
        ALPHA,
        "    metric: core-ai-industry-size\n",
        "    metric: core-ai\u200b-industry-size\n",
        f"content/alpha.yaml:12:13: figures[0].metric: {SLUG} 'core-ai\\u200b-industry-size'",
    ),
    (
        ALPHA,
        "  - id: chip-supply\n",
        "  - id: chip\u200d-supply\n",
        f"content/alpha.yaml:18:9: challenges[0].id: {SLUG} 'chip\\u200d-supply'",
    ),
    (
        ALPHA,
        "  - id: chip-supply\n",
        '  - id: "chip\\ufeff-supply"\n',
        f"content/alpha.yaml:18:9: challenges[0].id: {SLUG} 'chip\\ufeff-supply'",
    ),
    (
        FRONT,
        "    metric: core-ai-industry-size\n",
        "    metric: \u2066core-ai-industry-size\u2069\n",
        f"content/front-matter.yaml:11:13: charts[0].metric: {SLUG} "
        "'\\u2066core-ai-industry-size\\u2069'",
    ),
    (
        FRONT,
        "  - id: core-size\n",
        "  - id: core\u202d-size\n",
        f"content/front-matter.yaml:10:9: charts[0].id: {SLUG} 'core\\u202d-size'",
    ),
    (
        FRONT,
        "    sources: [alpha]\n",
        "    sources: [alpha\u200b]\n",
        f"content/front-matter.yaml:7:15: takeaways[0].sources[0]: {SLUG} 'alpha\\u200b'",
    ),
    (
        ALPHA,
        "    value: 1.2\n",
        "    value: 1.2\u202e\n",
        f"content/alpha.yaml:13:12: figures[0].value: {NUMBER} '1.2\\u202e'; "
        "it holds the invisible character U+202E",
    ),
    (
        ALPHA,
        "    value: 1.2\n",
        "    value: 1\u200b.2\n",
        f"content/alpha.yaml:13:12: figures[0].value: {NUMBER} '1\\u200b.2'; "
        "it holds the invisible character U+200B",
    ),
    (
        ALPHA,
        "    value: 1.2\n",
        '    value: "\\ufeff1.2"\n',
        f"content/alpha.yaml:13:12: figures[0].value: {NUMBER} '\\ufeff1.2'; "
        "it holds the invisible character U+FEFF",
    ),
    (
        ALPHA,
        "    value: 1.2\n",
        "    value: 1.2\n    value_high: \u20661.5\u2069\n",
        f"content/alpha.yaml:14:17: figures[0].value_high: {NUMBER} '\\u20661.5\\u2069'; "
        "it holds the invisible character U+2066",
    ),
    # in prose: overrides are refused, isolates and embeddings must close in their paragraph
    (
        ALPHA,
        "summary: A short news report on the size of Examplestan's core AI industry.\n",
        "summary: Growth was \u202e05% this year.\n",
        f"content/alpha.yaml:8:10: summary: holds U+202E (right-to-left override), {OVERRIDE}",
    ),
    (
        ALPHA,
        "    title: Chip supply\n",
        "    title: Chip \u202dsupply\u202c\n",
        "content/alpha.yaml:19:12: challenges[0].title: holds U+202D (left-to-right override), "
        f"{OVERRIDE}",
    ),
    (
        FRONT,
        "  - text: The core AI industry passed 1.2 trillion yuan in 2025 [@alpha/core-ai-industry-2025].\n",
        "  - text: The core AI industry passed \u2067tr 1.2 trillion yuan in 2025 [@alpha/core-ai-industry-2025].\n",
        "content/front-matter.yaml:6:11: takeaways[0].text: opens U+2067 (right-to-left isolate) "
        "without closing it with U+2069 (pop directional isolate); close it in the same "
        "paragraph or remove it",
    ),
    (
        ALPHA,
        "    label: Core AI industry size\n",
        "    label: Core AI \u202bindustry size\n",
        "content/alpha.yaml:11:12: figures[0].label: opens U+202B (right-to-left embedding) "
        "without closing it with U+202C (pop directional formatting); close it in the same "
        "paragraph or remove it",
    ),
    (
        FRONT,
        "executive_summary: One source reports the size of Examplestan's core AI industry.\n",
        'executive_summary: "One \\u2068source.\\n\\nTwo\\u2069 sources."\n',
        "content/front-matter.yaml:8:20: executive_summary: opens U+2068 (first strong isolate) "
        "without closing it with U+2069 (pop directional isolate); close it in the same "
        "paragraph or remove it",
    ),
]


@pytest.mark.parametrize(
    ("name", "old", "new", "line"),
    INVISIBLE_CASES,
    ids=[c[3].split(": ")[1] for c in INVISIBLE_CASES],
)
def test_invisible_characters_are_refused_where_they_mislead(
    base: Path, name: str, old: str, new: str, line: str
) -> None:
    edit(base / name, old, new)
    assert_refused(check(base), line)


def test_a_file_name_with_an_override_is_refused(base: Path) -> None:
    (base / ALPHA).rename(base / "content" / "alpha\u202e.yaml")
    result = check(base)
    assert result.stderr.splitlines()[0] == (
        "content: file name must be the source id: lowercase letters, digits and single "
        "hyphens, ending in .yaml (got 'alpha\\u202e.yaml')"
    )
    assert result.exit_code == 1


def test_closed_isolates_marks_and_zero_width_characters_pass_in_prose(base: Path) -> None:
    edit(
        base / ALPHA,
        "summary: A short news report on the size of Examplestan's core AI industry.\n",
        f"summary: {BIDI_PROSE}\n",
    )
    result = check(base)
    assert (result.exit_code, result.stderr) == (0, "")


# -- 5. emoji, Arabic and Hebrew in prose ------------------------------------------------------

ARABIC = "الذكاء الاصطناعي"
HEBREW = "בינה מלאכותית"
EMOJI = "growth 📈, developers 👩\u200d💻, flag 🇨🇳"
CITED = "[@alpha/core-ai-industry-2025]"
SCRIPT_EDITS = [
    (
        ALPHA,
        "summary: A short news report on the size of Examplestan's core AI industry.\n",
        f"summary: {EMOJI}. Arabic {ARABIC}, Hebrew {HEBREW}, isolated \u2067{ARABIC}\u2069.\n",
    ),
    (ALPHA, "    label: Core AI industry size\n", f"    label: Core AI industry ({ARABIC}) 📈\n"),
    (ALPHA, "    title: Chip supply\n", f"    title: {HEBREW} 👩\u200d💻\n"),
    (
        FRONT,
        "  - text: The core AI industry passed 1.2 trillion yuan in 2025 [@alpha/core-ai-industry-2025].\n",
        f"  - text: The core AI industry passed 1.2 trillion yuan in 2025 📈 {HEBREW} {CITED}.\n",
    ),
]


def glyphs(text: str) -> str:
    """Characters no shipped font has, as the glyph warning lists them: sorted, the first five."""
    return ", ".join(f"U+{ord(c):04X} {c!r}" for c in sorted(set(text) - {" "})[:5])


@pytest.fixture(scope="module")
def scripts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    root = write_files(tmp_path_factory.mktemp("scripts"), base_files())
    for name, old, new in SCRIPT_EDITS:
        edit(root / name, old, new)
    result = CliRunner().invoke(app, ["build", "--project", str(root), "--format", "all"])
    return root, result


def test_emoji_and_rtl_scripts_build_every_format(scripts: tuple[Path, Result]) -> None:
    """Only the shipped fonts' gaps are reported, each where it stands; nothing is refused."""
    root, result = scripts
    assert result.exit_code == 0, (result.output, result.exception)
    assert sorted(p.name for p in (root / "build").glob(f"{STEM}.*")) == [
        f"{STEM}.{fmt}" for fmt in ("docx", "html", "pdf")
    ]
    warning = "warning: {}: no shipped font has a glyph for {}; it will print as a box"
    assert result.stderr.splitlines() == [
        "content/front-matter.yaml:6:11: "
        + warning.format("takeaways[0].text", glyphs("📈" + HEBREW)),
        "content/alpha.yaml:8:10: "
        + warning.format("summary", glyphs(ARABIC + HEBREW + "📈👩💻🇨🇳")),
        "content/alpha.yaml:11:12: " + warning.format("figures[0].label", glyphs(ARABIC + "📈")),
        "content/alpha.yaml:19:12: "
        + warning.format("challenges[0].title", glyphs(HEBREW + "👩💻")),
    ]
    assert len(PdfReader(root / "build" / f"{STEM}.pdf").pages) >= 4


@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_emoji_and_rtl_scripts_read_back_exactly(scripts: tuple[Path, Result], fmt: str) -> None:
    root, _ = scripts
    out = root / "build" / f"{STEM}.{fmt}"
    texts = [read_html(out).text] if fmt == "html" else read_docx(out).body
    for name, _, new in SCRIPT_EDITS:
        # the citation mark as a reader sees it: the source's number
        marker = "\u00a0[1]"  # a no-break space before it, so it never starts a line
        text = new.split(": ", 1)[1].rstrip("\n").replace(f" {CITED}", marker)
        assert any(text in t for t in texts), (name, text)


# -- charts draw their text as text ------------------------------------------------------------


def svg_texts(html: str) -> list[str]:
    import html as markup

    return [markup.unescape(t) for t in re.findall(r"<text\b[^>]*>(.*?)</text>", html, re.S)]


def test_chart_labels_are_drawn_literally(built: Built) -> None:
    """Long labels are wrapped to three short lines and cut with an ellipsis (the tables carry
    them whole); what is shown is the label's own text, markup and template syntax included."""
    texts = svg_texts(built.html.raw)

    def shown(payload: str, expected: int) -> None:
        starts = [i for i, t in enumerate(texts) if t.startswith(payload.split()[0])]
        assert len(starts) == expected
        squeezed = re.sub(r"\s", "", payload)
        for start in starts:
            label = re.sub(r"\s", "", "".join(texts[start : start + 3]))
            assert label.endswith("…") and squeezed.startswith(label[:-1]), label

    shown(built.payload("period"), 2)  # one bar from each source
    shown(built.payload("unit"), 1)  # the axis


def test_dollar_signs_in_a_unit_or_period_reach_the_chart_as_text(base: Path) -> None:
    edit(base / ALPHA, "    unit: trillion yuan\n", "    unit: US$ bn ($)\n")
    edit(base / ALPHA, '    period: "2025"\n', "    period: '$\\undefined{$'\n")
    result = CliRunner().invoke(app, ["build", "--project", str(base), "--format", "html"])
    assert result.exit_code == 0, result.exception
    texts = svg_texts((base / "build" / f"{STEM}.html").read_text(encoding="utf-8"))
    assert "US$ bn ($)" in texts and "$\\undefined{$" in texts
