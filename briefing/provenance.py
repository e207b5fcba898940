"""Prove every item against its seed, and compare figures that share a metric across sources.

Excerpts are matched after folding what differs between a scrape and an editor's copy: runs of
white space and line breaks, curly and straight quotes, dash variants, full-width punctuation.
An excerpt may skip words with "[…]" or "[...]": its parts must appear in order.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import marshal
import re
import unicodedata
from array import array
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .config import Project
from .content import Content
from .errors import FileRefused, Location, Problem
from .files import MAX_SEED_BYTES, decode_text, read_cache, read_file, write_cache
from .models import Figure, SourceSummary
from .nearest import GAP, miss_message

_FOLD = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-", "\u00a0": " ", "\u3000": " ",
    }
)  # fmt: skip
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "hundred": 100,
    "half": Decimal("0.5"), "dozen": 12,
}  # fmt: skip
MAGNITUDES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}


@dataclass(frozen=True)
class Folded:
    """Text folded for matching, and where each folded character came from in the original.

    The origins are kept as runs of consecutive indices (where each run starts in the folded
    text, and the original index of its first character), in machine-integer arrays: a few
    thousand pairs for a seed, not an object per character.
    """

    text: str
    starts: Sequence[int]
    firsts: Sequence[int]
    original: str

    def original_index(self, folded_index: int) -> int:
        """Where the folded character at `folded_index` came from in the original text."""
        run = bisect.bisect_right(self.starts, folded_index) - 1
        return self.firsts[run] + folded_index - self.starts[run] if run >= 0 else 0

    def line_of(self, folded_index: int) -> int:
        return self.original.count("\n", 0, self.original_index(folded_index)) + 1


# What the folding rules must look at one character at a time: white space, hyphens and
# non-ASCII characters, in runs of two or more (or alone, but for a lone space or hyphen between
# two plain characters, which fold to themselves). Everything between folds to itself and is
# copied a stretch at a time, so a seed costs a few times its size in memory, never an object
# per character.
_IRREGULAR = re.compile(
    r"\A[\s\-\x80-\U0010ffff]+|[\s\-\x80-\U0010ffff]{2,}|[^ \-\x00-\x7f]|[^\S ]"
)


class _Folder:
    """fold's state: the folded pieces so far, their runs, the last character and its origin."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.starts, self.firsts = array("q"), array("q")
        self.size = 0
        self.last = ""
        self.last_origin = -2

    def _origin(self, origin: int) -> None:
        if origin != self.last_origin + 1:
            self.starts.append(self.size)
            self.firsts.append(origin)
        self.last_origin = origin

    def stretch(self, text: str, begin: int, end: int) -> None:
        """Plain text, which folds to itself."""
        self._origin(begin)
        self.pieces.append(text[begin:end])
        self.size += end - begin
        self.last, self.last_origin = text[end - 1], end - 1

    def region(self, text: str, begin: int, end: int) -> None:
        """The rules, one character at a time: spaces collapse, and vanish beside a hyphen."""
        out: list[str] = []
        origin: list[int] = []
        last = self.last
        for i in range(begin, end):
            char = text[i]
            for piece in char if char.isascii() else _fold_char(char):
                if piece.isspace():
                    if last in ("", " "):
                        continue
                    piece = " "
                if piece == "-" and last == "-":
                    continue  # "--" typed for a dash: one dash, as an em dash folds to
                if piece == "-" and last == " ":
                    # the space is this region's own: a region follows a plain character
                    out.pop()
                    origin.pop()
                elif piece == " " and last == "-":
                    continue
                out.append(piece)
                origin.append(i)
                last = piece
        for index in origin:
            self._origin(index)
            self.size += 1
        self.pieces.append("".join(out))
        self.last = last

    def result(self, text: str) -> Folded:
        if self.last == " ":
            self.pieces[-1] = self.pieces[-1][:-1]
            self.size -= 1
            if self.starts and self.starts[-1] == self.size:
                self.starts.pop()
                self.firsts.pop()
        return Folded("".join(self.pieces), self.starts, self.firsts, text)


def fold(text: str) -> Folded:
    folder = _Folder()
    done = 0
    for match in _IRREGULAR.finditer(text):
        if match.start() > done:
            folder.stretch(text, done, match.start())
        folder.region(text, match.start(), match.end())
        done = match.end()
    if done < len(text):
        folder.stretch(text, done, len(text))
    return folder.result(text)


def fold_text(text: str) -> str:
    """fold(text).text, without the index map: the same rules as whole-string regex passes."""
    if not text.isascii():
        text = _NON_ASCII.sub(lambda m: _fold_char(m[0]), text)
    return _HYPHENS.sub("-", _SPACE_BY_HYPHEN.sub("", _SPACES.sub(" ", text).strip(" ")))


_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_SPACES = re.compile(r"\s+")  # the characters str.isspace accepts, as fold's test
_SPACE_BY_HYPHEN = re.compile(r" (?=-)|(?<=-) ")
_HYPHENS = re.compile(r"-{2,}")


def folded_seed(text: str, cache_dir: Path | None) -> Folded:
    """fold(text), read from the cache when this text was folded by this code before."""
    if cache_dir is None:
        return fold(text)
    key = hashlib.sha256(_fold_code() + text.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    path = cache_dir / f"{key}.marshal"
    cached = read_cache(path)
    try:
        folded_text, starts, firsts = marshal.loads(cached) if cached else (None, b"", b"")
        if isinstance(folded_text, str) and isinstance(starts, bytes) and isinstance(firsts, bytes):
            runs = array("q", starts), array("q", firsts)
            if len(runs[0]) == len(runs[1]) and (runs[0][:1] == array("q", [0]) or not folded_text):
                return Folded(folded_text, runs[0], runs[1], text)
    except (ValueError, EOFError, TypeError):
        pass  # written by another version of Python's marshal: fold again
    result = fold(text)
    record = (result.text, array("q", result.starts).tobytes(), array("q", result.firsts).tobytes())
    write_cache(path, marshal.dumps(record))
    return result


@functools.cache
def _fold_code() -> bytes:
    """This module's source: a change to the folding rules never reads an old cache entry."""
    return hashlib.sha256(Path(__file__).read_bytes()).digest()


@functools.cache
def _fold_char(char: str) -> str:
    """One character's folded form; cached, as unicodedata costs more than the rest of fold."""
    return unicodedata.normalize("NFKC", char).translate(_FOLD)


@dataclass(frozen=True)
class Found:
    """Where an excerpt stands in its seed."""

    seed: str
    line: int


@dataclass(frozen=True)
class Discrepancy:
    """Two or more sources disagree on the same metric for the same period."""

    metric: str
    period: str
    kind: str  # "value", "unit" or "status"
    message: str
    figures: tuple[tuple[str, Figure], ...]
    explanation: str | None = None


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    found: dict[tuple[str, str], Found] = field(default_factory=dict)
    discrepancies: list[Discrepancy] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def read_seeds(project: Project, content: Content) -> tuple[dict[str, Folded], list[Problem]]:
    """The folded text of each seed named by the content; report missing and unused seeds."""
    problems: list[Problem] = []
    seeds: dict[str, Folded] = {}
    # Seeds rarely change between checks: keep their folded form beside the build's other caches.
    cache = project.output_dir / ".cache" / "folded" if project.output_dir.is_dir() else None
    for source_id, summary in content.sources.items():
        name = summary.source.seed
        path = project.seeds_dir / name
        where = content.files[source_id].locate(("source", "seed"))
        try:
            raw = read_file(
                path,
                project.root,
                f"seed {project.shown(path)}",
                limit=MAX_SEED_BYTES,
                kind="seeds",
            )
            text = decode_text(raw)
        except FileNotFoundError:
            problems.append(
                Problem(where, f"seed {project.shown(path)} does not exist", "source.seed")
            )
            continue
        except FileRefused as exc:
            problems.append(Problem(where, str(exc), "source.seed"))
            continue
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(
                Problem(where, f"seed {project.shown(path)} is not readable UTF-8 text ({exc})")
            )
            continue
        del raw  # the text alone from here: memory in proportion to the seed
        seeds[name] = folded_seed(text, cache)
        content.seed_texts[name] = text
    named = {s.source.seed for s in content.sources.values()}
    if project.seeds_dir.is_dir():
        for path in sorted(project.seeds_dir.iterdir()):
            if path.is_file() and path.suffix in (".txt", ".md") and path.name not in named:
                problems.append(
                    Problem(
                        Location(project.shown(path)),
                        f"seed has no content file; run: briefing new {project.shown(path)}",
                        severity="warning",
                    )
                )
    return seeds, problems


def check_provenance(project: Project, content: Content) -> Report:
    """Locate every excerpt, check figure values, and compare metrics across sources."""
    report = Report()
    seeds, report.problems = read_seeds(project, content)
    for source_id, summary in content.sources.items():
        seed = seeds.get(summary.source.seed)
        if seed is not None:
            _prove_source(source_id, summary, seed, content, report)
    report.discrepancies = compare_figures(content)
    for discrepancy in report.discrepancies:
        if discrepancy.explanation is None:
            source_id, figure = discrepancy.figures[0]
            loaded = content.files[source_id]
            index = content.sources[source_id].figures.index(figure)
            report.problems.append(
                Problem(
                    loaded.locate(("figures", index, "metric")),
                    f"{discrepancy.message}; explain it under reconciliations in front-matter.yaml",
                    f"figures[{index}].metric",
                    severity="warning",
                )
            )
    return report


def _prove_source(
    source_id: str, summary: SourceSummary, seed: Folded, content: Content, report: Report
) -> None:
    loaded = content.files[source_id]
    name = summary.source.seed
    for key in ("figures", "quotes", "challenges", "recommendations"):
        for i, item in enumerate(getattr(summary, key)):
            checks = [("excerpt", item.excerpt)]
            if key == "quotes":
                checks.append(("text", item.text))
                if item.original:
                    checks.append(("original", item.original))
            if key == "figures" and item.original_excerpt:
                checks.append(("original_excerpt", item.original_excerpt))
            for attr, text in checks:
                at = (key, i, attr)
                line = locate_excerpt(text, seed)
                if line is None:
                    what = "quote text" if key == "quotes" and attr == "text" else "excerpt"
                    message = miss_message(text, seed, name, what, fold)
                    report.problems.append(
                        Problem(loaded.locate(at), message, f"{key}[{i}].{attr}")
                    )
                elif attr == "excerpt":
                    report.found[(source_id, item.id)] = Found(name, line)
            if key == "figures":
                report.problems += _check_value(item, loaded.locate((key, i, "value")), i)


def locate_excerpt(excerpt: str, seed: Folded) -> int | None:
    """The seed line where the excerpt starts, or None when it is not in the seed."""
    parts = [fold_text(part) for part in GAP.split(excerpt) if part.strip()]
    start = 0
    first = None
    for part in parts:
        index = seed.text.find(part, start)
        if index < 0:
            return None
        first = index if first is None else first
        start = index + len(part)
    return None if first is None else seed.line_of(first)


def numbers_in(text: str) -> set[Decimal]:
    """Every number an excerpt states, in digits or (for small ones) in words."""
    found = {Decimal(m.replace(",", "")) for m in re.findall(r"\d[\d,]*(?:\.\d+)?", text)}
    for word in re.findall(r"[a-z]+", text.lower()):
        if word in NUMBER_WORDS:
            found.add(Decimal(str(NUMBER_WORDS[word])))
    return found


def _check_value(figure: Figure, where: Location, index: int) -> list[Problem]:
    stated = numbers_in(fold_text(figure.excerpt))
    problems = []
    for attr, value in (("value", figure.value), ("value_high", figure.value_high)):
        if value is not None and value not in stated:
            problems.append(
                Problem(
                    where,
                    f"{value} does not appear in the excerpt; the excerpt states "
                    f"{', '.join(str(n) for n in sorted(stated)) or 'no number'}",
                    f"figures[{index}].{attr}",
                )
            )
    return problems


def split_unit(unit: str) -> tuple[Decimal, str]:
    """'trillion yuan' -> (10**12, 'yuan'); '%' and 'percent' are one unit."""
    words = unit.lower().replace("percent", "%").split()
    scale = Decimal(1)
    while words and words[0] in MAGNITUDES:
        scale *= MAGNITUDES[words.pop(0)]
    base = " ".join(words).replace("us dollars", "usd").replace("dollars", "usd")
    return scale, base or "count"


def _interval(figure: Figure) -> tuple[Decimal, Decimal]:
    scale, _ = split_unit(figure.unit)
    low = figure.value * scale
    high = (figure.value_high * scale) if figure.value_high is not None else low
    big = Decimal("1e30")
    return {
        "exact": (low, high),
        "about": (low * Decimal("0.95"), high * Decimal("1.05")),
        "nearly": (low * Decimal("0.9"), high),
        "more-than": (low, big),
        "less-than": (-big, high),
    }[figure.bound]


def compare_figures(content: Content) -> list[Discrepancy]:
    """Disagreements among figures with the same metric and period in different sources."""
    groups: dict[tuple[str, str], list[tuple[str, Figure]]] = defaultdict(list)
    for source_id, summary in content.sources.items():
        for figure in summary.figures:
            groups[(figure.metric, figure.period.strip().lower())].append((source_id, figure))
    explanations = {r.metric: r.explanation for r in content.front.reconciliations}
    found: list[Discrepancy] = []
    for (metric, _), members in groups.items():
        if len({source_id for source_id, _ in members}) < 2:
            continue
        period = members[0][1].period
        for kind, message in _disagreements(members):
            found.append(
                Discrepancy(metric, period, kind, message, tuple(members), explanations.get(metric))
            )
    return found


def _disagreements(members: list[tuple[str, Figure]]) -> list[tuple[str, str]]:
    def says(source_id: str, figure: Figure) -> str:
        bound = "" if figure.bound == "exact" else figure.bound.replace("-", " ") + " "
        return f"{source_id} {bound}{figure.value} {figure.unit} ({figure.status})"

    metric, period = members[0][1].metric, members[0][1].period
    head = f"{metric} for {period}"
    result = []
    bases = {split_unit(f.unit)[1] for _, f in members}
    if len(bases) > 1:
        result.append(
            (
                "unit",
                f"{head}: sources use different units: " + "; ".join(says(*m) for m in members),
            )
        )
    statuses = {f.status for _, f in members}
    if len(statuses) > 1:
        result.append(
            (
                "status",
                f"{head}: reported as {' and as '.join(sorted(statuses))}: "
                + "; ".join(says(*m) for m in members),
            )
        )
    if len(bases) == 1:
        intervals = [_interval(f) for _, f in members]
        low = max(i[0] for i in intervals)
        high = min(i[1] for i in intervals)
        if low > high * Decimal("1.005"):
            result.append(
                ("value", f"{head}: values disagree: " + "; ".join(says(*m) for m in members))
            )
    return result
