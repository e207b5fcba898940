"""`briefing send` end to end: strict check first, a dry run to .eml, and delivery on loopback."""

from __future__ import annotations

import email
import hashlib
import socket
from email import policy
from pathlib import Path

from aiosmtpd.controller import Controller
from typer.testing import CliRunner

from briefing.cli import app


class Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.messages.append(envelope.content)  # type: ignore[attr-defined]
        return "250 OK"


def test_dry_run_writes_a_complete_message(project: Path) -> None:
    (project / "briefing.yaml").write_text("email:\n  host: smtp.example.org\n", encoding="utf-8")
    result = CliRunner().invoke(
        app,
        ["send", "--project", str(project), "--to", "Desk <desk@example.org>",
         "--sender", "unit@example.org", "--dry-run"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    [eml] = (project / "build").glob("*.eml")
    message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert message["To"] == "Desk <desk@example.org>"
    [attachment] = list(message.iter_attachments())
    pdf = project / "build" / attachment.get_filename()
    assert attachment.get_content() == pdf.read_bytes()
    digest = hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert digest in message.get_body(("plain",)).get_content()
    assert message.get_body(("html",)) is not None
    assert not (project / "sent").exists()  # a dry run logs nothing


def test_send_refuses_content_that_fails_strict_check(project: Path) -> None:
    (project / "seeds" / "999_unsummarised.txt").write_text("A new source.\n", encoding="utf-8")
    (project / "briefing.yaml").write_text("email:\n  host: smtp.example.org\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["send", "--project", str(project), "--to", "desk@example.org",
              "--sender", "unit@example.org", "--dry-run"],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "seeds/999_unsummarised.txt: warning: seed has no content file" in result.output
    assert not list((project / "build").glob("briefing-*"))


def test_send_delivers_one_message_over_loopback(project: Path) -> None:
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        (project / "briefing.yaml").write_text(
            f"email:\n  host: 127.0.0.1\n  port: {port}\n  security: none\n"
            "  sender: Unit <unit@example.org>\n  to: [desk@example.org]\n",
            encoding="utf-8",
        )
        result = CliRunner().invoke(app, ["send", "--project", str(project)])
    finally:
        controller.stop()
    assert result.exit_code == 0, result.output
    [raw] = inbox.messages
    message = email.message_from_bytes(raw, policy=policy.default)
    assert message["From"] == "Unit <unit@example.org>"
    assert message["Subject"] == "[TLP:CLEAR] China's AI industry, 2025–2026 — 23 November 2026"
