"""The built wheel ships the templates and fonts; the README's command list matches the CLI."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from typer.testing import CliRunner

from briefing.cli import app

REPO = Path(__file__).resolve().parents[1]


def test_wheel_ships_templates_and_fonts(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path), str(REPO)],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("briefing-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in (
        "briefing/templates/briefing.html.j2",
        "briefing/templates/print.css",
        "briefing/templates/fonts/OFL.txt",
        "briefing/templates/fonts/NotoSansSC-Regular-subset.ttf",
        "briefing/templates/fonts/NotoSerif-Regular.ttf",
    ):
        assert shipped in names


def test_readme_names_every_command() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    help_text = CliRunner().invoke(app, ["--help"]).output
    commands = help_text.split("Commands:")[1].split()
    for command in ("check", "build", "schema", "new", "send"):
        assert command in commands
        assert f"briefing {command}" in readme
