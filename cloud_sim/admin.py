"""TenantAdmin: the admin centre of the simulated tenant as a Python API.

The same object serves ``h.admin`` in-process and the ``/_sim/admin`` HTTP API that
``cloud-sim admin ...`` talks to, so both surfaces always behave alike.
"""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Callable

from cloud_sim.clock import TenantClock, parse_duration
from cloud_sim.directory import Directory


class TenantAdmin:
    def __init__(self, directory: Directory, clock: TenantClock, maildir_root: Path,
                 on_size_limit: Callable[[int], None] | None = None):
        self._dir = directory
        self._clock = clock
        self._maildir_root = Path(maildir_root)
        self._on_size_limit = on_size_limit

    # -- Entra ID / Exchange switches --------------------------------------------------------
    def set_security_defaults(self, enabled: bool) -> None:
        self._dir.set_setting("security_defaults", bool(enabled))

    def set_org_smtp_auth(self, enabled: bool) -> None:
        self._dir.set_setting("org_smtp_auth", bool(enabled))

    def set_mailbox_smtp_auth(self, upn: str, value: bool | None) -> None:
        """``SmtpClientAuthenticationDisabled`` inverted: True on, False off, None follow org."""
        self._dir.set_mailbox_smtp_auth(upn, value)

    def set_public_client_flows(self, enabled: bool) -> None:
        self._dir.set_setting("public_client_flows", bool(enabled))

    def set_message_size_limit(self, size: int) -> None:
        if int(size) <= 0:
            raise ValueError("size limit must be positive")
        self._dir.set_setting("message_size_limit", int(size))
        if self._on_size_limit:
            self._on_size_limit(int(size))

    def add_conditional_access_policy(self, name: str, *, users: tuple[str, ...] | list[str] = ("all",),
                                      block_device_code_flow: bool = False) -> str:
        return self._dir.add_policy(name, tuple(users), block_device_code_flow)

    def remove_conditional_access_policy(self, policy_id: str) -> None:
        self._dir.remove_policy(policy_id)

    def conditional_access_policies(self) -> list[dict[str, Any]]:
        return [p.as_dict() for p in self._dir.policies()]

    def grant_admin_consent(self, client_id: str | None = None) -> None:
        self._dir.grant_consent(client_id or self._dir.client_id)

    def revoke_admin_consent(self, client_id: str | None = None) -> None:
        """Withdraw every consent for the app (org-wide and users' own)."""
        self._dir.revoke_consent(client_id or self._dir.client_id)

    def has_admin_consent(self, client_id: str | None = None) -> bool:
        return self._dir.has_admin_consent(client_id)

    # -- users -------------------------------------------------------------------------------
    def revoke_sessions(self, upn: str) -> None:
        self._dir.revoke_sessions(upn)

    def set_password(self, upn: str, password: str) -> None:
        self._dir.set_password(upn, password)

    def set_password_cost(self, n: int) -> None:
        """scrypt's N for passwords set from now on (tenant setting; see ``cloud_sim.store``)."""
        self._dir.set_password_cost(n)

    def list_users(self) -> list[dict[str, Any]]:
        return [u.as_dict() for u in self._dir.users()]

    # -- token signing keys ------------------------------------------------------------------
    def rotate_signing_key(self) -> dict[str, Any]:
        """Key rollover: a new signing key at ``jwks_uri``; the old one stays published for a
        grace period (so tokens signed with it still validate), as Microsoft rolls its keys."""
        return self._dir.keys.rotate()

    def signing_keys(self) -> list[dict[str, Any]]:
        return self._dir.keys.summary()

    # -- time travel -------------------------------------------------------------------------
    def advance_clock(self, delta: dt.timedelta) -> dt.datetime:
        return self._clock.advance(delta)

    def now(self) -> dt.datetime:
        return self._clock.now()

    # -- mail --------------------------------------------------------------------------------
    def maildir(self, upn: str) -> Path:
        from cloud_sim.maildir import mailbox_dir

        return mailbox_dir(self._maildir_root, upn)

    def messages(self, upn: str) -> list[EmailMessage]:
        from cloud_sim.maildir import read_messages

        return read_messages(self._maildir_root, upn)

    def mail_list(self, upn: str | None = None) -> list[dict[str, Any]]:
        from cloud_sim.maildir import list_mailboxes, list_messages

        boxes = [upn] if upn else list_mailboxes(self._maildir_root)
        out = []
        for box in boxes:
            for m in list_messages(self._maildir_root, box):
                out.append({"mailbox": box, "delivered": m.delivered.isoformat(),
                            "from": m.from_, "to": m.to, "subject": m.subject,
                            "size": m.size, "path": str(m.path)})
        return out

    def mail_summary(self) -> list[dict[str, Any]]:
        """Every mailbox and when mail last landed in it (no message listed or read: the panel
        follows new mail to its mailbox at the same cost at 10 and at 100 000 messages)."""
        from cloud_sim.maildir import last_delivery, list_mailboxes

        return [{"mailbox": box, "newest": last_delivery(self._maildir_root, box)}
                for box in list_mailboxes(self._maildir_root)]

    def mail_page(self, upn: str, offset: int = 0, limit: int = 50) -> dict[str, Any]:
        """One page of a mailbox, newest first (headers and attachment names), and its total."""
        from cloud_sim.maildir import list_page

        total, page = list_page(self._maildir_root, upn, offset, min(max(0, limit), 500))
        return {"mailbox": upn, "total": total, "offset": offset, "messages": [
            {"mailbox": upn, "key": m.key, "delivered": m.delivered.isoformat(), "from": m.from_,
             "to": m.to, "subject": m.subject, "size": m.size, "path": str(m.path),
             "date": m.date, "attachments": list(m.attachments)} for m in page]}

    # -- overview ----------------------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        d = self._dir
        return {
            "tenant_domain": d.domain, "tenant_id": d.tenant_id, "client_id": d.client_id,
            "app_name": d.app_name, "now": self.now().isoformat(),
            "clock_offset_seconds": self._clock.offset().total_seconds(),
            "settings": d.settings(), "admin_consent": d.has_admin_consent(),
            "users": self.list_users(), "conditional_access": self.conditional_access_policies(),
        }

    # -- the HTTP admin API's entry point ----------------------------------------------------
    def dispatch(self, op: str, args: dict[str, Any]) -> Any:
        """Run one admin operation named by the ``/_sim/admin/{op}`` path (JSON in and out)."""
        a = args
        text = _text_arg
        ops: dict[str, Callable[[], Any]] = {
            "state": self.state,
            "users": self.list_users,
            "security-defaults": lambda: self.set_security_defaults(parse_bool(a["enabled"])),
            "org-smtp-auth": lambda: self.set_org_smtp_auth(parse_bool(a["enabled"])),
            "mailbox-smtp-auth": lambda: self.set_mailbox_smtp_auth(
                text(a, "upn"), None if a.get("value") is None else parse_bool(a["value"])),
            "public-client-flows": lambda: self.set_public_client_flows(parse_bool(a["enabled"])),
            "message-size-limit": lambda: self.set_message_size_limit(_int_arg(a, "size")),
            "ca-add": lambda: {"id": self.add_conditional_access_policy(
                text(a, "name"), users=_users_arg(a),
                block_device_code_flow=parse_bool(a.get("block_device_code_flow", False)))},
            "ca-remove": lambda: self.remove_conditional_access_policy(text(a, "id")),
            "ca-list": self.conditional_access_policies,
            "consent-grant": lambda: self.grant_admin_consent(text(a, "client_id", None)),
            "consent-revoke": lambda: self.revoke_admin_consent(text(a, "client_id", None)),
            "revoke-sessions": lambda: self.revoke_sessions(text(a, "upn")),
            "set-password": lambda: self.set_password(text(a, "upn"), text(a, "password")),
            "password-cost": lambda: self.set_password_cost(_int_arg(a, "n")),
            "advance": lambda: {"now": self.advance_clock(
                parse_duration(text(a, "duration"))).isoformat()},
            "now": lambda: {"now": self.now().isoformat()},
            "mail-list": lambda: self.mail_list(text(a, "mailbox", None)),
            "mail-summary": self.mail_summary,
            "mail-page": lambda: self.mail_page(text(a, "mailbox"), _int_arg(a, "offset"),
                                                _int_arg(a, "limit")),
            "rotate-signing-key": self.rotate_signing_key,
            "signing-keys": self.signing_keys,
        }
        if op not in ops:
            raise KeyError(f"unknown admin operation: {op}")
        try:
            result = ops[op]()
        except KeyError as exc:  # a missing argument or an unknown user/policy
            raise ValueError(str(exc.args[0]) if exc.args else "missing argument") from None
        except (OverflowError, RecursionError) as exc:  # a number or nesting out of range
            raise ValueError(f"argument out of range: {exc}") from None
        return {"ok": True} if result is None else result


_MISSING = object()


def _text_arg(args: dict[str, Any], name: str, default: Any = _MISSING) -> Any:
    """A string argument: a number, list or object where text belongs is a clean 400
    (the CLI sends strings; JSON from elsewhere may send anything)."""
    if name not in args or args[name] is None:
        if default is _MISSING:
            raise KeyError(f"missing argument: {name}")
        return default
    value = args[name]
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string, not {type(value).__name__}")
    return value


def _int_arg(args: dict[str, Any], name: str) -> int:
    """A whole number (a JSON number or its text); Infinity, NaN, 1e400 and lists are 400s."""
    value = _text_arg(args, name) if isinstance(args.get(name), str) else args.get(name, _MISSING)
    if value is _MISSING:
        raise KeyError(f"missing argument: {name}")
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"{name} must be a whole number")
    try:
        number = int(value) if not isinstance(value, float) or value.is_integer() else None
    except (ValueError, OverflowError):
        number = None
    if number is None or abs(number) > 2**53:
        raise ValueError(f"{name} must be a whole number")
    return number


def _users_arg(args: dict[str, Any]) -> tuple[str, ...]:
    users = args.get("users") or ("all",)
    if isinstance(users, str):
        users = (users,)
    if not isinstance(users, (list, tuple)) or not all(isinstance(u, str) for u in users):
        raise ValueError("users must be a list of user names")
    return tuple(users)


def parse_bool(value: Any) -> bool:
    """An on/off argument as the admin CLI and HTTP API take it (also the scenarios' parser)."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "on", "yes", "enabled"):
        return True
    if text in ("0", "false", "off", "no", "disabled"):
        return False
    raise ValueError(f"not a boolean: {value!r}")
