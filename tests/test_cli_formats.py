"""`--format` repeated: every format named is built, once; a wrong one is refused by name."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefing.cli import app


@pytest.mark.parametrize(
    ("options", "built"),
    [
        (["-f", "html", "-f", "docx"], ["html", "docx"]),
        (["-f", "docx", "--format", "html", "-f", "docx"], ["html", "docx"]),
        (["-f", "html", "-f", "all"], ["pdf", "html", "docx"]),
    ],
)
def test_every_format_named_is_built(project: Path, options: list[str], built: list[str]) -> None:
    result = CliRunner().invoke(app, ["build", "-C", str(project), *options])
    assert result.exit_code == 0, result.output
    assert sorted(p.suffix[1:] for p in (project / "build").glob("briefing-*")) == sorted(built)
    assert f"built {len(built)} files" in result.stdout


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["-f", "pdf", "-f", "odt"], "error: --format must be pdf, docx, html or all, not 'odt'\n"),
        (["-f", "PDF"], "error: --format must be pdf, docx, html or all, not 'PDF'\n"),
    ],
)
def test_a_wrong_format_among_several_is_refused(
    project: Path, options: list[str], message: str
) -> None:
    result = CliRunner().invoke(app, ["build", "-C", str(project), *options])
    assert result.exit_code == 2
    assert result.stderr == message
    assert not (project / "build").exists() or not list((project / "build").glob("briefing-*"))
