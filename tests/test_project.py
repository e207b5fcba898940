"""Starting and finding a project: `briefing init`, and every command run from inside a project."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefing.check import counted
from briefing.cli import app
from briefing.config import find_project, find_root
from briefing.errors import UsageError

BRIEFING = str(Path(sys.executable).parent / "briefing")
STARTER = [
    "briefing.yaml",
    "content/front-matter.yaml",
    "content/example-source.yaml",
    "seeds/example-source.txt",
    "schema/content.schema.json",
    "README.md",
    ".gitignore",
]


def test_init_makes_a_project_that_passes_check_strict(tmp_path: Path) -> None:
    folder = tmp_path / "new-briefing"
    result = CliRunner().invoke(app, ["init", str(folder)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"wrote {folder / name}" for name in STARTER] + [
        f"next: cd {folder} && briefing check, then briefing serve; README.md says what follows"
    ]
    checked = CliRunner().invoke(app, ["check", "--strict", "-C", str(folder)])
    assert checked.exit_code == 0, checked.output
    assert checked.stdout == (
        "1 source, 3 excerpts proven; 0 cross-source disagreements (0 explained); "
        "0 errors, 0 warnings\n"
    )
    schema = CliRunner().invoke(app, ["schema"]).stdout
    assert (folder / "schema" / "content.schema.json").read_text(encoding="utf-8") == schema
    assert "briefing serve" in (folder / "README.md").read_text(encoding="utf-8")


def test_init_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "front-matter.yaml").write_text("mine\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("my readme\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["init", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {tmp_path}: already has content/front-matter.yaml, README.md; briefing init "
        "never overwrites (choose an empty folder)\n"
    )
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == "my readme\n"
    assert sorted(p.name for p in tmp_path.rglob("*")) == [
        "README.md",
        "content",
        "front-matter.yaml",
    ]


@pytest.mark.parametrize("inside", ["content", "seeds", "build", "build/deeper"])
def test_every_command_finds_the_project_from_a_folder_inside_it(
    tmp_path: Path, inside: str
) -> None:
    """As git does: run from content/ or build/, the project is the nearest folder above."""
    CliRunner().invoke(app, ["init", str(tmp_path)])
    here = tmp_path / inside
    here.mkdir(parents=True, exist_ok=True)
    assert find_root(here) == tmp_path.resolve()
    checked = subprocess.run([BRIEFING, "check"], cwd=here, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    built = subprocess.run(
        [BRIEFING, "build", "-q", "-f", "html"], cwd=here, capture_output=True, text=True
    )
    assert built.returncode == 0, built.stderr
    assert [p.name for p in (tmp_path / "build").glob("*.html")] == [
        next((tmp_path / "build").glob("*.html")).name
    ]
    seed = subprocess.run(
        [BRIEFING, "new", str(tmp_path / "seeds" / "example-source.txt")],
        cwd=here,
        capture_output=True,
        text=True,
    )
    assert "already exists" in seed.stderr  # found the project, and refused to overwrite


def test_a_briefing_yaml_marks_the_root_even_without_content(tmp_path: Path) -> None:
    (tmp_path / "briefing.yaml").write_text("content: texts\n", encoding="utf-8")
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "notes").mkdir()
    assert find_project(tmp_path / "texts" / "notes").root == tmp_path.resolve()


def test_a_commented_out_briefing_yaml_sets_the_defaults(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "briefing.yaml").write_text("# paper: Letter\n\n  # formats: [pdf]\n")
    assert find_project(tmp_path).config.paper == "A4"


def test_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as error:
        find_project(tmp_path / "nowhere")
    assert str(error.value) == (
        f"{tmp_path / 'nowhere'}: no such folder; expected a briefing project folder"
    )


@pytest.mark.parametrize(
    ("count", "noun", "text"),
    [
        (0, "error", "0 errors"),
        (1, "source", "1 source"),
        (2, "source", "2 sources"),
        (1, "cross-source disagreement", "1 cross-source disagreement"),
    ],
)
def test_counts_read_right(count: int, noun: str, text: str) -> None:
    assert counted(count, noun) == text
