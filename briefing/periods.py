"""A figure's period as the editor wrote it -> the span of time it covers, to order and compare.

Editors keep their wording ("2025 (year to date)", "as of Q1 2026", "January–October 2025",
"end of 2025"); the briefing shows it as written. What a chart needs is when: a year, a quarter,
a month, or a range of them, found inside that wording.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "january", "february", "march", "april", "may", "june", "july", "august",
            "september", "october", "november", "december",
        ),
        start=1,
    )
}  # fmt: skip
_MONTH = "|".join(MONTHS)
_YEAR = r"(?:19|20)\d\d"
_QUARTER = re.compile(rf"\bQ([1-4])\s+({_YEAR})\b", re.I)
_MONTH_YEAR = re.compile(rf"\b({_MONTH})\s+({_YEAR})\b", re.I)
_MONTH_RANGE = re.compile(rf"\b({_MONTH})\s*[–-]\s*({_MONTH})\s+({_YEAR})\b", re.I)
_YEAR_RANGE = re.compile(rf"\b({_YEAR})\s*[–-]\s*({_YEAR})\b")
_YEAR_ONLY = re.compile(rf"\b({_YEAR})\b")
_POINT = re.compile(r"\b(?:as of|by|end of|to(?! date)|until|through)\b", re.I)


@dataclass(frozen=True, order=True)
class Period:
    """When a figure holds: from `start` to `end` (equal for a point in time), as written."""

    end: dt.date
    start: dt.date
    text: str

    @property
    def is_point(self) -> bool:
        return self.start == self.end


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def parse_period(text: str) -> Period | None:
    """The span the wording names, or None when it names no year (e.g. "cumulative")."""
    found = _MONTH_RANGE.search(text)
    if found:
        year = int(found[3])
        first, last = MONTHS[found[1].lower()], MONTHS[found[2].lower()]
        return _span(dt.date(year, first, 1), _month_end(year, last), text)
    found = _QUARTER.search(text)
    if found:
        quarter, year = int(found[1]), int(found[2])
        start = dt.date(year, 3 * quarter - 2, 1)
        return _span(start, _month_end(year, 3 * quarter), text)
    found = _MONTH_YEAR.search(text)
    if found:
        year, month = int(found[2]), MONTHS[found[1].lower()]
        return _span(dt.date(year, month, 1), _month_end(year, month), text)
    found = _YEAR_RANGE.search(text)
    if found:
        return _span(dt.date(int(found[1]), 1, 1), dt.date(int(found[2]), 12, 31), text)
    found = _YEAR_ONLY.search(text)
    if found:
        year = int(found[1])
        return _span(dt.date(year, 1, 1), dt.date(year, 12, 31), text)
    return None


def _span(start: dt.date, end: dt.date, text: str) -> Period:
    # "as of Q1 2026", "by September 2024", "end of 2025": a moment, the span's last day.
    if _POINT.search(text):
        start = end
    return Period(end, start, text)
