"""The built wheel ships the templates and fonts; the README's command list matches the CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from typer.testing import CliRunner

from briefing.cli import app

REPO = Path(__file__).resolve().parents[1]


def test_wheel_ships_templates_and_fonts(tmp_path: Path) -> None:
    # From a copy: setuptools writes its build/lib into the source tree, which is the project's
    # output folder here.
    source = tmp_path / "source"
    shutil.copytree(
        REPO,
        source,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "build", "*.egg-info", "*_cache", "node_modules", "__pycache__"
        ),  # as a fresh clone has it
    )
    built = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        text=True,
    )
    assert "absent from the `packages` configuration" not in built.stdout + built.stderr
    [wheel] = tmp_path.glob("briefing-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in (
        "briefing/templates/briefing.html.j2",
        "briefing/templates/print.css",
        "briefing/templates/fonts/OFL.txt",
        "briefing/templates/fonts/NotoSansSC-Regular-subset.ttf",
        "briefing/templates/fonts/NotoSerif-Regular.ttf",
        "briefing/live.js",
    ):
        assert shipped in names


def test_readme_names_every_command() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    help_text = CliRunner().invoke(app, ["--help"]).output
    commands = help_text.split("Commands:")[1].split()
    for command in ("check", "build", "schema", "new", "send", "sent", "watch", "init", "serve"):
        assert command in commands
        assert f"briefing {command}" in readme


def test_help_lists_every_command_whole_and_answers_to_h_and_version() -> None:
    from importlib.metadata import version

    runner = CliRunner()
    help_text = runner.invoke(app, ["--help"], env={"COLUMNS": "80"}).output
    listed = help_text.split("Commands:")[1].strip().splitlines()
    assert len(listed) == 9
    for line in listed:
        assert not line.endswith("...") and line.endswith(".") and len(line) <= 80, line
    assert runner.invoke(app, ["-h"]).output == help_text
    assert runner.invoke(app, ["serve", "-h"]).output.startswith("Usage: root serve [OPTIONS]")
    assert runner.invoke(app, ["--version"]).output == f"briefing {version('briefing')}\n"


def test_send_help_names_addresses_not_types() -> None:
    send_help = CliRunner().invoke(app, ["send", "--help"], env={"COLUMNS": "80"}).output
    for option in ("--to", "--cc", "--bcc", "--sender"):
        assert f"{option} <address>" in send_help
    assert "--attach <format>" in send_help and "list[str]" not in send_help


def test_the_console_script_flushes_its_output_and_keeps_exit_statuses(tmp_path: Path) -> None:
    """main() ends the process with os._exit: output must still arrive whole, statuses intact."""
    script = str(Path(sys.executable).parent / "briefing")
    # Block-buffered output, as on a user's machine, where a missing flush would lose it.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    help_run = subprocess.run([script, "--help"], capture_output=True, text=True, env=env)
    assert help_run.returncode == 0 and help_run.stdout.startswith("Usage: briefing ")
    commands = help_run.stdout.split("Commands:")[1]
    assert [line.split()[0] for line in commands.strip().splitlines()] == [
        "check", "schema", "build", "new", "send", "sent", "watch", "init", "serve"
    ]  # fmt: skip
    assert help_run.stdout.endswith("\n")
    usage = subprocess.run(
        [script, "build", "-f", "nope", "-C", str(REPO)], capture_output=True, text=True, env=env
    )
    assert usage.returncode == 2
    assert usage.stderr == "error: --format must be pdf, docx, html or all, not 'nope'\n"
    schema = tmp_path / "schema.json"
    written = subprocess.run([script, "schema", "-o", str(schema)], capture_output=True, env=env)
    assert written.returncode == 0 and schema.read_text(encoding="utf-8").startswith("{")
    piped = subprocess.run([script, "schema"], capture_output=True, text=True, env=env)
    assert piped.returncode == 0 and piped.stdout == schema.read_text(encoding="utf-8")
