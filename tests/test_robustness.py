"""Hostile or damaged files end in one clear line (or a silent rebuild), never a traceback or a hang.

A 50 MB seed in memory in proportion to its size, broken fonts, truncated cache entries,
SOURCE_DATE_EPOCH out of range, odd seed names for `new`, line separators in one-line fields,
look-alike URL hosts, byte-order marks, and templates that reach for Python or for files.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefing.cli import app
from briefing.document import curly_quotes
from briefing.files import read_cache, write_cache
from briefing.glyphs import font_coverage
from briefing.render_html import packaged_templates

from .conftest import MINIMAL_ALPHA as ALPHA
from .conftest import MINIMAL_FRONT_MATTER as FRONT
from .conftest import MINIMAL_SEED as SEED
from .conftest import ShippedBuild, edit
from .test_confine import make_project

FONTS = packaged_templates() / "fonts"
ONE_ERROR = "1 error; nothing was built."


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_project(tmp_path)


def run(root: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, list[str]]:
    result = CliRunner().invoke(app, [*args, "--project", str(root)], env=env)
    assert "Traceback" not in result.output
    return result.exit_code, result.stderr.splitlines()


# -- a 50 MB seed: memory in proportion to its size ---------------------------------------------

PEAK_RSS = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def peak_rss_of_check(root: Path) -> tuple[int, int]:
    """Exit code and peak resident memory (KiB) of `briefing check` in a fresh process."""
    command = [sys.executable, "-m", "briefing", "check", "--project", str(root)]
    out = subprocess.run(
        [sys.executable, "-c", PEAK_RSS, *command],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    code, peak = out.stdout.split()
    return int(code), int(peak)


def test_a_50_mb_seed_costs_memory_in_proportion_to_its_size(root: Path) -> None:
    """Folding kept an object per character: 52 times the seed's size. Now a few times it."""
    (root / "build").mkdir()  # the folded seed is cached too, as in a real project
    code, baseline = peak_rss_of_check(root)
    assert code == 0
    # Varied text: line breaks, double spaces, dashes by spaces, curly quotes, CJK, NFKC forms.
    block = (
        "The ministry’s report — released in March — counts  4,500 firms.\r\n"
        "人工智能产业规模突破1.2万亿元，同比增长。 Ｆｕｌｌ-width ﬁgures - and more.\n\n"
    )
    size = 50 * 1024 * 1024
    with open(root / "seeds/alpha.txt", "w", encoding="utf-8") as seed:
        seed.write(SEED)
        while seed.tell() < size:
            seed.write(block * 1000)
    grown = (root / "seeds/alpha.txt").stat().st_size
    code, peak = peak_rss_of_check(root)
    assert code == 0
    # The per-character fold cost 2.6 GB for this seed; the bound is generous, and catches that.
    assert (peak - baseline) * 1024 < 10 * grown, f"{(peak - baseline) / 1024:.0f} MiB"
    code, cached = peak_rss_of_check(root)  # from the folded-seed cache
    assert code == 0
    assert (cached - baseline) * 1024 < 10 * grown, f"{(cached - baseline) / 1024:.0f} MiB"


# -- fonts that are not fonts -------------------------------------------------------------------

FONT_CASES = [
    ("not_a_font", b"not a font at all", "Not a TrueType or OpenType font (bad sfntVersion)"),
    ("empty", b"", "Not a TrueType or OpenType font (not enough data)"),
    (
        "truncated",
        (FONTS / "NotoSans-Regular.ttf").read_bytes()[:2000],
        "unexpected end of 'cmap' table data: expected 2670 bytes but got 0 at offset 13788",
    ),
]


@pytest.mark.parametrize(("data", "detail"), [c[1:] for c in FONT_CASES], ids=[c[0] for c in FONT_CASES])  # fmt: skip
def test_a_broken_font_is_one_line_naming_it(root: Path, data: bytes, detail: str) -> None:
    (root / "templates/fonts").mkdir(parents=True)
    (root / "templates/fonts/Broken.ttf").write_bytes(data)
    code, stderr = run(root, "build", "--format", "pdf")
    assert code == 1
    assert stderr == [
        f"error: templates/fonts/Broken.ttf: not a font that can be read ({detail}); "
        "replace it with a TrueType or OpenType font, or remove it"
    ]
    assert not (root / "build").exists() or not list((root / "build").glob("*.pdf"))


# -- caches: damaged entries are rebuilt silently, entries are replaced whole -------------------


@pytest.mark.parametrize("damage", ["empty", "half", "garbage"])
def test_a_damaged_cache_entry_is_rebuilt_silently(project: Path, damage: str) -> None:
    """After a power loss: the chart and folded-seed entries a build finds are cut short."""
    (project / "build").mkdir()  # the folded seeds are cached when the output folder exists
    code, stderr = run(project, "build", "--format", "html")
    assert (code, stderr) == (0, [])
    [html] = (project / "build").glob("*.html")
    good = html.read_bytes()
    entries = sorted(p for p in (project / "build/.cache").rglob("*") if p.is_file())
    assert {p.parent.name for p in entries} >= {"charts", "folded"}
    for entry in entries:
        data = entry.read_bytes()
        entry.write_bytes(
            {"empty": b"", "half": data[: len(data) // 2], "garbage": b"<svg"}[damage]
        )
    code, stderr = run(project, "build", "--format", "html")
    assert (code, stderr) == (0, [])
    assert html.read_bytes() == good
    assert all(read_cache(entry) is not None for entry in entries)  # each one written anew


def test_a_truncated_glyph_coverage_entry_is_rebuilt(tmp_path: Path) -> None:
    cache = tmp_path / ".cache"
    covered = font_coverage([FONTS], cache)
    [entry] = cache.iterdir()
    entry.write_bytes(entry.read_bytes()[:100])
    assert font_coverage([FONTS], cache) == covered
    assert read_cache(entry) is not None


def test_a_cache_entry_is_replaced_whole_never_rewritten_in_place(tmp_path: Path) -> None:
    entry = tmp_path / ".cache" / "charts" / "x.svg"
    write_cache(entry, b"<svg>old</svg>")
    with open(entry, "rb") as reader:  # a reader in the middle of the old entry
        write_cache(entry, b"<svg>new</svg>")
        assert reader.read().endswith(b"<svg>old</svg>")
    assert read_cache(entry) == b"<svg>new</svg>"
    assert sorted(p.name for p in entry.parent.iterdir()) == ["x.svg"]  # no staging left


# -- SOURCE_DATE_EPOCH --------------------------------------------------------------------------

EPOCH_CASES = [
    (
        "milliseconds",
        "1767225600000",
        "error: SOURCE_DATE_EPOCH is 1767225600000, after the year 9999; expected whole "
        "seconds since 1970-01-01 UTC, at most 253402300799 (milliseconds divided by 1000)",
    ),
    (
        "not_a_number",
        "yesterday",
        "error: SOURCE_DATE_EPOCH is 'yesterday'; expected whole seconds since 1970-01-01 UTC, "
        "such as 1767225600",
    ),
    (
        "negative",
        "-5",
        "error: SOURCE_DATE_EPOCH is '-5'; expected whole seconds since 1970-01-01 UTC, "
        "such as 1767225600",
    ),
]


@pytest.mark.parametrize(("value", "expected"), [c[1:] for c in EPOCH_CASES], ids=[c[0] for c in EPOCH_CASES])  # fmt: skip
def test_source_date_epoch_out_of_range_is_one_line(root: Path, value: str, expected: str) -> None:
    code, stderr = run(root, "build", "--format", "docx", env={"SOURCE_DATE_EPOCH": value})
    assert (code, stderr) == (2, [expected])


def test_source_date_epoch_in_range_dates_the_document(root: Path) -> None:
    import docx

    code, _ = run(root, "build", "--format", "docx", env={"SOURCE_DATE_EPOCH": "1767225600"})
    assert code == 0
    [built] = (root / "build").glob("*.docx")
    assert docx.Document(str(built)).core_properties.created.date().isoformat() == "2026-01-01"


# -- briefing new ---------------------------------------------------------------------------------


def new(root: Path, seed: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["new", seed, "--project", str(root)])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_new_refuses_a_seed_name_content_cannot_name(root: Path) -> None:
    (root / "seeds/Xinhua: AI plan #2.txt").write_text(SEED, encoding="utf-8")
    before = sorted((root / "content").iterdir())
    code, output = new(root, "seeds/Xinhua: AI plan #2.txt")
    assert code == 2
    assert output == (
        "error: seeds/Xinhua: AI plan #2.txt: a seed's file name holds only letters, digits, "
        "'.', '_' and '-' and ends in .txt or .md; rename it, for example to "
        "seeds/Xinhua-AI-plan-2.txt\n"
    )
    assert sorted((root / "content").iterdir()) == before


def test_new_takes_a_linked_seed_that_stays_inside_and_quotes_its_name(root: Path) -> None:
    (root / "archive").mkdir()
    (root / "archive/gamma.txt").write_text(SEED, encoding="utf-8")
    (root / "seeds/003_gamma-v1.0.txt").symlink_to("../archive/gamma.txt")
    code, output = new(root, "seeds/003_gamma-v1.0.txt")
    assert code == 0, output
    text = (root / "content/003-gamma-v1-0.yaml").read_text(encoding="utf-8")
    assert '  seed: "003_gamma-v1.0.txt"\n' in text
    _, stderr = run(root, "check")  # the new file's placeholders are errors until filled in
    assert [line for line in stderr if "003-gamma" in line and "placeholder" not in line] == [
        "content/003-gamma-v1-0.yaml:5:3: warning: no key takeaway cites this source; cite it "
        "or remove it from the briefing"
    ]


def test_new_refuses_a_seed_that_leads_out(root: Path) -> None:
    secret = root.parent / "outside/secret.txt"
    (root / "seeds/leak.txt").symlink_to(secret)
    code, output = new(root, "seeds/leak.txt")
    assert code == 1
    assert output == (
        f"error: seeds/leak.txt is a symbolic link to {secret}, outside the project; "
        "copy it into the project instead of linking to it\n"
    )


def test_new_never_writes_through_a_link_at_the_content_file(root: Path) -> None:
    (root / "seeds/gamma.txt").write_text(SEED, encoding="utf-8")
    planted = root.parent / "outside/planted.yaml"
    (root / "content/gamma.yaml").symlink_to(planted)  # leads nowhere yet
    code, output = new(root, "seeds/gamma.txt")
    assert code == 2
    assert output == (
        "error: content/gamma.yaml already exists; edit it, or delete it to start again\n"
    )
    assert not planted.exists()


# -- one-line fields, URL hosts, byte-order marks -----------------------------------------------

FIELD_CASES = [
    (
        "line_separator_escaped",
        "title: Examplestan's AI industry",
        'title: "Examplestan\\u2028AI industry"',
        "content/front-matter.yaml:1:8: title: must be a single line; it holds U+2028 "
        "(LINE SEPARATOR), remove it",
    ),
    (
        "paragraph_separator_raw",
        "organisation: Test Unit",
        "organisation: 'Test\u2029Unit'",
        "content/front-matter.yaml:3:15: organisation: must be a single line; it holds U+2029 "
        "(PARAGRAPH SEPARATOR), remove it",
    ),
]


@pytest.mark.parametrize(("old", "new_text", "expected"), [c[1:] for c in FIELD_CASES], ids=[c[0] for c in FIELD_CASES])  # fmt: skip
def test_a_line_separator_in_a_one_line_field_is_refused_at_its_line(
    root: Path, old: str, new_text: str, expected: str
) -> None:
    edit(root / "content/front-matter.yaml", old, new_text)
    code, stderr = run(root, "check")
    assert (code, stderr) == (1, [expected, ONE_ERROR])


URL_CASES = [
    (
        "cyrillic_a_in_latin",
        "https://\u0430pple.com/news",
        "content/alpha.yaml:6:8: source.url: host '\u0430pple.com' mixes Cyrillic and Latin "
        "letters, as look-alike addresses do (browsers show it as xn--pple-43d.com); write the "
        "host in one script",
    ),
    (
        "greek_omicron_in_latin",
        "https://g\u03bfogle.com/",
        "content/alpha.yaml:6:8: source.url: host 'g\u03bfogle.com' mixes Greek and Latin "
        "letters, as look-alike addresses do (browsers show it as xn--gogle-rce.com); write the "
        "host in one script",
    ),
]


@pytest.mark.parametrize(("url", "expected"), [c[1:] for c in URL_CASES], ids=[c[0] for c in URL_CASES])  # fmt: skip
def test_a_url_host_that_mixes_scripts_is_refused(root: Path, url: str, expected: str) -> None:
    edit(
        root / "content/alpha.yaml", "  type: news report\n", f"  url: {url}\n  type: news report\n"
    )
    code, stderr = run(root, "check")
    assert (code, stderr) == (1, [expected, ONE_ERROR])


@pytest.mark.parametrize(
    "url", ["https://пример.рф/новости", "https://例え.jp/", "https://bücher.de/"]
)
def test_a_url_host_in_one_script_is_accepted(root: Path, url: str) -> None:
    edit(
        root / "content/alpha.yaml", "  type: news report\n", f"  url: {url}\n  type: news report\n"
    )
    assert run(root, "check") == (0, [])


BOM_CASES = [
    ("utf8", "utf-8-sig"),
    ("utf16_le", "utf-16"),  # Python writes the machine's order, little-endian here, with a BOM
    ("utf16_be", "utf-16-be"),
]


@pytest.mark.parametrize("encoding", [c[1] for c in BOM_CASES], ids=[c[0] for c in BOM_CASES])
def test_files_with_a_byte_order_mark_are_read(root: Path, encoding: str) -> None:
    bom = b"\xfe\xff" if encoding == "utf-16-be" else b""
    for path, text in (
        (root / "content/front-matter.yaml", FRONT),
        (root / "content/alpha.yaml", ALPHA),
        (root / "seeds/alpha.txt", SEED),
    ):
        path.write_bytes(bom + text.encode(encoding))
    result = CliRunner().invoke(app, ["check", "-v", "--project", str(root)])
    assert result.exit_code == 0, result.output
    assert "seeds/alpha.txt:3" in result.stdout  # the excerpt's line, counted after the mark


def test_a_utf16_file_that_is_cut_short_is_one_line(root: Path) -> None:
    (root / "content/alpha.yaml").write_bytes(ALPHA.encode("utf-16")[:-1])
    code, stderr = run(root, "check")
    assert code == 1
    assert stderr[0] == (
        "content/alpha.yaml:1:1: file starts with a UTF-16 byte-order mark but is not UTF-16 "
        "(truncated data)"
    )


# -- project templates: Jinja's sandbox, and includes confined to the template folders ----------


def template(root: Path, text: str) -> None:
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates/briefing.html.j2").write_text(text, encoding="utf-8")


def test_a_template_cannot_reach_python(root: Path) -> None:
    canary = root.parent / "ran"
    reach = f"{{{{ lipsum.__globals__['os'].popen('touch {canary}') }}}}"
    template(root, "<p>{{ doc.front.title }}</p>\n" + reach + "\n")
    code, stderr = run(root, "build", "--format", "html")
    assert (code, stderr) == (
        1,
        [
            "error: templates/briefing.html.j2:2: access to attribute '__globals__' of "
            "'function' object is unsafe; templates run in Jinja's sandbox and may use the "
            "document model and filters, not Python's internals"
        ],
    )
    assert not canary.exists()


INCLUDE = (
    "error: templates/briefing.html.j2:2: no template {name!r}; includes, imports and extends "
    "are confined to the template folders (templates/ and the packaged templates): name a file "
    "inside them, such as 'notes.html.j2'"
)


@pytest.mark.parametrize("name", ["/etc/hostname", "../../outside/secret.txt", "missing.html"])
def test_an_include_outside_the_templates_names_the_template_and_the_rule(
    root: Path, name: str
) -> None:
    template(root, "<p>{{ doc.front.title }}</p>\n{% include '" + name + "' %}\n")
    code, stderr = run(root, "build", "--format", "html")
    assert (code, stderr) == (1, [INCLUDE.format(name=name)])


def test_an_include_through_a_link_out_is_refused(root: Path) -> None:
    template(root, "<p>{{ doc.front.title }}</p>\n{% include 'notes.html' %}\n")
    secret = root.parent / "outside/secret.txt"
    (root / "templates/notes.html").symlink_to(secret)
    code, stderr = run(root, "build", "--format", "html")
    assert (code, stderr) == (
        1,
        [
            f"error: templates/notes.html is a symbolic link to {secret}, outside the templates "
            "folder; copy it into the templates folder instead of linking to it"
        ],
    )


# -- quotes[].note and relation notes reach every format ----------------------------------------


def squeezed(text: str) -> str:
    """Text without white space or hyphens, as line breaking and hyphenation leave it alike."""
    return "".join(c for c in text if not c.isspace() and c not in "-\u00ad\u2010")


def test_quote_and_relation_notes_appear_in_every_format(shipped_build: ShippedBuild) -> None:
    import docx
    import pdfplumber

    from briefing.config import find_project
    from briefing.content import load_content

    content = load_content(find_project(shipped_build.root))
    quote_notes = [q.note for s in content.sources.values() for q in s.quotes if q.note]
    relation_notes = [
        r.note for s in content.sources.values() for r in s.source.relations if r.note
    ]
    assert quote_notes and relation_notes  # the shipped content has both
    from html import unescape

    with pdfplumber.open(shipped_build.pdf) as pdf:
        pdf_text = "".join(page.extract_text() or "" for page in pdf.pages)
    texts = {
        "html": unescape(shipped_build.html.read_text(encoding="utf-8")),
        "pdf": pdf_text,
        "docx": "".join(p.text for p in docx.Document(str(shipped_build.docx)).paragraphs),
    }
    for name, text in texts.items():
        flat = squeezed(text)
        for note in quote_notes + relation_notes:
            assert squeezed(curly_quotes(note)) in flat, (name, note)  # as the reader gets it


def test_a_project_mail_template_cannot_reach_python(root: Path) -> None:
    from briefing.config import find_project
    from briefing.content import load_content
    from briefing.errors import RenderError
    from briefing.message import Wording, render_bodies
    from briefing.render_html import template_dirs

    canary = root.parent / "ran"
    (root / "templates").mkdir()
    reach = f"{{{{ lipsum.__globals__['os'].popen('touch {canary}') }}}}"
    (root / "templates/mail.txt.j2").write_text("Dear reader,\n" + reach + "\n", encoding="utf-8")
    front = load_content(find_project(root)).front
    with pytest.raises(RenderError) as refused:
        render_bodies(front, [], Wording(), template_dirs(root / "templates"))
    assert str(refused.value) == (
        "templates/mail.txt.j2:2: access to attribute '__globals__' of 'function' object is "
        "unsafe; templates run in Jinja's sandbox and may use the document model and filters, "
        "not Python's internals"
    )
    assert not canary.exists()
