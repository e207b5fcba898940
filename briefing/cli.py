"""The `briefing` command: parse options, call the pipeline, turn BriefingError into a clean exit.

Heavy libraries (WeasyPrint, python-docx, matplotlib) are imported inside the commands that need
them, so `briefing --help` and `briefing check` start fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, Optional

import typer

from .errors import BriefingError, ContentError, UsageError
from .interrupt import Interrupted, acknowledge, raise_if_interrupted
from .interrupt import install as install_signal_handlers

if TYPE_CHECKING:
    from .config import Format

app = typer.Typer(
    help="Turn source documents into a policy briefing: check the content, build PDF, DOCX and "
    "HTML, and send it by email.\n\nExample: briefing check && briefing build --format all",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def show_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"briefing {version('briefing')}")
        raise typer.Exit()


@app.callback()
def options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=show_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Options before the command: --version, --help."""


ProjectOption = Annotated[
    Path,
    typer.Option(
        "--project", "-C", help="Project folder (holds content/ and seeds/).", show_default=False
    ),
]


class Output:
    """Where messages go: errors to stderr, progress to stdout unless --quiet."""

    def __init__(self, quiet: bool = False, verbose: bool = False):
        self.quiet, self.verbose = quiet, verbose

    def info(self, message: str) -> None:
        if not self.quiet:
            typer.echo(message)

    def detail(self, message: str) -> None:
        if self.verbose and not self.quiet:
            typer.echo(message)

    def problem(self, message: str) -> None:
        typer.echo(message, err=True)


@contextmanager
def progress_display(out: Output) -> Iterator[Callable[[str], None]]:
    """A spinner naming the current stage on a terminal; plain lines with --verbose elsewhere."""
    if out.quiet or out.verbose or not sys.stderr.isatty():
        yield out.detail
        return
    from rich.console import Console

    with Console(stderr=True).status("starting") as status:
        yield lambda stage: status.update(stage)


def _fail(error: BriefingError) -> typer.Exit:
    if isinstance(error, ContentError):
        for problem in error.problems:
            typer.echo(str(problem), err=True)
        from .check import counted

        errors = sum(1 for p in error.problems if p.severity == "error")
        warnings = len(error.problems) - errors
        if errors or not warnings:
            typer.echo(f"{counted(errors, 'error')}; nothing was built.", err=True)
        else:  # only warnings, which --strict refuses
            typer.echo(
                f"{counted(warnings, 'warning')} with --strict; nothing was built.", err=True
            )
    else:
        typer.echo(f"error: {error}", err=True)
    return typer.Exit(error.exit_code)


@app.command()
def check(
    project: ProjectOption = Path("."),
    strict: Annotated[bool, typer.Option(help="Treat warnings as errors.")] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="List where each excerpt was found.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only problems.")] = False,
    format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="text; json (one document on stdout); github (Actions annotations).",
        ),
    ] = "text",
) -> None:
    """Validate the content and prove every excerpt against its seed.

    Reports every problem as file:line:column, compares figures that share a metric across
    sources, and exits 0 when clean, 1 on content errors (or warnings with --strict), 2 on
    usage errors.

    Example: briefing check --strict --format github
    """
    from .check import REPORT_FORMATS, machine_report, run_check

    if format not in REPORT_FORMATS:
        raise _fail(UsageError(f"--format must be text, json or github, not {format!r}"))
    if format != "text":
        try:
            text, failed = machine_report(project, strict=strict, format=format)
        except BriefingError as error:
            raise _fail(error) from None
        sys.stdout.write(text)
        raise typer.Exit(1 if failed else 0)
    out = Output(quiet, verbose)
    try:
        summary = run_check(project, strict=strict, out=out)
    except BriefingError as error:
        raise _fail(error) from None
    if summary.failed:
        raise typer.Exit(1)


@app.command(short_help="Write the JSON Schema of each kind of file, for editors.")
def schema(
    kind: Annotated[
        str,
        typer.Argument(
            help="source, front-matter, metrics, config, or all (with -o FOLDER).",
            show_default=True,
        ),
    ] = "source",
    output: Annotated[
        Optional[Path],
        typer.Option("--output", "-o", help="Write to this file (a folder for all)."),
    ] = None,
) -> None:
    """Write the JSON Schema of a kind of file, for completion and checks in an editor.

    Each file names its schema in its first line: content/<id>.yaml points at
    '../schema/source.schema.json', content/front-matter.yaml at
    '../schema/front-matter.schema.json', content/metrics.yaml at '../schema/metrics.schema.json',
    briefing.yaml at 'schema/briefing.schema.json'.

    Example: briefing schema all -o schema/
    """
    from .schema import KINDS, schema_text

    if kind != "all" and kind not in KINDS:
        raise _fail(
            UsageError(f"KIND must be source, front-matter, metrics, config or all, not {kind!r}")
        )
    if kind == "all":
        if output is None:
            raise _fail(UsageError("all writes a file per kind: name their folder with -o"))
        output.mkdir(parents=True, exist_ok=True)
        for name, (_, file_name, _) in KINDS.items():
            (output / file_name).write_text(schema_text(name), encoding="utf-8")
        return
    text = schema_text(kind)
    if output is None:
        sys.stdout.write(text)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")


@app.command("build", short_help="Check the content, then build PDF, DOCX and HTML into build/.")
def build_command(
    project: ProjectOption = Path("."),
    format: Annotated[
        Optional[list[str]],
        typer.Option(
            "--format",
            "-f",
            help="pdf, docx, html or all; repeat for more (default: briefing.yaml's formats).",
        ),
    ] = None,
    strict: Annotated[bool, typer.Option(help="Refuse to build while check has warnings.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Print each stage.")] = False,
) -> None:
    """Build the briefing into build/: checks the content first, then renders every format.

    A failed build leaves the previous good output untouched.

    Example: briefing build --format all
    """
    import time

    from .build import build
    from .config import find_project

    out = Output(quiet, verbose)
    started = time.perf_counter()
    try:
        formats = parse_formats(format) if format else list(find_project(project).config.formats)
        with progress_display(out) as progress:
            built = build(project, formats, strict=strict, progress=progress, warn=out.problem)
    except BriefingError as error:
        raise _fail(error) from None
    except OSError as error:  # a file the pipeline could not read or write: say which
        where, why = error.filename or "a file", error.strerror or str(error)
        raise _fail(BriefingError(f"{where}: {why}")) from None
    elapsed = time.perf_counter() - started
    for item in built:
        pages = f", {item.pages} pages" if item.pages else ""
        out.info(f"wrote {item.path} ({item.size / 1024:,.0f} KiB{pages})")
    out.info(f"built {len(built)} file{'s' * (len(built) != 1)} in {elapsed:.1f} s")


def parse_formats(values: list[str]) -> list[Format]:
    """Every format named, each once, in the order given; 'all' names the three."""
    from .config import FORMATS

    formats: list[Format] = []
    for value in values:
        if value != "all" and value not in FORMATS:
            raise UsageError(f"--format must be pdf, docx, html or all, not {value!r}")
        for fmt in FORMATS if value == "all" else [value]:
            if fmt not in formats:
                formats.append(fmt)  # type: ignore[arg-type]
    return formats


@app.command(short_help="Scaffold content/<id>.yaml for a new seed.")
def new(
    seed: Annotated[
        Path, typer.Argument(help="The seed file, in seeds/.", metavar="SEED", show_default=False)
    ],
    project: ProjectOption = Path("."),
    source_id: Annotated[
        Optional[str],
        typer.Option(
            "--id", help="The source's id and file name (default: from the seed's file name)."
        ),
    ] = None,
) -> None:
    """Scaffold content/<id>.yaml for a new seed, with its title, date and URL.

    Fills in what the seed's text states, and refuses to overwrite an existing file.

    Example: briefing new seeds/005_report.txt --id caict-white-paper-2026
    """
    from .config import find_project
    from .scaffold import scaffold

    try:
        target = scaffold(find_project(project), seed, source_id)
    except BriefingError as error:
        raise _fail(error) from None
    typer.echo(f"wrote {target}; fill it in, then run: briefing check")


@app.command(short_help="Build strictly, then email the briefing under its marking.")
def send(
    project: ProjectOption = Path("."),
    to: Annotated[
        Optional[list[str]],
        typer.Option(
            help="Recipient address, as Name <a@b.org> (repeat for more).", metavar="<address>"
        ),
    ] = None,
    cc: Annotated[
        Optional[list[str]],
        typer.Option(help="Copy recipient address (repeat).", metavar="<address>"),
    ] = None,
    bcc: Annotated[
        Optional[list[str]],
        typer.Option(help="Blind copy recipient address (repeat).", metavar="<address>"),
    ] = None,
    sender: Annotated[
        Optional[str], typer.Option(help="From address.", metavar="<address>")
    ] = None,
    subject: Annotated[
        Optional[str], typer.Option(help="Subject (default: marking, title and date).")
    ] = None,
    attach: Annotated[
        Optional[list[str]], typer.Option(help="pdf and/or docx (repeat).", metavar="<format>")
    ] = None,
    message: Annotated[
        Optional[str], typer.Option("--message", "-m", help="A short covering note.")
    ] = None,
    message_file: Annotated[
        Optional[Path], typer.Option(help="The covering note from a text file.")
    ] = None,
    individually: Annotated[
        bool,
        typer.Option("--individually", help="One message per recipient: no one sees the others."),
    ] = False,
    again: Annotated[
        bool, typer.Option("--again", help="Send even to those who already have this version.")
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Make every check, then write build/<name>.eml instead."),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Check, build strictly, and email the briefing under its marking (STARTTLS by default).

    Recipients, sender and server come from briefing.yaml's email section unless given here;
    the distribution policy decides who may receive each marking; the password comes only from
    BRIEFING_SMTP_PASSWORD or the system keyring. Each delivery is logged in sent/log.jsonl,
    and a version is not sent twice to anyone without --again.

    Example: briefing send --to "Desk <desk@example.org>" -m "Ahead of Monday's meeting." --dry-run
    """
    from .distribute import Recipients, SendRequest, distribute

    out = Output(quiet, verbose)
    try:
        if attach and any(a not in ("pdf", "docx") for a in attach):
            raise UsageError("--attach takes pdf or docx")
        request = SendRequest(
            recipients=Recipients(to or [], cc or [], bcc or []) if (to or cc or bcc) else None,
            sender=sender,
            subject=subject,
            attach=attach,
            note=_covering_note(message, message_file),
            individually=individually,
            again=again,
            dry_run=dry_run,
        )
        outcome = distribute(project, request, progress=out.detail, tell=out.info)
    except BriefingError as error:
        raise _fail(error) from None
    for path in outcome.written:
        out.info(f"wrote {path}")
    if not dry_run:
        count = len(outcome.delivered)
        messages = f"{outcome.messages} message{'s' * (outcome.messages != 1)}"
        out.info(f"sent {messages} to {count} recipient{'s' * (count != 1)}; see briefing sent")


def _covering_note(message: Optional[str], message_file: Optional[Path]) -> Optional[str]:
    from .message import check_note

    if message is not None and message_file is not None:
        raise UsageError("give the covering note with --message or --message-file, not both")
    if message_file is None:
        return None if message is None else check_note(message)
    try:
        text = message_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise UsageError(f"{message_file}: cannot read the covering note ({reason})") from None
    return check_note(text, str(message_file))


@app.command(short_help="List who received which version of the briefing, from the log.")
def sent(
    project: ProjectOption = Path("."),
) -> None:
    """List who received which version of the briefing, from the send log sent/log.jsonl.

    Example: briefing sent
    """
    from .config import find_project
    from .files import project_file
    from .sendlog import LOG_PATH, describe, read_log

    try:
        root = find_project(project).root
        deliveries = read_log(project_file(root / LOG_PATH, root, str(LOG_PATH)), str(LOG_PATH))
    except ContentError as error:  # a damaged line: where it is, not "nothing was built"
        for problem in error.problems:
            typer.echo(str(problem), err=True)
        raise typer.Exit(1) from None
    except BriefingError as error:
        raise _fail(error) from None
    if not deliveries:
        typer.echo(f"nothing sent yet ({LOG_PATH} has no deliveries)")
        return
    for delivery in deliveries:
        typer.echo("\n".join(describe(delivery)))
    people = {address.lower() for d in deliveries for address in d.recipients}
    count = len(deliveries)
    typer.echo(
        f"{count} message{'s' * (count != 1)} to {len(people)} recipient{'s' * (len(people) != 1)}"
    )


@app.command("watch", short_help="Rebuild on every change to content, seeds, templates or config.")
def watch_command(
    project: ProjectOption = Path("."),
    format: Annotated[str, typer.Option("--format", "-f", help="pdf, docx, html or all.")] = "pdf",
) -> None:
    """Rebuild whenever content, seeds, templates or briefing.yaml change; stop with Ctrl+C.

    Errors print in the same file:line form as check; the last good output stays in place.

    Example: briefing watch --format html
    """
    from .config import FORMATS
    from .watch import watch

    out = Output()
    formats = list(FORMATS) if format == "all" else [format]
    if any(f not in FORMATS for f in formats):
        raise _fail(UsageError(f"--format must be pdf, docx, html or all, not {format!r}"))
    try:
        watch(project, formats, out.info, out.problem)  # type: ignore[arg-type]
    except BriefingError as error:
        raise _fail(error) from None
    except Interrupted as stop:
        stopped("watching", stop, out)


@app.command(short_help="Make a new project whose example passes check --strict.")
def init(
    folder: Annotated[
        Path, typer.Argument(help="Folder for the new project (made if missing).")
    ] = Path("."),
) -> None:
    """Make a new project: briefing.yaml, content, an example seed, the schema and a README.

    The example passes `briefing check --strict`. Never overwrites a file.

    Example: briefing init my-briefing
    """
    import datetime as dt

    from .starter import init_project

    try:
        written = init_project(folder, dt.date.today().isoformat())
    except BriefingError as error:
        raise _fail(error) from None
    for path in written:
        typer.echo(f"wrote {path}")
    where = "" if folder == Path(".") else f"cd {folder} && "
    typer.echo(f"next: {where}briefing check, then briefing serve; README.md says what follows")


@app.command(short_help="Preview in a browser, rebuilt and reloaded on every save.")
def serve(
    project: ProjectOption = Path("."),
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to serve on.")] = 8000,
    host: Annotated[
        str,
        typer.Option(help="Address to serve on; anything but loopback lets others read it."),
    ] = "127.0.0.1",
) -> None:
    """Preview the HTML briefing in a browser: rebuilt on every save, reloaded by itself.

    A broken edit shows its problems over the last good preview. The page's PDF and DOCX links
    build that format on request. Serves only this machine (127.0.0.1) unless --host says
    otherwise; stop with Ctrl+C.

    Example: briefing serve --port 8001
    """
    from .serve import serve as serve_preview

    out = Output()
    try:
        serve_preview(project, host=host, port=port, say=out.info, problem=out.problem)
    except BriefingError as error:
        raise _fail(error) from None
    except Interrupted as stop:
        stopped("serving", stop, out)


def stopped(activity: str, stop: Interrupted, out: Output) -> None:
    """Ctrl-C (or a service manager's SIGTERM) is how watch and serve are meant to end, as for
    mkdocs serve: a plain line and status 0. A rebuild it cut short left no trace, and the
    output folder keeps the last good build."""
    acknowledge()
    out.info(f"stopped {activity} ({stop.name})")


def main() -> None:
    """The console script: run the command, then end the process without tearing it down.

    Freeing every object of a finished build (document trees, fonts, tables) takes longer than
    some builds do: 0.1 s of a 0.7 s DOCX build at 50 sources. As mypy does, the process ends
    with os._exit once output is flushed and exit handlers have run. Tests call `app` itself.
    """
    install_signal_handlers()
    try:
        status = command_status()
        if status == 0:
            raise_if_interrupted()  # a signal some library swallowed ends the command all the same
    except Interrupted as stop:  # Ctrl-C or SIGTERM: one line, and the shell's 128 + signal
        typer.echo(f"error: {stop}", err=True)
        status = stop.exit_code
    hard_exit(status)


def command_status() -> int:
    """Run the command; its exit status (Click ends every command with SystemExit, 0 too)."""
    try:
        app()
    except SystemExit as exit_:
        return exit_status(exit_.code)
    return 0


def exit_status(code: object) -> int:
    """The status sys.exit(code) would give: None is 0, an int itself, anything else printed, 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def hard_exit(status: int) -> NoReturn:
    import atexit
    import os

    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: Python itself would exit with 120
        status = status or 120
    os._exit(status)
