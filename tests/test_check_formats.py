"""`briefing check --format json|github`: the same findings, for CI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefing.check import github_annotation
from briefing.cli import app
from briefing.errors import Location, Problem

SOURCE = "content/example-source.yaml"


@pytest.fixture
def starter(tmp_path: Path) -> Path:
    CliRunner().invoke(app, ["init", str(tmp_path)])
    return tmp_path


def check(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["check", "-C", str(root), *args])
    return result.exit_code, result.stdout, result.stderr


def test_json_of_a_clean_project(starter: Path) -> None:
    status, out, err = check(starter, "--format", "json")
    assert (status, err) == (0, "")
    assert json.loads(out) == {
        "ok": True,
        "strict": False,
        "sources": 1,
        "excerpts": 3,
        "errors": 0,
        "warnings": 0,
        "problems": [],
    }


def break_excerpt(root: Path) -> None:
    path = root / SOURCE
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("main constraint on growth.", "main limit on growth."))


def test_json_lists_each_problem_with_its_place(starter: Path) -> None:
    break_excerpt(starter)
    front = starter / "content" / "front-matter.yaml"
    text = front.read_text(encoding="utf-8")
    front.write_text(text + "zzz: 1\n", encoding="utf-8")
    status, out, _ = check(starter, "--format", "json")
    report = json.loads(out)
    assert status == 1 and report["ok"] is False and report["errors"] == 1
    assert report["sources"] is None  # the unknown field stops loading before the excerpts
    [problem] = report["problems"]
    assert problem == {
        "file": "content/front-matter.yaml",
        "line": len(text.splitlines()) + 1,
        "column": 1,
        "field": "zzz",
        "severity": "error",
        "message": problem["message"],
    }
    assert problem["message"].startswith("unknown field 'zzz'; expected one of: title, ")


def test_github_annotations_match_the_text_report(starter: Path) -> None:
    break_excerpt(starter)
    status, _, text_err = check(starter)
    [line] = [line for line in text_err.splitlines() if line.startswith(SOURCE)]
    where, field, message = line.split(": ", 2)
    path, row, column = where.split(":")
    status_github, out, _ = check(starter, "--format", "github")
    assert status == status_github == 1
    assert out.splitlines() == [
        f"::error file={path},line={row},col={column},title={field}::"
        + message.replace("%", "%25"),
        "1 error, 0 warnings",
    ]


@pytest.mark.parametrize(
    ("problem", "annotation"),
    [
        (
            Problem(Location("content/a.yaml", 3, 5), "expected text, got 1", "figures[0].label"),
            "::error file=content/a.yaml,line=3,col=5,title=figures[0].label::expected text, got 1",
        ),
        (
            Problem(Location("content/a,b.yaml", 2), "100% alike\nnext", "x:y", "warning"),
            "::warning file=content/a%2Cb.yaml,line=2,title=x%3Ay::100%25 alike%0Anext",
        ),
        (
            Problem(Location("seeds/"), "seed without a content file", severity="warning"),
            "::warning file=seeds/::seed without a content file",
        ),
    ],
)
def test_github_annotations_are_escaped(problem: Problem, annotation: str) -> None:
    assert github_annotation(problem) == annotation


def test_an_unknown_format_is_a_usage_error(starter: Path) -> None:
    status, _, err = check(starter, "--format", "xml")
    assert (status, err) == (2, "error: --format must be text, json or github, not 'xml'\n")
