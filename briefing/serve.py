"""`briefing serve`: the HTML briefing on a local web server, rebuilt on save, reloaded in the page.

A watcher thread rebuilds the HTML whenever the project changes (watch.py's watching); the page's
script (live.js, served from here) listens to server-sent events and reloads after a good build,
or shows a broken build's problems over the last good preview. PDF and DOCX are built when the
page's links ask for them. Only loopback is served unless the caller names another host.
"""

from __future__ import annotations

import errno
import ipaddress
import json
import secrets
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from .build import build
from .config import Format, find_project
from .errors import BriefingError, ContentError, UsageError
from .watch import project_changes, stamp

LOOPBACK = "127.0.0.1"
KEEP_ALIVE_SECONDS = 15  # a comment line on an idle event stream notices a closed page
ON_REQUEST: dict[str, Format] = {"pdf": "pdf", "docx": "docx"}
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@dataclass(frozen=True)
class ShownProblem:
    """One problem as the overlay shows it: where (file:line:column) and what."""

    where: str
    message: str


@dataclass(frozen=True)
class Preview:
    """What the page shows: the last good HTML and the latest build's problems."""

    serial: int  # counts every change of state, for the event stream
    version: str  # names the last good build; a page of another version reloads
    html: bytes | None
    problems: tuple[ShownProblem, ...] = ()

    def event(self) -> str:
        problems = [{"where": p.where, "message": p.message} for p in self.problems]
        return json.dumps({"version": self.version, "problems": problems})


def shown_problems(error: BriefingError | OSError) -> tuple[ShownProblem, ...]:
    if isinstance(error, OSError):  # a file the build could not read or write: say which
        return (ShownProblem(str(error.filename or ""), error.strerror or str(error)),)
    if not isinstance(error, ContentError):
        return (ShownProblem("", str(error)),)
    shown = []
    for problem in error.problems:
        where = str(problem.location)
        shown.append(ShownProblem(where, str(problem).removeprefix(f"{where}: ")))
    return tuple(shown)


@dataclass
class PreviewState:
    """The current Preview, shared by the rebuilding thread and the page's event streams."""

    token: str = field(default_factory=lambda: secrets.token_hex(4))  # differs per server run
    current: Preview = field(init=False)
    changed: threading.Condition = field(default_factory=threading.Condition)
    closed: bool = False

    def __post_init__(self) -> None:
        self.current = Preview(0, f"{self.token}-0", None)

    def succeeded(self, html: bytes) -> None:
        with self.changed:
            serial = self.current.serial + 1
            self.current = Preview(serial, f"{self.token}-{serial}", html)
            self.changed.notify_all()

    def failed(self, problems: tuple[ShownProblem, ...]) -> None:
        with self.changed:
            old = self.current
            self.current = Preview(old.serial + 1, old.version, old.html, problems)
            self.changed.notify_all()

    def newer_than(self, serial: int, timeout: float) -> Preview | None:
        """The state once it is newer than `serial`; None after the timeout or on close."""
        with self.changed:
            self.changed.wait_for(lambda: self.closed or self.current.serial != serial, timeout)
            return None if self.closed or self.current.serial == serial else self.current

    def close(self) -> None:
        with self.changed:
            self.closed = True
            self.changed.notify_all()


def is_loopback(host: str) -> bool:
    if host.casefold() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_warning(host: str, marking: str | None) -> str | None:
    """What serving on `host` risks, or None for loopback, which only this machine reaches."""
    if is_loopback(host):
        return None
    marked = f" (marked {marking})" if marking else ""
    return (
        f"warning: serving on {host}, not only on this machine: anyone who can reach it "
        f"can read the briefing{marked} while it is being written"
    )


# Chromium lays out only the sections on screen: a 50-source page reloads in about a fifth of
# the time. Off-screen sections take an estimated height, so live.js restores the reading
# position by the section in view rather than by pixels.
PREVIEW_STYLE = (
    "<style>section { content-visibility: auto; contain-intrinsic-size: auto 1000px; }</style>"
)


def page(preview: Preview) -> bytes:
    """The briefing's HTML with the preview script, or a holding page before any good build."""
    tag = f'<script src="/_briefing/live.js" data-version="{preview.version}"></script>'
    if preview.html is None:
        return (
            '<!DOCTYPE html><html lang="en"><meta charset="utf-8"><title>briefing preview</title>'
            f"<body><p>No good build yet: fix the problems shown below.</p>{tag}</body></html>"
        ).encode()
    html = preview.html.decode("utf-8")
    html = insert_before(html, "</head>", PREVIEW_STYLE)
    return insert_before(html, "</body>", tag).encode("utf-8")


def insert_before(html: str, closing_tag: str, text: str) -> str:
    at = html.rfind(closing_tag)
    at = len(html) if at < 0 else at
    return html[:at] + text + html[at:]


def live_script() -> bytes:
    return resources.files("briefing").joinpath("live.js").read_bytes()


class PreviewServer:
    """Serve the preview until closed: first build, then HTTP and the watcher in threads."""

    def __init__(
        self,
        root: Path,
        *,
        host: str = LOOPBACK,
        port: int = 8000,
        say: Callable[[str], None] = lambda _: None,
        problem: Callable[[str], None] = lambda _: None,
    ):
        self.root, self.say, self.problem = root, say, problem
        self.project = find_project(root)
        self.state = PreviewState()
        self.stop = threading.Event()
        self.build_lock = threading.Lock()  # one build at a time: they share build/ and its cache
        self.downloads: dict[str, Path] = {}  # files built on request, by name
        self.host = host
        try:
            self.http = (IPv6Server if ":" in host else ThreadingHTTPServer)(
                (host.strip("[]"), port), self.handler()
            )
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise UsageError(f"port {port} is in use; pass another with --port") from None
            raise UsageError(f"cannot serve on {host}:{port}: {error.strerror}") from None
        self.http.daemon_threads = True
        self.threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        host, port = str(self.http.server_address[0]), self.http.server_address[1]
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/"

    def start(self) -> str:
        self.rebuild()
        for target in (self.http.serve_forever, self.watch):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self.threads.append(thread)
        return self.url

    def close(self) -> None:
        self.stop.set()
        self.state.close()
        self.http.shutdown()
        self.http.server_close()
        for thread in self.threads:
            thread.join(timeout=5)

    def __enter__(self) -> PreviewServer:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def watch(self) -> None:
        for changed in project_changes(self.root, self.stop):
            self.say(f"{stamp()} changed: {', '.join(changed)}")
            self.rebuild()

    def rebuild(self) -> None:
        try:
            with self.build_lock:
                [built] = build(self.root, ["html"], warn=self.problem)
                html = built.path.read_bytes()
        except (BriefingError, OSError) as error:
            problems = shown_problems(error)
            for shown in problems:
                self.problem(f"{shown.where}: {shown.message}" if shown.where else shown.message)
            self.problem(f"{stamp()} build failed; the page keeps the last good preview")
            self.state.failed(problems)
            return
        self.state.succeeded(html)
        self.say(f"{stamp()} built {built.path.name}")

    def build_on_request(self, format: Format) -> tuple[Path | None, tuple[ShownProblem, ...]]:
        try:
            with self.build_lock:
                [built] = build(self.root, [format], warn=self.problem)
        except (BriefingError, OSError) as error:
            return None, shown_problems(error)
        self.downloads[built.path.name] = built.path
        self.say(f"{stamp()} built {built.path.name} on request")
        return built.path, ()

    def allowed_host(self, header: str | None) -> bool:
        """On loopback, only requests addressed to loopback: a page elsewhere that renames
        itself to 127.0.0.1 in DNS (rebinding) must not read the briefing."""
        if not is_loopback(self.host):
            return True
        name = urlsplit(f"//{header or ''}").hostname or ""
        return is_loopback(name)

    def handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(PreviewHandler):
            preview = server

        return Handler


class IPv6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6


class PreviewHandler(BaseHTTPRequestHandler):
    preview: PreviewServer
    server_version = "briefing-serve"

    def log_message(self, format: str, *args: object) -> None:
        """Requests are not news to the editor; problems are printed by the rebuild."""

    def do_GET(self) -> None:
        if not self.preview.allowed_host(self.headers.get("Host")):
            self.reply(HTTPStatus.FORBIDDEN, b"not served to this host name\n", "text/plain")
            return
        path = urlsplit(self.path).path
        if path == "/":
            self.reply(HTTPStatus.OK, page(self.preview.state.current), "text/html; charset=utf-8")
        elif path == "/_briefing/live.js":
            self.reply(HTTPStatus.OK, live_script(), "text/javascript; charset=utf-8")
        elif path == "/_briefing/events":
            self.stream_events()
        elif path.startswith("/_briefing/build/") and path.rsplit("/", 1)[1] in ON_REQUEST:
            self.build_file(ON_REQUEST[path.rsplit("/", 1)[1]])
        elif path.startswith("/_briefing/files/"):
            self.send_download(path.rsplit("/", 1)[1])
        else:
            self.reply(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain")

    def reply(
        self,
        status: HTTPStatus,
        body: bytes,
        media_type: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def stream_events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        state = self.preview.state
        seen = -1
        try:
            while not self.preview.stop.is_set():
                preview = state.current if seen < 0 else state.newer_than(seen, KEEP_ALIVE_SECONDS)
                if preview is None:
                    self.wfile.write(b": still here\n\n")
                else:
                    self.wfile.write(f"data: {preview.event()}\n\n".encode())
                    seen = preview.serial
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return  # the page was closed or reloaded

    def build_file(self, format: Format) -> None:
        path, problems = self.preview.build_on_request(format)
        if path is None:
            items = "".join(
                f"<li><code>{escape(p.where)}</code> {escape(p.message)}</li>" for p in problems
            )
            body = (
                f'<!DOCTYPE html><html lang="en"><meta charset="utf-8"><title>{format} not built'
                f"</title><h1>The {format.upper()} was not built</h1><ul>{items}</ul></html>"
            )
            self.reply(HTTPStatus.CONFLICT, body.encode(), "text/html; charset=utf-8")
            return
        self.send_response(HTTPStatus.SEE_OTHER)
        self.send_header("Location", f"/_briefing/files/{path.name}")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def send_download(self, name: str) -> None:
        path = self.preview.downloads.get(name)
        if path is None or not path.is_file():
            self.reply(
                HTTPStatus.NOT_FOUND, b"not built here; use the page's links\n", "text/plain"
            )
            return
        format = path.suffix[1:]
        disposition = "inline" if format == "pdf" else "attachment"
        self.reply(
            HTTPStatus.OK,
            path.read_bytes(),
            MEDIA_TYPES[format],
            {"Content-Disposition": f'{disposition}; filename="{name}"'},
        )


def escape(text: str) -> str:
    from html import escape as html_escape

    return html_escape(text, quote=True)


def serve(
    root: Path,
    *,
    host: str = LOOPBACK,
    port: int = 8000,
    say: Callable[[str], None],
    problem: Callable[[str], None],
    stop: threading.Event | None = None,
) -> None:
    """Serve until stop is set or Ctrl+C."""
    server = PreviewServer(root, host=host, port=port, say=say, problem=problem)
    warning = None if is_loopback(host) else host_warning(host, marking(server))
    if warning:
        problem(warning)
    url = server.start()
    say(f"serving {url} ; rebuilds on every save; Ctrl+C to stop")
    try:
        (stop or threading.Event()).wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


def marking(server: PreviewServer) -> str | None:
    """The front matter's marking, for the warning; None if the content does not load."""
    from .content import load_content

    try:
        return load_content(server.project).front.marking
    except BriefingError:
        return None
