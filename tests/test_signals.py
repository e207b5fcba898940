"""Ctrl-C and SIGTERM at any moment: one line, 130 or 143, and never a mixed or partial output.

Real signals to the real console script, at many points in time of a `--format all` build and
of a `send` to an aiosmtpd on loopback; real signals inside the publishing swap itself; and a
real SIGKILL in the middle of a swap, which the next build completes and cleans up.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from briefing import interrupt
from briefing.publish import JOURNAL, LEFTOVER, publish

from .conftest import ShippedBuild, copy_built
from .test_send import Inbox

SCRIPT = Path(sys.executable).parent / "briefing"
OLD = ["briefing-2026-11-23-v1.0.pdf", "briefing-2026-11-23-v1.0.html", "briefing-2026-11-23-v1.0.docx"]  # fmt: skip
NEW = [name.replace("v1.0", "v2.0") for name in OLD]
MESSAGES = {
    "untouched": "error: interrupted by {}; the output folder is as it was",
    "published": "error: interrupted by {} after the new files were written",
}


def snapshot(build: Path) -> dict[str, bytes]:
    """Every file in the output folder but the caches, with its bytes."""
    return {p.name: p.read_bytes() for p in sorted(build.iterdir()) if p.name != ".cache"}


def leftovers(build: Path) -> list[str]:
    return [p.name for p in build.iterdir() if LEFTOVER.match(p.name) or JOURNAL in p.name]


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory, shipped_build: ShippedBuild) -> Path:
    """A project with a good build of every format at version 1.0, its content now at 2.0."""
    root = copy_built(shipped_build, tmp_path_factory.mktemp("signals") / "project")
    front = root / "content" / "front-matter.yaml"
    text = front.read_text(encoding="utf-8")
    front.write_text(text.replace('version: "1.0"', 'version: "2.0"'), encoding="utf-8")
    return root


def handlers_installed(pid: int) -> bool:
    """The process catches SIGTERM: the console script's handlers are in place (Linux /proc)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return True  # it has ended already
    caught = int(next(line for line in status.splitlines() if line.startswith("SigCgt:")).split()[1], 16)  # fmt: skip
    return bool(caught & (1 << (signal.SIGTERM - 1)))


def interrupted_run(args: list[str], signum: int, after: float) -> subprocess.CompletedProcess[str]:
    """Run the console script and signal it `after` seconds past the moment it can take signals.

    Before that moment only the interpreter itself runs (some 30 ms): a signal there meets
    Python's defaults, before any file of the project is opened.
    """
    process = subprocess.Popen(
        [str(SCRIPT), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 30
    while not handlers_installed(process.pid) and time.monotonic() < deadline:
        time.sleep(0.002)
    time.sleep(after)
    process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def assert_whole(
    root: Path,
    before: dict[str, bytes],
    result: subprocess.CompletedProcess[str],
    signum: int,
    new: list[str] = NEW,
) -> str:
    """The previous files untouched, the new set whole or absent, nothing staged; the outcome."""
    build = root / "build"
    after = snapshot(build)
    assert leftovers(build) == []
    assert {name: after.get(name) for name in before} == before  # other versions: untouched
    written = sorted(name for name in NEW if name in after)
    assert written in ([], sorted(new)), f"a mixed set: {written}"
    name = signal.Signals(signum).name
    if result.returncode == 0:  # the command finished before the signal came
        assert written == sorted(new)
        outcome = "finished"
    else:
        assert result.returncode == 128 + signum, result.stderr
        outcome = "published" if written else "untouched"
        assert result.stderr.splitlines() == [MESSAGES[outcome].format(name)]
    for new in written:
        os.unlink(build / new)  # the next run starts from the same previous set
    return outcome


# Seconds after the handlers are in: imports, checking, charts, the PDF, HTML, DOCX, publishing.
BUILD_TIMES = [0.0, 0.05, 0.15, 0.3, 0.6, 1.0, 1.5, 2.0, 2.3, 2.6, 3.0, 3.5, 4.0, 5.0, 6.5]


@pytest.mark.parametrize(
    ("signum", "times"),
    [(signal.SIGINT, BUILD_TIMES), (signal.SIGTERM, BUILD_TIMES[::2])],
    ids=["SIGINT", "SIGTERM"],
)
def test_a_signal_at_any_moment_of_a_build_leaves_the_previous_or_the_whole_new_set(
    previous: Path, signum: int, times: list[float]
) -> None:
    before = snapshot(previous / "build")
    assert sorted(before) == sorted(OLD)
    outcomes = []
    for after in times:
        result = interrupted_run(["build", "-f", "all", "-C", str(previous)], signum, after)
        outcomes.append(assert_whole(previous, before, result, signum))
    assert outcomes.count("untouched") >= len(times) // 2, outcomes  # most came mid-build


@pytest.fixture
def smtp(previous: Path) -> Iterator[Inbox]:
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    (previous / "briefing.yaml").write_text(
        f"email:\n  host: 127.0.0.1\n  port: {port}\n  security: none\n"
        "  sender: Unit <unit@example.org>\n  to: [desk@example.org]\n  attach: [pdf, docx]\n",
        encoding="utf-8",
    )
    try:
        yield inbox
    finally:
        controller.stop()
        (previous / "briefing.yaml").unlink()


@pytest.mark.parametrize(
    ("signum", "times"),
    [(signal.SIGINT, [0.0, 0.5, 1.5, 3.0, 4.5]), (signal.SIGTERM, [0.2, 2.0, 4.0])],
    ids=["SIGINT", "SIGTERM"],
)
def test_a_signal_at_any_moment_of_a_send_ends_it_with_one_line(
    previous: Path, smtp: Inbox, signum: int, times: list[float]
) -> None:
    before = snapshot(previous / "build")
    for after in times:
        sent = len(smtp.messages)
        result = interrupted_run(["send", "-C", str(previous)], signum, after)
        outcome = assert_whole(previous, before, result, signum, [NEW[0], NEW[2]])
        # The message goes out after the build: an interrupted send sent nothing, or it all.
        assert len(smtp.messages) - sent <= (1 if outcome != "untouched" else 0)
        shutil.rmtree(previous / "sent", ignore_errors=True)  # the send log refuses a resend


# --- signals inside the publishing step itself ---------------------------------------------------


@pytest.fixture
def handlers() -> Iterator[None]:
    """The console script's signal handlers, in this process, for one test."""
    saved = {signum: signal.getsignal(signum) for signum in interrupt.SIGNALS}
    interrupt._received.clear()
    interrupt.forget_published()
    interrupt.install()
    try:
        yield
    finally:
        interrupt._received.clear()
        for signum, handler in saved.items():
            signal.signal(signum, handler)


def outputs(folder: Path, text: bytes) -> dict[Path, bytes]:
    return {folder / name: text + name.encode() for name in OLD}


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("during", [1, 2, 3, 4], ids=["journal", "first file", "second", "third"])
def test_a_signal_during_the_swap_waits_until_the_whole_set_is_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, handlers: None, signum: int, during: int
) -> None:
    publish(outputs(tmp_path, b"old "))
    real_replace, renames = os.replace, []

    def replace_then_signal(source: object, target: object) -> None:
        real_replace(source, target)  # type: ignore[arg-type]
        renames.append(target)
        if len(renames) == during:
            os.kill(os.getpid(), signum)  # delivered at once, to this very thread

    monkeypatch.setattr(os, "replace", replace_then_signal)
    with pytest.raises(interrupt.Interrupted) as stop:
        publish(outputs(tmp_path, b"new "))
    assert [Path(str(p)).name for p in renames] == [JOURNAL, *OLD]
    assert stop.value.signum == signum
    assert stop.value.published == [tmp_path / name for name in OLD]
    assert snapshot(tmp_path) == {name: b"new " + name.encode() for name in OLD}


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("during", [1, 3], ids=["first file", "last file"])
def test_a_signal_while_staging_publishes_nothing_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, handlers: None, signum: int, during: int
) -> None:
    publish(outputs(tmp_path, b"old "))
    real_fsync, synced = os.fsync, []

    def fsync_then_signal(fd: int) -> None:
        real_fsync(fd)
        synced.append(fd)
        if len(synced) == during:
            os.kill(os.getpid(), signum)

    monkeypatch.setattr(os, "fsync", fsync_then_signal)
    with pytest.raises(interrupt.Interrupted) as stop:
        publish(outputs(tmp_path, b"new "))
    assert stop.value.published == []
    assert snapshot(tmp_path) == {name: b"old " + name.encode() for name in OLD}


def test_a_signal_something_swallowed_stops_the_publish_before_it_starts(
    tmp_path: Path, handlers: None
) -> None:
    publish(outputs(tmp_path, b"old "))
    with contextlib.suppress(interrupt.Interrupted):  # as WeasyPrint does while drawing an SVG
        os.kill(os.getpid(), signal.SIGINT)
    with pytest.raises(interrupt.Interrupted):
        publish(outputs(tmp_path, b"new "))
    assert snapshot(tmp_path) == {name: b"old " + name.encode() for name in OLD}


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_after_publishing_says_the_new_files_were_written(
    tmp_path: Path, handlers: None, signum: int
) -> None:
    """As when `send` is stopped while the mail goes out: the new files are already in place."""
    publish(outputs(tmp_path, b"new "))
    with pytest.raises(interrupt.Interrupted) as stop:
        os.kill(os.getpid(), signum)  # delivered at once, to this very thread
    name = signal.Signals(signum).name
    assert stop.value.published == [tmp_path / name for name in OLD]
    assert str(stop.value) == MESSAGES["published"].format(name).removeprefix("error: ")
    # A watch rebuild starts over: until it publishes, a signal leaves the folder as it was.
    interrupt._received.clear()
    interrupt.forget_published()
    with pytest.raises(interrupt.Interrupted) as stop:
        os.kill(os.getpid(), signum)
    assert str(stop.value) == MESSAGES["untouched"].format(name).removeprefix("error: ")


# --- SIGKILL, which nothing can catch: the next build completes and cleans up --------------------

KILLED_PUBLISH = """
import os, signal, sys
from pathlib import Path
from briefing.publish import publish
folder, renames = Path(sys.argv[1]), []
real_replace = os.replace
def replace_then_die(source, target):
    real_replace(source, target)
    if Path(target).name.startswith("briefing-"):
        renames.append(target)
        if len(renames) == 1:
            os.kill(os.getpid(), signal.SIGKILL)
os.replace = replace_then_die
publish({folder / name: b"killed " + name.encode() for name in sys.argv[2:]})
"""


def test_a_build_after_a_killed_publish_completes_its_swap_and_removes_its_files(
    tmp_path: Path, shipped_build: ShippedBuild
) -> None:
    root = copy_built(shipped_build, tmp_path / "project")
    build = root / "build"
    killed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(KILLED_PUBLISH), str(build), *OLD],
        capture_output=True,
    )
    assert killed.returncode == -signal.SIGKILL
    left = snapshot(build)
    assert left[OLD[0]] == b"killed " + OLD[0].encode()  # a mixed set: the first swapped only
    assert not left[OLD[1]].startswith(b"killed")
    assert JOURNAL in left and len(leftovers(build)) == 4  # journal, two staged, one backup
    # A build that fails on its content still completes the killed swap and sweeps up.
    (root / "content" / "broken.yaml").write_text("source: [\n", encoding="utf-8")
    failed = subprocess.run(
        [str(SCRIPT), "build", "-f", "all", "-C", str(root)], capture_output=True, text=True
    )
    assert failed.returncode == 1
    assert snapshot(build) == {name: b"killed " + name.encode() for name in OLD}
    (root / "content" / "broken.yaml").unlink()
    subprocess.run([str(SCRIPT), "build", "-f", "html", "-q", "-C", str(root)], check=True)
    assert sorted(snapshot(build)) == sorted(OLD) and leftovers(build) == []


def test_staging_files_without_a_journal_are_removed_and_the_outputs_kept(tmp_path: Path) -> None:
    publish(outputs(tmp_path, b"old "))
    for name in (f".{OLD[0]}.abcd1234.staged", f".{OLD[1]}.efgh_567.staged"):
        (tmp_path / name).write_bytes(b"half a file")
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")  # not ours: left alone
    publish({tmp_path / OLD[2]: b"new"})
    assert snapshot(tmp_path) == {
        OLD[0]: b"old " + OLD[0].encode(),
        OLD[1]: b"old " + OLD[1].encode(),
        OLD[2]: b"new",
        "notes.txt": b"mine",
    }


WRAPPED_AT_IMPORT = """
import builtins, signal
from briefing import console, interrupt
real_import = builtins.__import__
def import_wrapping_the_signal(name, globals=None, locals=None, fromlist=(), level=0):
    if name == "cli" and level == 1:  # as pydantic-core wraps a handler's exception
        interrupt._received.append(signal.SIGTERM)
        raise RuntimeError("SchemaError: Error building `literal` serializer")
    return real_import(name, globals, locals, fromlist, level)
builtins.__import__ = import_wrapping_the_signal
console.main()
"""


SWALLOWED_IN_A_COMMAND = """
import os, signal, sys, time
from briefing import cli, interrupt
def command():
    try:
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)
    except interrupt.Interrupted:
        pass  # as WeasyPrint logs a failed drawing and goes on
    sys.exit(0)  # as Click ends a command that returned
cli.app = command
cli.main()
"""


@pytest.mark.parametrize(
    "program",
    [WRAPPED_AT_IMPORT, SWALLOWED_IN_A_COMMAND],
    ids=["wrapped by an import", "swallowed in a command"],
)
def test_a_signal_something_wrapped_or_swallowed_still_ends_with_one_line(program: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 128 + signal.SIGTERM, result.stderr
    assert result.stderr.splitlines() == [MESSAGES["untouched"].format("SIGTERM")]


def run_until(args: list[str], ready: str) -> subprocess.Popen[str]:
    """Start the console script; return once a line of its output starts with `ready`."""
    import selectors

    process = subprocess.Popen(
        [str(SCRIPT), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    deadline, line = time.monotonic() + 120, ""
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if selector.select(timeout=1.0):
                line = process.stdout.readline()
                if line.startswith(ready) or not line:  # ready, or it has ended
                    break
    if not line.startswith(ready):
        process.kill()
        pytest.fail(f"never said {ready!r}; stderr: {process.communicate()[1]}")
    return process


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize(
    ("command", "ready", "activity"),
    [
        (["watch", "-f", "html"], "watching ", "watching"),
        (["serve", "--port", "0"], "serving ", "serving"),
    ],
    ids=["watch", "serve"],
)
def test_watch_and_serve_end_on_a_signal_with_a_plain_line_and_status_0(
    previous: Path, command: list[str], ready: str, activity: str, signum: int
) -> None:
    """Ctrl-C is how a watch or a preview is meant to end, as with mkdocs serve: no error."""
    process = run_until([*command, "-C", str(previous)], ready)
    process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=60)
    name = signal.Signals(signum).name
    assert process.returncode == 0, stderr
    assert stdout.splitlines()[-1:] == [f"stopped {activity} ({name})"], (stdout, stderr)
    assert stderr == ""
