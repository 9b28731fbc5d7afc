"""Epson Print Admin Serverless: the printer's own user accounts and "To Email" per user.

Guide p. 9: when Print Admin Serverless uses "User's email address" as the Sender's Email
Address, each user signs in with their own Microsoft account the first time they pick "To
Email"; the administrator signs in first with "Consent on behalf of your organization" (until
then an ordinary user gets "Need admin approval" from Entra ID). Tokens are kept per user
(``state_dir/pas/<user id>/email/``, owner-only), refreshed silently, and expire per user: a
361 is that user's alone.

Users are data (``state_dir/pas.json``, 0600): an ID, a name, a password (scrypt) or a card
number, and their email address. The email server itself is Network > Email Server's; only the
sign-in and (with sender mode "user") the From address are the user's.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from . import storage
from .email.client import EmailHost
from .email.second_client import SecondEmailClient

if TYPE_CHECKING:
    from .settings import EmailServerSettings

FILE_NAME = "pas.json"
SENDER_MODES = ("device", "user")  # the Email Server's Sender's Email Address, or the user's own


@dataclass(frozen=True)
class PasUser:
    """One account of the printer's authentication (ID and password, or a card)."""

    id: str
    name: str
    email: str
    card: str = ""
    admin: bool = False
    #: scrypt's salt, n, r, p and hash, as kept in pas.json (Any: checked where read, `_check`)
    password: dict[str, Any] = dataclasses.field(default_factory=dict, repr=False)


#: the users a new printer has (emulator data; the README lists them)
DEFAULT_USERS: tuple[tuple[str, str, str, str, str, bool], ...] = (
    # id, name, password, card, email, admin rights on the printer
    ("1001", "Printer Admin", "admin-1001", "04A1B2C3", "admin@contoso.onmicrosoft.com", True),
    ("1002", "Ordinary User", "user-1002", "04D4E5F6", "user@contoso.onmicrosoft.com", False),
    ("1003", "Printer Mailbox", "printer-1003", "04070809", "printer@contoso.onmicrosoft.com", False),
)


def _hash(password: str) -> dict[str, Any]:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=2**12, r=8, p=1)
    return {"alg": "scrypt", "n": 2**12, "r": 8, "p": 1, "salt": salt.hex(), "hash": digest.hex()}


def _check(password: str, record: dict[str, Any]) -> bool:
    try:
        digest = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(record["salt"]),
                                n=int(record["n"]), r=int(record["r"]), p=int(record["p"]))
        return hmac.compare_digest(digest.hex(), str(record["hash"]))
    except (KeyError, ValueError, TypeError):
        return False


class PrintAdminServerless:
    """The printer's PAS users, the sender mode, and a "To Email" client per user."""

    def __init__(self, device: EmailHost) -> None:
        self.device = device
        self.path = Path(device.state_dir) / FILE_NAME
        self.sender_mode = "user"
        self.users: dict[str, PasUser] = {}
        self._clients: dict[str, PasEmail] = {}
        self._load()

    def _load(self) -> None:
        import json

        try:
            raw = json.loads(self.path.read_text("utf-8"))["data"]
            self.sender_mode = raw["sender_mode"] if raw.get("sender_mode") in SENDER_MODES else "user"
            self.users = {
                str(u["id"]): PasUser(str(u["id"]), str(u["name"]), str(u["email"]), str(u.get("card", "")),
                                      bool(u.get("admin", False)), dict(u.get("password") or {}))
                for u in raw["users"]
            }
            return
        except (OSError, ValueError, KeyError, TypeError):
            pass
        self.users = {uid: PasUser(uid, name, email, card, admin, _hash(pw))
                      for uid, name, pw, card, email, admin in DEFAULT_USERS}
        self._save()

    def _save(self) -> None:
        storage.atomic_write_json(self.path, {"schema_version": 1, "data": {
            "sender_mode": self.sender_mode,
            "users": [dataclasses.asdict(u) for u in self.users.values()],
        }})

    def set_sender_mode(self, mode: str) -> None:
        if mode not in SENDER_MODES:
            raise ValueError(mode)
        self.sender_mode = mode
        self._save()
        self.device.emit("settings", "pas")

    def authenticate(self, user_id: str, password: str = "", *, card: str = "") -> PasUser | None:
        """The user for this ID and password, or this card number; None if neither matches."""
        if card:
            return next((u for u in self.users.values() if u.card and hmac.compare_digest(u.card, card.strip())), None)
        user = self.users.get(user_id.strip())
        if user is not None and _check(password, user.password):
            return user
        return None

    def clients(self) -> list["PasEmail"]:
        """The users' To Email clients made so far (each with its own pending sign-in)."""
        return list(self._clients.values())

    def client(self, user: PasUser) -> "PasEmail":
        """The user's "To Email" client (their own sign-in; made on first use)."""
        client = self._clients.get(user.id)
        if client is None:
            client = self._clients[user.id] = PasEmail(self.device, user, self)
        return client


class PasEmail(SecondEmailClient):
    """To Email for one PAS user: the Email Server's settings, the user's own sign-in, and (with
    sender mode "user") the user's address as Sender's Email Address."""

    #: Job Status names the job as the user started it: To Email, not the panel's Scan to Email
    scan_job_kind = "to_email"

    def __init__(self, device: EmailHost, user: PasUser, pas: PrintAdminServerless) -> None:
        self.user = user
        self.pas = pas
        super().__init__(device)

    def token_dir(self, device: EmailHost) -> Path:
        return Path(device.state_dir) / "pas" / self.user.id

    def to_email_step(self) -> str:
        """What To Email needs first: "not_set", "sign_in" or "send".

        "not_set": Network > Email Server has no server to send with (Authentication Method
        other than OAuth2 and no SMTP Server Address). Said before any sign-in, since no sign-in
        could make that send. "sign_in": the Email Server uses OAuth2 (the guide's p. 9 case)
        and this user holds no valid sign-in of their own. "send": otherwise; with SMTP AUTH or
        none, the Email Server's own authentication sends and there is no user sign-in.
        """
        settings = self.device.settings.email_server
        if settings.auth_method != "oauth2":
            return "send" if settings.smtp_server.strip() else "not_set"
        return "send" if self.status().state == "signed_in" else "sign_in"

    def server_settings(self) -> EmailServerSettings:
        settings = self.device.settings.email_server
        if self.pas.sender_mode == "user":
            return dataclasses.replace(settings, sender_address=self.user.email)
        return settings


def pas_for(device: PasOwner) -> PrintAdminServerless:
    """The device's Print Admin Serverless (kept on the device, made on first use)."""
    return device.pas


class PasOwner(Protocol):
    """A device that keeps its Print Admin Serverless (``Device.pas``)."""

    @property
    def pas(self) -> PrintAdminServerless: ...
