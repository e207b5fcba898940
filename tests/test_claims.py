"""Claims: the briefing's own prose is proven against the items it cites.

Each mutation below is one kind of error the fact-check of the shipped briefing found, made
again in a copy of the repository's own content; check must report it with its exact message
at the word or number it is about, and report nothing else.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from briefing.claims import plain_text, prose_numbers, segments, states
from briefing.cli import app
from briefing.models import Figure

FRONT = "front-matter.yaml"
CORE_2025 = (
    "1 trillion yuan, 1.2 trillion yuan, 1.7 trillion yuan, 600 billion yuan, 900 billion yuan"
)

MUTATIONS = [
    (
        "number changed in a takeaway",
        FRONT,
        "1,882 EFLOPS of intelligent computing\n      power",
        "1,892 EFLOPS of intelligent computing\n      power",
        [
            "content/front-matter.yaml:51:58: warning: takeaways[2].text: 1,892 is not a value "
            "of the cited figures, which hold 1,882 EFLOPS, 100 datasets, 100,000 datasets, "
            "19.9 %, 25.9 %, 3 models, 42 ten-thousand-card intelligent computing clusters, 500 "
            "application scenarios"
        ],
    ),
    (
        "number changed in the executive summary",
        FRONT,
        "industries reached 68.6 percent",
        "industries reached 68.9 percent",
        [
            "content/front-matter.yaml:110:54: warning: executive_summary: 68.9 is not a value "
            "of the cited figures, which hold 1 % of GPT-5.5 API price, 1,882 EFLOPS, 1.2 "
            "trillion yuan, 100,000 datasets, 17.1 %, 24 %, 42 ten-thousand-card intelligent "
            "computing clusters, 6,200 firms and 4 more"
        ],
    ),
    (
        "number changed in a chart caption",
        FRONT,
        "CAICT's 2024 figure of more than 900 billion",
        "CAICT's 2024 figure of more than 950 billion",
        [
            "content/front-matter.yaml:199:84: warning: charts[0].caption: 950 billion is not a "
            "value of the cited figures, which hold 1 trillion yuan, 1.2 trillion yuan, 1.7 "
            "trillion yuan, 600 billion yuan, 900 billion yuan"
        ],
    ),
    (
        "achieved wording on a forecast",
        "sputnik-core-ai-industry.yaml",
        "and an expected 1.2 trillion yuan or more in 2025",
        "and reached 1.2 trillion yuan or more in 2025",
        [
            'content/sputnik-core-ai-industry.yaml:47:36: warning: summary: "reached" speaks '
            "of an achieved value, but 1.2 trillion is reported as forecast "
            "(sputnik-core-ai-industry/core-ai-industry-2025); write it as expected, or cite a "
            "source that reports it as achieved"
        ],
    ),
    (
        "forecast wording on an actual",
        FRONT,
        "Chinese models took 17.1 percent of global open-source model",
        "Chinese models will take 17.1 percent of global open-source model",
        [
            'content/front-matter.yaml:37:22: warning: takeaways[1].text: "will" speaks of a '
            "forecast, but 17.1 is reported as actual "
            "(qiushi-ai-industry-bilingual/open-source-download-share-2025)"
        ],
    ),
    (
        '"every source" over figures that differ',
        FRONT,
        "exceeded 1.2 trillion yuan in 2025 by the Qiushi study's Chinese",
        "exceeded 1.2 trillion yuan in 2025 in every source, by the Qiushi study's Chinese",
        [
            'content/front-matter.yaml:25:70: warning: takeaways[0].text: "every source" over '
            "figures that differ: the sources give china-core-ai-industry-size for 2025 with "
            "different values or status; say which source says what"
        ],
    ),
    (
        "metric typo",
        "ccid-open-source-models.yaml",
        "metric: china-ai-firm-count",
        "metric: china-ai-firms-count",
        [
            "content/ccid-open-source-models.yaml:116:13: figures[5].metric: metric "
            "'china-ai-firms-count' is not declared in metrics.yaml; did you mean "
            "'china-ai-firm-count'?",
        ],
    ),
    (
        "two bases under one metric",
        "sputnik-core-ai-industry.yaml",
        "metric: china-ai-patent-holding-share",
        "metric: china-ai-patent-application-share",
        [
            "content/sputnik-core-ai-industry.yaml:142:12: figures[7].basis: counts 'patents "
            "held', but 'china-ai-patent-application-share' is declared as counting 'patent "
            "applications'; figures with another basis need a metric of their own"
        ],
    ),
    (
        "citation of a missing item",
        FRONT,
        "@qiushi-ai-industry-en/us-chip-restrictions;",
        "@qiushi-ai-industry-en/us-chip-restriction;",
        [
            "content/front-matter.yaml:66:8: takeaways[3].text: qiushi-ai-industry-en has no "
            "item 'us-chip-restriction'; did you mean 'us-chip-restrictions'?"
        ],
    ),
    (
        "citation of a missing source",
        FRONT,
        "[@sputnik-core-ai-industry/ai-plus-sectors-2027], the 2025",
        "[@sputnik-core-ai-industri/ai-plus-sectors-2027], the 2025",
        [
            "content/front-matter.yaml:73:32: takeaways[4].text: no source "
            "'sputnik-core-ai-industri'; did you mean 'sputnik-core-ai-industry'?"
        ],
    ),
    (
        "derived number that does not follow from its figures",
        FRONT,
        "only about 3.5 percent",
        "only about 4.5 percent",
        [
            "content/front-matter.yaml:144:84: reconciliations[0].explanation: 4.5 is marked as "
            "derived, but cagr of the cited figures gives 3.544; write the result, or state the "
            "rounding as ±"
        ],
    ),
    (
        "placeholder left in",
        "ccid-open-source-models.yaml",
        "summary: >-\n  A news report, relying on",
        "summary: >-\n  Two to four sentences in your own words: what the source says. A news "
        "report, relying on",
        [
            "content/ccid-open-source-models.yaml:39:3: summary: still holds the placeholder "
            '"Two to four sentences in your own words" from briefing new; write the source\'s '
            "own text"
        ],
    ),
    (
        "charted figure whose period names no time",
        "belt-road-ai-roadmap.yaml",
        'period: "2035"\n    status: forecast\n    bound: exact\n    excerpt: The industry',
        "period: latest\n    status: forecast\n    bound: exact\n    excerpt: The industry",
        [
            "content/belt-road-ai-roadmap.yaml:100:13: warning: figures[2].period: 'latest' "
            "names no year, quarter or month, so chart 'core-ai-industry' cannot place it in "
            "time; add when (e.g. 'as of April 2026')"
        ],
    ),
    (
        "period too long for its column",
        "ccid-open-source-models.yaml",
        "    period: January 2026 plan\n    status: target\n    bound: exact\n    excerpt: create",
        "    period: plan of January 2026 (no target year stated)\n    status: target\n"
        "    bound: exact\n    excerpt: create",
        [
            "content/ccid-open-source-models.yaml:69:13: warning: figures[1].period: 'plan of "
            "January 2026 (no target year stated)' is 44 characters, more than the period column "
            "holds (20); keep the period short (e.g. 'January 2026 plan') and say the rest in the "
            "figure's note"
        ],
    ),
    (
        "chart of figures that count different things",
        FRONT,
        "900 billion\n      yuan.\n",
        "900 billion\n      yuan.\n  - id: ai-firms\n    metric: china-ai-firm-count\n"
        "    title: Number of AI companies in China\n"
        "    caption: More than 4,500 by September 2024 and more than 6,200 in April 2026.\n",
        [
            "content/front-matter.yaml:202:13: charts[1].metric: chart 'ai-firms' would draw "
            "figures of 'china-ai-firm-count' that count different things as one series: "
            "belt-road-ai-roadmap/ai-firms-sep-2024 ('companies related to the core AI "
            "industry'); ccid-open-source-models/ai-firm-count ('AI firms'); say them in a "
            "sentence instead, or give each definition a metric of its own"
        ],
    ),
    (
        "attribution that repeats the role",
        "qiushi-ai-industry-en.yaml",
        "    speaker: An industrial AI founder\n    role: unnamed in the text",
        "    speaker: An industrial AI founder\n    role: industrial AI founder",
        [
            "content/qiushi-ai-industry-en.yaml:298:11: warning: quotes[2].role: repeats the "
            "speaker: the attribution would read 'An industrial AI founder, industrial AI "
            "founder'"
        ],
    ),
    (
        "reconciliation relying on a figure of another metric",
        FRONT,
        "uses: qiushi-ai-industry-bilingual/core-ai-industry-2025",
        "uses: qiushi-ai-industry-bilingual/beijing-core-ai-industry-2025",
        [
            "content/front-matter.yaml:132:11: reconciliations[0].uses: "
            "qiushi-ai-industry-bilingual/beijing-core-ai-industry-2025 is a figure of "
            "'beijing-core-ai-industry-size', not of 'china-core-ai-industry-size'"
        ],
    ),
]


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [m[1:] for m in MUTATIONS],
    ids=[m[0] for m in MUTATIONS],
)
def test_a_synthesis_error_is_reported_where_it_stands(
    project: Path, file: str, old: str, new: str, expected: list[str]
) -> None:
    path = project / "content" / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "--project", str(project)])
    problems = [line for line in result.output.splitlines() if line.startswith("content/")]
    assert problems == expected


def test_the_shipped_content_is_clean_under_strict(project: Path) -> None:
    result = CliRunner().invoke(app, ["check", "--strict", "--project", str(project)])
    assert result.exit_code == 0, result.output
    assert "0 errors, 0 warnings" in result.output


def test_citations_are_taken_out_of_the_text_a_reader_sees() -> None:
    text = "It passed 1.2 trillion yuan [@a/x; @b/y], about 3.5 percent [=cagr(@a/x, @b/y, 10)] a year."
    assert plain_text(text) == "It passed 1.2 trillion yuan, about 3.5 percent a year."
    cites = [c for s in segments(text) for c in s.cites]
    assert [(c.source, c.item) for c in cites] == [("a", "x"), ("b", "y")]


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("1,882 EFLOPS in the first quarter of 2026", ["1,882"]),
        ("DeepSeek-V4 costs under 1% of GPT-5.5 in Q1 2026", ["1"]),
        ("on 16 December 2025 and December 14, 2025", []),
        ("6G, the 2nd plan and 2025年 of 10^18", []),
        ("a 5-percentage-point gain and a 1-trillion-yuan threshold", ["5", "1-trillion"]),
        ("nearly 600 billion yuan by September 2024", ["600 billion"]),
        ("1,200 and 2000 firms", ["1,200"]),
    ],
)
def test_what_counts_as_a_number(text: str, numbers: list[str]) -> None:
    assert [n.written for n in prose_numbers(text)] == numbers


def figure(value: Decimal, unit: str, value_high: Decimal | None = None) -> Figure:
    return Figure(
        id="f",
        label="A figure",
        metric="m",
        value=value,
        value_high=value_high,
        unit=unit,
        period="2025",
        excerpt="an excerpt long enough",
    )


MAGNITUDES = {"": 1, "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
values = st.decimals(min_value=Decimal("0.1"), max_value=Decimal("99999"), places=2).map(
    lambda d: d.normalize() if d == d.to_integral() else d
)


def spellings(value: Decimal, magnitude: str) -> st.SearchStrategy[str]:
    """The ways an editor writes the figure's value in prose, in the figure's own magnitude."""
    plain = f"{value:f}"
    whole, _, decimals = plain.partition(".")
    grouped = f"{int(whole):,}" + (f".{decimals}" if decimals else "")
    word = f" {magnitude}" if magnitude else ""
    forms = [f"{plain}{word}", f"{grouped}{word}"]
    if not magnitude and re.fullmatch(r"(19|20)\d\d", plain):
        forms.remove(plain)  # written so, 1900 to 2099 is a year, not a claim (NUMBER's rules)
    if not magnitude:
        forms += [f"{grouped}%", f"{grouped} percent", f"{grouped}-percentage-point"]
    qualifiers = st.sampled_from(["", "nearly ", "more than ", "about ", "over ", "under "])
    return st.tuples(qualifiers, st.sampled_from(forms)).map("".join)


@given(st.data(), values, st.sampled_from(sorted(MAGNITUDES)))
def test_a_number_that_matches_a_cited_figure_is_accepted(
    data: st.DataObject, value: Decimal, magnitude: str
) -> None:
    unit = f"{magnitude} yuan".strip()
    spelled = data.draw(spellings(value, magnitude))
    numbers = list(prose_numbers(f"The industry was worth {spelled} in 2025."))
    assert len(numbers) == 1
    assert states(numbers[0], figure(value, unit))


@given(st.data(), values, st.sampled_from(["thousand", "million", "billion", "trillion"]))
def test_a_value_in_another_magnitude_is_accepted(
    data: st.DataObject, value: Decimal, magnitude: str
) -> None:
    # 1.2 trillion yuan written as 1,200 billion: the same amount.
    smaller = {"thousand": "", "million": "thousand", "billion": "million", "trillion": "billion"}
    spelled = data.draw(spellings(value * 1000, smaller[magnitude]))
    if not smaller[magnitude] and not spelled.split()[-1][0].isdigit():
        return  # a percent spelling of a bare number: not an amount
    (number,) = prose_numbers(f"worth {spelled} in 2025")
    assert states(number, figure(value, f"{magnitude} yuan"))


@given(values, values, st.sampled_from(sorted(MAGNITUDES)))
def test_a_number_that_matches_nothing_is_reported(
    stated: Decimal, held: Decimal, magnitude: str
) -> None:
    if stated == held:
        return
    word = f" {magnitude}" if magnitude else ""
    (number,) = prose_numbers(f"The industry was worth {stated:f}{word} yuan.")
    assert not states(number, figure(held, f"{magnitude} yuan".strip()))
