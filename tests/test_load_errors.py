"""Every way a content file can be broken, and the exact file:line:column message `check` gives.

Each case builds conftest's minimal valid project in tmp_path (a front matter, one source
`alpha` and its seed), swaps one file for a fixture from tests/cases/ (or for bytes written by
the test), and runs `briefing check` in-process. The error output must be exactly the expected lines followed by the
error count: no traceback, no extra noise.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from briefing.config import find_project
from briefing.content import load_content

from .conftest import MINIMAL_ALPHA as ALPHA_SOURCE
from .conftest import MINIMAL_FRONT_MATTER as FRONT_MATTER
from .conftest import ProjectBuilder, check

CASES = Path(__file__).parent / "cases"
FRONT = "front-matter.yaml"
ALPHA = "alpha.yaml"

NUMBER = "expected a plain number such as 1.2 or 1882 (no units or commas)"
FRONT_FIELDS = (
    "title, subtitle, short_title, date, organisation, author, version, marking, language, "
    "keywords, takeaways, executive_summary, reconciliations, charts, sections"
)
MARKINGS = "TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT, TLP:RED"


def assert_errors(result, expected: list[str]) -> None:
    """stderr is exactly the expected problems (in order) and the error count, exit code 1."""
    count = f"{len(expected)} error{'s' if len(expected) != 1 else ''}; nothing was built."
    assert result.stderr.splitlines() == [*expected, count]
    assert result.exit_code == 1


@pytest.fixture
def project(project_builder: ProjectBuilder) -> Path:
    return project_builder()


def test_base_project_is_clean(project: Path) -> None:
    result = check(project, "--strict")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert "1 source, 3 excerpts proven" in result.stdout


# case file in tests/cases/ -> the content file it replaces -> the exact lines on stderr
FIXTURE_CASES = [
    # what YAML can do beyond plain data is refused
    (
        "duplicate_key",
        ALPHA,
        [
            "content/alpha.yaml:5:3: source: duplicate key 'title' (first defined at line 3); keep one"
        ],
    ),
    (
        "alias",
        ALPHA,
        ["content/alpha.yaml:21:11: aliases (*name) are not allowed; write the value out"],
    ),
    (
        "anchor",
        ALPHA,
        ["content/alpha.yaml:20:14: anchors (&name) are not allowed; write the value out"],
    ),
    (
        "alias_bomb",
        ALPHA,
        ["content/alpha.yaml:7:10: anchors (&name) are not allowed; write the value out"],
    ),
    (
        "python_tag",
        ALPHA,
        [
            "content/alpha.yaml:13:11: tags (tag:yaml.org,2002:python/object/apply:os.system) "
            "are not allowed; content is plain text"
        ],
    ),
    (
        "multiple_documents",
        FRONT,
        [
            "content/front-matter.yaml:11:1: a content file holds one YAML document; "
            "remove the extra '---' document"
        ],
    ),
    (
        "tab_indent",
        ALPHA,
        ["content/alpha.yaml:26:1: tab characters cannot indent YAML; indent with spaces"],
    ),
    # YAML syntax errors say what to change
    (
        "list_under_empty_list",
        ALPHA,
        [
            "content/alpha.yaml:29:3: not valid YAML: expected <block end>, but found "
            "'<block sequence start>' while parsing a block mapping; a list item under "
            "'recommendations: []' (line 28), which already ended the list; write "
            "'recommendations:' with the items below it"
        ],
    ),
    (
        "over_indented_field",
        ALPHA,
        [
            "content/alpha.yaml:26:13: not valid YAML: mapping values are not allowed here; "
            "line 26 is indented 6 spaces and line 25's fields 4; indent the fields of one "
            "mapping alike"
        ],
    ),
    (
        "under_indented_field",
        ALPHA,
        [
            "content/alpha.yaml:26:4: not valid YAML: expected <block end>, but found "
            "'<block mapping start>' while parsing a block collection; line 26 is indented 3 "
            "spaces and line 25's fields 4; indent the fields of one mapping alike"
        ],
    ),
    (
        "unquoted_colon",
        ALPHA,
        [
            "content/alpha.yaml:25:17: not valid YAML: mapping values are not allowed here; a "
            "value that holds ': ' must be quoted, e.g. title: \"Widgets: a survey\""
        ],
    ),
    (
        "deep_nesting",
        ALPHA,
        # the file, `source` and `notes` are levels 1-3: level 25 is the 23rd bracket, column 32
        ["content/alpha.yaml:7:32: nesting deeper than 24 levels is not allowed"],
    ),
    # characters no later stage can carry
    (
        "escaped_control_char",
        ALPHA,
        [
            "content/alpha.yaml:26:13: challenges[0].detail: text holds the control character "
            "U+0007; remove it"
        ],
    ),
    (
        "lone_surrogate",
        ALPHA,
        [
            "content/alpha.yaml:26:13: challenges[0].detail: text holds a lone surrogate U+D800; "
            "remove it"
        ],
    ),
    # files with nothing usable in them
    (
        "empty_file",
        FRONT,
        ["content/front-matter.yaml:1:1: file is empty; expected a mapping of fields"],
    ),
    (
        "comment_only",
        FRONT,
        ["content/front-matter.yaml:1:1: file is empty; expected a mapping of fields"],
    ),
    (
        "null_document",
        FRONT,
        [
            "content/front-matter.yaml:1:1: expected a mapping of fields at the top of the file, "
            "got an empty value"
        ],
    ),
    (
        "top_level_list",
        FRONT,
        [
            "content/front-matter.yaml:1:1: expected a mapping of fields at the top of the file, "
            "got a list"
        ],
    ),
    # the wrong shape or type for a field
    (
        "string_for_list",
        ALPHA,
        ["content/alpha.yaml:4:12: source.authors: expected a list, got text"],
    ),
    (
        "mapping_for_list",
        FRONT,
        ["content/front-matter.yaml:7:3: takeaways: expected a list, got a mapping of fields"],
    ),
    (
        "null_required",
        FRONT,
        ["content/front-matter.yaml:1:7: title: expected text, got an empty value"],
    ),
    (
        "null_date",
        FRONT,
        [
            "content/front-matter.yaml:2:7: date: expected a date written YYYY-MM-DD, "
            "got an empty value"
        ],
    ),
    (
        "misspelled_key",
        ALPHA,
        [
            "content/alpha.yaml:9:5: figures[0].value: required field is missing",
            "content/alpha.yaml:12:5: figures[0].valeu: unknown field 'valeu'; "
            "did you mean 'value'?",
        ],
    ),
    (
        "bad_date",
        FRONT,
        [
            "content/front-matter.yaml:2:7: date: day 30 does not exist: February 2026 has "
            "28 days, got '2026-02-30'"
        ],
    ),
    (
        "bad_number",
        ALPHA,
        [f"content/alpha.yaml:12:12: figures[0].value: {NUMBER}, got '1,2'"],
    ),
    (
        "not_a_number",
        ALPHA,
        [f"content/alpha.yaml:12:12: figures[0].value: {NUMBER}, got 'nan'"],
    ),
    (
        "bad_slug",
        ALPHA,
        [
            "content/alpha.yaml:24:9: challenges[0].id: expected an id of lowercase letters, "
            "digits and single hyphens, got 'Chip_Supply'"
        ],
    ),
    # checks across files
    (
        "unknown_marking",
        FRONT,
        [f"content/front-matter.yaml:5:10: marking: expected one of {MARKINGS}, got 'SECRET'"],
    ),
    (
        "unknown_source",
        FRONT,
        [
            "content/front-matter.yaml:10:9: takeaways[0].sources[1]: no source with id 'ghost'; "
            "known sources: alpha"
        ],
    ),
]


@pytest.mark.parametrize(
    ("case", "target", "expected"), FIXTURE_CASES, ids=[c[0] for c in FIXTURE_CASES]
)
def test_fixture_case(project: Path, case: str, target: str, expected: list[str]) -> None:
    shutil.copyfile(CASES / f"{case}.yaml", project / "content" / target)
    assert_errors(check(project), expected)


def test_every_fixture_is_used() -> None:
    used = {case for case, _, _ in FIXTURE_CASES} | {"yaml11_surprises"}
    assert {p.stem for p in CASES.glob("*.yaml")} == used


def _replace(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


# bytes the test writes itself: encodings, raw control characters, size
BYTE_CASES = [
    (
        "latin1",
        FRONT,
        _replace(FRONT_MATTER, "Test Unit", "Unité d'analyse").encode("latin-1"),
        "content/front-matter.yaml:3:19: byte 0xE9 is not UTF-8; save the file as UTF-8",
    ),
    (
        "encoded_surrogate",
        FRONT,
        _replace(FRONT_MATTER, "Test Unit", "Test \ud800Unit").encode("utf-8", "surrogatepass"),
        "content/front-matter.yaml:3:20: byte 0xED is not UTF-8; save the file as UTF-8",
    ),
    (
        "raw_control_char",
        FRONT,
        _replace(FRONT_MATTER, "Test Unit", "Test\x07Unit").encode(),
        "content/front-matter.yaml:3:19: the file holds the control character U+0007; remove it",
    ),
    (
        "raw_delete_char",
        ALPHA,
        _replace(ALPHA_SOURCE, "Chips are scarce.", "Chips are\x7f scarce.").encode(),
        "content/alpha.yaml:26:22: the file holds the control character U+007F; remove it",
    ),
    (
        "raw_noncharacter",
        ALPHA,
        _replace(ALPHA_SOURCE, "Chips are scarce.", "Chips are\ufffe scarce.").encode(),
        "content/alpha.yaml:26:22: the file holds the control character U+FFFE; remove it",
    ),
    (
        "over_one_mib",
        ALPHA,
        (ALPHA_SOURCE + "# " + "x" * (1024 * 1024) + "\n").encode(),
        f"content/alpha.yaml:1:1: file is {len(ALPHA_SOURCE) + 3 + 1024 * 1024:,} bytes; "
        "content files are limited to 1,048,576",
    ),
]


@pytest.mark.parametrize(
    ("case", "target", "data", "expected"), BYTE_CASES, ids=[c[0] for c in BYTE_CASES]
)
def test_byte_case(project: Path, case: str, target: str, data: bytes, expected: str) -> None:
    (project / "content" / target).write_bytes(data)
    assert_errors(check(project), [expected])


def test_exactly_one_mib_is_accepted(project: Path) -> None:
    padding = 1024 * 1024 - len(ALPHA_SOURCE.encode()) - 3
    (project / "content" / ALPHA).write_text(ALPHA_SOURCE + "# " + "x" * padding + "\n")
    assert (project / "content" / ALPHA).stat().st_size == 1024 * 1024
    assert check(project, "--strict").exit_code == 0


def test_windows_line_endings_are_accepted(project: Path) -> None:
    for name, text in ((FRONT, FRONT_MATTER), (ALPHA, ALPHA_SOURCE)):
        (project / "content" / name).write_bytes(text.replace("\n", "\r\n").encode())
    result = check(project, "--strict")
    assert result.exit_code == 0, result.output


def test_yaml_11_surprises_stay_text(project: Path) -> None:
    """`NO`, `0012`, `12:30`, `1.10`, `yes`, `0x1F` … reach the model exactly as typed."""
    shutil.copyfile(CASES / "yaml11_surprises.yaml", project / "content" / FRONT)
    result = check(project, "--strict")
    assert result.exit_code == 0, result.output
    front = load_content(find_project(project)).front
    assert front.title == "NO"
    assert front.version == "1.10"
    assert front.subtitle == "null"  # quoted: the text "null", not YAML's null
    assert front.short_title is None  # plain ~ is YAML's null: the field is left empty
    assert front.keywords == ["yes", "Off", "0012", "12:30", "1.10", "0x1F", "1e3", "2026-03-04"]


def test_errors_from_several_files_are_collected_in_one_run(project: Path) -> None:
    content = project / "content"
    shutil.copyfile(CASES / "null_required.yaml", content / FRONT)
    shutil.copyfile(CASES / "bad_number.yaml", content / ALPHA)
    shutil.copyfile(CASES / "tab_indent.yaml", content / "beta.yaml")
    shutil.copyfile(CASES / "misspelled_key.yaml", content / "gamma.yaml")
    (content / "Bad_Name.yaml").write_text(ALPHA_SOURCE, encoding="utf-8")
    result = check(project)
    assert_errors(
        result,
        [
            "content/Bad_Name.yaml: file name must be the source id: lowercase letters, digits "
            "and single hyphens, ending in .yaml (got 'Bad_Name.yaml')",
            f"content/alpha.yaml:12:12: figures[0].value: {NUMBER}, got '1,2'",
            "content/beta.yaml:26:1: tab characters cannot indent YAML; indent with spaces",
            "content/front-matter.yaml:1:7: title: expected text, got an empty value",
            "content/gamma.yaml:9:5: figures[0].value: required field is missing",
            "content/gamma.yaml:12:5: figures[0].valeu: unknown field 'valeu'; "
            "did you mean 'value'?",
        ],
    )
    assert result.stdout == ""


def test_missing_front_matter(project: Path) -> None:
    (project / "content" / FRONT).unlink()
    assert_errors(
        check(project),
        [
            "content/front-matter.yaml: the briefing's front matter file is missing "
            "(title, date, marking, takeaways …)"
        ],
    )


def test_unknown_top_level_field_lists_the_allowed_ones(project: Path) -> None:
    (project / "content" / FRONT).write_text(FRONT_MATTER + "zzz: 1\n", encoding="utf-8")
    assert_errors(
        check(project),
        [
            "content/front-matter.yaml:11:1: zzz: unknown field 'zzz'; "
            f"expected one of: {FRONT_FIELDS}"
        ],
    )


def test_no_content_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = check(tmp_path)
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {tmp_path}: no briefing project here or in any folder above (none has "
        "briefing.yaml or content/); run briefing init to make one, or pass --project\n"
    )


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("2025-13-01", "month 13 does not exist (months are 01 to 12), got '2025-13-01'"),
        ("2025-00-10", "month 0 does not exist (months are 01 to 12), got '2025-00-10'"),
        ("2024-02-30", "day 30 does not exist: February 2024 has 29 days, got '2024-02-30'"),
        ("2025-04-31", "day 31 does not exist: April 2025 has 30 days, got '2025-04-31'"),
        ("2025-04-00", "day 0 does not exist: April 2025 has 30 days, got '2025-04-00'"),
        ("25-04-01", "expected a date written YYYY-MM-DD, got '25-04-01'"),
        ("1 April 2025", "expected a date written YYYY-MM-DD, got '1 April 2025'"),
    ],
)
def test_an_impossible_date_says_which_part_is_wrong(written: str, message: str) -> None:
    from briefing.load import Loaded
    from briefing.models import FrontMatter
    from briefing.validate import validate_model

    _, problems = validate_model(FrontMatter, Loaded("front-matter.yaml", {"date": written}))
    assert f"date: {message}" in [f"{p.field}: {p.message}" for p in problems]
