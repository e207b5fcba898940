"""Deliveries <-> the send log: `sent/log.jsonl` in the project, one JSON record per message.

A record is appended (and synced) as soon as the server accepts a message, so a run that stops
part-way still records who got the briefing. The log lives outside the output folder: cleaning
or moving build/ never loses it. It holds addresses, never a password. While a send runs, the
log is locked, so two sends in one project cannot both deliver the same version.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import ContentError, Location, Problem, SendError

LOG_PATH = Path("sent") / "log.jsonl"
Status = Literal["delivered", "uncertain"]  # uncertain: the connection broke after the data


@dataclass(frozen=True)
class LoggedFile:
    name: str
    size: int
    sha256: str
    pages: int | None = None


@dataclass(frozen=True)
class Delivery:
    """One message the server accepted (or may have accepted), as the log records it."""

    time: str  # UTC, ISO 8601
    status: Status
    message_id: str
    title: str
    date: str  # the briefing's date, ISO 8601
    version: str
    marking: str
    sender: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    bcc: tuple[str, ...]
    attachments: tuple[LoggedFile, ...]
    server: str  # host:port
    reply: str  # the server's reply to the message, or what went wrong when uncertain

    @property
    def recipients(self) -> list[str]:
        return [*self.to, *self.cc, *self.bcc]

    def sent_at(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.time)


class _FileRecord(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    name: str
    size: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    pages: int | None = None


class _Record(BaseModel):
    """What a log line must hold; keys added by later versions are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    time: dt.datetime
    status: Status
    message_id: str
    title: str
    date: dt.date
    version: str
    marking: str
    sender: str
    to: list[str]
    cc: list[str]
    bcc: list[str]
    attachments: list[_FileRecord]
    server: str
    reply: str


def now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def read_log(path: Path, shown: str) -> list[Delivery]:
    """Every record of the log (none if there is no log); a damaged line is a located error."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as error:
        raise SendError(f"{shown}: cannot read the send log ({error})") from None
    return parse_log(text, shown)


def parse_log(text: str, shown: str) -> list[Delivery]:
    deliveries: list[Delivery] = []
    problems: list[Problem] = []
    expected = "expected one delivery record per line, as briefing send writes them"
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            where = Location(shown, number, error.colno)
            problems.append(Problem(where, f"not JSON ({error.msg}); {expected}"))
            continue
        try:
            record = _Record.model_validate(data)
        except ValidationError as error:
            for found in error.errors(include_url=False):
                field = ".".join(str(part) for part in found["loc"])
                why = "required field is missing" if found["type"] == "missing" else found["msg"]
                problems.append(Problem(Location(shown, number, 1), why, field))
            continue
        deliveries.append(_delivery(record))
    if problems:
        raise ContentError(problems)
    return deliveries


def _delivery(record: _Record) -> Delivery:
    return Delivery(
        time=record.time.isoformat(),
        status=record.status,
        message_id=record.message_id,
        title=record.title,
        date=record.date.isoformat(),
        version=record.version,
        marking=record.marking,
        sender=record.sender,
        to=tuple(record.to),
        cc=tuple(record.cc),
        bcc=tuple(record.bcc),
        attachments=tuple(LoggedFile(**f.model_dump()) for f in record.attachments),
        server=record.server,
        reply=record.reply,
    )


def to_json(delivery: Delivery) -> str:
    return json.dumps(asdict(delivery), ensure_ascii=False, separators=(",", ":"))


def received(deliveries: Sequence[Delivery], date: str, version: str) -> dict[str, Delivery]:
    """Who already has this version of the briefing (its date and version): address -> record."""
    found: dict[str, Delivery] = {}
    for delivery in deliveries:
        if delivery.date == date and delivery.version == version:
            for address in delivery.recipients:
                found.setdefault(address.lower(), delivery)
    return found


class SendLog:
    """The open, locked log of one send run: read it once, then append each delivery."""

    def __init__(self, path: Path, shown: str, handle: IO[str] | None):
        self.path, self.shown, self._handle = path, shown, handle

    def deliveries(self) -> list[Delivery]:
        if self._handle is None:
            return []
        self._handle.seek(0)
        return parse_log(self._handle.read(), self.shown)

    def append(self, delivery: Delivery) -> None:
        if self._handle is None or self._handle.mode == "r":
            raise SendError(f"{self.shown} was opened for reading only")  # a dry run never logs
        self._handle.seek(0, os.SEEK_END)
        self._handle.write(to_json(delivery) + "\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())


@contextlib.contextmanager
def open_log(path: Path, shown: str, *, write: bool = True) -> Iterator[SendLog]:
    """Open the log for a send, creating sent/ if needed; refuse while another send holds it.
    With write=False (a dry run) nothing is created, and a missing log reads as empty."""
    import fcntl

    try:
        if not write and not path.exists():
            yield SendLog(path, shown, None)
            return
        if write:
            path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("a+" if write else "r", encoding="utf-8")
    except OSError as error:
        raise SendError(
            f"{shown}: cannot open the send log ({error.strerror or error}); nothing was sent"
        ) from None
    with handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SendError(
                f"{shown} is locked: another briefing send is running in this project; "
                "wait for it to finish (nothing was sent)"
            ) from None
        yield SendLog(path, shown, handle)


def reader_time(delivery: Delivery) -> str:
    """23 November 2026 21:40 UTC."""
    from .message import reader_date

    moment = delivery.sent_at().astimezone(dt.UTC)
    return f"{reader_date(moment.date())} {moment:%H:%M} UTC"


def describe(delivery: Delivery) -> list[str]:
    """A record as `briefing sent` lists it: a heading line, then indented details."""
    from .message import describe_file, reader_date

    day = reader_date(dt.date.fromisoformat(delivery.date))
    status = "" if delivery.status == "delivered" else "  (uncertain: may not have arrived)"
    lines = [
        f"{reader_time(delivery)}  {delivery.marking}  version {delivery.version} of {day}{status}"
    ]
    for role, addresses in (("to", delivery.to), ("cc", delivery.cc), ("bcc", delivery.bcc)):
        if addresses:
            lines.append(f"  {role + ':':<5}{', '.join(addresses)}")
    for file in delivery.attachments:
        about = describe_file(file.name, file.size, file.pages)
        lines.append(f"  file {file.name} ({about}) {file.sha256[:12]}…")
    lines.append(f"  via  {delivery.server}: {delivery.reply}  {delivery.message_id}")
    return lines
