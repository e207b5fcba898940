"""Distribution under the marking, end to end: `briefing send` and `briefing sent` against a real
aiosmtpd server on 127.0.0.1 with STARTTLS, a throw-away CA and a login."""

from __future__ import annotations

import email
import hashlib
import json
import re
import shutil
from collections.abc import Callable, Iterator
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from briefing.cli import app

from .smtp_server import PASSWORD, Handler, Server, make_certs, server_context, servers

SENDER = "Research Unit <unit@example.org>"
TITLE = "China's AI industry, 2025–2026"  # the front matter's short title
SIGNATURE = ["Briefing Research Unit", "unit@example.org · +44 20 7946 0000"]


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    return make_certs(tmp_path_factory.mktemp("distribution_certs"))


@pytest.fixture
def start_server(certs: tuple[Path, Path, Path]) -> Iterator[Callable[..., Server]]:
    """A server that requires STARTTLS and the login editor / s3cret."""

    def start(handler: Handler | None = None) -> Server:
        return begin(
            handler,
            tls_context=server_context(certs),
            require_starttls=True,
            auth_required=True,
            with_auth=True,
        )

    with servers() as begin:
        yield start


@pytest.fixture
def setup(
    project: Path, certs: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Path]:
    """configure(port, marking=..., distribution=..., email=...) writes briefing.yaml for a
    STARTTLS relay on this machine with the test CA (as certs/ca.pem, a relative path)."""
    monkeypatch.setenv("BRIEFING_SMTP_PASSWORD", PASSWORD.decode())
    (project / "certs").mkdir()
    shutil.copy(certs[0], project / "certs" / "ca.pem")

    def configure(
        port: int, *, marking: str = "TLP:AMBER", distribution: str = "", **email: str | None
    ) -> Path:
        front = project / "content" / "front-matter.yaml"
        text = front.read_text(encoding="utf-8")
        front.write_text(re.sub(r"(?m)^marking: .*$", f"marking: {marking}", text), "utf-8")
        settings = {
            "host": "127.0.0.1",
            "port": str(port),
            "ca_file": "certs/ca.pem",
            "user": "editor",
            "sender": SENDER,
            "attach": "[docx]",
            **email,
        }
        (project / "briefing.yaml").write_text(
            "email:\n"
            + "".join(f"  {key}: {value}\n" for key, value in settings.items() if value)
            + "  signature: |\n"
            + "".join(f"    {line}\n" for line in SIGNATURE)
            + "distribution:\n  domains: [partner.example.net]\n"
            + distribution,
            encoding="utf-8",
        )
        return project

    return configure


def run(project: Path, *arguments: str) -> Any:
    return CliRunner().invoke(app, [*arguments, "--project", str(project)])


def parse(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def bodies(message: EmailMessage) -> tuple[str, str]:
    plain, rich = message.get_body(("plain",)), message.get_body(("html",))
    assert plain is not None and rich is not None
    return tuple(part.get_content().replace("\r\n", "\n") for part in (plain, rich))  # type: ignore[return-value]


def log_records(project: Path) -> list[dict[str, Any]]:
    lines = (project / "sent" / "log.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


# ------------------------------------------------------------------------------ the policy


POLICY_REFUSALS = [
    (
        "TLP:GREEN",
        "",
        ["--to", "desk@example.org", "--to", "friend@mail.example.com"],
        "error: the distribution policy refuses 1 recipient of this TLP:GREEN briefing; "
        "nothing was sent:\n"
        "  friend@mail.example.com (To): TLP:GREEN goes only to the domains in "
        "distribution.organisation and distribution.domains (example.org, partner.example.net)\n",
    ),
    (
        "TLP:AMBER",
        "",
        ["--to", "desk@example.org", "--cc", "Eve <eve@example.com>", "--bcc", "x@example.net"],
        "error: the distribution policy refuses 2 recipients of this TLP:AMBER briefing; "
        "nothing was sent:\n"
        "  eve@example.com (Cc): TLP:AMBER goes only to the domains in distribution.organisation "
        "and distribution.domains (example.org, partner.example.net)\n"
        "  x@example.net (Bcc): TLP:AMBER goes only to the domains in distribution.organisation "
        "and distribution.domains (example.org, partner.example.net)\n",
    ),
    (
        "TLP:AMBER+STRICT",
        "",
        ["--to", "desk@example.org", "--bcc", "liaison@partner.example.net"],
        "error: the distribution policy refuses 1 recipient of this TLP:AMBER+STRICT briefing; "
        "nothing was sent:\n"
        "  liaison@partner.example.net (Bcc): TLP:AMBER+STRICT stays within the organisation's "
        "domain (that of email.sender) (example.org)\n",
    ),
    (
        "TLP:AMBER+STRICT",
        "",
        ["--sender", "Unit <unit@elsewhere.example>", "--to", "desk@elsewhere.example"],
        "error: the distribution policy refuses 1 recipient of this TLP:AMBER+STRICT briefing; "
        "nothing was sent:\n"
        "  desk@elsewhere.example (To): TLP:AMBER+STRICT stays within the organisation's "
        "domain (that of email.sender) (example.org)\n",
    ),
    (
        "TLP:AMBER+STRICT",
        "  organisation: [example.org, example.gov]\n",
        ["--to", "desk@example.org", "--to", "desk@sub.example.org"],
        "error: the distribution policy refuses 1 recipient of this TLP:AMBER+STRICT briefing; "
        "nothing was sent:\n"
        "  desk@sub.example.org (To): TLP:AMBER+STRICT stays within the organisation's own "
        "domains (example.org, example.gov)\n",
    ),
    (
        "TLP:RED",
        "",
        ["--to", "Minister <minister@example.org>"],
        "error: the distribution policy refuses 1 recipient of this TLP:RED briefing; nothing "
        "was sent:\n"
        "  minister@example.org (To): TLP:RED goes only to the addresses named for this "
        "briefing in distribution.markings.TLP:RED.addresses (none named)\n",
    ),
    (
        "TLP:RED",
        "  markings:\n    TLP:RED:\n      addresses: [Minister <minister@example.org>]\n",
        ["--to", "Minister <MINISTER@example.org>", "--cc", "desk@example.org"],
        "error: the distribution policy refuses 1 recipient of this TLP:RED briefing; nothing "
        "was sent:\n"
        "  desk@example.org (Cc): TLP:RED goes only to the addresses in "
        "distribution.markings.TLP:RED (minister@example.org)\n",
    ),
    (
        "TLP:CLEAR",
        "  markings:\n    TLP:CLEAR:\n      domains: [example.org]\n",
        ["--to", "press@news.example.com"],
        "error: the distribution policy refuses 1 recipient of this TLP:CLEAR briefing; "
        "nothing was sent:\n"
        "  press@news.example.com (To): TLP:CLEAR goes only to the domains in "
        "distribution.markings.TLP:CLEAR (example.org)\n",
    ),
    (
        "INTERNAL",
        "markings: [TLP:CLEAR, INTERNAL]\n",  # a project's own marking, without a rule
        ["--to", "desk@example.org"],
        "error: the distribution policy refuses 1 recipient of this INTERNAL briefing; nothing "
        "was sent:\n"
        "  desk@example.org (To): INTERNAL has no rule in distribution.markings, so it goes to "
        "no one (add one with its domains and addresses)\n",
    ),
]


@pytest.mark.parametrize("dry_run", [False, True], ids=["send", "dry-run"])
@pytest.mark.parametrize(("marking", "distribution", "recipients", "expected"), POLICY_REFUSALS)
def test_policy_refusals_name_each_recipient_before_any_connection(
    start_server: Callable[..., Server],
    setup: Callable[..., Path],
    marking: str,
    distribution: str,
    recipients: list[str],
    expected: str,
    dry_run: bool,
) -> None:
    server = start_server()
    project = setup(server.port, marking=marking, distribution=distribution)
    result = run(project, "send", *recipients, *(["--dry-run"] if dry_run else []))
    assert (result.exit_code, result.stderr) == (1, expected)
    assert server.handler.connections == 0
    assert not (project / "build").exists() and not (project / "sent").exists()


def test_the_policy_allows_what_it_names(
    start_server: Callable[..., Server], setup: Callable[..., Path]
) -> None:
    server = start_server()
    project = setup(
        server.port,
        marking="TLP:RED",
        distribution="  markings:\n    TLP:RED:\n      addresses: [minister@example.org]\n",
    )
    result = run(project, "send", "--to", "Minister <Minister@Example.org>")
    assert result.exit_code == 0, result.output
    [received] = server.handler.messages
    assert received.rcpt_tos == ["Minister@Example.org"]


# ------------------------------------------------------------------------- a complete send


def test_full_send_carries_the_marking_the_note_and_is_logged(
    start_server: Callable[..., Server], setup: Callable[..., Path]
) -> None:
    server = start_server()
    project = setup(server.port, attach="[pdf, docx]")
    result = run(
        project,
        "send",
        "--to", "Desk <desk@example.org>", "--to", "analyst@partner.example.net",
        "--cc", '"Carol, Analyst" <carol@example.org>', "--bcc", "dave@partner.example.net",
        "--message", "Ahead of Monday's meeting: the figures in section 2 are new.\n\n"
        "Please keep it within the team.",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "sent to desk@example.org, analyst@partner.example.net, carol@example.org, "
        "dave@partner.example.net (250 Message accepted)\n"
        "sent 1 message to 4 recipients; see briefing sent\n"
    )
    [received] = server.handler.messages
    assert server.auth_attempts and server.auth_attempts[0][1:] == (b"editor", PASSWORD)
    assert received.rcpt_tos == [
        "desk@example.org",
        "analyst@partner.example.net",
        "carol@example.org",
        "dave@partner.example.net",
    ]
    assert b"dave@" not in received.data
    message = parse(received.data)

    # The subject: label first, the reader's date, encoded words for what is not ASCII.
    subject = f"[TLP:AMBER] {TITLE} — 23 November 2026"
    assert message["Subject"] == subject
    raw_header = received.data.split(b"\r\n\r\n")[0].decode("ascii")
    raw_subject = re.search(r"(?m)^Subject: (.*(?:\r\n[ \t].*)*)", raw_header)
    assert raw_subject is not None
    assert raw_subject.group(1).startswith("[TLP:AMBER] ") and "=?utf-8?" in raw_subject.group(1)
    assert all(len(line) <= 78 for line in raw_header.split("\r\n"))

    # The body: the label and its sharing rule before anything else, in both parts.
    plain, rich = bodies(message)
    assert plain.startswith(
        "TLP:AMBER: limited disclosure; you may share this only on a need-to-know\n"
        "basis within your organisation and its clients.\n\nDear colleagues,\n\n"
        "Ahead of Monday's meeting: the figures in section 2 are new.\n\n"
        "Please keep it within the team.\n\n"
    )
    body_text = re.sub(r"<[^>]+>", " ", rich)
    first_words = " ".join(body_text.split("<body", 1)[-1].split())
    assert re.search(
        r"TLP:AMBER Limited disclosure; you may share this only on a need-to-know basis within "
        r"your organisation and its clients\. Dear colleagues, Ahead of Monday&#39;s meeting: "
        r"the figures in section 2 are new\. Please keep it within the team\.",
        first_words,
    )
    assert 'lang="en"' in rich and "<style" not in rich  # styled inline, for mail clients

    # Attachments with human sizes and pages; checksums in a compact line at the end.
    pdf = next((project / "build").glob("*.pdf"))
    docx = next((project / "build").glob("*.docx"))
    pages = len(PdfReader(pdf).pages)
    pdf_kb, docx_kb = round(pdf.stat().st_size / 1024), round(docx.stat().st_size / 1024)
    assert f"- {pdf.name} (PDF, {pdf_kb} KB, {pages} pages)\n" in plain
    assert f"- {docx.name} (Word document, {docx_kb} KB)\n" in plain
    assert f"PDF, {pdf_kb} KB, {pages} pages" in rich
    digests = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (pdf, docx)]
    assert plain.endswith(
        "-- \n" + "\n".join(SIGNATURE) + "\n\nTLP:AMBER\n"
        f"SHA-256 {pdf.name} {digests[0]}\nSHA-256 {docx.name} {digests[1]}\n"
    )
    assert rich.index(SIGNATURE[0]) < rich.index(digests[0]) < rich.index(digests[1])
    assert [a.get_filename() for a in message.iter_attachments()] == [pdf.name, docx.name]

    # Dates as a person reads them, wherever a person reads them.
    for part in (plain, rich):
        without_names = part.replace(pdf.name, "").replace(docx.name, "")
        assert "23 November 2026" in without_names and "2026-11-23" not in without_names

    # The log: one record with everything, and never the password.
    [record] = log_records(project)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", record.pop("time"))
    assert record == {
        "status": "delivered",
        "message_id": message["Message-ID"],
        "title": "China's AI Industry, 2025–2026: Scale, Open-Source Strategy and Constraints",
        "date": "2026-11-23",
        "version": "1.0",
        "marking": "TLP:AMBER",
        "sender": "unit@example.org",
        "to": ["desk@example.org", "analyst@partner.example.net"],
        "cc": ["carol@example.org"],
        "bcc": ["dave@partner.example.net"],
        "attachments": [
            {"name": pdf.name, "size": pdf.stat().st_size, "sha256": digests[0], "pages": pages},
            {"name": docx.name, "size": docx.stat().st_size, "sha256": digests[1], "pages": None},
        ],
        "server": f"127.0.0.1:{server.port}",
        "reply": "250 Message accepted",
    }
    assert PASSWORD not in (project / "sent" / "log.jsonl").read_bytes()

    listing = run(project, "sent")
    assert listing.exit_code == 0
    lines = listing.stdout.splitlines()
    assert re.fullmatch(
        r"\d{1,2} \w+ \d{4} \d\d:\d\d UTC  TLP:AMBER  version 1.0 of 23 November 2026", lines[0]
    )
    assert lines[1:] == [
        "  to:  desk@example.org, analyst@partner.example.net",
        "  cc:  carol@example.org",
        "  bcc: dave@partner.example.net",
        f"  file {pdf.name} (PDF, {pdf_kb} KB, {pages} pages) {digests[0][:12]}…",
        f"  file {docx.name} (Word document, {docx_kb} KB) {digests[1][:12]}…",
        f"  via  127.0.0.1:{server.port}: 250 Message accepted  {message['Message-ID']}",
        "1 message to 4 recipients",
    ]


# ---------------------------------------------------------- one message per recipient, resumed

TEN = [f"Reader {n} <reader{n}@example.org>" for n in range(1, 11)]


def to_options(addresses: list[str]) -> list[str]:
    return [option for address in addresses for option in ("--to", address)]


def bare(n: int) -> str:
    return f"reader{n}@example.org"


@pytest.mark.parametrize(
    ("trouble", "uncertain", "first_run"),
    [
        (
            {"refuse_once": {bare(3)}},
            False,
            "error: sending to reader3@example.org failed: the server refused recipients "
            "(nothing was sent): reader3@example.org: 550 5.1.1 mailbox unavailable\n"
            "  delivered (2): reader1@example.org, reader2@example.org\n"
            "  not sent (8): " + ", ".join(bare(n) for n in range(3, 11)) + "\n"
            "run the same command again to send only to those not yet in sent/log.jsonl\n",
        ),
        (
            {"drop_after_data_for": {bare(3)}},
            True,
            "error: sending to reader3@example.org failed: sending the message: the server "
            "closed the connection (Connection unexpectedly closed); the server may already "
            "have the message, so it was not sent again (check with the recipients before "
            "resending)\n"
            "  delivered (2): reader1@example.org, reader2@example.org\n"
            "  uncertain (1): reader3@example.org, logged as such, so it is not sent again "
            "without --again\n"
            "  not sent (7): " + ", ".join(bare(n) for n in range(4, 11)) + "\n"
            "run the same command again to send only to those not yet in sent/log.jsonl\n",
        ),
    ],
    ids=["refused-3rd", "dropped-after-3rd"],
)
def test_individually_a_failure_on_the_third_then_the_resume(
    start_server: Callable[..., Server],
    setup: Callable[..., Path],
    trouble: dict[str, set[str]],
    uncertain: bool,
    first_run: str,
) -> None:
    server = start_server(Handler(**trouble))  # type: ignore[arg-type]
    project = setup(server.port)
    result = run(project, "send", "--individually", *to_options(TEN))
    assert (result.exit_code, result.stderr) == (1, first_run)
    logged = log_records(project)
    assert [r["to"] for r in logged] == [[bare(1)], [bare(2)], *[[bare(3)]] * uncertain]
    assert [r["status"] for r in logged] == ["delivered"] * 2 + ["uncertain"] * uncertain
    assert len(server.handler.messages) == 2 + uncertain  # the uncertain one did arrive
    dropped = uncertain

    resumed = run(project, "send", "--individually", *to_options(TEN))
    assert resumed.exit_code == 0, resumed.output
    skipped = [f"skipped {bare(n)}: already received version 1.0" for n in (1, 2, 3)]
    sent = [f"sent to {bare(n)} (250 Message accepted)" for n in range(3 + dropped, 11)]
    assert resumed.stdout.splitlines() == [
        *skipped[: 2 + dropped],
        *sent,
        f"sent {len(sent)} messages to {len(sent)} recipients; see briefing sent",
    ]
    # Each recipient: exactly one message, in the log and at the server, seeing only itself.
    logged = log_records(project)
    assert sorted(r["to"][0] for r in logged) == sorted(bare(n) for n in range(1, 11))
    assert all(r["cc"] == [] and r["bcc"] == [] for r in logged)
    assert sorted(m.rcpt_tos[0] for m in server.handler.messages) == sorted(
        bare(n) for n in range(1, 11)
    )
    for received in server.handler.messages:
        [recipient] = received.rcpt_tos
        assert parse(received.data)["To"] == f"Reader {recipient[6:-12]} <{recipient}>"
        others = [bare(n) for n in range(1, 11) if bare(n) != recipient]
        assert not any(other.encode() in received.data for other in others)


# ------------------------------------------------------------------- the same version twice


def test_the_same_version_is_refused_unless_again(
    start_server: Callable[..., Server], setup: Callable[..., Path]
) -> None:
    server = start_server()
    project = setup(server.port)
    first = run(project, "send", "--to", "desk@example.org", "--cc", "Ann <ann@example.org>")
    assert first.exit_code == 0, first.output
    [record] = log_records(project)
    connections = server.handler.connections  # STARTTLS counts as a second one in aiosmtpd

    for dry_run in ([], ["--dry-run"]):
        again = run(
            project, "send", "--to", "DESK@example.org", "--to", "new@example.org", *dry_run
        )
        when = re.search(r"DESK@example.org: (.*?), message", again.stderr)
        assert when is not None
        assert (again.exit_code, again.stderr) == (
            1,
            "error: 1 of the recipients already received version 1.0 of 23 November 2026 (see "
            "sent/log.jsonl); nothing was sent:\n"
            f"  DESK@example.org: {when.group(1)}, message {record['message_id']}\n"
            "use --individually to send only to those who have not, or --again to send it to "
            "everyone named\n",
        )
        assert re.fullmatch(r"\d{1,2} \w+ \d{4} \d\d:\d\d UTC", when.group(1))
    assert len(server.handler.messages) == 1 and server.handler.connections == connections

    forced = run(project, "send", "--to", "desk@example.org", "--again")
    assert forced.exit_code == 0, forced.output
    assert [r["to"] for r in log_records(project)] == [["desk@example.org"]] * 2

    everyone = run(project, "send", "--individually", "--to", "desk@example.org")
    assert (everyone.exit_code, everyone.stderr) == (
        1,
        "error: everyone named already received version 1.0 of 23 November 2026 (see "
        "sent/log.jsonl); nothing was sent; use --again to send it to them again\n",
    )
    assert len(server.handler.messages) == 2


# ------------------------------------------------------------------ a dry run checks it all


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        (
            {"security": "none", "host": "smtp.example.org", "user": None, "ca_file": None},
            "error: email.security 'none' is only allowed for a server on this machine, not "
            "'smtp.example.org'; use 'starttls' or 'tls'\n",
        ),
        (
            {"security": "none", "host": "127.0.0.1"},
            "error: refusing to send credentials without TLS (email.security is 'none')\n",
        ),
        (
            {"ca_file": "certs/missing.pem"},
            "error: email.ca_file '{root}/certs/missing.pem': cannot load ([Errno 2] No such "
            "file or directory)\n",
        ),
        ({"host": None}, "error: email.host is not set: name the SMTP server in briefing.yaml\n"),
    ],
    ids=["none-off-machine", "credentials-without-tls", "missing-ca", "no-host"],
)
def test_a_dry_run_makes_every_check_a_send_makes(
    setup: Callable[..., Path], email: dict[str, str | None], expected: str
) -> None:
    project = setup(2525, **email)
    for dry_run in (["--dry-run"], []):
        result = run(project, "send", "--to", "desk@example.org", *dry_run)
        assert (result.exit_code, result.stderr) == (1, expected.format(root=project))
    assert not (project / "build").exists() and not (project / "sent").exists()


def test_a_dry_run_without_a_password_is_refused_like_a_send(
    setup: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = setup(2525)
    monkeypatch.delenv("BRIEFING_SMTP_PASSWORD")
    result = run(project, "send", "--to", "desk@example.org", "--dry-run")
    assert (result.exit_code, result.stderr) == (
        1,
        "error: email.user is 'editor' but no password was found: set BRIEFING_SMTP_PASSWORD "
        "or store it in the system keyring\n",
    )


def test_a_dry_run_individually_writes_one_message_each(setup: Callable[..., Path]) -> None:
    project = setup(2525)
    result = run(project, "send", "--individually", *to_options(TEN[:2]), "--dry-run")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (project / "build").glob("*.eml"))
    assert names == [f"briefing-2026-11-23-v1.0.{bare(n)}.eml" for n in (1, 2)]
    for n, name in zip((1, 2), names, strict=True):
        message = parse((project / "build" / name).read_bytes())
        assert message["To"] == TEN[n - 1]
    assert not (project / "sent").exists()


# ------------------------------------------------------------------- the policy in briefing.yaml


@pytest.mark.parametrize(
    ("yaml", "expected"),
    [
        (
            "distribution:\n  domains: [partner.example.net, example]\n",
            "briefing.yaml:2:34: distribution.domains[1]: expected a domain such as example.org, "
            "got 'example'\n",
        ),
        (
            "distribution:\n  markings:\n    TLP:AMBR:\n      domains: [example.org]\n",
            "briefing.yaml:3:5: distribution.markings.TLP:AMBR: expected one of the markings "
            "TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT, TLP:RED, got 'TLP:AMBR'\n",
        ),
        (
            "distribution:\n  markings:\n    TLP:RED:\n      domains: [example.org]\n",
            "briefing.yaml:4:16: distribution.markings.TLP:RED.domains: TLP:RED goes only to "
            "people named for this briefing; expected addresses, not domains\n",
        ),
        (
            "distribution:\n  markings:\n    TLP:RED:\n"
            '      addresses: ["a@example.org, b@example.org"]\n',
            "briefing.yaml:4:19: distribution.markings.TLP:RED.addresses[0]: 'a@example.org, "
            "b@example.org': holds more than one address; give one address per entry\n",
        ),
        (
            "email:\n  to: [desk@example.org, not an address]\n",
            "briefing.yaml:2:26: email.to[1]: 'not an address': is not a valid address "
            "(expected name@example.org or Name <name@example.org>)\n",
        ),
        (
            "email:\n  signature: [Unit]\n",
            "briefing.yaml:2:14: email.signature: expected text, got a list\n",
        ),
    ],
    ids=["domain", "unknown-marking", "red-domains", "two-addresses", "bad-to", "signature"],
)
def test_policy_mistakes_in_briefing_yaml_are_located(
    project: Path, yaml: str, expected: str
) -> None:
    (project / "briefing.yaml").write_text(yaml, encoding="utf-8")
    result = run(project, "send", "--to", "desk@example.org", "--dry-run")
    assert (result.exit_code, result.stderr) == (1, expected + "1 error; nothing was built.\n")


# -------------------------------------------------------------------------- the covering note


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--message", "  "], "error: --message: the note is empty; write a sentence or leave "
         "the option out\n"),
        (["--message", "Bell\x07"], "error: --message: the note holds the control character "
         "U+0007; expected plain text\n"),
        (["--message", "x" * 5001], "error: --message: the note is 5,001 characters; at most "
         "5,000\n"),
        (["--message", "a", "--message-file", "note.txt"], "error: give the covering note with "
         "--message or --message-file, not both\n"),
        (["--message-file", "missing.txt"], "error: missing.txt: cannot read the covering note "
         "(No such file or directory)\n"),
    ],
    ids=["empty", "control", "long", "both", "missing-file"],
)  # fmt: skip
def test_covering_note_mistakes(
    setup: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    options: list[str],
    expected: str,
) -> None:
    project = setup(2525)
    monkeypatch.chdir(project)
    result = run(project, "send", "--to", "desk@example.org", "--dry-run", *options)
    assert result.stderr == expected
    assert result.exit_code == (1 if "the note" in expected else 2)


def test_a_project_overrides_the_mail_templates_and_the_note_comes_from_a_file(
    setup: Callable[..., Path],
) -> None:
    project = setup(2525, marking="TLP:GREEN")
    (project / "templates").mkdir()
    (project / "templates" / "mail.txt.j2").write_text(
        "{{ marking }} | {{ note | join(' / ') }} | {{ date }}\n", encoding="utf-8"
    )
    (project / "note.txt").write_text("First <b>line</b>\r\nwraps.\r\n\r\nSecond.\n", "utf-8")
    result = run(
        project, "send", "--to", "desk@example.org", "--message-file",
        str(project / "note.txt"), "--dry-run",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    plain, rich = bodies(parse(next((project / "build").glob("*.eml")).read_bytes()))
    assert plain == "TLP:GREEN | First <b>line</b> wraps. / Second. | 23 November 2026\n"
    assert "First &lt;b&gt;line&lt;/b&gt; wraps.</p>" in rich  # the packaged HTML, escaped


# ---------------------------------------------------------------------------- the send log


def test_sent_with_no_log_and_with_a_damaged_line(project: Path) -> None:
    empty = run(project, "sent")
    assert (empty.exit_code, empty.stdout) == (
        0,
        "nothing sent yet (sent/log.jsonl has no deliveries)\n",
    )
    (project / "sent").mkdir()
    (project / "sent" / "log.jsonl").write_text(
        '{"time": "2026-11-23T10:00:00+00:00"}\n\n{not json\n', encoding="utf-8"
    )
    damaged = run(project, "sent")
    assert damaged.exit_code == 1
    lines = damaged.stderr.splitlines()
    assert lines[0] == "sent/log.jsonl:1:1: attachments: required field is missing"
    assert len(lines) == 14  # every missing field of line 1, then line 3
    assert lines[-1] == (
        "sent/log.jsonl:3:2: not JSON (Expecting property name enclosed in double quotes); "
        "expected one delivery record per line, as briefing send writes them"
    )
    (project / "briefing.yaml").write_text("email:\n  host: smtp.example.org\n", "utf-8")
    send = run(
        project, "send", "--to", "desk@example.org", "--sender", "u@example.org", "--dry-run"
    )
    assert send.exit_code == 1 and lines[-1] in send.stderr.splitlines()  # who has it is unknown


def test_a_message_that_may_have_arrived_is_logged_and_not_sent_again(
    start_server: Callable[..., Server], setup: Callable[..., Path]
) -> None:
    server = start_server(Handler(drop_after_data=True))
    project = setup(server.port)
    result = run(project, "send", "--to", "desk@example.org", "--to", "ann@example.org")
    assert (result.exit_code, result.stderr) == (
        1,
        "error: sending to desk@example.org, ann@example.org failed: sending the message: the "
        "server closed the connection (Connection unexpectedly closed); the server may already "
        "have the message, so it was not sent again (check with the recipients before "
        "resending)\n"
        "  delivered (0): none\n"
        "  uncertain (2): desk@example.org, ann@example.org, logged as such, so it is not sent "
        "again without --again\n",
    )
    [record] = log_records(project)
    assert (record["status"], record["to"]) == (
        "uncertain",
        ["desk@example.org", "ann@example.org"],
    )
    assert record["reply"].startswith("sending the message: the server closed the connection")
    again = run(project, "send", "--to", "ann@example.org")
    assert again.exit_code == 1
    assert again.stderr.splitlines()[1].endswith(f"{record['message_id']} (may not have arrived)")
    assert len(server.handler.messages) == 1
    listing = run(project, "sent")
    assert listing.stdout.splitlines()[0].endswith("  (uncertain: may not have arrived)")


def test_two_sends_in_one_project_cannot_run_at_once(setup: Callable[..., Path]) -> None:
    from briefing.sendlog import LOG_PATH, open_log

    project = setup(2525)
    with open_log(project / LOG_PATH, str(LOG_PATH)):
        result = run(project, "send", "--to", "desk@example.org")
    assert (result.exit_code, result.stderr) == (
        1,
        "error: sent/log.jsonl is locked: another briefing send is running in this project; "
        "wait for it to finish (nothing was sent)\n",
    )
