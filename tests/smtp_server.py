"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1, with STARTTLS from a throw-away CA."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes


@dataclass
class Handler:
    messages: list[Received] = field(default_factory=list)
    connections: int = 0  # every connection made, counted as it is accepted
    drop_rcpt: int = 0  # drop the connection at RCPT this many times
    drop_after_data: bool = False
    refuse_once: set[str] = field(default_factory=set)  # 550 at RCPT, the first time only
    drop_after_data_for: set[str] = field(default_factory=set)  # take it, then hang up, once

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.drop_rcpt:
            self.drop_rcpt -= 1
            server.transport.close()
            return "421 closing"
        if address in self.refuse_once:
            self.refuse_once.discard(address)
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
        )
        hang_up = set(envelope.rcpt_tos) & self.drop_after_data_for
        if self.drop_after_data or hang_up:
            self.drop_after_data_for -= hang_up
            server.transport.close()
        return "250 Message accepted"


class CountingController(Controller):  # type: ignore[misc]
    """A controller whose handler counts connections, to prove that none was made."""

    def factory(self) -> SMTP:
        handler = self.handler

        class Counting(SMTP):  # type: ignore[misc]
            def connection_made(self, transport: Any) -> None:
                handler.connections += 1
                super().connection_made(transport)

        return Counting(handler, **self.SMTP_kwargs)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_certs(folder: Path) -> tuple[Path, Path, Path]:
    """A throw-away CA and a server certificate for 127.0.0.1 / localhost: (ca, cert, key)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "briefing test CA")])
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_file, cert_file, key_file = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ca_file, cert_file, key_file


def server_context(certs: tuple[Path, Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certs[1], certs[2])
    return context


@dataclass
class Server:
    handler: Handler
    port: int
    auth_attempts: list[tuple[str, bytes, bytes]]


LOGIN, PASSWORD = b"editor", b"s3cret"


@contextmanager
def servers() -> Iterator[Callable[..., Server]]:
    """start(handler, with_auth=..., **aiosmtpd parameters) -> a running server; all stopped at
    the end. with_auth accepts the login editor / s3cret."""
    controllers: list[Controller] = []

    def start(handler: Handler | None = None, **parameters: Any) -> Server:
        handler = handler or Handler()
        attempts: list[tuple[str, bytes, bytes]] = []

        def authenticator(
            server: Any, session: Any, envelope: Any, mechanism: str, data: Any
        ) -> AuthResult:
            attempts.append((mechanism, data.login, data.password))
            ok = data.login == LOGIN and data.password == PASSWORD
            return AuthResult(success=ok, handled=False)

        if parameters.pop("with_auth", False):
            parameters["authenticator"] = authenticator
        port = free_port()
        controller = CountingController(handler, hostname="127.0.0.1", port=port, **parameters)
        controller.start()
        handler.connections = 0  # start() makes one connection of its own, to check the server
        controllers.append(controller)
        return Server(handler, port, attempts)

    try:
        yield start
    finally:
        for controller in controllers:
            controller.stop()
