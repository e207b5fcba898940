"""`briefing send`: build fresh (strictly checked), compose the message, then send or write .eml."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path

from .build import build
from .config import find_project
from .content import load_content
from .errors import SendError


@dataclasses.dataclass(frozen=True)
class Recipients:
    to: Sequence[str]
    cc: Sequence[str] = ()
    bcc: Sequence[str] = ()


def distribute(
    root: Path,
    recipients: Recipients | None,
    *,
    sender: str | None = None,
    subject: str | None = None,
    attach: Sequence[str] | None = None,
    dry_run: bool = False,
    progress: Callable[[str], None] = lambda _: None,
) -> Path | None:
    """Send the briefing; with dry_run, write the message to build/ and return its path."""
    from .mail import compose, envelope_recipients, password_from_environment, send, write_eml

    project = find_project(root)
    settings = project.config.email
    chosen = recipients or Recipients(settings.to, settings.cc, settings.bcc)
    if not chosen.to:
        raise SendError("no recipients: give --to, or email.to in briefing.yaml")
    sender = sender or settings.sender
    if not sender:
        raise SendError("no sender: give --sender, or email.sender in briefing.yaml")
    formats = list(attach or settings.attach)
    # Sending implies --strict, and a fresh build means the files can never be older than the content.
    built = build(root, formats, strict=True, progress=progress)  # type: ignore[arg-type]
    front = load_content(project).front
    message = compose(
        front,
        [t.text for t in front.takeaways],
        [b.path for b in built],
        sender=sender,
        to=chosen.to,
        cc=chosen.cc,
        bcc=chosen.bcc,
        subject=subject or settings.subject,
    )
    if dry_run:
        path = built[0].path.with_suffix(".eml")
        write_eml(message, path)
        return path
    if settings.ca_file and not Path(settings.ca_file).is_absolute():
        settings = settings.model_copy(update={"ca_file": str(project.root / settings.ca_file)})
    if not settings.host:
        raise SendError("no SMTP host: set email.host in briefing.yaml")
    progress(f"sending to {len(envelope_recipients(chosen.to, chosen.cc, chosen.bcc))} recipients")
    send(
        message,
        envelope_recipients(chosen.to, chosen.cc, chosen.bcc),
        settings,
        password_from_environment(settings.user),
    )
    return None
