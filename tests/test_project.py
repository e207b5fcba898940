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
    "content/metrics.yaml",
    "seeds/example-source.txt",
    "schema/source.schema.json",
    "schema/front-matter.schema.json",
    "schema/metrics.schema.json",
    "schema/briefing.schema.json",
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
    for kind, name in [
        ("source", "source"),
        ("front-matter", "front-matter"),
        ("metrics", "metrics"),
        ("config", "briefing"),
    ]:
        schema = CliRunner().invoke(app, ["schema", kind]).stdout
        assert (folder / "schema" / f"{name}.schema.json").read_text(encoding="utf-8") == schema
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


def two_sources(tmp_path: Path) -> Path:
    """The starter project and a second source whose file name sorts first."""
    CliRunner().invoke(app, ["init", str(tmp_path)])
    seed = (tmp_path / "seeds" / "example-source.txt").read_text(encoding="utf-8")
    (tmp_path / "seeds" / "another.txt").write_text(seed, encoding="utf-8")
    source = (tmp_path / "content" / "example-source.yaml").read_text(encoding="utf-8")
    source = source.replace("seed: example-source.txt", "seed: another.txt")
    source = source.replace("title: The widget", "title: Another report on the widget")
    (tmp_path / "content" / "another-report.yaml").write_text(source, encoding="utf-8")
    return tmp_path


def section_order(root: Path) -> list[str]:
    from briefing.content import load_content

    return list(load_content(find_project(root)).sources)


def add_sections(root: Path, listing: str) -> int:
    """Append `sections:` to the front matter; return the line it starts on."""
    front = root / "content" / "front-matter.yaml"
    text = front.read_text(encoding="utf-8")
    front.write_text(text + listing, encoding="utf-8")
    return len(text.splitlines()) + 1


def test_sections_follow_the_content_files_by_default(tmp_path: Path) -> None:
    assert section_order(two_sources(tmp_path)) == ["another-report", "example-source"]


def test_sections_follow_the_front_matter_list(tmp_path: Path) -> None:
    root = two_sources(tmp_path)
    add_sections(root, "sections: [example-source, another-report]\n")
    assert section_order(root) == ["example-source", "another-report"]
    built = CliRunner().invoke(app, ["build", "-q", "-f", "html", "-C", str(root)])
    assert built.exit_code == 0, built.output
    html = next((root / "build").glob("*.html")).read_text(encoding="utf-8")
    assert html.index('id="src-example-source"') < html.index('id="src-another-report"')


@pytest.mark.parametrize(
    ("listing", "expected"),
    [
        (
            "sections:\n  - example-source\n  - nope\n  - another-report\n",
            "content/front-matter.yaml:{2}:5: sections[1]: no source with id 'nope'; "
            "known sources: another-report, example-source",
        ),
        (
            "sections:\n  - example-source\n  - another-report\n  - example-source\n",
            "content/front-matter.yaml:{3}:5: sections[2]: 'example-source' is listed twice; "
            "expected each source once",
        ),
        (
            "sections:\n  - example-source\n",
            "content/front-matter.yaml:{1}:3: sections: leaves out another-report; list every "
            "source where its section belongs (or remove sections: to keep the content files' "
            "order)",
        ),
    ],
)
def test_a_sections_list_names_every_source_once(
    tmp_path: Path, listing: str, expected: str
) -> None:
    root = two_sources(tmp_path)
    start = add_sections(root, listing)
    result = CliRunner().invoke(app, ["check", "-C", str(root)])
    assert result.exit_code == 1
    item_lines = [start + n for n in range(4)]  # {n}: the line of the n-th item
    assert result.stderr.splitlines() == [
        expected.format(*item_lines),
        "1 error; nothing was built.",
    ]


def test_with_nothing_to_compare_there_is_no_empty_cross_source_chapter(tmp_path: Path) -> None:
    import docx

    CliRunner().invoke(app, ["init", str(tmp_path)])
    built = CliRunner().invoke(app, ["build", "-q", "-f", "html", "-C", str(tmp_path)])
    assert built.exit_code == 0, built.output
    built = CliRunner().invoke(app, ["build", "-q", "-f", "docx", "-C", str(tmp_path)])
    assert built.exit_code == 0, built.output
    html = next((tmp_path / "build").glob("*.html")).read_text(encoding="utf-8")
    assert "Across the sources" not in html and '<table class="comparison"' not in html
    assert "<dd>1 document, listed in the appendix</dd>" in html
    assert 'href="#appendix"' in html
    document = docx.Document(str(next((tmp_path / "build").glob("*.docx"))))
    texts = [p.text for p in document.paragraphs]
    assert not any("Across the sources" in t for t in texts)
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert any(t.endswith("Sources: 1 document, listed in the appendix") for t in cells + texts)
    assert "Appendix: sources" in texts


SCHEMA_FILES = {
    "source": "source",
    "front-matter": "front-matter",
    "metrics": "metrics",
    "config": "briefing",
}


@pytest.mark.parametrize("kind", list(SCHEMA_FILES))
def test_the_committed_schema_is_what_briefing_schema_writes(kind: str) -> None:
    repo = Path(__file__).resolve().parents[1]
    written = CliRunner().invoke(app, ["schema", kind]).stdout
    committed = repo / "schema" / f"{SCHEMA_FILES[kind]}.schema.json"
    assert committed.read_text(encoding="utf-8") == written, "run: briefing schema all -o schema/"


@pytest.mark.parametrize("kind", list(SCHEMA_FILES))
def test_every_field_of_the_schema_is_described(kind: str) -> None:
    from briefing.schema import kind_schema

    schema = kind_schema(kind)
    for name, definition in [("top", schema), *schema.get("$defs", {}).items()]:
        for field, spec in definition.get("properties", {}).items():
            assert spec.get("description"), f"{name}.{field}"


def test_every_content_file_points_at_its_schema() -> None:
    repo = Path(__file__).resolve().parents[1]
    for path in (repo / "content").glob("*.yaml"):
        kind = path.stem if path.stem in ("front-matter", "metrics") else "source"
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema=../schema/{kind}.schema.json", path
