"""Who a tenant's directory holds: its accounts (work and personal), their roles, and its
Conditional Access policies, as plain records.

Apart from the directory's rules (``directory.py``) so that the CLI, the class server and the
identity platform's pages can name the default accounts and read a user without the store.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cloud_sim.jsontypes import JsonObject

if TYPE_CHECKING:  # the panel reads the default accounts here without loading sqlite3 (≈1.4 MiB)
    import sqlite3

TENANT_DOMAIN = "contoso.onmicrosoft.com"
#: The registered printer app (public client). Stable, so it can be panel-tui's default.
CLIENT_ID = "3c6e9f0a-52d4-4b8e-9a71-0e5d2f6b8c41"
APP_NAME = "Epson Printer Email (simulated)"

GLOBAL_ADMIN = "Global Administrator"
USER = "User"
#: a personal Microsoft account (Outlook.com): not a member of the organisation
PERSONAL = "Personal account"
PERSONAL_DOMAIN = "outlook.com"
ROLE_TEMPLATE_IDS = {GLOBAL_ADMIN: "62e90394-69f5-4237-9190-012177145e10"}

ORG_PRINCIPAL = "*"  # the consents row that stands for "on behalf of your organization"
DEFAULT_MESSAGE_SIZE_LIMIT = 35 * 1024 * 1024


@dataclass(frozen=True)
class DefaultAccount:
    username: str
    password: str
    role: str
    display_name: str


def default_accounts(domain: str = TENANT_DOMAIN) -> list[DefaultAccount]:
    """The accounts every new tenant starts with (printed at start and in the README)."""
    return [
        DefaultAccount(f"admin@{domain}", "Contoso-Admin-2025", GLOBAL_ADMIN, "Adele Vance"),
        DefaultAccount(f"printer@{domain}", "Contoso-Printer-2025", GLOBAL_ADMIN,
                       "Printer Administrator"),
        DefaultAccount(f"user@{domain}", "Contoso-User-2025", USER, "Alex Wilber"),
        *personal_accounts(),
    ]


def personal_accounts() -> list[DefaultAccount]:
    """The personal (Outlook.com) accounts every tenant's simulation also knows."""
    return [DefaultAccount(f"someone@{PERSONAL_DOMAIN}", "Outlook-Someone-2025", PERSONAL,
                           "Someone Personal")]


@dataclass(frozen=True)
class User:
    upn: str
    display_name: str
    role: str
    oid: str
    smtp_auth: bool | None  # per-mailbox SmtpClientAuthentication: None follows the org
    tokens_valid_from: float

    @property
    def is_admin(self) -> bool:
        return self.role == GLOBAL_ADMIN

    @property
    def is_personal(self) -> bool:
        """A personal Microsoft account (Outlook.com), outside the organisation."""
        return self.role == PERSONAL

    def as_dict(self) -> JsonObject:
        return {"upn": self.upn, "display_name": self.display_name, "role": self.role,
                "oid": self.oid, "smtp_auth": self.smtp_auth}


@dataclass(frozen=True)
class CaPolicy:
    id: str
    name: str
    users: tuple[str, ...]
    block_device_code_flow: bool

    def applies_to(self, upn: str) -> bool:
        return "all" in self.users or upn.lower() in self.users

    def as_dict(self) -> JsonObject:
        return {"id": self.id, "name": self.name, "users": list(self.users),
                "block_device_code_flow": self.block_device_code_flow,
                "grant": "block"}


def user_from_row(row: sqlite3.Row) -> User:
    smtp = row["smtp_auth"]
    return User(upn=row["upn"], display_name=row["display_name"], role=row["role"],
                oid=row["oid"], smtp_auth=None if smtp is None else bool(smtp),
                tokens_valid_from=row["tokens_valid_from"])


def new_user_code() -> str:
    """Nine upper-case letters and digits, without look-alikes, as Microsoft's user codes."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(9))


def utc(ts: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc)
