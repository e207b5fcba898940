"""Text -> checked email addresses and header values: exactly one plain mailbox per entry, and
nothing that could add a header. Light to import, so briefing.yaml's addresses are checked with
the rest of the file."""

from __future__ import annotations

import re
from collections.abc import Sequence
from email import policy
from email.headerregistry import Address
from email.utils import parseaddr

from .errors import SendError

_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")
_LINE_BREAK = re.compile(r"[\r\n\x85\u2028\u2029]")


def _control_problem(value: str) -> str | None:
    if _LINE_BREAK.search(value):
        return "contains a line break"
    if _CONTROL.search(value):
        return "contains a control character"
    return None


class AddressError(SendError):
    """An address that is not exactly one plain mailbox; `reason` says why, without the value."""

    def __init__(self, text: str, reason: str):
        super().__init__(f"email address {text!r}: {reason}")
        self.reason = reason


def parse_address(text: str) -> Address:
    """Parse exactly one address (display name allowed) or raise AddressError naming the value."""

    def refuse(reason: str) -> AddressError:
        return AddressError(text, reason)

    if not isinstance(text, str) or not text.strip():
        raise refuse("is empty")
    problem = _control_problem(text)
    if problem:
        raise refuse(problem)
    if "=?" in text or "?=" in text:
        raise refuse("encoded words (=?...?=) are not allowed")
    header = policy.default.header_factory("to", text.strip())
    groups = list(getattr(header, "groups", ()))
    addresses = list(getattr(header, "addresses", ()))
    if len(addresses) > 1 or len(groups) > 1:
        raise refuse("holds more than one address; give one address per entry")
    if any(group.display_name is not None for group in groups):
        raise refuse("is a group, not a single address")
    if getattr(header, "defects", None) or len(addresses) != 1:
        raise refuse(
            "is not a valid address (expected name@example.org or Name <name@example.org>)"
        )
    parsed: Address = addresses[0]
    # Re-check with the second, independent parser: both must agree on the mailbox.
    name, addr = parseaddr(text.strip())
    if addr != parsed.addr_spec or name != parsed.display_name:
        raise refuse("is ambiguous; write it as Name <name@example.org>")
    if not parsed.username or not parsed.domain:
        raise refuse(
            "is not a valid address (expected name@example.org or Name <name@example.org>)"
        )
    if not parsed.addr_spec.isascii():
        raise refuse("the part name@domain must be plain ASCII")
    if not re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?", parsed.domain):
        raise refuse(f"domain {parsed.domain!r} is not a host name")
    if any(ch in parsed.display_name for ch in "<>@"):
        raise refuse("the display name must not contain '<', '>' or '@'")
    try:
        return Address(display_name=parsed.display_name, addr_spec=parsed.addr_spec)
    except (ValueError, TypeError, IndexError) as error:
        raise refuse(f"is not a valid address ({error})") from None


def validate_address(text: str) -> str:
    """Return the address in canonical form, or raise SendError explaining why it is refused."""
    return str(parse_address(text))


def check_header(name: str, value: str) -> None:
    """Refuse a header value that could inject headers: line breaks and control characters."""
    problem = _control_problem(value)
    if problem:
        hint = (
            " (a trailing line break, e.g. from a YAML '|' block?)"
            if value.strip() != value
            else ""
        )
        raise SendError(f"{name} header {value!r}: {problem}{hint}")


def envelope_recipients(
    to: Sequence[str], cc: Sequence[str] = (), bcc: Sequence[str] = ()
) -> list[str]:
    """The bare addresses (name@domain) to give the server, without duplicates, in order."""
    seen: dict[str, None] = {}
    for text in [*to, *cc, *bcc]:
        seen.setdefault(parse_address(text).addr_spec, None)
    return list(seen)
