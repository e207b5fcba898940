"""The content model: what a source summary and the briefing's front matter may hold.

Unknown keys are refused, text fields have bounds (so a pathological file is refused rather than
rendered for minutes), and ids are slugs because they become anchors and file names.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)
from pydantic_core import PydanticCustomError

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
TLP_MARKINGS = ("TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED")
# FIRST TLP 2.0: each label's letters in its own colour, on black.
TLP_COLOURS = {
    "TLP:CLEAR": "#FFFFFF",
    "TLP:GREEN": "#33FF00",
    "TLP:AMBER": "#FFC000",
    "TLP:AMBER+STRICT": "#FFC000",
    "TLP:RED": "#FF2B2B",
}

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, min_length=1, max_length=64)]
# Bidirectional controls in prose. Overrides show the characters after them in reverse order,
# so "‮05" reads as "50": refused. Embeddings and isolates set right-to-left text apart and are
# kept, but must close within their paragraph, or the direction spills into what the renderer
# puts after the field (a takeaway's citations, the next table cell's neighbour).
BIDI_OVERRIDES = "\u202d\u202e"
BIDI_OPENERS = {  # embeddings close with U+202C, isolates with U+2069
    "\u202a": "\u202c",
    "\u202b": "\u202c",
    "\u2066": "\u2069",
    "\u2067": "\u2069",
    "\u2068": "\u2069",
}
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _describe(char: str) -> str:
    return f"U+{ord(char):04X} ({unicodedata.name(char, 'unnamed').lower()})"


def _plain_direction(text: str) -> str:
    if not _BIDI.search(text):
        return text
    for paragraph in text.split("\n\n"):
        opened: list[str] = []
        for char in paragraph:
            if char in BIDI_OVERRIDES:
                raise PydanticCustomError(
                    "bidi_override",
                    "holds {char}, which shows the text after it in reverse order; remove it "
                    "(to set right-to-left text apart, enclose it in U+2067 … U+2069)",
                    {"char": _describe(char)},
                )
            if char in BIDI_OPENERS:
                opened.append(char)
            elif char == "\u202c" and opened and opened[-1] in "\u202a\u202b":
                opened.pop()
            elif char == "\u2069" and any(c in "\u2066\u2067\u2068" for c in opened):
                while opened.pop() not in "\u2066\u2067\u2068":
                    pass
        if opened:
            raise PydanticCustomError(
                "bidi_unclosed",
                "opens {char} without closing it with {closer}; close it in the same paragraph "
                "or remove it",
                {"char": _describe(opened[0]), "closer": _describe(BIDI_OPENERS[opened[0]])},
            )
    return text


Line = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=300, pattern=r"^[^\n\u2028\u2029]*$"
    ),
    AfterValidator(_plain_direction),
]
Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=6000),
    AfterValidator(_plain_direction),
]
Excerpt = Annotated[str, StringConstraints(strip_whitespace=True, min_length=8, max_length=2000)]
SEED_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*\.(txt|md)$"
SeedName = Annotated[str, StringConstraints(pattern=SEED_NAME_PATTERN, max_length=120)]
LanguageTag = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]


def _web_url(value: str) -> str:
    hidden = next((c for c in value if unicodedata.category(c) == "Cf"), None)
    if hidden is not None:
        raise PydanticCustomError(
            "web_url",
            "holds the invisible character {char}; expected a web address written out plainly",
            {"char": _describe(hidden)},
        )
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", value):
        shown = repr(value) if len(value) <= 60 else repr(value[:57]) + " …"
        raise PydanticCustomError(
            "web_url",
            "expected a web address starting with http:// or https://, got {got}",
            {"got": shown},
        )
    _one_script_host(value)
    return value


def _one_script_host(url: str) -> None:
    """Refuse a host whose labels mix scripts ('аpple.com' with a Cyrillic а), as browsers
    show such a host only in its punycode form: a reader could not tell it from the real one."""
    from urllib.parse import urlsplit

    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return
    for label in host.split("."):
        scripts = {_script(c) for c in label if c.isalpha()}
        if len(scripts) > 1 and not scripts <= {"LATIN", "HAN"}:
            try:
                ascii_form = host.encode("idna").decode("ascii")
            except UnicodeError:
                ascii_form = "not expressible in punycode"
            raise PydanticCustomError(
                "web_url",
                "host {host} mixes {scripts} letters, as look-alike addresses do (browsers "
                "show it as {ascii_form}); write the host in one script",
                {
                    "host": repr(host),
                    "scripts": " and ".join(sorted(s.title() for s in scripts)),
                    "ascii_form": ascii_form,
                },
            )


_EAST_ASIAN = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO", "IDEOGRAPHIC")


def _script(char: str) -> str:
    """A letter's script, as the first word of its Unicode name; Han, kana and Hangul as one,
    since they mix with each other (and with Latin) in real hosts."""
    first = unicodedata.name(char, "UNKNOWN").split(" ")[0]
    return "HAN" if first in _EAST_ASIAN else first


WebUrl = Annotated[str, StringConstraints(max_length=2000), AfterValidator(_web_url)]

# A number as a reader reads it: ASCII digits, one point, an optional exponent of two digits
# at most. Python's Decimal would also take 1_2, Arabic-Indic or full-width digits and 1e999999.
PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,2})?")
MAX_NUMBER_DIGITS = 30
NUMBER_LIMIT = Decimal("1e15")


def _plain_number(value: object) -> object:
    if not isinstance(value, str):
        return value
    text = value.strip()
    if PLAIN_NUMBER.fullmatch(text):
        digits = sum(c.isdigit() for c in re.split("[eE]", text)[0])
        if digits <= MAX_NUMBER_DIGITS:
            return text
    raise PydanticCustomError("plain_number", "expected a plain number", {"hint": _hint(text)})


def _hint(text: str) -> str:
    """What is wrong with a number that is not plain, where a reader could miss it."""
    for char in text:
        if unicodedata.category(char) == "Cf":
            return f"it holds the invisible character U+{ord(char):04X}"
    if any(c.isdigit() and not c.isascii() for c in text):
        return "write it with the digits 0-9"
    if "_" in text:
        return "write it without underscores"
    if re.fullmatch(r"[^eE]*[eE][+-]?[0-9]{3,}", text):
        return "an exponent has at most two digits"
    if sum(c.isdigit() for c in text) > MAX_NUMBER_DIGITS:
        return f"at most {MAX_NUMBER_DIGITS} digits"
    return ""


Number = Annotated[
    Decimal, Field(ge=-NUMBER_LIMIT, le=NUMBER_LIMIT), BeforeValidator(_plain_number)
]  # the bounds first, so the JSON schema states them as minimum and maximum


CITING = (
    "cite the items a sentence rests on as [@source-id/item-id] (several: "
    "[@a/x; @b/y]); mark a number worked out from figures as derived: "
    "3.5 percent [=cagr(@a/x, @b/y, 10)]"
)
ItemCitation = Annotated[
    str, StringConstraints(pattern=r"^@?[a-z0-9]+(?:-[a-z0-9]+)*/[a-z0-9]+(?:-[a-z0-9]+)*$")
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Relation(Strict):
    """How this seed relates to another seed: the same original in another translation, say."""

    kind: Literal["same-original", "translation-of", "excerpt-of", "update-of"]
    source: Slug = Field(description="id of the other source (its content file name)")
    note: Text | None = None


class SourceInfo(Strict):
    """Bibliographic facts about one seed, as far as its text states them."""

    seed: SeedName = Field(description="file name of the source text in seeds/")
    title: Line
    label: Line | None = Field(
        default=None,
        max_length=60,
        description="the short label citations show: who wrote the piece, not who republished "
        "it, with its year ('Qiushi/CCID, trans. Sinocism, 2026'); by default the publisher "
        "and the year",
    )
    publisher: Line | None = None
    authors: list[Line] = Field(default_factory=list, max_length=40)
    published: dt.date | None = None
    url: WebUrl | None = None
    language: LanguageTag = "en"
    original_language: LanguageTag | None = None
    type: Line = Field(description="what kind of document: news report, analysis, op-ed …")
    translator: Line | None = None
    completeness: Literal["complete", "partial"] = "complete"
    relations: list[Relation] = Field(default_factory=list, max_length=10)
    notes: list[Text] = Field(
        default_factory=list,
        max_length=20,
        description="the reader's source note, two or three lines in all: provenance, "
        "reliability, translation caveats; printed under the section as 'About this source'",
    )
    editor_notes: list[Text] = Field(
        default_factory=list,
        max_length=50,
        description="how the text was processed (scrape noise, glued articles, cuts, where a "
        "date was read); for editors only, never printed",
    )


class Excerpted(Strict):
    id: Slug
    excerpt: Excerpt = Field(description="the exact words of the seed that support this item")


class Figure(Excerpted):
    """A quantitative claim, comparable across sources through its metric key."""

    label: Line
    metric: Slug = Field(description="the same key wherever sources speak of the same quantity")
    value: Number
    value_high: Number | None = Field(default=None, description="upper end of a range")
    unit: Line = Field(description="e.g. 'trillion yuan', '%', 'percentage points', 'firms'")
    period: Line = Field(description="the year, quarter or as-of date the value is for")
    status: Literal["actual", "estimate", "forecast", "target"] = "actual"
    bound: Literal["exact", "about", "nearly", "more-than", "less-than"] = "exact"
    basis: Line | None = Field(
        default=None,
        description="what the figure counts, where its metric could be read two ways "
        "(e.g. 'patent applications'); must be its metric's declared basis",
    )
    definition: Line | None = Field(
        default=None,
        description="what the source itself says it counts, where its metric leaves that open "
        "(e.g. 'related companies'); a chart never draws figures of two definitions as one series",
    )
    original_excerpt: Excerpt | None = Field(
        default=None, description="the original-language sentence, where the seed carries it"
    )
    note: Text | None = None


class Quote(Excerpted):
    text: Text
    original: Text | None = Field(default=None, description="the words in the original language")
    speaker: Line
    role: Line
    organisation: Line | None = None
    note: Text | None = None


class Point(Excerpted):
    """A challenge or a policy recommendation: a scannable title and one or two sentences."""

    title: Line
    detail: Text


class SourceSummary(Strict):
    source: SourceInfo
    summary: Text = Field(description=CITING)
    figures: list[Figure] = Field(default_factory=list, max_length=200)
    quotes: list[Quote] = Field(default_factory=list, max_length=100)
    challenges: list[Point] = Field(default_factory=list, max_length=100)
    recommendations: list[Point] = Field(default_factory=list, max_length=100)


class Takeaway(Strict):
    text: Text = Field(description=CITING)
    sources: list[Slug] = Field(
        default_factory=list,
        max_length=20,
        description="sources cited as a whole, beside the items cited in the text",
    )


class Reconciliation(Strict):
    """The editor's explanation of why sources disagree on a metric."""

    metric: Slug
    uses: ItemCitation | None = Field(
        default=None,
        description="the figure the briefing relies on, as source-id/item-id; "
        "the explanation should say why",
    )
    explanation: Text = Field(description=CITING)


class ChartRequest(Strict):
    id: Slug
    metric: Slug
    title: Line
    caption: Text = Field(description=CITING)


class Metric(Strict):
    """One quantity the sources report, declared once so every figure of it means the same."""

    key: Slug = Field(description="the key figures name as their metric")
    label: Line
    definition: Text = Field(description="what is measured, and on what basis")
    basis: Line = Field(
        description="what is counted (e.g. 'patent applications'); figures that count "
        "something else need a metric of their own"
    )
    unit: Line = Field(description="the canonical unit, e.g. 'billion yuan', '%', 'firms'")


class MetricsFile(Strict):
    """content/metrics.yaml: every metric the figures may name."""

    metrics: list[Metric] = Field(min_length=1, max_length=500)


class FrontMatter(Strict):
    title: Line
    subtitle: Line | None = None
    short_title: Line | None = Field(default=None, max_length=60)
    date: dt.date
    organisation: Line
    author: Line | None = None
    version: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z.+-]{1,20}$")] = "1.0"
    marking: Line
    language: LanguageTag = "en"
    keywords: list[Line] = Field(default_factory=list, max_length=30)
    takeaways: list[Takeaway] = Field(min_length=1, max_length=8)
    executive_summary: Text = Field(description=CITING)
    reconciliations: list[Reconciliation] = Field(default_factory=list, max_length=100)
    charts: list[ChartRequest] = Field(default_factory=list, max_length=20)
    sections: list[Slug] = Field(
        default_factory=list,
        max_length=500,
        description="source ids in the order their sections appear; empty: content file order",
    )
