"""Nothing is read or written outside the project: links, special files and huge files are refused.

Every case builds a small project beside a folder `outside/` holding a secret, links into it
the way an attacker's commit would, and checks the one line the tool prints, that the secret
never reaches the output, and (for the audit hook) that nothing outside was even opened.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefing.cli import app
from briefing.glyphs import font_coverage
from briefing.render_html import packaged_templates

from .conftest import MINIMAL_PROJECT, MINIMAL_SEED, write_files

SECRET = "SECRET-CANARY-5f1c PRIVATE KEY material"
SEED_AT = "content/alpha.yaml:2:9: source.seed: seed seeds/alpha.txt is"
HINT = "outside the project; copy it into the project instead of linking to it"
IN_TEMPLATES = (
    "outside the templates folder; copy it into the templates folder instead of linking to it"
)


def make_project(base: Path) -> Path:
    """The minimal project at base/project, and base/outside/secret.txt beside it."""
    root = write_files(base / "project", MINIMAL_PROJECT)
    (base / "outside").mkdir()
    (base / "outside" / "secret.txt").write_text(SECRET + "\n" + MINIMAL_SEED, encoding="utf-8")
    (base / "outside" / "alpha.yaml").write_text(f"{SECRET}: 1\n", encoding="utf-8")
    return root


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_project(tmp_path)


def run(root: Path, *args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(app, [*args, "--project", str(root)])
    assert "Traceback" not in result.output
    assert SECRET not in result.output
    return result.exit_code, result.stderr.splitlines()


def relink(path: Path, target: Path | str) -> None:
    path.unlink(missing_ok=True)
    path.symlink_to(target)


def secret(root: Path) -> Path:
    return root.parent / "outside" / "secret.txt"


def outside(root: Path) -> Path:
    return root.parent / "outside"


def seed_link_out(r: Path) -> None:
    relink(r / "seeds/alpha.txt", secret(r))


def seed_relative_link_out(r: Path) -> None:
    relink(r / "seeds/alpha.txt", "../../outside/secret.txt")


def seed_link_to_dev_zero(r: Path) -> None:
    relink(r / "seeds/alpha.txt", "/dev/zero")


def content_link_out(r: Path) -> None:
    relink(r / "content/alpha.yaml", outside(r) / "alpha.yaml")


def config_seeds_absolute(r: Path) -> None:
    (r / "briefing.yaml").write_text(f"seeds: {outside(r)}\n", encoding="utf-8")


def config_content_parent(r: Path) -> None:
    (r / "briefing.yaml").write_text("content: ../outside\n", encoding="utf-8")


def config_templates_through_a_link(r: Path) -> None:
    (r / "shared").symlink_to(outside(r))
    (r / "briefing.yaml").write_text("templates: shared\n", encoding="utf-8")


def default_seeds_folder_is_a_link_out(r: Path) -> None:
    shutil.rmtree(r / "seeds")
    (r / "seeds").symlink_to(outside(r))


def template_link_out(r: Path) -> None:
    (r / "templates").mkdir()
    (r / "templates/screen.css").symlink_to(secret(r))


def font_link_out(r: Path) -> None:
    (r / "templates/fonts").mkdir(parents=True)
    (r / "templates/fonts/Evil.ttf").symlink_to(secret(r))


def config_file_link_out(r: Path) -> None:
    (outside(r) / "briefing.yaml").write_text(f"{SECRET}: 1\n", encoding="utf-8")
    (r / "briefing.yaml").symlink_to(outside(r) / "briefing.yaml")


def reference_docx_link_out(r: Path) -> None:
    (r / "templates").mkdir()
    (r / "templates/reference.docx").symlink_to(secret(r))


def seed_link_loop(r: Path) -> None:
    relink(r / "seeds/alpha.txt", "beta.txt")
    (r / "seeds/beta.txt").symlink_to("alpha.txt")


def send_log_link_out(r: Path) -> None:
    (r / "sent").mkdir()
    (r / "sent/log.jsonl").symlink_to(secret(r))


def folded_seed_cache_is_a_link_out(r: Path) -> None:
    (r / "build/.cache").mkdir(parents=True)
    (r / "build/.cache/folded").symlink_to(outside(r))


# (how the project is changed, the command, the first line of stderr)
LINK_CASES: list[tuple[Callable[[Path], None], list[str], Callable[[Path], str]]] = [
    (
        seed_link_out,
        ["check"],
        lambda r: f"{SEED_AT} a symbolic link to {secret(r)}, {HINT}",
    ),
    (
        seed_relative_link_out,
        ["check"],
        lambda r: (
            f"{SEED_AT} a symbolic link to ../../outside/secret.txt "
            f"(which leads to {secret(r)}), {HINT}"
        ),
    ),
    (
        seed_link_to_dev_zero,
        ["check"],
        lambda r: f"{SEED_AT} a symbolic link to /dev/zero, {HINT}",
    ),
    (
        content_link_out,
        ["check"],
        lambda r: (
            "content/alpha.yaml:1:1: file is a symbolic link to "
            f"{outside(r) / 'alpha.yaml'}, {HINT}"
        ),
    ),
    (
        config_seeds_absolute,
        ["check"],
        lambda r: (
            "briefing.yaml:1:8: seeds: expected a folder inside the project (a relative "
            f"path without '..'), got '{outside(r)}'"
        ),
    ),
    (
        config_content_parent,
        ["check"],
        lambda r: (
            "briefing.yaml:1:10: content: expected a folder inside the project (a "
            "relative path without '..'), got '../outside'"
        ),
    ),
    (
        config_templates_through_a_link,
        ["check"],
        lambda r: (
            f"briefing.yaml:1:12: templates: shared is a symbolic link to {outside(r)}, {HINT}"
        ),
    ),
    (
        default_seeds_folder_is_a_link_out,
        ["check"],
        lambda r: f"seeds: a symbolic link to {outside(r)}, {HINT}",
    ),
    (
        config_file_link_out,
        ["check"],
        lambda r: (
            f"briefing.yaml:1:1: file is a symbolic link to {outside(r) / 'briefing.yaml'}, {HINT}"
        ),
    ),
    (
        reference_docx_link_out,
        ["build", "--format", "docx"],
        lambda r: (
            f"error: templates/reference.docx is a symbolic link to {secret(r)}, {IN_TEMPLATES}"
        ),
    ),
    (
        template_link_out,
        ["build", "--format", "html"],
        lambda r: f"error: templates/screen.css is a symbolic link to {secret(r)}, {IN_TEMPLATES}",
    ),
    (
        font_link_out,
        ["build", "--format", "pdf"],
        lambda r: (
            f"error: templates/fonts/Evil.ttf is a symbolic link to {secret(r)}, {IN_TEMPLATES}"
        ),
    ),
    (
        seed_link_loop,
        ["check"],
        lambda r: (
            f"{SEED_AT} a symbolic link that leads back to itself; expected a file or a link to one"
        ),
    ),
    (
        send_log_link_out,
        ["sent"],
        lambda r: f"error: sent/log.jsonl is a symbolic link to {secret(r)}, {HINT}",
    ),
    (
        folded_seed_cache_is_a_link_out,
        ["check"],
        lambda r: (
            f"error: {r / 'build/.cache/folded'} is a symbolic link to {outside(r)}; "
            f"the cache is never read or written through links (delete {r / 'build/.cache/folded'})"
        ),
    ),
]


@pytest.mark.parametrize(
    ("setup", "command", "expected"), LINK_CASES, ids=[case[0].__name__ for case in LINK_CASES]
)
def test_a_link_that_leads_out_is_refused_naming_it_and_where_it_leads(
    root: Path, setup: Callable[[Path], None], command: list[str], expected: Callable[[Path], str]
) -> None:
    setup(root)
    code, stderr = run(root, *command)
    assert code != 0
    assert stderr[0] == expected(root)
    assert secret(root).read_text(encoding="utf-8").startswith(SECRET)  # never written to
    assert not [p for p in (root / "build").glob("*") if not p.name.startswith(".")]


def test_links_that_stay_inside_the_project_are_followed(root: Path) -> None:
    (root / "archive").mkdir()
    (root / "seeds/alpha.txt").rename(root / "archive/alpha.txt")
    (root / "seeds/alpha.txt").symlink_to("../archive/alpha.txt")
    (root / "templates").mkdir()
    (root / "templates/house.css").write_text(".house{}\n", encoding="utf-8")
    (root / "templates/screen.css").symlink_to("house.css")
    code, stderr = run(root, "build", "--format", "html")
    assert (code, stderr) == (0, [])
    [html] = (root / "build").glob("*.html")
    assert ".house{}" in html.read_text(encoding="utf-8")


def test_the_glyph_cache_is_never_written_through_a_link(root: Path, tmp_path: Path) -> None:
    font_coverage([packaged_templates() / "fonts"], tmp_path / "probe")
    [entry] = (tmp_path / "probe").iterdir()  # the entry this project's build would use
    (root / "build/.cache").mkdir(parents=True)
    (root / "build/.cache" / entry.name).symlink_to(secret(root))
    code, stderr = run(root, "build", "--format", "pdf")
    assert code == 1
    assert stderr == [
        f"error: {root / 'build/.cache' / entry.name} is a symbolic link to {secret(root)}; "
        f"the cache is never read or written through links "
        f"(delete {root / 'build/.cache' / entry.name})"
    ]
    assert secret(root).read_text(encoding="utf-8").startswith(SECRET)


# -- special and huge files: refused before a byte is read (in a process of their own, so a
# -- regression hangs one subprocess until its timeout instead of the whole test run) ---------


def check_in_subprocess(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefing", "check", "--project", str(root)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


SPECIAL_CASES = [
    ("seed_fifo", "seeds/alpha.txt", f"{SEED_AT} a FIFO (named pipe), not a regular file; "
     "expected a plain file"),
    ("content_fifo", "content/alpha.yaml", "content/alpha.yaml:1:1: file is a FIFO (named pipe), "
     "not a regular file; expected a plain file"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "expected"), [c[1:] for c in SPECIAL_CASES], ids=[c[0] for c in SPECIAL_CASES]
)
def test_a_fifo_is_refused_without_waiting_for_a_writer(root: Path, name: str, expected: str) -> None:  # fmt: skip
    (root / name).unlink()
    os.mkfifo(root / name)
    result = check_in_subprocess(root)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == expected


def test_dev_zero_behind_a_seed_is_refused_without_reading(root: Path) -> None:
    relink(root / "seeds/alpha.txt", "/dev/zero")
    result = check_in_subprocess(root)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == f"{SEED_AT} a symbolic link to /dev/zero, {HINT}"


def test_a_seed_over_the_size_limit_is_refused(root: Path) -> None:
    with open(root / "seeds/alpha.txt", "r+b") as seed:
        seed.truncate(64 * 1024 * 1024 + 1)  # sparse: costs no disk
    code, stderr = run(root, "check")
    assert code == 1
    assert stderr[0] == f"{SEED_AT} 67,108,865 bytes; seeds are limited to 67,108,864"


# -- the audit hook: a build of a project full of hostile links opens nothing outside it -------

AUDITED = textwrap.dedent(
    """\
    import json, os, sys
    opened = []
    def audit(event, args):
        if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
            opened.append(os.fsdecode(args[0]))
    sys.addaudithook(audit)
    from briefing.cli import app
    code = 0
    try:
        app(sys.argv[2:])
    except SystemExit as exit_:
        code = exit_.code
    with open(sys.argv[1], "w") as log:
        json.dump({"code": code, "opened": opened}, log)
    """
)


def plant_hostile_links(root: Path, fatal: str) -> None:
    """Links out everywhere the tool looks; only `fatal` is one a build must read."""
    outside = root.parent / "outside"
    (root / "seeds/unused.txt").symlink_to(outside / "secret.txt")  # listed, never read
    (root / "templates/fonts").mkdir(parents=True)
    (root / "templates/unused.css").symlink_to(outside / "secret.txt")
    (root / "content/notes.txt").symlink_to(outside / "secret.txt")
    targets = {
        "seed": root / "seeds/alpha.txt",
        "content": root / "content/alpha.yaml",
        "template": root / "templates/base.css",
        "font": root / "templates/fonts/Evil.ttf",
        "dev-zero": root / "seeds/alpha.txt",
    }
    if fatal in targets:
        relink(targets[fatal], "/dev/zero" if fatal == "dev-zero" else outside / "secret.txt")


@pytest.mark.parametrize("fatal", ["none", "seed", "content", "template", "font", "dev-zero"])
def test_a_build_with_hostile_links_opens_nothing_outside_the_project(
    root: Path, tmp_path: Path, fatal: str
) -> None:
    plant_hostile_links(root, fatal)
    log = tmp_path / "audit.json"
    subprocess.run(
        [
            sys.executable,
            "-c",
            AUDITED,
            str(log),
            "build",
            "--format",
            "all",
            "--project",
            str(root),
        ],
        capture_output=True,
        timeout=300,
        check=True,
    )
    audit = json.loads(log.read_text(encoding="utf-8"))
    assert (audit["code"] == 0) == (fatal == "none"), audit["code"]
    outside = (root.parent / "outside").resolve()
    opened = {Path(p).resolve() for p in audit["opened"] if p}
    assert [p for p in opened if p.is_relative_to(outside) or p == Path("/dev/zero")] == []
    assert (root.resolve() / "content/front-matter.yaml") in opened  # the hook did see opens


def test_the_audit_hook_sees_a_read_through_a_link(root: Path, tmp_path: Path) -> None:
    """The instrument works: a plain Python read through a link is recorded at its target."""
    relink(root / "seeds/alpha.txt", secret(root))
    log = tmp_path / "audit.json"
    script = AUDITED.replace("app(sys.argv[2:])", "open(sys.argv[2]).read()")
    subprocess.run([sys.executable, "-c", script, str(log), str(root / "seeds/alpha.txt")], check=True, timeout=60)  # fmt: skip
    opened = {Path(p).resolve() for p in json.loads(log.read_text())["opened"]}
    assert secret(root).resolve() in opened


def test_the_pdf_fetcher_refuses_an_asset_that_leads_out_and_keeps_the_refusal(root: Path) -> None:
    from briefing.render_pdf import ASSET_SCHEME, locked_fetcher

    (root / "templates/img").mkdir(parents=True)
    (root / "templates/img/logo.png").symlink_to(secret(root))
    fetcher = locked_fetcher([root / "templates"])
    with pytest.raises(
        ValueError, match=r"blocked resource: templates/img/logo\.png is a symbolic"
    ):
        fetcher.fetch(ASSET_SCHEME + "/img/logo.png")
    [refused] = fetcher.refused
    assert (
        str(refused)
        == f"templates/img/logo.png is a symbolic link to {secret(root)}, {IN_TEMPLATES}"
    )
