"""Email delivery against a real aiosmtpd server on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from briefing.addresses import check_header, envelope_recipients, validate_address
from briefing.config import EmailSettings
from briefing.errors import SendError
from briefing.mail import password_from_environment, send, write_eml
from briefing.message import Attachment, compose, human_size, reader_date, subject_line
from briefing.models import FrontMatter

from .smtp_server import Handler, Received, make_certs, server_context, servers

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# ------------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    return make_certs(tmp_path_factory.mktemp("mail_certs"))


@pytest.fixture
def make_server() -> Iterator[Any]:
    with servers() as start:
        yield start


@pytest.fixture
def front() -> FrontMatter:
    return FrontMatter.model_validate(
        {
            "title": 'Water <policy> & "drought" options',
            "date": dt.date(2024, 5, 17),
            "organisation": "Test Office",
            "marking": "TLP:AMBER",
            "takeaways": [{"text": text, "sources": ["src-a"]} for text in TAKEAWAYS],
            "executive_summary": "Summary.",
        }
    )


@pytest.fixture
def files(tmp_path: Path) -> list[Path]:
    pdf = tmp_path / "briefing-2024-05-17-v1.0.pdf"
    pdf.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n.\r\n.line\n%%EOF\n")
    docx = tmp_path / "briefing-2024-05-17-v1.0.docx"
    docx.write_bytes(b"PK\x03\x04" + bytes(range(255, -1, -1)) * 10)
    return [pdf, docx]


TAKEAWAYS = ["Reservoirs are at 41% <of> capacity & falling.", "Option B costs least."]
TO = ["Alice Example <alice@example.org>", "bob@example.org"]
CC = ['"Carol, Analyst" <carol@example.org>']
BCC = ["dave@example.net"]


def build(front: FrontMatter, files: list[Path]) -> EmailMessage:
    return compose(
        front,
        [Attachment.read(f) for f in files],
        sender="Briefing Desk <desk@example.org>",
        to=TO,
        cc=CC,
        bcc=BCC,
    )


def settings(port: int, **values: Any) -> EmailSettings:
    return EmailSettings.model_validate({"host": "127.0.0.1", "port": port, "timeout": 5, **values})


def no_sleep(delays: list[float]) -> Any:
    return delays.append


def check_received(received: Received, files: list[Path]) -> None:
    assert received.mail_from == "desk@example.org"
    assert received.rcpt_tos == [
        "alice@example.org",
        "bob@example.org",
        "carol@example.org",
        "dave@example.net",
    ]
    message = message_from_bytes(received.data, policy=policy.default)
    assert isinstance(message, EmailMessage)
    assert message["From"] == "Briefing Desk <desk@example.org>"
    assert message["To"] == "Alice Example <alice@example.org>, bob@example.org"
    assert message["Cc"] == '"Carol, Analyst" <carol@example.org>'
    assert message["Subject"] == '[TLP:AMBER] Water <policy> & "drought" options — 17 May 2024'
    assert "Bcc" not in message
    assert b"dave@" not in received.data
    plain = message.get_body(("plain",))
    rich = message.get_body(("html",))
    assert plain is not None and rich is not None
    text, markup = plain.get_content(), rich.get_content()
    assert text.startswith("TLP:AMBER: ") and "17 May 2024" in text and TAKEAWAYS[0] in text
    assert "Water &lt;policy&gt; &amp; &#34;drought&#34; options" in markup
    assert "41% &lt;of&gt; capacity &amp; falling." in markup and "<policy>" not in markup
    parts = list(message.iter_attachments())
    assert [p.get_filename() for p in parts] == [f.name for f in files]
    assert [p.get_content_type() for p in parts] == ["application/pdf", DOCX]
    for part, path in zip(parts, files, strict=True):
        data = part.get_content()
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert hashlib.sha256(data).hexdigest() == digest
        assert f"SHA-256 {path.name} {digest}" in text and digest in markup


def recipients() -> list[str]:
    return envelope_recipients(TO, CC, BCC)


# --------------------------------------------------------------------------------- delivery


def test_plain_delivery_on_loopback(
    make_server: Any, front: FrontMatter, files: list[Path]
) -> None:
    server = make_server()
    send(build(front, files), recipients(), settings(server.port, security="none"), None)
    assert len(server.handler.messages) == 1
    check_received(server.handler.messages[0], files)


def test_starttls_verified_against_ca_file(
    make_server: Any, certs: tuple[Path, Path, Path], front: FrontMatter, files: list[Path]
) -> None:
    server = make_server(tls_context=server_context(certs), require_starttls=True)
    send(build(front, files), recipients(), settings(server.port, ca_file=str(certs[0])), None)
    assert len(server.handler.messages) == 1
    check_received(server.handler.messages[0], files)


def test_starttls_with_unknown_ca_is_refused(
    make_server: Any, certs: tuple[Path, Path, Path], front: FrontMatter, files: list[Path]
) -> None:
    server = make_server(tls_context=server_context(certs), require_starttls=True)
    with pytest.raises(
        SendError, match=r"TLS with 127\.0\.0\.1:\d+ failed: .*CERTIFICATE_VERIFY_FAILED"
    ):
        send(build(front, files), recipients(), settings(server.port), None)
    assert server.handler.messages == []


def test_auth_over_starttls(
    make_server: Any, certs: tuple[Path, Path, Path], front: FrontMatter, files: list[Path]
) -> None:
    server = make_server(
        tls_context=server_context(certs), require_starttls=True, auth_required=True, with_auth=True
    )
    config = settings(server.port, ca_file=str(certs[0]), user="editor")
    send(build(front, files), recipients(), config, "s3cret")
    assert [a[1:] for a in server.auth_attempts] == [(b"editor", b"s3cret")]
    check_received(server.handler.messages[0], files)

    with pytest.raises(SendError, match=r"logging in: the server refused: 535 .*"):
        send(build(front, files), recipients(), config, "wrong")
    assert len(server.handler.messages) == 1


def test_dropped_connection_is_retried_once(
    make_server: Any, front: FrontMatter, files: list[Path]
) -> None:
    server = make_server(Handler(drop_rcpt=1))
    delays: list[float] = []
    send(
        build(front, files),
        recipients(),
        settings(server.port, security="none"),
        None,
        backoff=0.25,
        sleep=delays.append,
    )
    assert delays == [0.25]
    assert len(server.handler.messages) == 1
    check_received(server.handler.messages[0], files)


def test_retries_are_bounded(make_server: Any, front: FrontMatter, files: list[Path]) -> None:
    server = make_server(Handler(drop_rcpt=10))
    delays: list[float] = []
    with pytest.raises(SendError, match=r"giving up after 3 attempts: RCPT TO: the server closed"):
        send(
            build(front, files),
            recipients(),
            settings(server.port, security="none"),
            None,
            retries=2,
            backoff=0.5,
            sleep=delays.append,
        )
    assert delays == [0.5, 1.0]
    assert server.handler.messages == []


def test_never_resent_after_data_was_sent(
    make_server: Any, front: FrontMatter, files: list[Path]
) -> None:
    server = make_server(Handler(drop_after_data=True))
    delays: list[float] = []
    with pytest.raises(SendError, match="may already have the message, so it was not sent again"):
        send(
            build(front, files),
            recipients(),
            settings(server.port, security="none"),
            None,
            sleep=delays.append,
        )
    assert delays == []
    assert len(server.handler.messages) == 1


def test_size_limit_is_honoured(make_server: Any, front: FrontMatter, files: list[Path]) -> None:
    server = make_server(data_size_limit=2000)
    with pytest.raises(
        SendError, match=r"the message is \d+ bytes but 127.0.0.1 accepts at most 2000 bytes"
    ):
        send(build(front, files), recipients(), settings(server.port, security="none"), None)
    assert server.handler.messages == []


def test_missing_starttls_is_refused_before_auth(
    make_server: Any, front: FrontMatter, files: list[Path]
) -> None:
    server = make_server(with_auth=True, auth_require_tls=False)
    with pytest.raises(SendError, match=r"127.0.0.1:\d+ does not offer STARTTLS; refusing to send"):
        send(build(front, files), recipients(), settings(server.port, user="editor"), "s3cret")
    assert server.auth_attempts == []
    assert server.handler.messages == []


def test_security_none_only_on_loopback(front: FrontMatter, files: list[Path]) -> None:
    config = EmailSettings(host="smtp.example.org", security="none")
    with pytest.raises(SendError, match="only allowed for a server on this machine"):
        send(build(front, files), recipients(), config, None)
    loopback = EmailSettings(host="127.0.0.1", port=2525, security="none", user="editor")
    with pytest.raises(SendError, match="refusing to send credentials without TLS"):
        send(build(front, files), recipients(), loopback, "s3cret")


# ------------------------------------------------------------------------------ composition


def test_bcc_stays_out_of_headers_and_dry_run(
    front: FrontMatter, files: list[Path], tmp_path: Path
) -> None:
    message = build(front, files)
    assert "Bcc" not in message
    path = tmp_path / "out" / "briefing.eml"
    write_eml(message, path)
    assert path.read_bytes() == message.as_bytes()
    assert b"dave@example.net" not in path.read_bytes()


def test_custom_subject_is_checked(front: FrontMatter, files: list[Path]) -> None:
    with pytest.raises(SendError) as caught:
        compose(front, [], sender="desk@example.org", to=TO, subject="Update\n")
    assert str(caught.value) == (
        "Subject header 'Update\\n': contains a line break (a trailing line break, e.g. from a "
        "YAML '|' block?)"
    )


def test_check_header() -> None:
    check_header("Subject", "Fine — ok")
    with pytest.raises(SendError, match="contains a line break"):
        check_header("Subject", "a\r\nBcc: evil@example.com")
    with pytest.raises(SendError, match="contains a control character"):
        check_header("Subject", "a\x00b")


def test_password_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_SMTP_PASSWORD", "from-env")
    assert password_from_environment("editor") == "from-env"
    monkeypatch.delenv("BRIEFING_SMTP_PASSWORD")
    assert password_from_environment(None) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("alice@example.org", "alice@example.org"),
        ("Alice Example <alice@example.org>", "Alice Example <alice@example.org>"),
        ('"Example, Alice" <alice@example.org>', '"Example, Alice" <alice@example.org>'),
    ],
)
def test_valid_addresses(text: str, expected: str) -> None:
    assert validate_address(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "alice@example.org\r\nBcc: eve@example.com",
            "email address 'alice@example.org\\r\\nBcc: eve@example.com': contains a line break",
        ),
        ("alice@example.org\n", "email address 'alice@example.org\\n': contains a line break"),
        (
            "alice@exa\x00mple.org",
            "email address 'alice@exa\\x00mple.org': contains a control character",
        ),
        (
            "alice@example.org, eve@example.com",
            "email address 'alice@example.org, eve@example.com': holds more than one address; "
            "give one address per entry",
        ),
        (
            "Alice <alice@example.org>, eve@example.com",
            "email address 'Alice <alice@example.org>, eve@example.com': holds more than one "
            "address; give one address per entry",
        ),
        (
            "=?utf-8?q?eve=40example=2Ecom?= <alice@example.org>",
            "email address '=?utf-8?q?eve=40example=2Ecom?= <alice@example.org>': encoded words "
            "(=?...?=) are not allowed",
        ),
        (
            '"eve@example.com" <alice@example.org>',
            "email address '\"eve@example.com\" <alice@example.org>': the display name must not "
            "contain '<', '>' or '@'",
        ),
        (
            "not an address",
            "email address 'not an address': is not a valid address (expected name@example.org "
            "or Name <name@example.org>)",
        ),
        ("", "email address '': is empty"),
    ],
)
def test_refused_addresses(text: str, message: str) -> None:
    with pytest.raises(SendError) as caught:
        validate_address(text)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("marking", "subject", "expected"),
    [
        ("TLP:AMBER", None, '[TLP:AMBER] Water <policy> & "drought" options — 17 May 2024'),
        ("TLP:RED", "Board pack", "[TLP:RED] Board pack"),
        ("TLP:RED", "[TLP:RED] Board pack", "[TLP:RED] Board pack"),
        ("TLP:AMBER+STRICT", "Board pack", "[TLP:AMBER+STRICT] Board pack"),
    ],
)
def test_the_subject_opens_with_the_label(
    front: FrontMatter, marking: str, subject: str | None, expected: str
) -> None:
    assert subject_line(front.model_copy(update={"marking": marking}), subject) == expected


@pytest.mark.parametrize(
    ("marking", "subject", "message"),
    [
        (
            "TLP:GREEN",
            "[TLP:RED] Board pack",
            "the subject '[TLP:RED] Board pack' names TLP:RED, but the briefing is marked "
            "TLP:GREEN; leave the label out, it is added",
        ),
        (
            "TLP:AMBER+STRICT",
            "Board pack (tlp:amber)",
            "the subject 'Board pack (tlp:amber)' names tlp:amber, but the briefing is marked "
            "TLP:AMBER+STRICT; leave the label out, it is added",
        ),
    ],
)
def test_a_subject_with_another_label_is_refused(
    front: FrontMatter, marking: str, subject: str, message: str
) -> None:
    with pytest.raises(SendError) as caught:
        subject_line(front.model_copy(update={"marking": marking}), subject)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("day", "expected"),
    [(dt.date(2026, 11, 23), "23 November 2026"), (dt.date(2024, 1, 5), "5 January 2024")],
)
def test_reader_date(day: dt.date, expected: str) -> None:
    assert reader_date(day) == expected


@pytest.mark.parametrize(
    ("size", "expected"),
    [(10, "1 KB"), (232_734, "227 KB"), (1024 * 1024 - 1, "1024 KB"), (1_468_006, "1.4 MB")],
)
def test_human_size(size: int, expected: str) -> None:
    assert human_size(size) == expected
