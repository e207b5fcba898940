"""`briefing check`: excerpts proven against small seed fixtures, figures compared across sources."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from briefing.provenance import fold, locate_excerpt

from .conftest import (
    CORE_FIGURE,
    LIN_QUOTE,
    ProjectBuilder,
    check,
    core_figure,
    edit,
    metrics_yaml,
)

REPO = Path(__file__).parents[1]

# Seeds as a scrape gives them: curly quotes, em dashes, sentences broken over lines.
ALPHA_SEED = """\
Alpha Daily, 3 March 2026

The core AI industry of Examplestan exceeded 1.2 trillion
yuan in 2025 — up from 900 billion yuan in 2024 — officials said.
“Open models are the way forward,” said Dr Lin Wei, director of the Example Institute.
Chip supply remains the main constraint on growth, and data centres wait months for parts.
Analysts called it a 'two-speed' market.
"""

BETA_SEED = """\
Beta Weekly

Examplestan's core AI industry was worth 1.2 trillion yuan in 2025, a ministry report said.
The ministry counts "more than 4,500 AI firms" across the country.
In 2024 the industry was worth 800 billion yuan, by the ministry's older count.
"""

FRONT_MATTER = """\
title: Examplestan's AI industry
date: 2026-03-04
organisation: Test Unit
marking: TLP:CLEAR
takeaways:
  - text: The core AI industry passed 1.2 trillion yuan in 2025 [@alpha/core-ai-industry-2025].
    sources: [alpha, beta]
executive_summary: Two sources report the size of Examplestan's core AI industry.
"""

ALPHA_SOURCE = f"""\
source:
  seed: alpha.txt
  title: Examplestan's AI industry passes 1.2 trillion yuan
  type: news report
summary: A short news report on the size of Examplestan's core AI industry.
figures:
{CORE_FIGURE}    bound: more-than
    excerpt: The core AI industry of Examplestan exceeded 1.2 trillion yuan in 2025
{core_figure("2024", "900", "billion yuan")}    bound: more-than
    excerpt: in 2025 - up from 900 billion yuan in 2024 - officials said
{LIN_QUOTE}challenges:
  - id: chip-supply
    title: Chip supply
    detail: Chips are scarce.
    excerpt: Chip supply remains […] data centres wait months for parts.
  - id: two-speed-market
    title: A two-speed market
    detail: Growth is uneven.
    excerpt: Analysts called it a ‘two-speed’ market.
"""

BETA_SOURCE = f"""\
source:
  seed: beta.txt
  title: Ministry report on the AI industry
  type: news report
summary: A weekly's account of a ministry report on Examplestan's AI industry.
figures:
{CORE_FIGURE}    excerpt: Examplestan's core AI industry was worth 1.2 trillion yuan in 2025
  - id: ai-firms
    label: AI firms
    metric: ai-firm-count
    value: 4500
    unit: firms
    period: "2025"
    bound: more-than
    excerpt: The ministry counts "more than 4,500 AI firms" [...] country.
"""

CLEAN_SUMMARY = (
    "2 sources, 7 excerpts proven; 0 cross-source disagreements (0 explained); 0 errors, 0 warnings"
)


# Two sources that report the same industry, with their seeds as a scrape gives them.
TWO_SOURCES = {
    "content/front-matter.yaml": FRONT_MATTER,
    "content/alpha.yaml": ALPHA_SOURCE,
    "content/beta.yaml": BETA_SOURCE,
    "content/metrics.yaml": metrics_yaml("core-ai-industry-size", "ai-firm-count"),
    "seeds/alpha.txt": ALPHA_SEED,
    "seeds/beta.txt": BETA_SEED,
}


@pytest.fixture
def project(project_builder: ProjectBuilder) -> Path:
    return project_builder(TWO_SOURCES)


def test_every_excerpt_is_found_with_its_seed_line(project: Path) -> None:
    result = check(project, "--strict", "-v")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        "alpha/chip-supply: seeds/alpha.txt:6",
        "alpha/core-ai-industry-2024: seeds/alpha.txt:4",
        "alpha/core-ai-industry-2025: seeds/alpha.txt:3",
        "alpha/lin-open-models: seeds/alpha.txt:5",
        "alpha/two-speed-market: seeds/alpha.txt:7",
        "beta/ai-firms: seeds/beta.txt:4",
        "beta/core-ai-industry-2025: seeds/beta.txt:3",
        CLEAN_SUMMARY,
    ]


def test_without_verbose_only_the_summary_is_printed(project: Path) -> None:
    result = check(project)
    assert result.exit_code == 0
    assert result.stdout == CLEAN_SUMMARY + "\n"


def test_quiet_prints_nothing_when_clean(project: Path) -> None:
    result = check(project, "--quiet", "--strict")
    assert (result.exit_code, result.output) == (0, "")


def test_excerpt_not_found_names_the_nearest_passage(project: Path) -> None:
    edit(
        project / "content/alpha.yaml",
        "excerpt: Chip supply remains […] data centres wait months for parts.",
        "excerpt: Chip supply is the main constraint on growth",
    )
    result = check(project)
    assert result.exit_code == 1
    problems = result.stderr.splitlines()
    assert len(problems) == 1
    assert problems[0] == (
        "content/alpha.yaml:33:14: challenges[0].excerpt: excerpt not found in seeds/alpha.txt; "
        "nearest passage (seeds/alpha.txt:6, 89% alike), first difference in [ ]: seed "
        '"…Chip supply [r]emains the main constraint on growth,…", excerpt '
        '"Chip supply [i]s the main constraint on growth"'
    )
    assert result.stdout.endswith("1 error, 0 warnings\n")


def test_excerpt_with_nothing_close(project: Path) -> None:
    edit(
        project / "content/alpha.yaml",
        "excerpt: Analysts called it a ‘two-speed’ market.",
        "excerpt: zzzz qqqq xxxx wwww",
    )
    result = check(project)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "content/alpha.yaml:37:14: challenges[1].excerpt: excerpt not found in seeds/alpha.txt, "
        "and nothing in it comes close"
    ]


def test_quote_text_must_be_in_the_seed_too(project: Path) -> None:
    edit(
        project / "content/alpha.yaml",
        "text: Open models are the way forward",
        "text: Open models are the only way forward",
    )
    result = check(project)
    assert result.exit_code == 1
    [problem] = result.stderr.splitlines()
    # the quote's excerpt is still found; its text is not, and the nearest passage is the quote
    assert problem == (
        "content/alpha.yaml:25:11: quotes[0].text: quote text not found in seeds/alpha.txt; "
        "nearest passage (seeds/alpha.txt:5, 86% alike), first difference in [ ]: seed "
        '"…“Open models are the [w]ay forward,” said…", quote text "Open models are the [o]nly '
        'way forward"'
    )


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [
        (
            "beta.yaml",
            "value: 4500\n",
            "value: 4600\n",
            "content/beta.yaml:17:12: figures[1].value: 4600 does not appear in the excerpt; "
            "the excerpt states 4500",
        ),
        (
            "alpha.yaml",
            "value: 900\n",
            "value: 900\n    value_high: 950\n",
            "content/alpha.yaml:18:12: figures[1].value_high: 950 does not appear in the excerpt; "
            "the excerpt states 900, 2024, 2025",
        ),
    ],
    ids=["value", "value_high"],
)
def test_figure_value_missing_from_excerpt(
    project: Path, name: str, old: str, new: str, expected: str
) -> None:
    edit(project / "content" / name, old, new)
    result = check(project)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [expected]


def test_figure_values_match_digits_with_commas_and_trailing_zeros(project: Path) -> None:
    # "4,500" in the excerpt states 4500; "1.20" is the number 1.2
    edit(project / "content/beta.yaml", "value: 1.2\n", "value: 1.20\n")
    assert check(project, "--strict").exit_code == 0


@pytest.mark.parametrize(
    ("seed", "excerpt"),
    [
        ("He said “open models win” today.", 'He said "open models win" today.'),
        ('He said "open models win" today.', "He said “open models win” today."),
        ("It is a ‘two-speed’ market.", "It is a 'two-speed' market."),
        ("Growth — officials said — was fast.", "Growth - officials said - was fast."),
        ("Growth—officials said—was fast.", "Growth - officials said - was fast."),
        ("Growth – fast – was seen.", "Growth—fast—was seen."),
        ("Growth — officials said — was fast.", "Growth -- officials said -- was fast."),
        ("Growth—officials said—was fast.", "Growth--officials said--was fast."),
        ("“Open models,” said Lin.", '"Open models," said Lin.'),
        (
            "The core AI\nindustry  grew\r\n  fast in 2025.",
            "The core AI industry grew fast in 2025.",
        ),
        ("The core AI industry grew fast in 2025.", "The core AI\n  industry grew fast in 2025."),
        ("Worth 1,882 EFLOPS", "Worth\u00a01,882 EFLOPS"),
        ("全球下载量占比达17.1%。", "全球下载量占比达１７.１％。"),
        ("Chips are scarce, and centres wait for parts.", "Chips are scarce, […] wait for parts."),
        (
            "Chips are scarce, and centres wait for parts.",
            "Chips are [...] centres wait [...] parts.",
        ),
    ],
)
def test_folding_finds_the_excerpt(seed: str, excerpt: str) -> None:
    assert locate_excerpt(excerpt, fold("Header line\n\n" + seed)) == 3


@pytest.mark.parametrize(
    "excerpt",
    [
        "wait for parts […] Chips are scarce",  # parts out of order
        "Chips are scarce [..] wait for parts",  # not a gap marker
        "Chips are plentiful",
    ],
)
def test_excerpts_that_are_not_in_the_seed(excerpt: str) -> None:
    assert locate_excerpt(excerpt, fold("Chips are scarce, and centres wait for parts.")) is None


@pytest.mark.parametrize(
    ("seed", "excerpt", "message"),
    [
        (
            "Analysts called it a ‘two-speed’ market, and left.",
            "Analysts called it a `two-speed` market",
            "excerpt not found in seeds/s.txt; nearest passage (seeds/s.txt:3, 95% alike), first "
            'difference in [ ]: seed "…Analysts called it a [‘]two-speed’ market,…", excerpt '
            "\"Analysts called it a [`]two-speed` market\"; the seed has '‘' (U+2018) where the "
            "text has '`'",
        ),
        (
            "The industry grew fast in 2025 according to the ministry of industry.",
            "The industry grew fast in 2025 according to the ministry of finance",
            "excerpt not found in seeds/s.txt; nearest passage (seeds/s.txt:3, 93% alike), first "
            'difference in [ ]: seed "…industry grew fast in 2025 according to the ministry of '
            '[i]ndustry.", excerpt "…industry grew fast in 2025 according to the ministry of '
            '[f]inance"',
        ),
        (
            "Output rose.\nThe industry grew fast in 2025 according to the ministry.",
            "The industry grew fast in 2025",
            None,
        ),
    ],
)
def test_a_missing_excerpt_is_shown_against_the_seed(
    seed: str, excerpt: str, message: str | None
) -> None:
    from briefing.nearest import miss_message
    from briefing.provenance import fold

    folded = fold("Header line\n\n" + seed)
    if message is None:
        assert locate_excerpt(excerpt, folded) is not None
    else:
        assert locate_excerpt(excerpt, folded) is None
        assert miss_message(excerpt, folded, "s.txt", "excerpt", fold) == message


def test_gap_parts_out_of_order_are_reported(project: Path) -> None:
    edit(
        project / "content/alpha.yaml",
        "excerpt: Chip supply remains […] data centres wait months for parts.",
        "excerpt: data centres wait months for parts […] Chip supply remains",
    )
    result = check(project)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "content/alpha.yaml:33:14: challenges[0].excerpt: excerpt not found in seeds/alpha.txt"
    )


BETA_2024 = """\
  - id: core-ai-industry-2024
    label: Core AI industry size
    metric: core-ai-industry-size
    value: 800
    unit: {unit}
    period: "2024"
    excerpt: In 2024 the industry was worth 800 billion yuan
"""

WARNING = "; explain it under reconciliations in front-matter.yaml"


def _disagree(project: Path, kind: str) -> str:
    """Make beta disagree with alpha on core-ai-industry-size; return the warning expected."""
    beta = project / "content/beta.yaml"
    if kind == "status":
        edit(
            beta,
            'period: "2025"\n    excerpt:',
            'period: "2025"\n    status: forecast\n    excerpt:',
        )
        return (
            "content/alpha.yaml:9:13: warning: figures[0].metric: core-ai-industry-size for 2025: "
            "reported as actual and as forecast: alpha more than 1.2 trillion yuan (actual); "
            "beta 1.2 trillion yuan (forecast)" + WARNING
        )
    unit = {"value": "billion yuan", "unit": "billion US dollars"}[kind]
    with beta.open("a", encoding="utf-8") as file:
        file.write(BETA_2024.format(unit=unit))
    message = {"value": "values disagree", "unit": "sources use different units"}[kind]
    return (
        "content/alpha.yaml:17:13: warning: figures[1].metric: core-ai-industry-size for 2024: "
        f"{message}: alpha more than 900 billion yuan (actual); beta 800 {unit} (actual)" + WARNING
    )


@pytest.mark.parametrize("kind", ["value", "unit", "status"])
def test_cross_source_disagreement_is_a_warning(project: Path, kind: str) -> None:
    warning = _disagree(project, kind)
    result = check(project)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [warning]
    assert result.stdout.endswith(
        "1 cross-source disagreement (0 explained); 0 errors, 1 warning\n"
    )


@pytest.mark.parametrize("kind", ["value", "unit", "status"])
def test_cross_source_disagreement_fails_with_strict(project: Path, kind: str) -> None:
    warning = _disagree(project, kind)
    result = check(project, "--strict")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [warning, "--strict: warnings count as failures"]


def test_reconciliation_explains_the_disagreement(project: Path) -> None:
    _disagree(project, "value")
    with (project / "content/front-matter.yaml").open("a", encoding="utf-8") as file:
        file.write(
            "reconciliations:\n"
            "  - metric: core-ai-industry-size\n"
            "    explanation: Beta quotes the ministry's older count for 2024.\n"
        )
    result = check(project, "--strict", "-v")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert (
        "explained: core-ai-industry-size for 2024: values disagree: "
        "alpha more than 900 billion yuan (actual); beta 800 billion yuan (actual)\n"
    ) in result.stdout
    assert result.stdout.endswith(
        "1 cross-source disagreement (1 explained); 0 errors, 0 warnings\n"
    )


def test_ranges_and_bounds_that_overlap_agree(project: Path) -> None:
    # alpha says "more than 900 billion"; "about 880 billion" reaches 924 billion
    with (project / "content/beta.yaml").open("a", encoding="utf-8") as file:
        file.write(
            BETA_2024.format(unit="billion yuan").replace(
                '"2024"\n', '"2024"\n    bound: about\n    value_high: 880\n'
            )
        )
    edit(project / "seeds/beta.txt", "800 billion yuan", "800 billion yuan to 880 billion yuan")
    edit(
        project / "content/beta.yaml",
        "excerpt: In 2024 the industry was worth 800 billion yuan",
        "excerpt: In 2024 the industry was worth 800 billion yuan to 880 billion yuan",
    )
    result = check(project, "--strict")
    assert result.exit_code == 0, result.output


def test_seed_without_content_file_is_a_warning(project: Path) -> None:
    (project / "seeds/gamma.txt").write_text("An unsummarised source.\n", encoding="utf-8")
    (project / "seeds/notes.pdf").write_bytes(b"%PDF-1.7\n")  # not a seed: ignored
    warning = (
        "seeds/gamma.txt: warning: seed has no content file; run: briefing new seeds/gamma.txt"
    )
    result = check(project)
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [warning]
    assert result.stdout.endswith("0 errors, 1 warning\n")
    strict = check(project, "--strict")
    assert strict.exit_code == 1
    assert strict.stderr.splitlines() == [warning, "--strict: warnings count as failures"]


def test_content_file_whose_seed_is_missing_is_an_error(project: Path) -> None:
    (project / "seeds/beta.txt").unlink()
    result = check(project)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "content/beta.yaml:2:9: source.seed: seed seeds/beta.txt does not exist"
    ]
    assert result.stdout == (
        "2 sources, 5 excerpts proven; 0 cross-source disagreements (0 explained); "
        "1 error, 0 warnings\n"
    )


def test_seed_that_is_not_utf8_is_an_error(project: Path) -> None:
    (project / "seeds/beta.txt").write_bytes((BETA_SEED + "Unité").encode("latin-1"))
    result = check(project)
    assert result.exit_code == 1
    [problem] = result.stderr.splitlines()
    assert problem.startswith("content/beta.yaml:2:9: seed seeds/beta.txt is not readable UTF-8")


def test_uncited_source_is_a_warning(project: Path) -> None:
    edit(project / "content/front-matter.yaml", "sources: [alpha, beta]", "sources: [alpha]")
    result = check(project)
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "content/beta.yaml:2:3: warning: no key takeaway cites this source; "
        "cite it or remove it from the briefing"
    ]
    assert check(project, "--strict").exit_code == 1


def test_repository_project_passes_strict_check() -> None:
    """The repository's own content, checked by the installed command in a real process."""
    result = subprocess.run(
        [sys.executable, "-m", "briefing", "check", "--project", str(REPO), "--strict"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "Traceback" not in result.stdout
    assert re.fullmatch(
        r"\d+ sources, \d+ excerpts proven; \d+ cross-source disagreements \((\d+) explained\); "
        r"0 errors, 0 warnings\n",
        result.stdout,
    )


def test_a_strict_build_refused_for_warnings_alone_says_so(project: Path) -> None:
    warning = _disagree(project, "status")
    from typer.testing import CliRunner

    from briefing.cli import app

    result = CliRunner().invoke(app, ["build", "--strict", "-f", "html", "-C", str(project)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [warning, "1 warning with --strict; nothing was built."]
