"""Periods: the editor's wording kept, the span of time it names found inside it."""

from __future__ import annotations

import datetime as dt

import pytest

from briefing.periods import parse_period

D = dt.date


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2025", D(2025, 1, 1), D(2025, 12, 31)),
        ("2025 (year to date)", D(2025, 1, 1), D(2025, 12, 31)),
        ("September 2024", D(2024, 9, 1), D(2024, 9, 30)),
        ("Q4 2024", D(2024, 10, 1), D(2024, 12, 31)),
        ("as of Q1 2026", D(2026, 3, 31), D(2026, 3, 31)),
        ("end of 2025", D(2025, 12, 31), D(2025, 12, 31)),
        ("to 2035", D(2035, 12, 31), D(2035, 12, 31)),
        ("January–October 2025", D(2025, 1, 1), D(2025, 10, 31)),
        ("2024-2025", D(2024, 1, 1), D(2025, 12, 31)),
        ("February 2024", D(2024, 2, 1), D(2024, 2, 29)),
        ("undated (reported April 2026)", D(2026, 4, 1), D(2026, 4, 30)),
    ],
)
def test_a_period_names_its_span(text: str, start: dt.date, end: dt.date) -> None:
    period = parse_period(text)
    assert period is not None
    assert (period.start, period.end, period.text) == (start, end, text)


@pytest.mark.parametrize("text", ["cumulative (latest reported)", "latest", "plan of this year"])
def test_wording_without_a_year_names_no_span(text: str) -> None:
    assert parse_period(text) is None


def test_periods_order_in_time_not_as_text() -> None:
    written = ["2035", "September 2024", "2025", "2024"]
    ordered = sorted(written, key=lambda text: parse_period(text))  # type: ignore[arg-type,return-value]
    assert ordered == ["September 2024", "2024", "2025", "2035"]
