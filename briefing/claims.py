"""The briefing's own sentences -> problems: cited items resolved, numbers proven, wording held to status.

Provenance proves each item against its seed; this stage proves the prose built on the items:
takeaways, executive-summary paragraphs, source summaries, chart captions and reconciliation
notes. It also holds every figure to a declared metric and refuses scaffold text left in.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .content import Content
from .errors import Location, Problem
from .load import Loaded, dotted
from .models import Figure, Point, Quote
from .provenance import Report, split_unit
from .scaffold import PLACEHOLDERS

Item = Figure | Quote | Point
Path_ = tuple[str | int, ...]

CITATION = re.compile(r"\[(@[^\]]*)\]")
DERIVED = re.compile(r"\[=([^\]]*)\]")
_SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
_REF = re.compile(rf"@({_SLUG})(?:/({_SLUG}))?")
_CALL = re.compile(r"([a-z]+)\((.*)\)(?:\s*±\s*([0-9]+(?:\.[0-9]+)?))?", re.S)

# What counts as a number: ASCII digits, with thousands commas and one decimal point, then an
# optional magnitude word and an optional percent. Not a claim: a four-digit year from 1900 to
# 2099 on its own, a day before or after a month name, digits against a letter or joined to a
# word by a hyphen (Q1, V4, GPT-5.5, 6G, 2025年), and number words (eight, ten).
NUMBER = re.compile(
    r"(?<![\w.,^])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?"
    r"(?:[ -](thousand|million|billion|trillion))?"
    r"(?=[^\w^]|$)(?!\.\d)"
)
MAGNITUDE = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DAY_MONTH = re.compile(rf"\s+(?:{MONTHS})\b")
_MONTH_DAY = re.compile(rf"\b(?:{MONTHS})\s+$")
_NAME_BEFORE = re.compile(r"[A-Za-z][A-Za-z0-9]*-$")

# The status lexicon: words before a number that say it was achieved, or that it is expected.
# A forecast word wins where both stand ("was expected to reach").
ACHIEVED = re.compile(
    r"\b(?:passed|reached|surpassed|exceeded|topped|hit|grew|rose|climbed|was|were|stood|"
    r"totalled|totaled|achieved|generated|broke through)\b",
    re.I,
)
FORECAST = re.compile(
    r"\b(?:expected|expects?|expectation|will|projected|projects?|projection|forecasts?|"
    r"forecasted|poised|on course|on track|set to|aims?|targets?|plans?|planned)\b",
    re.I,
)
UNIVERSAL = re.compile(
    r"\b(?:every|each) source\b|\ball (?:of )?(?:the )?(?:[a-z]+ )?sources\b"
    r"|\bsources (?:all )?agree\b|\bunanimous(?:ly)?\b",
    re.I,
)
_URL = re.compile(r"\b(?:https?|ftp|file)://\S+|\bwww\.\S+")
_CLAUSE_END = re.compile(r"[.,;:!?()\[\]]")
_PART = re.compile(r"(?:[^.!?;]|[.!?](?![\s.!?]|$))+(?:[.!?;]+|$)")
_SENTENCE = re.compile(r"(?:[^.!?]|[.!?](?![\s.!?]|$))+(?:[.!?]+|$)")
WINDOW_WORDS = 8
FORWARD_STATUSES = {"forecast", "target"}


@dataclass(frozen=True)
class Cited:
    """One item a sentence cites: the source, the item (None for the whole source), where."""

    source: str
    item: str | None
    start: int
    end: int


@dataclass(frozen=True)
class Segment:
    """A piece of prose as a reader sees it: text, or the items of one citation group."""

    text: str
    cites: tuple[Cited, ...] = ()


@dataclass(frozen=True)
class Number:
    """A number stated in prose: its digits as written, value, and place in the text."""

    written: str
    value: Decimal
    plain: Decimal
    magnitude: int
    start: int
    end: int


@dataclass(frozen=True)
class Prose:
    """One field of the briefing's own prose, with the figures it may rest on without citing."""

    loaded: Loaded
    at: Path_
    text: str
    implicit: tuple[tuple[str, Figure], ...] = ()


def segments(text: str) -> list[Segment]:
    """Prose split into text and citation groups, derivation marks dropped, for the renderers."""
    out: list[Segment] = []
    last = 0
    for mark in re.finditer(r"\s*(?:\[@[^\]]*\]|\[=[^\]]*\])", text):
        if mark.start() > last:
            out.append(Segment(text[last : mark.start()]))
        body = mark.group().strip()
        if body.startswith("[@"):
            out.append(Segment("", tuple(_refs(body[1:-1], mark.end() - len(body) + 1))))
        last = mark.end()
    if last < len(text):
        out.append(Segment(text[last:]))
    return out


def plain_text(text: str) -> str:
    """The prose without its citation and derivation marks."""
    return "".join(s.text for s in segments(text))


def _refs(body: str, offset: int) -> Iterator[Cited]:
    position = 0
    for part in body.split(";"):
        stripped = part.strip()
        start = offset + position + len(part) - len(part.lstrip())
        found = _REF.fullmatch(stripped)
        if found:
            yield Cited(found[1], found[2], start, start + len(stripped))
        else:
            yield Cited("", stripped, start, start + len(stripped))
        position += len(part) + 1


def check_claims(content: Content, report: Report) -> list[Problem]:
    """Every problem in the briefing's own prose, its metrics and its leftover scaffold text."""
    problems = check_metrics(content) + check_placeholders(content) + check_chart_periods(content)
    problems += check_chart_definitions(content) + check_period_lengths(content)
    problems += check_attributions(content)
    checker = _Checker(content, report)
    for prose in prose_fields(content):
        problems += checker.check(prose)
    problems += _uncited_sources(content)
    front, where = content.front, content.front_file
    for i, takeaway in enumerate(front.takeaways):
        if not takeaway.sources and not CITATION.search(takeaway.text):
            problems.append(
                Problem(
                    where.locate(("takeaways", i, "text")),
                    "cites nothing; cite the items it rests on as [@source-id/item-id]",
                    f"takeaways[{i}].text",
                )
            )
    for i, entry in enumerate(front.reconciliations):
        if entry.uses is not None:
            source, _, item = entry.uses.lstrip("@").partition("/")
            cited = Cited(source, item, 0, 0)
            figure = checker.figure(cited)
            message = checker.unknown(cited)
            if message is None and figure is None:
                message = f"{entry.uses} is not a figure; expected the figure the briefing uses"
            elif figure is not None and figure.metric != entry.metric:
                message = f"{entry.uses} is a figure of {figure.metric!r}, not of {entry.metric!r}"
            if message:
                at = ("reconciliations", i, "uses")
                problems.append(Problem(where.locate(at), message, dotted(at)))
    return problems


def cited_sources(text: str) -> list[str]:
    """The sources a text cites through its items, in order of first citation."""
    found = [c.source for s in segments(text) for c in s.cites if c.source]
    return list(dict.fromkeys(found))


def _uncited_sources(content: Content) -> list[Problem]:
    cited = {s for t in content.front.takeaways for s in [*t.sources, *cited_sources(t.text)]}
    return [
        Problem(
            content.files[source_id].locate(("source",)),
            "no key takeaway cites this source; cite it or remove it from the briefing",
            severity="warning",
        )
        for source_id in content.sources
        if source_id not in cited
    ]


def prose_fields(content: Content) -> Iterator[Prose]:
    """The fields written in the briefing's own voice, each with the figures it implicitly cites."""
    front, where = content.front, content.front_file
    by_metric: dict[str, list[tuple[str, Figure]]] = {}
    for sid, summary in content.sources.items():
        for figure in summary.figures:
            by_metric.setdefault(figure.metric, []).append((sid, figure))
    for i, takeaway in enumerate(front.takeaways):
        yield Prose(where, ("takeaways", i, "text"), takeaway.text)
    yield Prose(where, ("executive_summary",), front.executive_summary)
    for i, entry in enumerate(front.reconciliations):
        implicit = tuple(by_metric.get(entry.metric, ()))
        yield Prose(where, ("reconciliations", i, "explanation"), entry.explanation, implicit)
    for i, chart in enumerate(front.charts):
        yield Prose(
            where, ("charts", i, "caption"), chart.caption, tuple(by_metric.get(chart.metric, ()))
        )
    for sid, summary in content.sources.items():
        own = tuple((sid, f) for f in summary.figures)
        yield Prose(content.files[sid], ("summary",), summary.summary, own)


class _Checker:
    """Checks one prose field at a time against the whole content."""

    def __init__(self, content: Content, report: Report):
        self.content = content
        self.items: dict[str, dict[str, Item]] = {
            sid: {
                i.id: i
                for key in ("figures", "quotes", "challenges", "recommendations")
                for i in getattr(s, key)
            }
            for sid, s in content.sources.items()
        }
        self.differing = {
            (d.metric, _period_key(d.period)) for d in report.discrepancies if d.kind != "unit"
        }

    def unknown(self, cited: Cited) -> str | None:
        if cited.source not in self.items:
            return f"no source {cited.source!r}{_did_you_mean(cited.source, self.items)}"
        if cited.item is not None and cited.item not in self.items[cited.source]:
            return (
                f"{cited.source} has no item {cited.item!r}"
                f"{_did_you_mean(cited.item, self.items[cited.source])}"
            )
        return None

    def figure(self, cited: Cited) -> Figure | None:
        item = self.items.get(cited.source, {}).get(cited.item or "")
        return item if isinstance(item, Figure) else None

    def check(self, prose: Prose) -> list[Problem]:
        place = _Placer(prose)
        problems: list[Problem] = []
        for start, end in _scopes(prose):
            problems += self._check_scope(prose, place, start, end)
        return problems

    def _check_scope(self, prose: Prose, place: _Placer, start: int, end: int) -> list[Problem]:
        text = prose.text
        problems: list[Problem] = []
        figures: list[tuple[str, Figure]] = list(prose.implicit)
        placed: list[tuple[int, str, Figure]] = []  # explicit citations, by where they stand
        masked = list(text)
        for group in CITATION.finditer(text, start, end):
            masked[group.start() : group.end()] = " " * (group.end() - group.start())
            for cited in _refs(group[1], group.start(1)):
                if not cited.source:
                    problems.append(
                        place.problem(
                            cited.start,
                            f"expected a citation such as [@source-id/item-id], got {cited.item!r}",
                        )
                    )
                    continue
                message = self.unknown(cited)
                if message:
                    problems.append(place.problem(cited.start, message))
                elif (figure := self.figure(cited)) is not None:
                    figures.append((cited.source, figure))
                    placed.append((group.start(), cited.source, figure))
        derived: dict[int, tuple[Decimal, Decimal | None, str] | None] = {}
        for mark in DERIVED.finditer(text, start, end):
            masked[mark.start() : mark.end()] = " " * (mark.end() - mark.start())
        for url in _URL.finditer(text, start, end):  # a port or a path is not a claim
            masked[url.start() : url.end()] = " " * (url.end() - url.start())
        plain = "".join(masked)
        numbers = [n for n in prose_numbers(plain, start, end)]
        for mark in DERIVED.finditer(text, start, end):
            before = [n for n in numbers if n.end <= mark.start()]
            if not before or re.search(r"[.;:!?]", plain[before[-1].end : mark.start()]):
                problems.append(
                    place.problem(
                        mark.start(),
                        "a derivation mark follows the number it derives, in the same clause; "
                        "no number stands before it",
                    )
                )
                continue
            result = self._derive(mark, place)
            derived[before[-1].start] = None if isinstance(result, Problem) else result
            if isinstance(result, Problem):
                problems.append(result)
        for number in numbers:
            if number.start in derived:
                outcome = derived[number.start]
                if outcome is not None:
                    problems += _check_derived(number, outcome, place)
                continue
            matched = [(sid, f) for sid, f in figures if states(number, f)]
            # Status is judged by the items cited in the number's own sentence, where any match.
            sentence = _sentence_of(plain, number.start, start, end)
            near = [
                (sid, f)
                for at, sid, f in placed
                if sentence[0] <= at < sentence[1] and states(number, f)
            ]
            matched = near or matched
            if not matched:
                problems.append(place.problem(number.start, _unmatched(number, figures), "warning"))
                continue
            problems += _check_status(plain, number, matched, place, numbers, start)
        problems += self._check_universal(plain, numbers, figures, place, start, end)
        return problems

    def _derive(
        self, mark: re.Match[str], place: _Placer
    ) -> tuple[Decimal, Decimal | None, str] | Problem:
        call = _CALL.fullmatch(mark[1].strip())
        if call is None or call[1] not in DERIVATIONS:
            return place.problem(
                mark.start(),
                "expected a derivation such as [=cagr(@source-id/item-id, @source-id/item-id, "
                f"10)], with one of {', '.join(DERIVATIONS)}; got {mark[0]!r}",
            )
        args: list[Decimal] = []
        for part in call[2].split(","):
            stripped = part.strip()
            ref = _REF.fullmatch(stripped)
            if ref:
                cited = Cited(ref[1], ref[2], 0, 0)
                figure = self.figure(cited)
                message = self.unknown(cited)
                if figure is None:
                    message = message or f"{stripped} is not a figure; derive from figures"
                    return place.problem(mark.start(), message)
                args.append(figure.value * split_unit(figure.unit)[0])
            elif re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", stripped):
                args.append(Decimal(stripped))
            else:
                return place.problem(
                    mark.start(),
                    f"expected a figure (@source-id/item-id) or a plain number, got {stripped!r}",
                )
        name = call[1]
        function, arity = DERIVATIONS[name]
        if len(args) != arity:
            return place.problem(mark.start(), f"{name} takes {arity} values, got {len(args)}")
        try:
            value = Decimal(function(*args))
        except (ArithmeticError, ValueError):
            return place.problem(mark.start(), f"{name} cannot be worked out from these values")
        return value, Decimal(call[3]) if call[3] else None, name

    def _check_universal(
        self,
        plain: str,
        numbers: list[Number],
        figures: list[tuple[str, Figure]],
        place: _Placer,
        start: int,
        end: int,
    ) -> list[Problem]:
        problems = []
        for sentence in _SENTENCE.finditer(plain, start, end):
            phrase = UNIVERSAL.search(sentence.group())
            if phrase is None:
                continue
            inside = [n for n in numbers if sentence.start() <= n.start < sentence.end()]
            metrics = sorted(
                {
                    (f.metric, f.period)
                    for n in inside
                    for _, f in figures
                    if states(n, f) and (f.metric, _period_key(f.period)) in self.differing
                }
            )
            if metrics:
                metric, period = metrics[0]
                problems.append(
                    place.problem(
                        sentence.start() + phrase.start(),
                        f'"{phrase.group()}" over figures that differ: the sources give '
                        f"{metric} for {period} with different values or status; say which "
                        "source says what",
                        "warning",
                    )
                )
        return problems


def _sentence_of(text: str, index: int, start: int, end: int) -> tuple[int, int]:
    """The span of the sentence, or of its part between semicolons, that holds the index."""
    for sentence in _PART.finditer(text, start, end):
        if sentence.start() <= index < sentence.end():
            return sentence.start(), sentence.end()
    return start, end


def _scopes(prose: Prose) -> Iterator[tuple[int, int]]:
    """The spans citations apply to: each paragraph of the executive summary, else the field."""
    if prose.at != ("executive_summary",):
        yield 0, len(prose.text)
        return
    start = 0
    for gap in re.finditer(r"\n\s*\n", prose.text):
        yield start, gap.start()
        start = gap.end()
    yield start, len(prose.text)


def prose_numbers(text: str, start: int = 0, end: int | None = None) -> Iterator[Number]:
    """The numbers a text states as claims, by the rules at NUMBER."""
    end = len(text) if end is None else end
    for found in NUMBER.finditer(text, start, end):
        digits, decimals, magnitude = found[1], found[2] or "", found[3]
        before = text[max(0, found.start() - 30) : found.start()]
        after = text[found.end() : found.end() + 12]
        if _NAME_BEFORE.search(before):
            continue  # GPT-5.5, DeepSeek-V4
        plain = Decimal(digits.replace(",", "") + decimals)
        is_percent = bool(re.match(r"\s*(?:%|-?percent|-?per cent|[ -]percentage)", after))
        if (
            not magnitude
            and not decimals
            and "," not in digits
            and not is_percent
            and (
                (len(digits) == 4 and 1900 <= int(digits) <= 2099)
                or (int(digits) <= 31 and (_DAY_MONTH.match(after) or _MONTH_DAY.search(before)))
            )
        ):
            continue  # a year or a date
        scale = MAGNITUDE[magnitude.lower()] if magnitude else 1
        yield Number(found[0], plain * scale, plain, scale, found.start(), found.end())


def states(number: Number, figure: Figure) -> bool:
    """Whether the number, as written, is the figure's value (or its range's upper end)."""
    scale = split_unit(figure.unit)[0]
    for value in (figure.value, figure.value_high):
        if value is None:
            continue
        if number.magnitude == 1 and number.plain == value:
            return True
        if number.value == value * scale:
            return True
    return False


def _unmatched(number: Number, figures: list[tuple[str, Figure]]) -> str:
    if not figures:
        return (
            f"{number.written} rests on no cited figure; cite the item that states it, "
            "as [@source-id/item-id]"
        )
    held = sorted({f"{_shown(f.value)} {f.unit}" for _, f in figures})
    shown = ", ".join(held[:8]) + (f" and {len(held) - 8} more" if len(held) > 8 else "")
    return f"{number.written} is not a value of the cited figures, which hold {shown}"


def _shown(value: Decimal) -> str:
    return f"{value:,f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:,f}"


def _check_status(
    plain: str,
    number: Number,
    matched: list[tuple[str, Figure]],
    place: _Placer,
    numbers: list[Number],
    start: int,
) -> list[Problem]:
    """Achieved wording before a forecast, or forecast wording before an actual, in its clause."""
    window_start = max([start] + [n.end for n in numbers if n.end <= number.start])
    for boundary in _CLAUSE_END.finditer(plain, window_start, number.start):
        window_start = boundary.end()
    words = list(re.finditer(r"\S+", plain[window_start : number.start]))[-WINDOW_WORDS:]
    if not words:
        return []
    offset = window_start + words[0].start()
    window = plain[offset : number.start]
    statuses: set[str] = {f.status for _, f in matched}
    forecast = FORECAST.search(window)
    if forecast:
        if statuses & FORWARD_STATUSES or "estimate" in statuses:
            return []
        return [
            place.problem(
                offset + forecast.start(),
                f'"{forecast.group()}" speaks of a forecast, but {number.written} is reported as '
                f"{_status_list(statuses)} ({_names(matched)})",
                "warning",
            )
        ]
    achieved = ACHIEVED.search(window)
    if achieved and statuses <= FORWARD_STATUSES:
        return [
            place.problem(
                offset + achieved.start(),
                f'"{achieved.group()}" speaks of an achieved value, but {number.written} is '
                f"reported as {_status_list(statuses)} ({_names(matched)}); write it as "
                "expected, or cite a source that reports it as achieved",
                "warning",
            )
        ]
    return []


def _status_list(statuses: set[str]) -> str:
    return " and ".join(sorted(statuses))


def _names(matched: list[tuple[str, Figure]]) -> str:
    return ", ".join(f"{sid}/{f.id}" for sid, f in matched)


def _check_derived(
    number: Number, outcome: tuple[Decimal, Decimal | None, str], place: _Placer
) -> list[Problem]:
    """A derived number holds when it equals the worked-out value to its last written digit."""
    value, tolerance, name = outcome
    stated = number.value if name == "difference" else number.plain
    if tolerance is None:
        exponent = number.plain.as_tuple().exponent
        tolerance = Decimal(5) * Decimal(10) ** (int(exponent) - 1)
        if name == "difference":
            tolerance *= number.magnitude
    if abs(value - stated) <= tolerance:
        return []
    worked = f"{value:.4g}" if name != "difference" else f"{value:,.0f}"
    return [
        place.problem(
            number.start,
            f"{number.written} is marked as derived, but {name} of the cited figures gives "
            f"{worked}; write the result, or state the rounding as ±",
        )
    ]


def _cagr(start: Decimal, end: Decimal, years: Decimal) -> Decimal:
    return Decimal(str((math.pow(float(end / start), 1 / float(years)) - 1) * 100))


DERIVATIONS: dict[str, tuple[Any, int]] = {
    "ratio": (lambda a, b: a / b, 2),
    "percent": (lambda a, b: a / b * 100, 2),
    "change": (lambda a, b: (b - a) / a * 100, 2),
    "difference": (lambda a, b: b - a, 2),
    "cagr": (_cagr, 3),
}


def _period_key(period: str) -> str:
    return period.strip().lower()


def _did_you_mean(word: str, known: dict[str, Any] | list[str]) -> str:
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


class _Placer:
    """Where a character of a value stands in its file: line and column as an editor sees them.

    The value as parsed differs from the file's text only in white space (a folded block joins
    lines), quoting and escapes, so value and text are walked together, skipping what the value
    does not hold.
    """

    def __init__(self, prose: Prose):
        self.prose = prose
        self.start = prose.loaded.locate(prose.at)
        self._index: list[int] | None = None

    def _map(self) -> list[int]:
        text, value = self.prose.loaded.text, self.prose.text
        lines = text.split("\n")
        j = sum(len(line) + 1 for line in lines[: self.start.line - 1]) + self.start.column - 1
        mapping: list[int] = []
        for char in value:
            if char.isspace():
                mapping.append(j)
                while j < len(text) and text[j].isspace():
                    j += 1
                continue
            while j < len(text) and text[j] != char:
                j += 1  # a quote, an escape, a block header: in the file, not in the value
            mapping.append(j)
            j += 1
        return mapping

    def location(self, offset: int) -> Location:
        loaded = self.prose.loaded
        if not loaded.text or self.start.line == 0:
            return self.start
        if self._index is None:
            self._index = self._map()
        index = self._index[min(offset, len(self._index) - 1)] if self._index else 0
        before = loaded.text[:index]
        line = before.count("\n") + 1
        return Location(loaded.path, line, index - (before.rfind("\n") + 1) + 1)

    def problem(self, offset: int, message: str, severity: str = "error") -> Problem:
        return Problem(self.location(offset), message, dotted(self.prose.at), severity)


def check_metrics(content: Content) -> list[Problem]:
    """Each metric declared once; every figure, chart and reconciliation names a declared one."""
    problems: list[Problem] = []
    declared: dict[str, int] = {}
    if content.metrics_file is None:
        if any(s.figures for s in content.sources.values()):
            where = content.front_file.path.rsplit("/", 1)
            path = f"{where[0]}/metrics.yaml" if len(where) == 2 else "metrics.yaml"
            problems.append(
                Problem(
                    Location(path),
                    "no metric declarations; declare every metric the figures name "
                    "(key, label, definition, basis, unit) in this file",
                )
            )
        return problems
    loaded = content.metrics_file
    for i, metric in enumerate(content.metrics):
        if metric.key in declared:
            problems.append(
                Problem(
                    loaded.locate(("metrics", i, "key")),
                    f"{metric.key!r} is already declared as metrics[{declared[metric.key]}]; "
                    "declare each metric once",
                    f"metrics[{i}].key",
                )
            )
        declared.setdefault(metric.key, i)
    metrics = {m.key: m for m in content.metrics}
    for sid, summary in content.sources.items():
        for i, figure in enumerate(summary.figures):
            at: Path_ = ("figures", i, "metric")
            declaration = metrics.get(figure.metric)
            if declaration is None:
                problems.append(_undeclared(content.files[sid], at, figure.metric, metrics))
            elif figure.basis is not None and figure.basis.lower() != declaration.basis.lower():
                at = ("figures", i, "basis")
                problems.append(
                    Problem(
                        content.files[sid].locate(at),
                        f"counts {figure.basis!r}, but {figure.metric!r} is declared as "
                        f"counting {declaration.basis!r}; figures with another basis need a metric "
                        "of their own",
                        dotted(at),
                    )
                )
    for key in ("reconciliations", "charts"):
        for i, entry in enumerate(getattr(content.front, key)):
            if entry.metric not in metrics:
                problems.append(
                    _undeclared(content.front_file, (key, i, "metric"), entry.metric, metrics)
                )
    return problems


def _undeclared(loaded: Loaded, at: Path_, name: str, metrics: dict[str, Any]) -> Problem:
    return Problem(
        loaded.locate(at),
        f"metric {name!r} is not declared in metrics.yaml{_did_you_mean(name, metrics)}",
        dotted(at),
    )


def check_attributions(content: Content) -> list[Problem]:
    """A quote is attributed as "speaker, role, organisation": no part may repeat another."""
    problems = []
    for sid, summary in content.sources.items():
        for i, quote in enumerate(summary.quotes):
            parts = [("speaker", quote.speaker), ("role", quote.role)]
            if quote.organisation:
                parts.append(("organisation", quote.organisation))
            for j, (name, text) in enumerate(parts):
                for other, earlier in parts[:j]:
                    if text.lower() in earlier.lower() or earlier.lower() in text.lower():
                        at = ("quotes", i, name)
                        shown = ", ".join(t for _, t in parts)
                        problems.append(
                            Problem(
                                content.files[sid].locate(at),
                                f"repeats the {other}: the attribution would read {shown!r}",
                                dotted(at),
                                "warning",
                            )
                        )
                        break
    return problems


def check_chart_periods(content: Content) -> list[Problem]:
    """A charted figure's period should name a time (a year, quarter, month or range) to order
    by; one that does not is drawn last, and warned about."""
    from .periods import parse_period

    charted = {c.metric: c.id for c in content.front.charts}
    problems = []
    for sid, summary in content.sources.items():
        for i, figure in enumerate(summary.figures):
            if figure.metric in charted and parse_period(figure.period) is None:
                at = ("figures", i, "period")
                problems.append(
                    Problem(
                        content.files[sid].locate(at),
                        f"{figure.period!r} names no year, quarter or month, so chart "
                        f"{charted[figure.metric]!r} cannot place it in time; add when "
                        "(e.g. 'as of April 2026')",
                        dotted(at),
                        "warning",
                    )
                )
    return problems


# The figures table's period column holds two short lines; a longer period is a qualifier
# ("plan of January 2026 (no target year stated)") that belongs in the figure's note.
MAX_PERIOD_CHARS = 20


def check_period_lengths(content: Content) -> list[Problem]:
    problems = []
    for sid, summary in content.sources.items():
        for i, figure in enumerate(summary.figures):
            if len(figure.period) > MAX_PERIOD_CHARS:
                at = ("figures", i, "period")
                problems.append(
                    Problem(
                        content.files[sid].locate(at),
                        f"{figure.period!r} is {len(figure.period)} characters, more than the "
                        f"period column holds ({MAX_PERIOD_CHARS}); keep the period short "
                        "(e.g. 'January 2026 plan') and say the rest in the figure's note",
                        dotted(at),
                        "warning",
                    )
                )
    return problems


def check_chart_definitions(content: Content) -> list[Problem]:
    """A chart draws one quantity: figures of its metric that say they count different things
    (their `definition`, else the metric's) are two numbers, for a sentence, not for bars."""
    metrics = {m.key: m for m in content.metrics}
    problems = []
    for i, chart in enumerate(content.front.charts):
        declared = metrics.get(chart.metric)
        if declared is None:
            continue  # check_metrics reports it
        by_definition: dict[str, list[str]] = {}
        for sid, summary in content.sources.items():
            for figure in summary.figures:
                if figure.metric == chart.metric:
                    counted = figure.definition or declared.definition
                    by_definition.setdefault(" ".join(counted.lower().split()), []).append(
                        f"{sid}/{figure.id} ({counted!r})"
                    )
        if len(by_definition) > 1:
            at = ("charts", i, "metric")
            listed = "; ".join(f for found in by_definition.values() for f in found)
            problems.append(
                Problem(
                    content.front_file.locate(at),
                    f"chart {chart.id!r} would draw figures of {chart.metric!r} that count "
                    f"different things as one series: {listed}; say them in a sentence "
                    "instead, or give each definition a metric of its own",
                    dotted(at),
                )
            )
    return problems


def check_placeholders(content: Content) -> list[Problem]:
    """Text that `briefing new` writes for the editor to replace, left in a content file."""
    files = [content.front_file, *content.files.values()]
    if content.metrics_file is not None:
        files.append(content.metrics_file)
    problems = []
    for loaded in files:
        for at, value in loaded.strings():
            placeholder = next((p for p in PLACEHOLDERS if p in value), None)
            if placeholder is not None:
                place = _Placer(Prose(loaded, at, value))
                message = (
                    f'still holds the placeholder "{placeholder}" from briefing new; '
                    "write the source's own text"
                )
                problems.append(place.problem(value.index(placeholder), message))
    return problems
