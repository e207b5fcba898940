"""Property tests of the content pipeline, on a tiny two-source project written per example.

1. Any text in any field is either accepted or refused with messages that name the file and a
   line: never another exception, never a traceback, exit codes 0/1/2 only.
2. Text that validation accepts builds in every format, and shows in the HTML and the DOCX.
3. A figure's value is a plain number: refused with a located message, or exactly the Decimal
   a reader would read.

Runs are reproducible (derandomize, no example database); the build property is slow per example
(PDF, DOCX and HTML each time), so it runs few examples.
"""

from __future__ import annotations

import atexit
import copy
import functools
import html
import re
import shutil
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from hypothesis import HealthCheck, example, given, reject, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from briefing.build import build
from briefing.cli import app
from briefing.config import find_project
from briefing.content import Content, load_content
from briefing.document import paragraphs
from briefing.errors import ContentError
from briefing.load import load_yaml
from briefing.ooxml import property_text
from briefing.provenance import fold, fold_text

At = tuple[str | int, ...]

# --- the baseline project: every field of the model filled, small enough to build in a second ---

ALPHA_SEED = """\
Alpha Daily, 3 March 2026
The core AI industry was worth 1.2 to 1.3 trillion yuan in 2025, officials said.
Le secteur pesait 1,2 billion de yuans.
"Open models are the way forward," said Dr Lin Wei.
Des modeles ouverts, dit-il.
Chip supply remains the main constraint on growth.
Firms should pool their data centres.
"""

BETA_SEED = """\
Beta Weekly
The core AI industry was worth 900 billion yuan in 2025, a ministry report said.
"""

ALPHA: dict[str, Any] = {
    "source": {
        "seed": "alpha.txt",
        "title": "Alpha title",
        "publisher": "Alpha Daily",
        "authors": ["Ann Author"],
        "published": "2026-03-03",
        "url": "https://example.org/a",
        "language": "en",
        "original_language": "fr",
        "type": "news report",
        "translator": "Tom Translator",
        "completeness": "partial",
        "relations": [{"kind": "same-original", "source": "beta", "note": "Relation note"}],
        "notes": ["Scrape noise"],
    },
    "summary": "Alpha summary.",
    "figures": [
        {
            "id": "core-ai",
            "label": "Core AI industry size",
            "metric": "core-ai-size",
            "value": "1.2",
            "value_high": "1.3",
            "unit": "trillion yuan",
            "period": "2025",
            "status": "estimate",
            "bound": "about",
            "excerpt": "worth 1.2 to 1.3 trillion yuan in 2025",
            "original_excerpt": "Le secteur pesait 1,2 billion",
            "note": "Figure note",
        }
    ],
    "quotes": [
        {
            "id": "lin",
            "text": "Open models are the way forward",
            "original": "Des modeles ouverts",
            "speaker": "Lin Wei",
            "role": "director",
            "organisation": "Example Institute",
            "note": "Quote note",
            "excerpt": '"Open models are the way forward," said Dr Lin Wei',
        }
    ],
    "challenges": [
        {
            "id": "chips",
            "title": "Chip supply",
            "detail": "Chips are scarce.",
            "excerpt": "Chip supply remains the main constraint",
        }
    ],
    "recommendations": [
        {
            "id": "pool",
            "title": "Pool centres",
            "detail": "Share capacity.",
            "excerpt": "Firms should pool their data centres.",
        }
    ],
}

# A second source on the same metric and period that disagrees: the comparison row, the
# reconciliation and the chart all render.
BETA: dict[str, Any] = {
    "source": {"seed": "beta.txt", "title": "Beta title", "type": "report"},
    "summary": "Beta summary.",
    "figures": [
        {
            "id": "core-ai",
            "label": "Core AI industry size",
            "metric": "core-ai-size",
            "value": "900",
            "unit": "billion yuan",
            "period": "2025",
            "excerpt": "worth 900 billion yuan in 2025",
        }
    ],
}

FRONT: dict[str, Any] = {
    "title": "Briefing title",
    "subtitle": "Briefing subtitle",
    "short_title": "Short title",
    "date": "2026-03-04",
    "organisation": "Test Unit",
    "author": "Eve Editor",
    "version": "1.0",
    "marking": "TLP:CLEAR",
    "language": "en",
    "keywords": ["AI industry"],
    "takeaways": [{"text": "Takeaway text.", "sources": ["alpha", "beta"]}],
    "executive_summary": "Executive summary.",
    "reconciliations": [{"metric": "core-ai-size", "explanation": "Reconciliation text."}],
    "charts": [
        {"id": "core-ai", "metric": "core-ai-size", "title": "Chart title", "caption": "Caption."}
    ],
}

METRICS = {
    "metrics": [
        {
            "key": "core-ai-size",
            "label": "Core AI industry size",
            "definition": "Annual scale of the core AI industry.",
            "basis": "industry revenue",
            "unit": "trillion yuan",
        }
    ]
}

FILES: dict[str, dict[str, Any]] = {
    "alpha": ALPHA,
    "beta": BETA,
    "front-matter": FRONT,
    "metrics": METRICS,
}
SEEDS = {"alpha": ("alpha.txt", ALPHA_SEED), "beta": ("beta.txt", BETA_SEED)}
PLACEHOLDER = "PROPERTYPLACEHOLDER"


def leaves(data: Any, at: At = ()) -> Iterator[At]:
    """The path of every text value in parsed content."""
    if isinstance(data, str):
        yield at
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from leaves(value, (*at, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from leaves(value, (*at, index))


def set_at(data: Any, at: At, value: str) -> None:
    for part in at[:-1]:
        data = data[part]
    data[at[-1]] = value


def get_at(data: Any, at: At) -> Any:
    for part in at:
        data = (
            getattr(data, part)
            if isinstance(part, str) and not isinstance(data, dict)
            else data[part]
        )
    return data


def write_project(
    root: Path,
    name: str | None = None,
    at: At = (),
    text: str = "",
    *,
    raw: bool = False,
    seed_extra: str = "",
    markings: list[str] | None = None,
) -> Path:
    """The baseline project, with one field of one file replaced by `text`.

    Dumped with PyYAML (the text arrives exactly), or with `raw` typed into the file as is, where
    it may break the YAML around it and surrogates become bytes that are not UTF-8.
    """
    (root / "content").mkdir(parents=True)
    (root / "seeds").mkdir()
    for file, base in FILES.items():
        data = copy.deepcopy(base)
        if file == name:
            set_at(data, at, PLACEHOLDER if raw else text)
        dumped = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        if file == name and raw:
            assert dumped.count(PLACEHOLDER) == 1
            dumped = dumped.replace(PLACEHOLDER, text)
        (root / "content" / f"{file}.yaml").write_bytes(dumped.encode("utf-8", "surrogatepass"))
    for source, (seed, seed_text) in SEEDS.items():
        extra = f"\n{seed_extra}\n" if source == name else ""
        (root / "seeds" / seed).write_text(seed_text + extra, encoding="utf-8")
    if markings is not None:
        config = yaml.safe_dump({"markings": markings}, allow_unicode=True)
        (root / "briefing.yaml").write_text(config, encoding="utf-8")
    return root


def test_baseline_is_clean(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p")
    result = CliRunner().invoke(app, ["check", "--project", str(root), "--strict"])
    assert result.exit_code == 0, result.output
    assert "2 sources, 5 excerpts proven" in result.stdout
    assert "2 cross-source disagreements (2 explained); 0 errors, 0 warnings" in result.stdout


# --- 1. any text in any field: accepted, or refused at file:line -----------------------------

FIELDS = [(name, at) for name, data in FILES.items() for at in leaves(data)]

SPECIAL = [
    *"\x00\t\n\r\x0b\x0c\x1b\x7f\x85\xa0\u061c\u200b\u200c\u200d\u200e\u200f\u2028\u2029",
    *"\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2060\ufeff\ufffe\uffff",
    *"\ud800\udfff\U0001f600\U0010ffff\u0301\u3000\u00ad",
    *"#:-&*!|>'\"%@`{}[],?\\~",
    ": ",
    " #",
    "- ",
    "---",
    "...",
    "[…]",
    "[...]",
    "!!python/object:os.system",
    "&anchor ",
    "*alias",
    "<script>",
    "&amp;",
    "{{ 7*7 }}",
    "{% if %}",
    "$x^2$",
    "$\\frac$",
    "1_2",
    "١٢",
    "null",
    "~",
    "yes",
    "العربية",
    "עברית",
    "中文",
]
ANY_CHAR = st.characters(exclude_categories=())  # every code point, surrogates included
PIECE = st.one_of(ANY_CHAR, st.sampled_from(SPECIAL))
ANY_TEXT = st.one_of(
    st.text(ANY_CHAR, max_size=30),
    st.lists(PIECE, max_size=40).map("".join),
    st.tuples(st.lists(PIECE, min_size=1, max_size=6).map("".join), st.integers(50, 7000)).map(
        lambda t: (t[0] * t[1])[: t[1]]
    ),
)

LOCATED = re.compile(
    r"(?P<path>content/(?:alpha|beta|front-matter|metrics)\.yaml):(?P<line>[1-9][0-9]*)"
    r"(?::(?P<column>[1-9][0-9]*))?: "
)
UNUSED_SEED = re.compile(r"seeds/(?:alpha|beta)\.txt: warning: seed has no content file; ")
COUNT = re.compile(r"[0-9]+ errors?; nothing was built\.")


def assert_located_output(result: Result, root: Path) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert result.exit_code in (0, 1, 2)
    assert "Traceback" not in result.output
    lines = result.stderr.split("\n")
    assert lines[-1] == ""
    for line in lines[:-1]:
        located = LOCATED.match(line)
        assert located or UNUSED_SEED.match(line) or COUNT.fullmatch(line), line
        if located:
            assert_in_file(root, located, line)
    if result.exit_code:
        assert any(LOCATED.match(line) for line in lines), result.stderr


def editor_lines(path: Path) -> list[str]:
    """The file as an editor shows it: lines end at CR, LF or CRLF only."""
    return re.split(r"\r\n|\r|\n", path.read_bytes().decode("utf-8", "replace"))


def assert_in_file(root: Path, located: re.Match[str], message: str) -> None:
    """The line and column exist in the file as an editor shows it; columns count characters."""
    lines = editor_lines(root / located["path"])
    line = int(located["line"])
    assert 1 <= line <= len(lines), message
    if located["column"]:
        assert 1 <= int(located["column"]) <= len(lines[line - 1]) + 1, message


@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(field=st.sampled_from(FIELDS), text=ANY_TEXT, raw=st.booleans())
@example(field=("alpha", ("summary",)), text="x" * (1024 * 1024), raw=False)
@example(field=("alpha", ("figures", 0, "value")), text="1_2", raw=True)
@example(field=("front-matter", ("title",)), text="\ud800", raw=False)
@example(field=("front-matter", ("title",)), text="\ud800", raw=True)
@example(field=("alpha", ("source", "seed")), text="beta.txt", raw=False)
@example(field=("alpha", ("source", "seed")), text="\x85", raw=False)  # YAML 1.1 line breaks
@example(field=("alpha", ("source", "publisher")), text="a\u2028\u2028b", raw=False)
@example(field=("alpha", ("summary",)), text="x\u2028y", raw=True)
@example(field=("alpha", ("source", "title")), text="ééé\udc80", raw=True)  # bytes, not UTF-8
def test_any_text_in_any_field_is_accepted_or_refused_at_a_line(
    field: tuple[str, At], text: str, raw: bool
) -> None:
    name, at = field
    with tempfile.TemporaryDirectory() as tmp:
        root = write_project(Path(tmp), name, at, text, raw=raw)
        result = CliRunner().invoke(app, ["check", "--project", str(root)])
        assert_located_output(result, root)
        try:
            load_content(find_project(root))
        except ContentError as error:
            assert error.problems
            for problem in error.problems:
                assert problem.location.path.startswith("content/"), str(problem)
                assert problem.location.line >= 1, str(problem)
        assert_positions_point_at_their_text(root, f"{name}.yaml")


def assert_positions_point_at_their_text(root: Path, name: str) -> None:
    """Where the loader says a key or a text value starts, an editor shows that key or text."""
    loaded, _ = load_yaml(root / "content" / name, f"content/{name}", root)
    if loaded is None:
        return
    lines = editor_lines(root / "content" / name)
    texts = {at: get_at(loaded.data, at) for at in leaves(loaded.data)}
    texts |= {at: at[-2] for at in loaded.positions if at and at[-1] == "<key>"}
    for at, text in texts.items():
        first = re.split("[ \n]", text)[0]  # a plain scalar's first word, as typed
        if at not in loaded.positions or not first:
            continue
        line, column = loaded.positions[at]
        shown = lines[line - 1][column - 1 :]
        assert shown.startswith((first, "'", '"', "|", ">")), (at, line, shown)


# --- 2. what validation accepts builds in every format, and shows ----------------------------

LINE, TEXT, EXCERPT, SEEDED = "line", "text", "excerpt", "seeded"  # seeded: shown and in the seed
BOTH, HTML_ONLY, HIDDEN, PARAGRAPHS = "both", "html", "hidden", "paragraphs"
CAPITALISED = "capitalised"  # its first letter upper case
PROPERTY = "property"  # in the DOCX only as a core property, which Word caps at 255 characters

# (file, field, kind, where the text shows)
BUILD_FIELDS: list[tuple[str, At, str, str]] = [
    ("alpha", ("source", "title"), LINE, BOTH),
    ("alpha", ("source", "publisher"), LINE, BOTH),
    ("alpha", ("source", "authors", 0), LINE, BOTH),
    ("alpha", ("source", "type"), LINE, CAPITALISED),
    ("alpha", ("source", "translator"), LINE, BOTH),
    ("alpha", ("source", "relations", 0, "note"), TEXT, HIDDEN),
    ("alpha", ("source", "notes", 0), TEXT, BOTH),
    ("alpha", ("summary",), TEXT, PARAGRAPHS),
    ("alpha", ("figures", 0, "label"), LINE, BOTH),
    ("alpha", ("figures", 0, "unit"), LINE, BOTH),
    ("alpha", ("figures", 0, "period"), LINE, BOTH),
    ("alpha", ("figures", 0, "note"), TEXT, BOTH),
    ("alpha", ("figures", 0, "excerpt"), EXCERPT, HIDDEN),
    ("alpha", ("figures", 0, "original_excerpt"), EXCERPT, HIDDEN),
    ("alpha", ("quotes", 0, "text"), SEEDED, BOTH),
    ("alpha", ("quotes", 0, "original"), SEEDED, BOTH),
    ("alpha", ("quotes", 0, "speaker"), LINE, BOTH),
    ("alpha", ("quotes", 0, "role"), LINE, BOTH),
    ("alpha", ("quotes", 0, "organisation"), LINE, BOTH),
    ("alpha", ("quotes", 0, "note"), TEXT, HIDDEN),
    ("alpha", ("quotes", 0, "excerpt"), EXCERPT, HIDDEN),
    ("alpha", ("challenges", 0, "title"), LINE, BOTH),
    ("alpha", ("challenges", 0, "detail"), TEXT, BOTH),
    ("alpha", ("challenges", 0, "excerpt"), EXCERPT, HIDDEN),
    ("alpha", ("recommendations", 0, "title"), LINE, BOTH),
    ("alpha", ("recommendations", 0, "detail"), TEXT, BOTH),
    ("alpha", ("recommendations", 0, "excerpt"), EXCERPT, HIDDEN),
    ("beta", ("figures", 0, "unit"), LINE, BOTH),
    ("front-matter", ("title",), LINE, BOTH),
    ("front-matter", ("subtitle",), LINE, BOTH),
    ("front-matter", ("short_title",), LINE, HTML_ONLY),
    ("front-matter", ("organisation",), LINE, BOTH),
    ("front-matter", ("author",), LINE, BOTH),
    ("front-matter", ("marking",), LINE, BOTH),
    ("front-matter", ("keywords", 0), LINE, PROPERTY),
    ("front-matter", ("takeaways", 0, "text"), TEXT, BOTH),
    ("front-matter", ("executive_summary",), TEXT, PARAGRAPHS),
    ("front-matter", ("reconciliations", 0, "explanation"), TEXT, BOTH),
    ("front-matter", ("charts", 0, "title"), LINE, BOTH),
    ("front-matter", ("charts", 0, "caption"), TEXT, BOTH),
]
MAX_LENGTH = {LINE: 300, TEXT: 3000, SEEDED: 3000, EXCERPT: 1900}

# Characters content may hold: no controls but tab and line feed, no surrogates, no U+FFFE/FFFF.
PRINTABLE = st.characters(exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff")
FRIENDLY = [s for s in SPECIAL if not any(c in "\x00\n\r\x0b\x0c\x1b\x7f\x85" for c in s)]
FRIENDLY = [s for s in FRIENDLY if not any(0xD800 <= ord(c) <= 0xDFFF for c in s)]
FRIENDLY = [s for s in FRIENDLY if "\ufffe" not in s and "\uffff" not in s]
# Bidirectional controls as an editor uses them: right-to-left text set apart, and closed.
FRIENDLY = [
    s
    for s in FRIENDLY
    if not any(c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069" for c in s)
]
FRIENDLY += ["\u2067עברית\u2069", "\u202bالعربية\u202c", "\u2068x\u2069", "\u2066a\u2069"]


def valid_text(kind: str) -> st.SearchStrategy[str]:
    pieces = [PRINTABLE, st.sampled_from(FRIENDLY)]
    if kind != LINE:
        pieces.append(st.sampled_from(["\n", "\n\n", " \n \n "]))
    piece = st.one_of(*pieces)
    limit = MAX_LENGTH[kind]
    short = st.lists(piece, min_size=1, max_size=25).map("".join)
    long = st.tuples(st.lists(piece, min_size=1, max_size=6).map("".join), st.integers(60, limit))
    text = st.one_of(short, short, long.map(lambda t: (t[0] * t[1])[: t[1]]))
    return text.filter(lambda s: bool(s.strip()))


@st.composite
def build_cases(draw: st.DrawFn) -> tuple[str, At, str, str, str]:
    name, at, kind, shown = draw(st.sampled_from(BUILD_FIELDS))
    return name, at, kind, shown, draw(valid_text(kind))


@functools.cache
def warm_cache() -> Path:
    """The build cache of the baseline (font coverage, charts), which every example starts from:
    a chart is drawn again only when its data changed."""
    root = write_project(Path(tempfile.mkdtemp(prefix="briefing-properties-")))
    atexit.register(shutil.rmtree, root, True)
    build(root, ["pdf", "docx", "html"])
    return root / "build" / ".cache"


def normal(text: str) -> str:
    return " ".join(text.split())


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [Paragraph(p, document).text for p in document.element.body.iter(qn("w:p"))]
    for section in document.sections:
        for part in (section.header, section.footer):
            parts += [p.text for p in part.paragraphs]
    props = document.core_properties
    parts += [props.title, props.subject, props.keywords, props.author, props.content_status]
    return "\n".join(parts)


def model_value(content: Content, name: str, at: At) -> str:
    model: Any = content.front if name == "front-matter" else content.sources[name]
    value = get_at(model, at)
    assert isinstance(value, str)
    return value


@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(case=build_cases())
@example(case=("alpha", ("summary",), TEXT, PARAGRAPHS, "<b>&amp;</b> {{ 7*7 }}\n\nnext"))
@example(case=("front-matter", ("marking",), LINE, BOTH, 'TLP:"}\\; @page { x'))
@example(case=("alpha", ("figures", 0, "period"), LINE, BOTH, "$\\frac$"))
@example(case=("alpha", ("source", "type"), LINE, CAPITALISED, "UN report"))
@example(case=("alpha", ("quotes", 0, "text"), SEEDED, BOTH, "\u2067עברית\u2069 [\u2026] done"))
def test_accepted_text_builds_in_every_format_and_shows(
    case: tuple[str, At, str, str, str],
) -> None:
    name, at, kind, shown, text = case
    if kind == EXCERPT:
        text = f"{text} 1.2 to 1.3"  # the figure's values stay stated in its excerpt
    with tempfile.TemporaryDirectory() as tmp:
        root = write_project(
            Path(tmp),
            name,
            at,
            text,
            seed_extra=text if kind in (EXCERPT, SEEDED) else "",
            markings=[text] if at == ("marking",) else None,
        )
        try:
            content = load_content(find_project(root))
        except ContentError as error:  # validation refused it: the first property's ground
            assert all(p.location.line >= 1 for p in error.problems), str(error)
            reject()
        shutil.copytree(warm_cache(), root / "build" / ".cache")
        try:
            built = {b.format: b.path for b in build(root, ["pdf", "docx", "html"])}
        except ContentError as error:  # every excerpt is in its seed word for word
            pytest.fail(f"valid content refused:\n{error}")
        value = model_value(content, name, at)
        assert normal(value) == normal(text)  # only white space around it is trimmed
        assert built["pdf"].read_bytes().startswith(b"%PDF-")
        page = normal(html.unescape(built["html"].read_text(encoding="utf-8")))
        document = normal(docx_text(built["docx"]))
        if shown == PARAGRAPHS:
            for paragraph in paragraphs(value):
                assert paragraph in page
                assert paragraph in document
        elif shown == CAPITALISED:
            assert normal(value[:1].upper() + value[1:]) in page
            assert normal(value[:1].upper() + value[1:]) in document
        elif shown == PROPERTY:
            assert normal(value) in page
            assert normal(property_text(value)) in document
        elif shown in (BOTH, HTML_ONLY):
            assert normal(value) in page
            if shown == BOTH:
                assert normal(value) in document


# --- 3. figure values are plain numbers -------------------------------------------------------

NUMBER = "expected a plain number such as 1.2 or 1882 (no units or commas)"
PLAIN = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,2})?")
LIMIT = Decimal("1e15")


OUT_OF_RANGE = "expected a number of"
BOUND = "1,000,000,000,000,000"


def expected_number(text: str, limit: Decimal | None = LIMIT) -> Decimal | None:
    """What a reader takes the text for: ASCII digits, a point, a short exponent; else None."""
    written = text.strip()
    if not PLAIN.fullmatch(written):
        return None
    mantissa = re.split("[eE]", written)[0]
    if sum(c.isdigit() for c in mantissa) > 30:
        return None
    value = Decimal(written)
    return value if limit is None or -limit <= value <= limit else None


NUMERIC_CHARS = [*"0123456789", *".+-eE_, ", *"١٢٣٫１２．\u200b\u00a0\u3000∞½²𝟙Ⅻ"]
NUMBERS = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(lambda d: format(d, "f")),
    st.integers(-(10**16), 10**16).map(str),
    st.floats().map(repr),
    st.from_regex(r"\A[+-]?[0-9_]{0,6}(\.[0-9_]{0,4})?([eE][+-]?[0-9]{1,4})?\Z"),
    st.text(st.sampled_from(NUMERIC_CHARS), min_size=1, max_size=12),
    st.sampled_from(["NaN", "-inf", "Infinity", "sNaN", "nan", "∞", "1,200", "12 %", "0x1F"]),
)


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(attr=st.sampled_from(["value", "value_high"]), text=NUMBERS)
@example(attr="value", text="1_2")
@example(attr="value_high", text="1_2")
@example(attr="value", text="1e999")
@example(attr="value_high", text="1e999")
@example(attr="value_high", text="1e-999999999")
@example(attr="value", text="0E+999999999")
@example(attr="value", text="NaN")
@example(attr="value", text="∞")
@example(attr="value", text="١٢")
@example(attr="value", text="１２")
@example(attr="value", text="12\u200b")
@example(attr="value", text="-0")
@example(attr="value", text="+5")
@example(attr="value", text=".5")
@example(attr="value", text="1.")
@example(attr="value", text="1.20")
@example(attr="value", text="4.5e6")
@example(attr="value", text=" 12\u00a0")
@example(attr="value", text="1e16")
def test_figure_values_are_refused_at_their_line_or_read_exactly(attr: str, text: str) -> None:
    at: At = ("figures", 0, attr)
    expected = expected_number(text)
    with tempfile.TemporaryDirectory() as tmp:
        root = write_project(Path(tmp), "alpha", at, text)
        try:
            content = load_content(find_project(root))
        except ContentError as error:
            assert expected is None, f"{text!r} refused, expected {expected!r}:\n{error}"
            [problem] = error.problems
            assert problem.location.path == "content/alpha.yaml"
            assert problem.location.line == value_line(root, attr), str(problem)
            assert problem.field == f"figures[0].{attr}"
            if expected_number(text, limit=None) is None:
                assert problem.message.startswith((NUMBER, "text holds ")), problem.message
            else:
                bounds = (f"{OUT_OF_RANGE} at most {BOUND},", f"{OUT_OF_RANGE} at least -{BOUND},")
                assert problem.message.startswith(bounds), problem.message
            return
        assert expected is not None, f"{text!r} accepted as {get_at(content.sources['alpha'], at)}"
        read = get_at(content.sources["alpha"], at)
        assert isinstance(read, Decimal)
        assert read.as_tuple() == expected.as_tuple(), (text, read)


def value_line(root: Path, attr: str) -> int:
    lines = (root / "content" / "alpha.yaml").read_text(encoding="utf-8").split("\n")
    return next(i for i, line in enumerate(lines, 1) if line.startswith(f"  {attr}:"))


NUMBER_CASES = [
    ("1_2", f"{NUMBER}, got '1_2'; write it without underscores"),
    ("١٢", f"{NUMBER}, got '١٢'; write it with the digits 0-9"),
    ("１２", f"{NUMBER}, got '１２'; write it with the digits 0-9"),
    ("12\u200b", f"{NUMBER}, got '12\\u200b'; it holds the invisible character U+200B"),
    ("NaN", f"{NUMBER}, got 'NaN'"),
    ("∞", f"{NUMBER}, got '∞'"),
    ("1e999", f"{NUMBER}, got '1e999'; an exponent has at most two digits"),
    ("1e16", "expected a number of at most 1,000,000,000,000,000, got '1e16'"),
]


@pytest.mark.parametrize(("typed", "message"), NUMBER_CASES, ids=[c[0] for c in NUMBER_CASES])
def test_number_typed_in_the_file_is_refused_with_what_is_expected(
    tmp_path: Path, typed: str, message: str
) -> None:
    root = write_project(tmp_path / "p", "alpha", ("figures", 0, "value"), typed, raw=True)
    with pytest.raises(ContentError) as raised:
        load_content(find_project(root))
    line = value_line(root, "value")
    assert [str(p) for p in raised.value.problems] == [
        f"content/alpha.yaml:{line}:10: figures[0].value: {message}"
    ]


@pytest.mark.parametrize(
    ("typed", "read"),
    [(".5", "0.5"), ("+5", "5"), ("-0", "-0"), ("1.20", "1.20"), ("4.5e6", "4.5E+6"), ("1.", "1")],
)
def test_number_typed_in_the_file_is_read_exactly(tmp_path: Path, typed: str, read: str) -> None:
    root = write_project(tmp_path / "p", "alpha", ("figures", 0, "value"), typed, raw=True)
    value = load_content(find_project(root)).sources["alpha"].figures[0].value
    assert str(value) == read


# --- 4. folding an excerpt without its index map gives the same text as folding with it ---

FOLDABLE = st.text(
    st.sampled_from(list(" \t\n\u00a0\u3000\u2028-\u2010\u2014\u2212'\u2019\"\u201ca1é…ﬁ①"))
    | st.characters(),
    max_size=40,
)


@settings(max_examples=1000, deadline=None, derandomize=True, database=None)
@given(text=FOLDABLE)
@example(text=" - a -  - b \u00a0-\u3000")
def test_folding_text_alone_matches_folding_with_the_index_map(text: str) -> None:
    assert fold_text(text) == fold(text).text
