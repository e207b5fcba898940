"""Front matter, built files and the editor's note -> the covering email: a subject and a body
that carry the marking, plain-text and HTML parts from the mail templates, and the attachments.

The bodies come from `mail.txt.j2` and `mail.html.j2` (Jinja; the HTML one autoescaped); a
project's templates folder overrides them like the briefing's own templates.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import mimetypes
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, localtime, make_msgid
from pathlib import Path

from .addresses import check_header, parse_address
from .claims import plain_text
from .errors import RenderError, SendError
from .models import TLP_COLOURS, FrontMatter

MIME_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
KINDS = {".pdf": "PDF", ".docx": "Word document", ".html": "web page"}
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

# FIRST TLP 2.0 sharing rules, each as the sentence that follows the label at the top of the body.
SHARING_RULES = {
    "TLP:CLEAR": "there is no limit on disclosure; you may share this with anyone.",
    "TLP:GREEN": "limited disclosure; you may share this within your community, "
    "but not on public channels.",
    "TLP:AMBER": "limited disclosure; you may share this only on a need-to-know basis within "
    "your organisation and its clients.",
    "TLP:AMBER+STRICT": "limited disclosure; you may share this only within your organisation.",
    "TLP:RED": "for your eyes and ears only; do not share this with anyone else.",
}
OTHER_RULE = "handle this as its marking requires."
LABEL_COLOURS = TLP_COLOURS  # the label colours of TLP 2.0, each on black
MAX_NOTE = 5000
_LABEL = re.compile(r"TLP:[A-Z]+(?:\+STRICT)?", re.IGNORECASE)
_NOTE_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029]")


def reader_date(day: dt.date) -> str:
    """A date as a person reads it: 23 November 2026 (the same in every locale)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def human_size(size: int) -> str:
    """240 KB, 1.4 MB: the sizes mail clients show (1 KB = 1024 bytes)."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def describe_file(name: str, size: int, pages: int | None) -> str:
    """PDF, 240 KB, 22 pages."""
    suffix = Path(name).suffix.lower()
    parts = [KINDS.get(suffix, suffix.lstrip(".").upper() or "file"), human_size(size)]
    if pages:
        parts.append(f"{pages} page{'s' * (pages != 1)}")
    return ", ".join(parts)


@dataclass(frozen=True)
class Attachment:
    """One built file as the message carries it."""

    name: str
    data: bytes = field(repr=False)
    pages: int | None = None

    @classmethod
    def read(cls, path: Path, pages: int | None = None) -> Attachment:
        check_header("attachment file name", path.name)
        try:
            return cls(path.name, path.read_bytes(), pages)
        except OSError as error:
            raise SendError(f"{path}: cannot read attachment ({error.strerror or error})") from None

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def description(self) -> str:
        return describe_file(self.name, self.size, self.pages)

    @property
    def mime_type(self) -> tuple[str, str]:
        suffix = Path(self.name).suffix.lower()
        mime = MIME_TYPES.get(suffix) or mimetypes.guess_type(self.name)[0]
        maintype, _, subtype = (mime or "application/octet-stream").partition("/")
        return maintype, subtype


@dataclass(frozen=True)
class Wording:
    """What the editor adds to the message: the note, and the greeting and signature."""

    note: str | None = None
    greeting: str = "Dear colleagues,"
    signature: str | None = None


def subject_line(front: FrontMatter, subject: str | None = None) -> str:
    """[TLP:AMBER] Short title — 23 November 2026; a given subject still opens with the label."""
    label = f"[{front.marking}]"
    if subject is None:
        subject = f"{front.short_title or front.title} — {reader_date(front.date)}"
    check_header("Subject", subject)
    if not subject.strip():
        raise SendError("Subject header is empty")
    for other in _LABEL.findall(subject):
        if other.upper() != front.marking.upper():
            raise SendError(
                f"the subject {subject!r} names {other}, but the briefing is marked "
                f"{front.marking}; leave the label out, it is added"
            )
    return subject if subject.startswith(label) else f"{label} {subject}"


def check_note(note: str, where: str = "--message") -> str:
    """The editor's note: plain text of paragraphs, bounded, without control characters."""
    text = note.replace("\r\n", "\n").strip()
    if not text:
        raise SendError(f"{where}: the note is empty; write a sentence or leave the option out")
    if len(text) > MAX_NOTE:
        raise SendError(f"{where}: the note is {len(text):,} characters; at most {MAX_NOTE:,}")
    found = _NOTE_CONTROL.search(text)
    if found:
        raise SendError(
            f"{where}: the note holds the control character U+{ord(found.group()):04X}; "
            "expected plain text"
        )
    return text


def paragraphs(text: str | None) -> list[str]:
    """Paragraphs separated by a blank line; the lines of one paragraph joined by spaces."""
    if not text:
        return []
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]


def render_bodies(
    front: FrontMatter, attachments: Sequence[Attachment], wording: Wording, dirs: list[Path]
) -> tuple[str, str]:
    """The plain-text and the HTML body, from the project's or the packaged mail templates."""
    from jinja2 import StrictUndefined, TemplateError
    from jinja2.sandbox import SandboxedEnvironment

    from .render_html import confined_loader, template_problem

    # A project's own mail templates are data, as its page templates are: sandboxed, confined.
    env = SandboxedEnvironment(
        loader=confined_loader(dirs),
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["capitalize_first"] = lambda text: text[:1].upper() + text[1:]
    values = {
        "marking": front.marking,
        "sharing_rule": SHARING_RULES.get(front.marking, OTHER_RULE),
        "label_colour": LABEL_COLOURS.get(front.marking, "#FFFFFF"),
        "greeting": wording.greeting,
        "note": paragraphs(wording.note),
        "title": front.title,
        "subtitle": front.subtitle,
        "organisation": front.organisation,
        "date": reader_date(front.date),
        "version": front.version,
        "language": front.language,
        "takeaways": [" ".join(plain_text(t.text).split()) for t in front.takeaways],
        "attachments": list(attachments),
        "signature": (wording.signature or "").strip().splitlines(),
    }
    try:
        plain = env.get_template("mail.txt.j2").render(values)
        rich = env.get_template("mail.html.j2").render(values)
    except TemplateError as exc:
        raise RenderError(template_problem(exc, dirs)) from None
    return plain, rich


def compose(
    front: FrontMatter,
    attachments: Sequence[Attachment],
    *,
    sender: str,
    to: Sequence[str],
    cc: Sequence[str] = (),
    bcc: Sequence[str] = (),
    subject: str | None = None,
    wording: Wording = Wording(),
    dirs: list[Path] | None = None,
) -> EmailMessage:
    """Build the message. Bcc recipients are checked but never written to a header:
    pass them to `mail.send` as envelope recipients (see `mail.envelope_recipients`)."""
    from .render_html import template_dirs

    from_address = parse_address(sender)
    to_addresses = [parse_address(a) for a in to]
    cc_addresses = [parse_address(a) for a in cc]
    for address in bcc:
        parse_address(address)
    if not (to_addresses or cc_addresses or bcc):
        raise SendError("no recipients: give at least one To, Cc or Bcc address")
    plain, rich = render_bodies(front, attachments, wording, dirs or template_dirs(None))

    message = EmailMessage(policy=policy.default)
    message["From"] = from_address
    if to_addresses:
        message["To"] = to_addresses
    if cc_addresses:
        message["Cc"] = cc_addresses
    message["Subject"] = subject_line(front, subject)
    message["Date"] = format_datetime(localtime())
    message["Message-ID"] = make_msgid(domain=from_address.domain)
    message.set_content(plain)
    message.add_alternative(rich, subtype="html")
    for attachment in attachments:
        maintype, subtype = attachment.mime_type
        message.add_attachment(
            attachment.data, maintype=maintype, subtype=subtype, filename=attachment.name
        )
    return message
