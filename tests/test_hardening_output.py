"""Hardening, output side: names that try to leave build/, clashes, links, read-only and full disks.

Every case runs a real build on a copy of the repository's project, whose build/ already holds a
good PDF, DOCX and HTML (built once for the module). Before the failing build the content is
edited so that a successful build would change every file: "byte-identical afterwards" then
proves the old files were not touched, and `test_control_*` proves the edit does change them.
Faults are injected only for the disk (ENOSPC, a failing rename), at the os-call boundary; a real
full tmpfs and a real read-only folder are used too where this machine allows it.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner, Result

from briefing.cli import app
from briefing.errors import PublishError
from briefing.publish import publish

from .conftest import REPO, copy_project

STEM = "briefing-2026-11-23-v1.0"
PDF, HTML, DOCX = f"{STEM}.pdf", f"{STEM}.html", f"{STEM}.docx"
OUTPUTS = [DOCX, HTML, PDF]
# Building HTML and DOCX is fast; the PDF is built once for the baseline and once in one case.
FAST = "formats: [html, docx]\n"
NOTHING = "1 error; nothing was built."
SLUG_RULE = (
    "file name must be the source id: lowercase letters, digits and single hyphens, "
    "ending in .yaml (got {!r})"
)


# --- the project and its previous good build -----------------------------------------------


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("baseline") / "project")
    result = CliRunner().invoke(app, ["build", "--format", "all", "--project", str(root)])
    assert result.exit_code == 0, result.output
    assert sorted(os.listdir(root / "build")) == [".cache", *OUTPUTS]
    # A second run fills the caches an editor's machine has (folded seeds need build/ to exist),
    # so the cases below see only what the build under test writes.
    assert CliRunner().invoke(app, ["check", "--project", str(root)]).exit_code == 0
    return root


@pytest.fixture
def good(baseline: Path, tmp_path: Path) -> Path:
    """A fresh copy of the project with its good build/, content already edited (see edit)."""
    root = tmp_path / "project"
    shutil.copytree(baseline, root, symlinks=True)
    edit(root)
    return root


def edit(root: Path) -> None:
    """A content change that every format shows, so a rebuild would change every file."""
    front = root / "content" / "front-matter.yaml"
    text = front.read_text(encoding="utf-8")
    assert text.count("\nsubtitle: What Chinese") == 1
    front.write_text(
        text.replace("\nsubtitle: What Chinese", "\nsubtitle: Revised, what Chinese"),
        encoding="utf-8",
    )


def configure(root: Path, text: str) -> None:
    (root / "briefing.yaml").write_text(text, encoding="utf-8")


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["build", *args, "--project", str(root)])


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every name in the folder (temporary files included) and each regular file's bytes."""
    return {
        p.name: (p.read_bytes() if p.is_file() and not p.is_symlink() else b"<not a file>")
        for p in sorted(folder.iterdir())
    }


def tree(root: Path) -> list[str]:
    """Every path under the project, to show a failed build created nothing anywhere."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def staging_leftovers(root: Path) -> list[str]:
    return sorted(str(p) for p in root.rglob(".briefing-*"))


def assert_failed(result: Result, code: int, stderr: list[str]) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert (result.exit_code, result.stderr.splitlines()) == (code, stderr)
    assert result.stdout == ""


def assert_untouched(root: Path, before: dict[str, bytes]) -> None:
    assert snapshot(root / "build") == before
    assert staging_leftovers(root) == []


def test_control_a_good_rebuild_changes_every_fast_output(good: Path) -> None:
    """Without this, 'byte-identical afterwards' below could hold for a build that did write."""
    before = snapshot(good / "build")
    configure(good, FAST)
    result = run(good)
    assert result.exit_code == 0, result.output
    after = snapshot(good / "build")
    assert sorted(after) == [".cache", *OUTPUTS]
    assert after[HTML] != before[HTML]
    assert after[DOCX] != before[DOCX]
    assert after[PDF] == before[PDF]
    assert b"Revised, what Chinese" in after[HTML]
    # Not rebuilt here (5 s), but the PDF shows the subtitle on its first page, so it changes too.
    first_page = PdfReader(good / "build" / PDF).pages[0].extract_text()
    assert "What Chinese research" in " ".join(first_page.split())


# --- 1. names that try to leave build/ --------------------------------------------------------

OUTSIDE = "expected a folder inside the project (a relative path without '..')"
OWN = "expected a folder of its own for the built files, such as 'build'"
FIELDS = "expected letters, digits, '-', '_', '.' and the fields {date} and {version}"
UNKNOWN = "the only fields are {date} and {version}"


@pytest.mark.parametrize(
    ("output", "message"),
    [
        ("../outside", f"{OUTSIDE}, got '../outside'"),
        ("build/../../outside", f"{OUTSIDE}, got 'build/../../outside'"),
        ("..", f"{OUTSIDE}, got '..'"),
        ("{absolute}", f"{OUTSIDE}, got '{{absolute}}'"),
        (".", "expected a folder of its own inside the project, not the project folder, got '.'"),
        (
            "build/..",
            "expected a folder of its own inside the project, not the project folder, "
            "got 'build/..'",
        ),
        ("content", f"'content' is the content folder; {OWN}"),
        ("./content/", f"'./content/' is the content folder; {OWN}"),
        ("seeds/build", f"'seeds/build' is inside the seeds folder 'seeds'; {OWN}"),
        ("templates", f"'templates' is the templates folder; {OWN}"),
        ("", "must not be empty"),
        ("b" * 300, "is 300 characters; at most 200 allowed"),
        ("build\nx", "must be a single line (no line breaks)"),
        ("build\x00x", "text holds the control character U+0000; remove it"),
    ],
)
def test_an_output_folder_outside_or_among_the_inputs_is_refused(
    good: Path, tmp_path: Path, output: str, message: str
) -> None:
    absolute = tmp_path / "escape"
    output, message = (text.replace("{absolute}", str(absolute)) for text in (output, message))
    configure(good, f"{FAST}output: {json.dumps(output)}\n")
    before, files = snapshot(good / "build"), tree(good)
    result = run(good)
    assert_failed(result, 1, [f"briefing.yaml:2:9: output: {message}", NOTHING])
    assert_untouched(good, before)
    assert tree(good) == files
    assert not absolute.exists()
    assert not (good.parent / "outside").exists()


def test_an_input_folder_inside_the_output_folder_is_refused_at_its_line(good: Path) -> None:
    configure(good, f"{FAST}seeds: build/seeds\n")
    result = run(good)
    assert_failed(
        result,
        1,
        [f"briefing.yaml:2:8: seeds: 'build' holds the seeds folder 'build/seeds'; {OWN}", NOTHING],
    )


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("../{date}", f"{FIELDS}, got '../{{date}}'"),
        ("/etc/{version}", f"{FIELDS}, got '/etc/{{version}}'"),
        ("a/b", f"{FIELDS}, got 'a/b'"),
        ("a\\b", f"{FIELDS}, got 'a\\\\b'"),
        ("a\nb", f"{FIELDS}, got 'a\\nb'"),
        ("a b", f"{FIELDS}, got 'a b'"),
        ("{nope}", f"unknown field {{nope}}; {UNKNOWN}"),
        ("{}", f"unknown field {{}}; {UNKNOWN}"),
        ("{0}", f"unknown field {{0}}; {UNKNOWN}"),
        ("{date.__doc__}", f"unknown field {{date.__doc__}}; {UNKNOWN}"),
        ("{version[0]}", f"unknown field {{version[0]}}; {UNKNOWN}"),
        ("{date!r}", f"unknown field {{date!r}}; {UNKNOWN}"),
        ("{version:>300}", f"unknown field {{version:>300}}; {UNKNOWN}"),
        ("x}", f"unbalanced braces; {FIELDS}, got 'x}}'"),
        ("{date", f"unbalanced braces; {FIELDS}, got '{{date'"),
        ("..", "must not start with '.' (the files would be hidden), got '..'"),
        (".{date}", "must not start with '.' (the files would be hidden), got '.{date}'"),
        ("", "must not be empty"),
        ("x" * 300, "is 300 characters; at most 120 allowed"),
        ("{version}" * 13, "makes file names of up to 260 characters; at most 200 allowed"),
        ("x\x00", "text holds the control character U+0000; remove it"),
    ],
)
def test_a_filename_pattern_that_is_not_a_plain_name_is_refused(
    good: Path, pattern: str, message: str
) -> None:
    configure(good, f"{FAST}filename: {json.dumps(pattern)}\n")
    before, files = snapshot(good / "build"), tree(good)
    result = run(good)
    assert_failed(result, 1, [f"briefing.yaml:2:11: filename: {message}", NOTHING])
    assert_untouched(good, before)
    assert tree(good) == files


def test_an_odd_but_plain_filename_pattern_writes_only_inside_build(good: Path) -> None:
    configure(good, "formats: [html]\nfilename: a..b_{date}{version}..-\n")
    files = tree(good)
    result = run(good)
    assert result.exit_code == 0, result.output
    name = "a..b_2026-11-231.0..-.html"
    size = (good / "build" / name).stat().st_size / 1024  # the content's and its fonts
    assert result.stdout.splitlines()[0] == f"wrote {good / 'build' / name} ({size:,.0f} KiB)"
    assert tree(good) == sorted([*files, f"build/{name}"])


def test_a_version_that_would_make_a_hidden_file_is_refused_at_its_line(good: Path) -> None:
    front = good / "content" / "front-matter.yaml"
    lines = front.read_text(encoding="utf-8").splitlines()
    line = lines.index('version: "1.0"')
    lines[line] = 'version: ".5"'
    front.write_text("\n".join(lines) + "\n", encoding="utf-8")
    configure(good, "formats: [html]\nfilename: '{version}-brief'\n")
    before = snapshot(good / "build")
    result = run(good)
    assert_failed(
        result,
        1,
        [
            f"content/front-matter.yaml:{line + 1}:10: version: makes the output file name "
            "'.5-brief.html', a hidden file; expected a version that starts with a letter or digit",
            NOTHING,
        ],
    )
    assert_untouched(good, before)


@pytest.mark.parametrize(
    ("name", "shown", "message"),
    [
        ("..yaml", "content/..yaml", SLUG_RULE.format("..yaml")),
        ("...yaml", "content/...yaml", SLUG_RULE.format("...yaml")),
        (".yaml.yaml", "content/.yaml.yaml", SLUG_RULE.format(".yaml.yaml")),
        ("-x.yaml", "content/-x.yaml", SLUG_RULE.format("-x.yaml")),
        ("a b.yaml", "content/a b.yaml", SLUG_RULE.format("a b.yaml")),
        ("line\nbreak.yaml", "content", SLUG_RULE.format("line\nbreak.yaml")),
        ("tab\there.yaml", "content", SLUG_RULE.format("tab\there.yaml")),
        ("é.yaml", "content/é.yaml", SLUG_RULE.format("é.yaml")),
        (
            "a" * 65 + ".yaml",
            "content/" + "a" * 65 + ".yaml",
            "file name must be the source id: at most 64 characters before .yaml, got 65",
        ),
        (
            "a" * 250 + ".yaml",
            "content/" + "a" * 250 + ".yaml",
            "file name must be the source id: at most 64 characters before .yaml, got 250",
        ),
        # 300+ characters: the file system refuses such a name (ENAMETOOLONG) before briefing
        # could see it; the NUL character cannot be in a file name at all.
    ],
)
def test_a_content_file_name_that_is_not_a_source_id_is_refused(
    good: Path, name: str, shown: str, message: str
) -> None:
    source = good / "content" / "sputnik-core-ai-industry.yaml"
    shutil.copyfile(source, good / "content" / name)
    configure(good, FAST)
    before = snapshot(good / "build")
    result = run(good)
    assert_failed(result, 1, [f"{shown}: {message}", NOTHING])
    assert_untouched(good, before)


@pytest.mark.parametrize("kind", ["file", "dangling link", "link to content", "link to seeds"])
def test_an_output_folder_that_is_not_a_folder_of_its_own_is_refused(good: Path, kind: str) -> None:
    configure(good, FAST)
    build = good / "build"
    shutil.rmtree(build)
    if kind == "file":
        build.write_bytes(b"not a folder")
        expected = "error: build is a file; expected the output folder (remove the file)"
    elif kind == "dangling link":
        build.symlink_to(good / "gone")
        expected = (
            f"error: build is a symbolic link to {good / 'gone'}, which does not exist; "
            "expected the output folder or a link to one"
        )
    else:
        folder = kind.split()[-1]
        build.symlink_to(good / folder)
        expected = (
            f"error: build leads to {folder}, which overlaps the {folder} folder; "
            "expected a folder of its own for the built files"
        )
    files = {p: p.read_bytes() for p in sorted(good.rglob("*")) if p.is_file()}
    result = run(good)
    assert_failed(result, 1, [expected])
    assert {p: p.read_bytes() for p in sorted(good.rglob("*")) if p.is_file()} == files
    assert not (good / "gone").exists()


# --- 2. two sources or outputs that would be one file -----------------------------------------


@pytest.mark.parametrize(
    ("copy_from", "copy_to", "message"),
    [
        (
            "sputnik-core-ai-industry.yaml",
            "sputnik-core-ai-industry.yml",
            "content/sputnik-core-ai-industry.yml: sputnik-core-ai-industry.yaml already has "
            "the id 'sputnik-core-ai-industry'; expected one file per source (remove one of them)",
        ),
        (
            "front-matter.yaml",
            "front-matter.yml",
            "content/front-matter.yml: front-matter.yaml already has the id 'front-matter'; "
            "expected one file per source (remove one of them)",
        ),
        (
            "sputnik-core-ai-industry.yaml",
            "Sputnik-Core-AI-Industry.yaml",
            "content/Sputnik-Core-AI-Industry.yaml: "
            + SLUG_RULE.format("Sputnik-Core-AI-Industry.yaml"),
        ),
    ],
)
def test_two_content_files_for_one_id_are_refused(
    good: Path, copy_from: str, copy_to: str, message: str
) -> None:
    content = good / "content"
    text = (content / copy_from).read_text(encoding="utf-8")
    # A second file that differs, so which one wins would matter if either were taken.
    (content / copy_to).write_text(text.replace("title:", "title: Other", 1), encoding="utf-8")
    configure(good, FAST)
    before = snapshot(good / "build")
    result = run(good)
    assert_failed(result, 1, [message, NOTHING])
    assert_untouched(good, before)


def test_a_pattern_without_fields_still_gives_each_format_its_own_file(good: Path) -> None:
    configure(good, f"{FAST}filename: report\n")
    result = run(good)
    assert result.exit_code == 0, result.output
    assert sorted(os.listdir(good / "build")) == [".cache", *OUTPUTS, "report.docx", "report.html"]
    assert zipfile.is_zipfile(good / "build" / "report.docx")
    assert (good / "build" / "report.html").read_bytes().startswith(b"<!DOCTYPE html>")


def test_publish_refuses_two_outputs_that_are_one_file_through_a_link(tmp_path: Path) -> None:
    real = tmp_path / "build"
    real.mkdir()
    (real / "brief.html").write_bytes(b"old")
    (tmp_path / "alias").symlink_to(real)
    with pytest.raises(PublishError) as raised:
        publish({real / "brief.html": b"one", tmp_path / "alias" / "brief.html": b"two"})
    assert str(raised.value) == (
        f"{real / 'brief.html'} and {tmp_path / 'alias' / 'brief.html'} would be the same file; "
        "nothing was written"
    )
    assert snapshot(real) == {"brief.html": b"old"}


def test_publish_refuses_names_that_differ_only_in_case(tmp_path: Path) -> None:
    """On a case-blind disk (macOS, Windows) these are one file; refuse them everywhere."""
    with pytest.raises(PublishError) as raised:
        publish({tmp_path / "Brief.html": b"one", tmp_path / "brief.html": b"two"})
    assert str(raised.value) == (
        f"{tmp_path / 'Brief.html'} and {tmp_path / 'brief.html'} would be the same file; "
        "nothing was written"
    )
    assert list(tmp_path.iterdir()) == []


# --- 3. links where the output goes -----------------------------------------------------------


@pytest.mark.parametrize("dangling", [False, True], ids=["to a file", "dangling"])
def test_an_output_file_that_is_a_symbolic_link_is_refused(
    good: Path, tmp_path: Path, dangling: bool
) -> None:
    victim = tmp_path / "outside" / "precious.docx"
    victim.parent.mkdir()
    if not dangling:
        victim.write_bytes(b"someone else's file")
    link = good / "build" / DOCX
    link.unlink()
    link.symlink_to(victim)
    configure(good, FAST)
    before = snapshot(good / "build")
    result = run(good)
    # HTML was staged first and must be gone again; the link and what it points at unchanged.
    assert_failed(result, 1, [f"error: {link} is a symbolic link; refusing to write through it"])
    assert_untouched(good, before)
    assert link.is_symlink() and os.readlink(link) == str(victim)
    assert sorted(os.listdir(victim.parent)) == ([] if dangling else ["precious.docx"])
    if not dangling:
        assert victim.read_bytes() == b"someone else's file"


def test_an_output_file_hard_linked_elsewhere_is_replaced_not_written_through(
    good: Path, tmp_path: Path
) -> None:
    other = tmp_path / "elsewhere.html"
    os.link(good / "build" / HTML, other)
    old = other.read_bytes()
    configure(good, "formats: [html]\n")
    result = run(good)
    assert result.exit_code == 0, result.output
    assert other.read_bytes() == old
    assert (good / "build" / HTML).read_bytes() != old
    assert os.stat(other).st_nlink == 1


def test_a_symlinked_build_folder_is_followed(good: Path, tmp_path: Path) -> None:
    """A build folder on another disk is a common set-up: the link is followed and kept."""
    elsewhere = tmp_path / "other-disk" / "briefings"
    elsewhere.parent.mkdir()
    shutil.move(good / "build", elsewhere)
    (good / "build").symlink_to(elsewhere)
    before = snapshot(elsewhere)
    configure(good, FAST)
    result = run(good)
    assert result.exit_code == 0, result.output
    assert (good / "build").is_symlink()
    after = snapshot(elsewhere)
    assert sorted(after) == [".cache", *OUTPUTS]
    assert after[HTML] != before[HTML] and after[DOCX] != before[DOCX]
    assert after[PDF] == before[PDF]
    assert result.stdout.splitlines()[0].startswith(f"wrote {good / 'build' / HTML} (")


# --- 4. a build folder that cannot be written -------------------------------------------------
#
# Tests run as root here, and root ignores permission bits: chmod 0o555 alone proves nothing.
# Three mechanisms that do hold: the build in a child process whose capabilities are all dropped
# (root without CAP_DAC_OVERRIDE obeys the mode bits of its own folders, as any user would), a
# read-only bind mount (the kernel answers EROFS whoever asks), and a folder where an output file
# should be (no one can replace a folder with a file).

PR_CAPBSET_DROP = 24


def drop_capabilities() -> None:
    """In the child before exec: empty the bounding set, so the program runs with no capability."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    cap = 0
    while libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0:
        cap += 1


def capabilities_can_be_dropped() -> bool:
    probe = subprocess.run(
        ["grep", "^CapEff:", "/proc/self/status"],
        capture_output=True,
        text=True,
        preexec_fn=drop_capabilities,
        check=False,
    )
    return probe.stdout.split() == ["CapEff:", "0000000000000000"]


def test_a_read_only_build_folder_fails_cleanly(good: Path) -> None:
    configure(good, FAST)
    build = good / "build"
    before = snapshot(build)
    build.chmod(0o555)
    try:
        if os.geteuid() != 0:
            result = run(good)
            code, stderr, stdout = result.exit_code, result.stderr, result.stdout
        elif capabilities_can_be_dropped():
            command = [str(Path(sys.executable).parent / "briefing"), "build", "-C", str(good)]
            child = subprocess.run(
                command,
                capture_output=True,
                text=True,
                env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
                preexec_fn=drop_capabilities,
                check=False,
            )
            code, stderr, stdout = child.returncode, child.stderr, child.stdout
        else:
            pytest.skip("root that cannot drop its capabilities ignores chmod")
    finally:
        build.chmod(0o755)
    assert (code, stderr, stdout) == (
        1,
        f"error: cannot write {build / HTML}: Permission denied\n",
        "",
    )
    assert_untouched(good, before)


@pytest.fixture
def read_only_mount(good: Path) -> Iterator[Path]:
    build = good / "build"
    mount = ["mount", "--bind", str(build), str(build)]
    if os.geteuid() != 0 or subprocess.run(mount, capture_output=True).returncode != 0:
        pytest.skip("no bind mounts here; the unprivileged-user case covers read-only")
    try:
        remount = ["mount", "-o", "remount,bind,ro", str(build), str(build)]
        subprocess.run(remount, check=True, capture_output=True)
        yield build
    finally:
        subprocess.run(["umount", str(build)], check=True)


def test_a_read_only_file_system_fails_cleanly(good: Path, read_only_mount: Path) -> None:
    configure(good, FAST)
    before = snapshot(read_only_mount)
    result = run(good)
    assert_failed(
        result, 1, [f"error: cannot write {read_only_mount / HTML}: Read-only file system"]
    )
    assert_untouched(good, before)


def test_a_folder_where_an_output_file_belongs_is_refused(good: Path) -> None:
    target = good / "build" / DOCX
    target.unlink()
    target.mkdir()
    (target / "keep.txt").write_text("mine", encoding="utf-8")
    configure(good, FAST)
    before = snapshot(good / "build")
    result = run(good)
    assert_failed(
        result, 1, [f"error: {target} is not a regular file; expected a file or nothing there"]
    )
    assert_untouched(good, before)
    assert (target / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_a_chart_cache_that_cannot_be_written_is_skipped_not_fatal(good: Path) -> None:
    """build/.cache is only an optimisation: when it cannot be used, the charts are drawn anew."""
    shutil.rmtree(good / "build" / ".cache")
    (good / "build" / ".cache").write_bytes(b"in the way")
    configure(good, FAST)
    before = snapshot(good / "build")
    result = run(good)
    assert result.exit_code == 0, result.output
    after = snapshot(good / "build")
    assert after[".cache"] == b"in the way"
    assert after[HTML] != before[HTML] and after[DOCX] != before[DOCX]
    assert after[HTML].count(b"<svg") == before[HTML].count(b"<svg") > 0
    assert staging_leftovers(good) == []


# --- 5. one renderer fails after another succeeded --------------------------------------------


def test_a_broken_reference_docx_after_pdf_and_html_rendered_publishes_nothing(
    good: Path,
) -> None:
    (good / "templates").mkdir()
    reference = good / "templates" / "reference.docx"
    reference.write_bytes(b"this is not a Word document")
    before = snapshot(good / "build")
    result = run(good, "--format", "all")  # PDF, then HTML, then DOCX
    assert_failed(
        result,
        1,
        [
            f"error: templates/reference.docx: cannot use it as the Word reference document "
            f"(Package not found at '{reference}'); expected a .docx saved by Word with the "
            "styles of templates/reference.docx"
        ],
    )
    assert_untouched(good, before)


def test_a_reference_docx_without_a_needed_style_publishes_nothing(good: Path) -> None:
    (good / "templates").mkdir()
    with (
        zipfile.ZipFile(REPO / "templates" / "reference.docx") as source,
        zipfile.ZipFile(good / "templates" / "reference.docx", "w") as broken,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/styles.xml":
                assert data.count(b'w:val="heading 1"') == 1
                data = data.replace(b'w:val="heading 1"', b'w:val="renamed 1"')
            broken.writestr(item, data)
    configure(good, FAST)
    before = snapshot(good / "build")
    result = run(good)
    assert_failed(
        result,
        1,
        [
            "error: templates/reference.docx: cannot use it as the Word reference document "
            "(no style with name 'Heading 1'); expected a .docx saved by Word with the styles "
            "of templates/reference.docx"
        ],
    )
    assert_untouched(good, before)


# --- 6. the disk fills up, or a rename fails, while publishing --------------------------------


def fail_on_call(
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    call: int | None,
    error: int,
    when: Callable[..., bool],
) -> list[tuple[Any, ...]]:
    """Make os.<name> fail with `error` on its call-th use that `when` picks (None: every one).

    briefing.publish calls os.<name> through the os module, so this is the os-call boundary.
    """
    real = getattr(os, name)
    calls: list[tuple[Any, ...]] = []

    def fake(*args: Any) -> Any:
        if when(*args):
            calls.append(args)
            if call is None or len(calls) == call:
                raise OSError(error, os.strerror(error))
        return real(*args)

    monkeypatch.setattr(os, name, fake)
    return calls


def is_staging_file(fd: int) -> bool:
    return Path(os.readlink(f"/proc/self/fd/{fd}")).name.startswith(".briefing-")


def test_a_disk_that_fills_while_writing_the_second_file(
    good: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(good, FAST)
    before = snapshot(good / "build")
    calls = fail_on_call(monkeypatch, "fsync", 2, errno.ENOSPC, is_staging_file)
    result = run(good)
    assert len(calls) == 2
    assert_failed(
        result, 1, [f"error: cannot write {good / 'build' / DOCX}: No space left on device"]
    )
    assert_untouched(good, before)


@pytest.fixture
def small_disk(good: Path) -> Iterator[Path]:
    """build/ on a real tmpfs holding the previous build, with room for the new HTML only."""
    build = good / "build"
    saved = good / "saved-build"
    build.rename(saved)
    build.mkdir()
    size = sum(p.stat().st_size for p in saved.rglob("*")) + 4 * 1024 * 1024
    mount = ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(build)]
    if os.geteuid() != 0 or subprocess.run(mount, capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here; the injected ENOSPC case covers a full disk")
    try:
        shutil.copytree(saved, build, dirs_exist_ok=True)
        stat = os.statvfs(build)
        room = len((saved / HTML).read_bytes()) + 64 * 1024
        (build / "filler").write_bytes(b"\0" * (stat.f_bavail * stat.f_frsize - room))
        assert room - 8192 < shutil.disk_usage(build).free <= room
        yield build
    finally:
        subprocess.run(["umount", str(build)], check=True)


def test_a_real_full_disk_while_writing_the_second_file(good: Path, small_disk: Path) -> None:
    configure(good, FAST)
    before = snapshot(small_disk)
    result = run(good)
    assert_failed(result, 1, [f"error: cannot write {small_disk / DOCX}: No space left on device"])
    assert_untouched(good, before)


def is_staged(source: Any, target: Any) -> bool:
    return Path(source).name.startswith(".briefing-") and not str(source).endswith(".old")


@pytest.mark.parametrize("links", [True, False], ids=["hard links", "no hard links"])
def test_a_rename_that_fails_after_another_succeeded_puts_the_first_back(
    good: Path, monkeypatch: pytest.MonkeyPatch, links: bool
) -> None:
    configure(good, FAST)
    before = snapshot(good / "build")
    if not links:  # a disk without hard links (FAT, some network shares): copies instead
        fail_on_call(monkeypatch, "link", None, errno.EPERM, lambda *_: True)
    calls = fail_on_call(monkeypatch, "replace", 2, errno.EIO, is_staged)
    result = run(good)
    # HTML had been swapped in when DOCX failed; it must be the previous HTML again.
    assert [Path(target).name for _, target in calls] == [HTML, DOCX]
    assert_failed(
        result,
        1,
        [
            f"error: cannot replace {good / 'build' / DOCX}: Input/output error; "
            "the previous files were kept"
        ],
    )
    assert_untouched(good, before)


def test_a_failed_rename_removes_a_first_file_that_is_new(
    good: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (good / "build" / HTML).unlink()
    configure(good, FAST)
    before = snapshot(good / "build")
    fail_on_call(monkeypatch, "replace", 2, errno.ENOSPC, is_staged)
    result = run(good)
    assert_failed(
        result,
        1,
        [
            f"error: cannot replace {good / 'build' / DOCX}: No space left on device; "
            "the previous files were kept"
        ],
    )
    assert_untouched(good, before)
    assert HTML not in before
