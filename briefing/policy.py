"""The distribution policy: a marking and the recipients -> each recipient the marking does not
allow, with the rule it breaks. Checked before any connection, in a dry run as in a real send.

Markings without a rule of their own in briefing.yaml follow FIRST TLP 2.0: TLP:CLEAR goes to
anyone; TLP:GREEN and TLP:AMBER to the organisation's and the listed domains; TLP:AMBER+STRICT
to the organisation's own domains (by default, that of email.sender); TLP:RED only to addresses named
for this briefing. A domain covers itself only, not its subdomains. To, Cc and Bcc all count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .addresses import parse_address
from .config import Distribution
from .errors import SendError


@dataclass(frozen=True)
class Recipient:
    """One recipient as the policy sees it: the bare address and the header it is in."""

    address: str  # name@domain
    role: str  # To, Cc or Bcc


@dataclass(frozen=True)
class Rule:
    """Who may receive one marking, and how a refusal describes it."""

    anyone: bool
    domains: frozenset[str]
    addresses: frozenset[str]
    description: str

    def allows(self, address: str) -> bool:
        address = address.lower()
        return self.anyone or address in self.addresses or _domain(address) in self.domains


def recipients_of(to: Sequence[str], cc: Sequence[str], bcc: Sequence[str]) -> list[Recipient]:
    return [
        Recipient(parse_address(text).addr_spec, role)
        for role, texts in (("To", to), ("Cc", cc), ("Bcc", bcc))
        for text in texts
    ]


def rule_for(marking: str, policy: Distribution, configured_sender: str | None) -> Rule:
    """The marking's own rule in briefing.yaml, else its default.

    Only briefing.yaml decides: without distribution.organisation, the organisation is the
    domain of email.sender there, never of a --sender given for one run."""
    organisation = list(policy.organisation)
    own = "the organisation's own domains"
    if not organisation and configured_sender:
        organisation = [_domain(parse_address(configured_sender).addr_spec)]
        own = "the organisation's domain (that of email.sender)"
    explicit = policy.markings.get(marking)
    if explicit is not None:
        defaults = _default_domains(marking, policy, organisation)
        domains = explicit.domains if explicit.domains is not None else defaults
        addresses = [parse_address(a).addr_spec.lower() for a in explicit.addresses]
        named = ", ".join([*domains, *addresses]) or "none named"
        kinds = " and ".join(k for k, v in (("domains", domains), ("addresses", addresses)) if v)
        return Rule(
            False,
            frozenset(domains),
            frozenset(addresses),
            f"{marking} goes only to the {kinds or 'addresses'} in distribution.markings."
            f"{marking} ({named})",
        )
    if marking == "TLP:CLEAR":
        return Rule(True, frozenset(), frozenset(), "TLP:CLEAR goes to anyone")
    if marking in ("TLP:GREEN", "TLP:AMBER"):
        domains = _default_domains(marking, policy, organisation)
        return Rule(
            False,
            frozenset(domains),
            frozenset(),
            f"{marking} goes only to the domains in distribution.organisation and "
            f"distribution.domains ({_listed(domains)})",
        )
    if marking == "TLP:AMBER+STRICT":
        return Rule(
            False,
            frozenset(organisation),
            frozenset(),
            f"TLP:AMBER+STRICT stays within {own} ({_listed(organisation)})",
        )
    if marking == "TLP:RED":
        return Rule(
            False,
            frozenset(),
            frozenset(),
            "TLP:RED goes only to the addresses named for this briefing in "
            "distribution.markings.TLP:RED.addresses (none named)",
        )
    return Rule(
        False,
        frozenset(),
        frozenset(),
        f"{marking} has no rule in distribution.markings, so it goes to no one (add one "
        "with its domains and addresses)",
    )


def _default_domains(marking: str, policy: Distribution, organisation: list[str]) -> list[str]:
    if marking == "TLP:AMBER+STRICT":
        return organisation
    if marking in ("TLP:GREEN", "TLP:AMBER"):
        return list(dict.fromkeys([*organisation, *policy.domains]))
    return []


def _listed(domains: list[str]) -> str:
    return ", ".join(domains) or "none listed: set distribution.organisation"


def _domain(address: str) -> str:
    return address.rpartition("@")[2].lower()


def check_policy(
    marking: str,
    recipients: Sequence[Recipient],
    policy: Distribution,
    configured_sender: str | None,
) -> None:
    """Raise SendError naming every recipient the marking does not allow, and the rule."""
    rule = rule_for(marking, policy, configured_sender)
    refused = [r for r in recipients if not rule.allows(r.address)]
    if not refused:
        return
    count = f"{len(refused)} recipient{'s' * (len(refused) != 1)}"
    lines = [f"  {r.address} ({r.role}): {rule.description}" for r in refused]
    raise SendError(
        f"the distribution policy refuses {count} of this {marking} briefing; nothing was "
        "sent:\n" + "\n".join(lines)
    )
