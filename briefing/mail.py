"""An email message -> SMTP: the checks a send makes before it connects, then delivery.

Security rules: TLS is required unless the server is on the loopback interface, credentials are
only sent over TLS, the password never comes from a file, and a message is never sent twice once
the server may have accepted it.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import re
import smtplib
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path

from .addresses import check_header, parse_address
from .config import EmailSettings
from .errors import SendError

PASSWORD_VARIABLE = "BRIEFING_SMTP_PASSWORD"
KEYRING_SERVICE = "briefing"
DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}


class UncertainDelivery(SendError):
    """The connection failed after the message was handed over: it may have been delivered."""


def write_eml(message: EmailMessage, path: Path) -> None:
    """Write the message as an .eml file (for --dry-run)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(message.as_bytes())
    temporary.replace(path)


def password_from_environment(
    user: str | None = None, *, service: str = KEYRING_SERVICE
) -> str | None:
    """The SMTP password from BRIEFING_SMTP_PASSWORD, else from the system keyring (if the
    optional `keyring` package is installed and `user` is given). Never read from a file."""
    value = os.environ.get(PASSWORD_VARIABLE)
    if value:
        return value
    if not user:
        return None
    try:
        import keyring
    except ImportError:
        return None
    try:
        found = keyring.get_password(service, user)
    except Exception:  # any keyring backend failure means: no password available
        return None
    return found if isinstance(found, str) and found else None


# --------------------------------------------------------------------------------------- sending


class _Transient(Exception):
    """A failure before the server could have accepted the message: safe to try again."""

    def __init__(self, description: str):
        super().__init__(description)
        self.description = description


def _is_loopback(host: str) -> bool:
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _words(response: bytes | str) -> str:
    text = response.decode("utf-8", "replace") if isinstance(response, bytes) else response
    return " ".join(text.split())


def _response_error(error: smtplib.SMTPResponseException, stage: str) -> Exception:
    reply = f"{error.smtp_code} {_words(error.smtp_error)}"
    if 400 <= error.smtp_code < 500:
        return _Transient(f"{stage}: server said {reply}")
    return SendError(f"{stage}: the server refused: {reply}")


def _dot_stuff(data: bytes) -> bytes:
    data = re.sub(rb"(?:\r\n|\n|\r(?!\n))", b"\r\n", data)
    data = re.sub(rb"(?m)^\.", b"..", data)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


def _connect(settings: EmailSettings, host: str, port: int) -> smtplib.SMTP:
    context = _tls_context(settings) if settings.security != "none" else None
    connection: smtplib.SMTP
    if settings.security == "tls":
        connection = smtplib.SMTP_SSL(host, port, timeout=settings.timeout, context=context)
    else:
        connection = smtplib.SMTP(host, port, timeout=settings.timeout)
    try:
        connection.ehlo()
        if settings.security == "starttls":
            if not connection.has_extn("starttls"):
                raise SendError(
                    f"{host}:{port} does not offer STARTTLS; refusing to send "
                    "(nothing was sent; set email.security to 'tls' if the server uses implicit TLS)"
                )
            connection.starttls(context=context)
            connection.ehlo()
    except BaseException:
        connection.close()
        raise
    return connection


def _attempt(
    data: bytes,
    sender: str,
    recipients: list[str],
    settings: EmailSettings,
    password: str | None,
    host: str,
    port: int,
    accepted: list[bool],
) -> str:
    stage = f"connecting to {host}:{port}"
    connection: smtplib.SMTP | None = None
    try:
        connection = _connect(settings, host, port)
        if settings.user and password:
            stage = "logging in"
            if not connection.has_extn("auth"):
                raise SendError(
                    f"{host}:{port} does not offer AUTH; cannot log in as {settings.user!r}"
                )
            connection.login(settings.user, password)
        stage = "checking the size"
        limit_text = (
            connection.esmtp_features.get("size", "") if connection.has_extn("size") else ""
        )
        options: list[str] = []
        if limit_text.strip().isdigit():
            limit = int(limit_text)
            if limit and len(data) > limit:
                raise SendError(
                    f"the message is {len(data)} bytes but {host} accepts at most {limit} bytes; "
                    "nothing was sent (attach fewer or smaller files)"
                )
            options.append(f"SIZE={len(data)}")
        stage = "MAIL FROM"
        code, reply = connection.mail(sender, options)
        if code != 250:
            raise smtplib.SMTPResponseException(code, reply)
        stage = "RCPT TO"
        refused: list[str] = []
        for recipient in recipients:
            code, reply = connection.rcpt(recipient)
            if 400 <= code < 500:
                raise smtplib.SMTPResponseException(code, reply)
            if code not in (250, 251):
                refused.append(f"{recipient}: {code} {_words(reply)}")
        if refused:
            raise SendError(
                "the server refused recipients (nothing was sent): " + "; ".join(refused)
            )
        stage = "DATA"
        code, reply = connection.docmd("data")
        if code != 354:
            raise smtplib.SMTPResponseException(code, reply)
        stage = "sending the message"
        connection.send(_dot_stuff(data))
        # From here on the server may have the message: never send it again.
        accepted[0] = True
        code, reply = connection.getreply()
        if code != 250:
            if 400 <= code < 500:
                accepted[0] = False  # explicitly not taken: safe to retry
            raise smtplib.SMTPResponseException(code, reply)
        with contextlib.suppress(smtplib.SMTPException, OSError):
            connection.quit()
        return f"{code} {_words(reply)}"
    except smtplib.SMTPResponseException as error:
        raise _response_error(error, stage) from None
    except smtplib.SMTPNotSupportedError as error:
        raise SendError(f"{stage}: {error}") from None
    except smtplib.SMTPServerDisconnected as error:
        raise _Transient(f"{stage}: the server closed the connection ({error})") from None
    finally:
        if connection is not None:
            connection.close()


@dataclass(frozen=True)
class Server:
    """Where to deliver, once every check a send makes has passed."""

    host: str
    port: int


def check_settings(settings: EmailSettings, password: str | None) -> Server:
    """Every check of the settings a send makes before it connects; a dry run makes them too."""
    host = settings.host
    if not host:
        raise SendError("email.host is not set: name the SMTP server in briefing.yaml")
    port = settings.port or DEFAULT_PORTS[settings.security]
    if settings.security == "none":
        if not _is_loopback(host):
            raise SendError(
                f"email.security 'none' is only allowed for a server on this machine, not {host!r}; "
                "use 'starttls' or 'tls'"
            )
        if settings.user or password:
            raise SendError("refusing to send credentials without TLS (email.security is 'none')")
    if settings.user and not password:
        raise SendError(
            f"email.user is {settings.user!r} but no password was found: set {PASSWORD_VARIABLE} "
            "or store it in the system keyring"
        )
    if password and not settings.user:
        raise SendError("a password was given but email.user is not set")
    if settings.security != "none":
        _tls_context(settings)
    return Server(host, port)


@dataclass(frozen=True)
class Outgoing:
    """A checked message as the server gets it."""

    sender: str
    recipients: list[str]
    data: bytes


def check_message(message: EmailMessage, envelope_recipients: Sequence[str]) -> Outgoing:
    """Every check of the message a send makes before it connects; a dry run makes them too."""
    if "Bcc" in message:
        raise SendError(
            "the message carries a Bcc header; pass Bcc addresses as envelope recipients"
        )
    for name, value in message.items():
        check_header(name, str(value))
    sender_text = str(message.get("Sender") or message.get("From") or "")
    sender = parseaddr(sender_text)[1]
    if not sender:
        raise SendError("the message has no From address")
    recipients = list(dict.fromkeys(parse_address(r).addr_spec for r in envelope_recipients))
    if not recipients:
        raise SendError("no recipients to send to")
    data = message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
    return Outgoing(sender, recipients, data)


def _tls_context(settings: EmailSettings) -> ssl.SSLContext:
    try:
        return ssl.create_default_context(cafile=settings.ca_file)
    except (OSError, ssl.SSLError) as error:
        raise SendError(f"email.ca_file {settings.ca_file!r}: cannot load ({error})") from None


def send(
    message: EmailMessage,
    envelope_recipients: Sequence[str],
    settings: EmailSettings,
    password: str | None,
    *,
    retries: int = 3,
    backoff: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """Deliver `message` to `envelope_recipients` (To + Cc + Bcc) through the configured server,
    and return the server's reply to the message (such as '250 OK queued as 4F2A').

    Transient failures before the server may have taken the message are retried `retries`
    times with exponential backoff; anything else raises SendError with the server's words."""
    server = check_settings(settings, password)
    host, port = server.host, server.port
    outgoing = check_message(message, envelope_recipients)
    sender, recipients, data = outgoing.sender, outgoing.recipients, outgoing.data

    accepted = [False]
    last = ""
    for attempt in range(max(0, retries) + 1):
        if attempt:
            sleep(backoff * 2 ** (attempt - 1))
        try:
            return _attempt(data, sender, recipients, settings, password, host, port, accepted)
        except _Transient as error:
            last = error.description
        except ssl.SSLError as error:
            raise SendError(f"TLS with {host}:{port} failed: {error}") from None
        except SendError:
            raise
        except (ConnectionError, TimeoutError) as error:
            last = f"{host}:{port}: {error}"
        except smtplib.SMTPException as error:
            raise SendError(f"{host}:{port}: {error}") from None
        except OSError as error:
            raise SendError(f"cannot reach {host}:{port}: {error.strerror or error}") from None
        if accepted[0]:
            raise UncertainDelivery(
                f"{last}; the server may already have the message, so it was not sent again "
                "(check with the recipients before resending)"
            )
    raise SendError(f"giving up after {max(0, retries) + 1} attempts: {last}")
