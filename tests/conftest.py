"""Shared fixtures: the repository's own briefing copied to a temporary folder, a builder for tiny
projects written from text (one field changed per test), and the in-process `briefing check`.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from briefing.cli import app

# The hostile project and its instruments, as fixtures every render hardening module shares.
pytest_plugins = ["tests.hostile"]

REPO = Path(__file__).resolve().parents[1]

# A minimal project that passes `briefing check --strict`: a front matter, one source `alpha`
# with a figure, a quote and a challenge, and its seed. Tests count lines and columns in it.
MINIMAL_FRONT_MATTER = """\
title: Examplestan's AI industry
date: 2026-03-04
organisation: Test Unit
version: "1.0"
marking: TLP:CLEAR
takeaways:
  - text: The core AI industry passed 1.2 trillion yuan in 2025 [@alpha/core-ai-industry-2025].
    sources:
      - alpha
executive_summary: One source reports the size of Examplestan's core AI industry.
"""


def metrics_yaml(*keys: str) -> str:
    """content/metrics.yaml declaring each metric key, for a test's own small project."""
    entries = "".join(
        f"  - key: {key}\n    label: {key}\n    definition: The {key} the test figures report.\n"
        f"    basis: {key}\n    unit: units\n"
        for key in keys
    )
    return "metrics:\n" + entries


def core_figure(period: str, value: str, unit: str) -> str:
    """The core AI industry's size in a figures list, without its bound and excerpt."""
    return (
        f"  - id: core-ai-industry-{period}\n    label: Core AI industry size\n"
        f"    metric: core-ai-industry-size\n    value: {value}\n    unit: {unit}\n"
        f'    period: "{period}"\n'
    )


# Pieces the tiny projects share: the 2025 figure (each adds its bound and excerpt) and a quote.
CORE_FIGURE = core_figure("2025", "1.2", "trillion yuan")

LIN_QUOTE = """\
quotes:
  - id: lin-open-models
    text: Open models are the way forward
    speaker: Lin Wei
    role: director
    excerpt: '"Open models are the way forward," said Dr Lin Wei'
"""

MINIMAL_ALPHA = f"""\
source:
  seed: alpha.txt
  title: Examplestan's AI industry passes 1.2 trillion yuan
  publisher: Alpha Daily
  published: 2026-03-03
  type: news report
summary: A short news report on the size of Examplestan's core AI industry.
figures:
{CORE_FIGURE}    bound: more-than
    excerpt: The core AI industry of Examplestan exceeded 1.2 trillion yuan in 2025
{LIN_QUOTE}challenges:
  - id: chip-supply
    title: Chip supply
    detail: Chips are scarce.
    excerpt: Chip supply remains the main constraint on growth.
"""

MINIMAL_SEED = """\
Alpha Daily, 3 March 2026

The core AI industry of Examplestan exceeded 1.2 trillion yuan in 2025, officials said.
"Open models are the way forward," said Dr Lin Wei, director of the Example Institute.
Chip supply remains the main constraint on growth.
"""

MINIMAL_PROJECT = {
    "content/front-matter.yaml": MINIMAL_FRONT_MATTER,
    "content/alpha.yaml": MINIMAL_ALPHA,
    "content/metrics.yaml": metrics_yaml("core-ai-industry-size"),
    "seeds/alpha.txt": MINIMAL_SEED,
}

ProjectBuilder = Callable[..., Path]


def copy_project(target: Path) -> Path:
    for name in ("content", "seeds"):
        shutil.copytree(REPO / name, target / name)
    return target


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


@dataclass(frozen=True)
class ShippedBuild:
    """The repository's briefing built once in every format: a project folder and its outputs."""

    root: Path
    pdf: Path
    docx: Path
    html: Path


@pytest.fixture(scope="session")
def shipped_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ShippedBuild]:
    """`briefing build --format all` of the shipped content, once for every module that reads it.

    Read it, never change it: a test that builds again or edits content copies `root` first
    (`copy_built`), so each module sees the same files whichever ran before it. The session ends
    by checking that every file in the folder is as built.
    """
    root = copy_project(tmp_path_factory.mktemp("shipped") / "project")
    result = CliRunner().invoke(app, ["build", "--format", "all", "--project", str(root)])
    assert "Traceback" not in result.output
    assert result.exit_code == 0, result.output
    written = {path.suffix[1:]: path for path in (root / "build").iterdir() if path.is_file()}
    assert sorted(written) == ["docx", "html", "pdf"], written
    built = digests(root)
    yield ShippedBuild(root, written["pdf"], written["docx"], written["html"])
    assert digests(root) == built, "a test changed the shared build; copy it with copy_built"


def digests(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def copy_built(shipped: ShippedBuild, target: Path) -> Path:
    """The shipped project with its outputs and build cache, as if built in `target`."""
    shutil.copytree(shipped.root, target, symlinks=True)
    return target


def write_files(root: Path, files: Mapping[str, str]) -> Path:
    """Each file of `files` (a path in the project -> its text) written under root."""
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def edit(path: Path, old: str, new: str) -> None:
    """Change one thing in a file: `old` must occur exactly once."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def project_builder(tmp_path: Path) -> ProjectBuilder:
    """Writes a tiny project to tmp_path: the minimal one, or a test file's own base files, with
    the given edits made ((file, old text, new text), each old text found exactly once)."""

    def build(
        files: Mapping[str, str] = MINIMAL_PROJECT, edits: tuple[tuple[str, str, str], ...] = ()
    ) -> Path:
        root = write_files(tmp_path, files)
        for name, old, new in edits:
            edit(root / name, old, new)
        return root

    return build


def check(root: Path, *args: str) -> Result:
    """`briefing check` in-process; whatever the content, never a traceback."""
    result = CliRunner().invoke(app, ["check", "--project", str(root), *args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result
