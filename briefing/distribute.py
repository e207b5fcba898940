"""`briefing send`: every check first (addresses, the distribution policy, the server settings,
the send log), then a fresh strict build, then one message, or one per recipient, each logged.

A dry run makes exactly the same checks and writes the messages to the output folder instead.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from email.message import EmailMessage
from pathlib import Path
from typing import Literal

from .addresses import envelope_recipients, parse_address
from .build import Built, build
from .config import FORMATS, EmailSettings, Format, Project, find_project
from .content import load_content
from .errors import SendError
from .files import project_file
from .mail import (
    Server,
    UncertainDelivery,
    check_message,
    check_settings,
    password_from_environment,
    send,
    write_eml,
)
from .message import Attachment, Wording, compose, reader_date
from .models import FrontMatter
from .policy import check_policy, recipients_of
from .render_html import template_dirs
from .sendlog import LOG_PATH, Delivery, LoggedFile, SendLog, now, open_log, reader_time, received


@dataclasses.dataclass(frozen=True)
class Recipients:
    to: Sequence[str]
    cc: Sequence[str] = ()
    bcc: Sequence[str] = ()


@dataclasses.dataclass(frozen=True)
class SendRequest:
    """What the editor asked for; None takes briefing.yaml's value."""

    recipients: Recipients | None = None
    sender: str | None = None
    subject: str | None = None
    attach: Sequence[str] | None = None
    note: str | None = None
    individually: bool = False
    again: bool = False
    dry_run: bool = False


@dataclasses.dataclass(frozen=True)
class Envelope:
    """One message to send: its header recipients and the addresses the server gets."""

    to: tuple[str, ...]
    cc: tuple[str, ...]
    bcc: tuple[str, ...]
    addresses: tuple[str, ...]  # name@domain, To + Cc + Bcc without duplicates


@dataclasses.dataclass(frozen=True)
class Outcome:
    delivered: list[str]  # addresses, in order
    skipped: list[str]  # already had this version (with --individually)
    messages: int
    written: list[Path]  # the .eml files of a dry run


@dataclasses.dataclass(frozen=True)
class Connection:
    """The checked server settings and password of one run."""

    settings: EmailSettings
    password: str | None
    server: Server


def distribute(
    root: Path,
    request: SendRequest,
    *,
    progress: Callable[[str], None] = lambda _: None,
    tell: Callable[[str], None] = lambda _: None,
) -> Outcome:
    """Check, build, then send (or write .eml files with dry_run); `tell` hears each delivery."""
    # Phase one: every check a send makes, before anything is built or any connection is made.
    project = find_project(root)
    settings = project.config.email
    chosen = request.recipients or Recipients(settings.to, settings.cc, settings.bcc)
    if not (chosen.to or chosen.cc or chosen.bcc):
        raise SendError("no recipients: give --to, or email.to in briefing.yaml")
    sender = request.sender or settings.sender
    if not sender:
        raise SendError("no sender: give --sender, or email.sender in briefing.yaml")
    parse_address(sender)
    front = load_content(project).front
    everyone = recipients_of(chosen.to, chosen.cc, chosen.bcc)
    check_policy(front.marking, everyone, project.config.distribution, settings.sender)
    connection = _connection(project)
    log_path = project_file(project.root / LOG_PATH, project.root, str(LOG_PATH))
    with open_log(log_path, str(LOG_PATH), write=not request.dry_run) as log:
        envelopes = _envelopes(chosen, request.individually)
        envelopes, skipped = _unsent(envelopes, log.deliveries(), front, request)
        for address in skipped:
            tell(f"skipped {address}: already received version {front.version}")
        # Phase two: a fresh strict build, then the messages.
        built = build(project.root, _formats(project, request), strict=True, progress=progress)
        attachments = [Attachment.read(b.path, b.pages) for b in built]
        messages = [
            (e, _compose(project, front, attachments, e, request, sender)) for e in envelopes
        ]
        if request.dry_run:
            for envelope, message in messages:
                check_message(message, envelope.addresses)
            return Outcome([], skipped, len(messages), _write_drafts(built, messages))
        delivered = _deliver_all(messages, front, attachments, connection, log, progress, tell)
    return Outcome(delivered, skipped, len(messages), [])


def _formats(project: Project, request: SendRequest) -> list[Format]:
    chosen = list(request.attach or project.config.email.attach)
    return [f for f in FORMATS if f in chosen]


def _connection(project: Project) -> Connection:
    settings = project.config.email
    if settings.ca_file and not Path(settings.ca_file).is_absolute():
        settings = settings.model_copy(update={"ca_file": str(project.root / settings.ca_file)})
    password = password_from_environment(settings.user)
    return Connection(settings, password, check_settings(settings, password))


def _envelopes(chosen: Recipients, individually: bool) -> list[Envelope]:
    if not individually:
        everyone = tuple(envelope_recipients(chosen.to, chosen.cc, chosen.bcc))
        return [Envelope(tuple(chosen.to), tuple(chosen.cc), tuple(chosen.bcc), everyone)]
    seen: dict[str, str] = {}
    for text in [*chosen.to, *chosen.cc, *chosen.bcc]:
        seen.setdefault(parse_address(text).addr_spec.lower(), text)
    return [Envelope((text,), (), (), (parse_address(text).addr_spec,)) for text in seen.values()]


def _unsent(
    envelopes: list[Envelope],
    deliveries: Sequence[Delivery],
    front: FrontMatter,
    request: SendRequest,
) -> tuple[list[Envelope], list[str]]:
    """Leave out (with --individually) or refuse those who already have this version."""
    if request.again:
        return envelopes, []
    have = received(deliveries, front.date.isoformat(), front.version)
    version = f"version {front.version} of {reader_date(front.date)}"
    if request.individually:
        todo = [e for e in envelopes if e.addresses[0].lower() not in have]
        skipped = [e.addresses[0] for e in envelopes if e.addresses[0].lower() in have]
        if not todo:
            raise SendError(
                f"everyone named already received {version} (see {LOG_PATH}); nothing was "
                "sent; use --again to send it to them again"
            )
        return todo, skipped
    [envelope] = envelopes
    already = [a for a in envelope.addresses if a.lower() in have]
    if already:
        lines = [f"  {a}: {_when(have[a.lower()])}" for a in already]
        raise SendError(
            f"{len(already)} of the recipients already received {version} (see {LOG_PATH}); "
            "nothing was sent:\n" + "\n".join(lines) + "\nuse --individually to send only to "
            "those who have not, or --again to send it to everyone named"
        )
    return envelopes, []


def _when(delivery: Delivery) -> str:
    doubt = "" if delivery.status == "delivered" else " (may not have arrived)"
    return f"{reader_time(delivery)}, message {delivery.message_id}{doubt}"


def _compose(
    project: Project,
    front: FrontMatter,
    attachments: list[Attachment],
    envelope: Envelope,
    request: SendRequest,
    sender: str,
) -> EmailMessage:
    settings = project.config.email
    return compose(
        front,
        attachments,
        sender=sender,
        to=envelope.to,
        cc=envelope.cc,
        bcc=envelope.bcc,
        subject=request.subject or settings.subject,
        wording=Wording(request.note, settings.greeting, settings.signature),
        dirs=template_dirs(project.templates_dir),
    )


def _write_drafts(built: list[Built], messages: list[tuple[Envelope, EmailMessage]]) -> list[Path]:
    """build/<name>.eml, or build/<name>.<address>.eml for each message with --individually."""
    stem = built[0].path.with_suffix("")
    paths = []
    for envelope, message in messages:
        suffix = f".{envelope.addresses[0]}.eml" if len(messages) > 1 else ".eml"
        path = stem.with_name(stem.name + suffix)
        write_eml(message, path)
        paths.append(path)
    return paths


def _deliver_all(
    messages: list[tuple[Envelope, EmailMessage]],
    front: FrontMatter,
    attachments: list[Attachment],
    connection: Connection,
    log: SendLog,
    progress: Callable[[str], None],
    tell: Callable[[str], None],
) -> list[str]:
    """Send each message and log it as soon as the server accepts it; on a failure, stop and
    say who got the briefing and who did not."""
    delivered: list[str] = []
    for index, (envelope, message) in enumerate(messages):
        progress(f"sending to {', '.join(envelope.addresses)}")
        try:
            reply = send(message, envelope.addresses, connection.settings, connection.password)
        except UncertainDelivery as error:
            log.append(
                _record(message, envelope, front, attachments, connection, "uncertain", str(error))
            )
            raise _stopped(error, delivered, messages[index:], uncertain=True) from None
        except SendError as error:
            raise _stopped(error, delivered, messages[index:], uncertain=False) from None
        log.append(_record(message, envelope, front, attachments, connection, "delivered", reply))
        delivered += envelope.addresses
        tell(f"sent to {', '.join(envelope.addresses)} ({reply})")
    return delivered


def _stopped(
    error: SendError,
    delivered: list[str],
    rest: list[tuple[Envelope, EmailMessage]],
    *,
    uncertain: bool,
) -> SendError:
    """The run's failure, with who got the briefing and who did not."""
    failed = list(rest[0][0].addresses)
    later = [address for envelope, _ in rest[1:] for address in envelope.addresses]
    if not (delivered or later or uncertain):
        return error  # the only message did not go: the error says it all
    lines = [f"sending to {', '.join(failed)} failed: {error}"]
    lines.append(f"  delivered ({len(delivered)}): {', '.join(delivered) or 'none'}")
    if uncertain:
        lines.append(
            f"  uncertain ({len(failed)}): {', '.join(failed)}, logged as such, so it is not "
            "sent again without --again"
        )
    not_sent = later if uncertain else [*failed, *later]
    if not_sent:
        lines.append(f"  not sent ({len(not_sent)}): {', '.join(not_sent)}")
        lines.append(f"run the same command again to send only to those not yet in {LOG_PATH}")
    return SendError("\n".join(lines))


def _record(
    message: EmailMessage,
    envelope: Envelope,
    front: FrontMatter,
    attachments: list[Attachment],
    connection: Connection,
    status: Literal["delivered", "uncertain"],
    reply: str,
) -> Delivery:
    def bare(texts: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(parse_address(t).addr_spec for t in texts)

    return Delivery(
        time=now(),
        status=status,
        message_id=str(message["Message-ID"]),
        title=front.title,
        date=front.date.isoformat(),
        version=front.version,
        marking=front.marking,
        sender=parse_address(str(message["From"])).addr_spec,
        to=bare(envelope.to),
        cc=bare(envelope.cc),
        bcc=bare(envelope.bcc),
        attachments=tuple(LoggedFile(a.name, a.size, a.sha256, a.pages) for a in attachments),
        server=f"{connection.server.host}:{connection.server.port}",
        reply=reply,
    )
