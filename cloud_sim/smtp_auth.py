"""The contract between the tenant's directory and its SMTP front door.

The SMTP server knows nothing about users, tokens or policies; it asks an
:class:`SmtpAuthorizer` (the tenant) and turns the verdict into Exchange's exact reply.
Keeping the seam this narrow lets the SMTP server be tested with a fake directory
and the directory be tested without sockets.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol


class AuthVerdict(enum.Enum):
    """Why Exchange Online accepted or refused an XOAUTH2 attempt."""

    OK = "ok"
    BAD_TOKEN = "bad_token"  # malformed, wrong audience/scope/user, expired, revoked -> 535 5.7.3
    SMTP_AUTH_DISABLED_TENANT = "smtp_auth_disabled_tenant"  # 535 5.7.139 ... for the Tenant
    SMTP_AUTH_DISABLED_MAILBOX = "smtp_auth_disabled_mailbox"  # 535 5.7.139 ... for the Mailbox
    SECURITY_DEFAULTS = "security_defaults"  # 535 5.7.139 ... security defaults policy
    CONDITIONAL_ACCESS = "conditional_access"  # 535 5.7.139 ... did not meet the criteria
    # AUTH LOGIN only (basic auth): the password was right, but Exchange Online no longer
    # takes passwords for client submission -> 550 5.7.30
    BASIC_AUTH_RETIRED = "basic_auth_retired"
    # AUTH LOGIN by a personal (Outlook.com) account -> 535 5.7.139 basic authentication is disabled
    BASIC_AUTH_DISABLED_PERSONAL = "basic_auth_disabled_personal"


@dataclass(frozen=True)
class AuthDecision:
    verdict: AuthVerdict
    #: the mailbox the token belongs to (lower-case UPN), set when verdict is OK
    mailbox: str | None = None


class SmtpAuthorizer(Protocol):
    def authorize_xoauth2(self, user: str, bearer_token: str) -> AuthDecision:
        """Decide on ``AUTH XOAUTH2`` for ``user`` presenting ``bearer_token``."""
        ...

    def may_send_as(self, mailbox: str, from_address: str) -> bool:
        """Whether the authenticated ``mailbox`` may use ``from_address``.

        Asked for the envelope sender (refused with 550 5.7.60) and for each header From
        address (refused with 554 5.2.252 SendAsDenied)."""
        ...

    def mailbox_exists(self, address: str) -> bool:
        """Whether ``address`` is a mailbox of this tenant (delivered mail lands in its Maildir)."""
        ...
