"""TenantAdmin: the admin centre of the simulated tenant as a Python API.

The same object serves ``h.admin`` in-process and the ``/_sim/admin`` HTTP API that
``cloud-sim admin ...`` talks to, so both surfaces always behave alike.
"""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from pathlib import Path
from collections.abc import Callable, Mapping
from typing import Any

from cloud_sim.clock import TenantClock
from cloud_sim.faults import FAULT_OPS, Faults
from cloud_sim.directory import DEFAULT_MESSAGE_SIZE_LIMIT, Directory
from cloud_sim.operations import JsonValue, keywords, operation, parse_args
from cloud_sim.operations import parse_bool as parse_bool  # the scenarios' on/off reader
from cloud_sim.jsontypes import JsonObject
from cloud_sim.relay import RelayHost


class TenantAdmin:
    #: the tenant's network faults (set by start_tenant), or None (an admin without servers)
    faults: Faults | None = None
    #: the mail relay with its own CA (set by start_tenant), or None (an admin without servers)
    relay: RelayHost | None = None

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

    def clear_conditional_access(self) -> int:
        """Remove every Conditional Access policy; how many there were."""
        policies = self._dir.policies()
        for policy in policies:
            self._dir.remove_policy(policy.id)
        return len(policies)

    def reset_to_prepared(self) -> None:
        """The prepared preset's switches again (a scenario's baseline): security defaults off,
        SMTP AUTH on for the organization and on for the printer's mailbox (others follow it),
        public client flows on, the default size limit, no Conditional Access policies."""
        self.set_security_defaults(False)
        self.set_org_smtp_auth(True)
        self.set_public_client_flows(True)
        self.set_message_size_limit(DEFAULT_MESSAGE_SIZE_LIMIT)
        for user in self._dir.users():
            self._dir.set_mailbox_smtp_auth(user.upn, True if user.upn.lower().startswith("printer@") else None)
        self.clear_conditional_access()

    def restore_default_passwords(self) -> int:
        """The default accounts' published passwords again, where one was changed (a scenario's
        baseline); an unchanged account keeps its hash and its sessions. How many changed."""
        from cloud_sim.accounts import default_accounts

        changed = 0
        for acct in default_accounts(self._dir.domain):
            if self._dir.user(acct.username) is None or self._dir.check_password(acct.username, acct.password):
                continue
            self._dir.set_password(acct.username, acct.password)
            changed += 1
        return changed

    def conditional_access_policies(self) -> list[JsonObject]:
        return [p.as_dict() for p in self._dir.policies()]

    def grant_admin_consent(self, client_id: str | None = None) -> None:
        self._dir.grant_consent(client_id or self._dir.client_id)

    def revoke_admin_consent(self, client_id: str | None = None) -> None:
        """Withdraw every consent for the app (org-wide and users' own)."""
        self._dir.revoke_consent(client_id or self._dir.client_id)

    def has_admin_consent(self, client_id: str | None = None) -> bool:
        return self._dir.has_admin_consent(client_id)

    # -- the relay with its own CA (cloud_sim.relay) -----------------------------------------
    def _relay(self) -> RelayHost:
        if self.relay is None:
            raise ValueError("no tenant is running: the relay lives in a running tenant (cloud-sim serve)")
        return self.relay

    def relay_start(self) -> JsonObject:
        """Start the relay (kept running across the tenant's restarts until stopped)."""
        return self._relay().start()

    def relay_stop(self) -> JsonObject:
        return self._relay().stop()

    def relay_state(self) -> JsonObject:
        return self._relay().state()

    # -- users -------------------------------------------------------------------------------
    def revoke_sessions(self, upn: str) -> None:
        self._dir.revoke_sessions(upn)

    def set_password(self, upn: str, password: str) -> None:
        self._dir.set_password(upn, password)

    def set_password_cost(self, n: int) -> None:
        """scrypt's N for passwords set from now on (tenant setting; see ``cloud_sim.store``)."""
        self._dir.set_password_cost(n)

    def list_users(self) -> list[JsonObject]:
        return [u.as_dict() for u in self._dir.users()]

    def ensure_user(self, upn: str, password: str, *, role: str = "Global Administrator",
                    display_name: str = "") -> dict[str, Any]:
        """The account ``upn``, created with ``password`` and ``role`` if it does not exist yet
        (a class's per-student accounts; an existing account keeps its password)."""
        user = self._dir.user(upn if "@" in upn else f"{upn}@{self._dir.domain}")
        if user is None:
            user = self._dir.add_user(upn, password, display_name=display_name, role=role)
        return user.as_dict()

    # -- token signing keys ------------------------------------------------------------------
    def rotate_signing_key(self) -> JsonObject:
        """Key rollover: a new signing key at ``jwks_uri``; the old one stays published for a
        grace period (so tokens signed with it still validate), as Microsoft rolls its keys."""
        return self._dir.keys.rotate()

    def signing_keys(self) -> list[JsonObject]:
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

    def mail_list(self, upn: str | None = None) -> list[JsonObject]:
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
    def state(self) -> JsonObject:
        d = self._dir
        return {
            "tenant_domain": d.domain, "tenant_id": d.tenant_id, "client_id": d.client_id,
            "app_name": d.app_name, "now": self.now().isoformat(),
            "clock_offset_seconds": self._clock.offset().total_seconds(),
            "settings": d.settings(), "admin_consent": d.has_admin_consent(),
            "users": self.list_users(), "conditional_access": self.conditional_access_policies(),
        }

    # -- the table's entry points -------------------------------------------------------------
    def perform(self, name: str, args: Mapping[str, JsonValue]) -> tuple[dict[str, object], Any]:
        """Run one operation of :data:`cloud_sim.operations.OPERATIONS`: its arguments as read
        (for the tester's sentence) and the method's own result. KeyError: no such operation;
        ValueError: a bad or missing argument, or an unknown user or policy."""
        op = operation(name)
        parsed = parse_args(op, args)
        # getattr: the table names the method (a unit test checks every entry names one here)
        method: Callable[..., Any] = getattr(self, op.method)
        try:
            return parsed, method(**keywords(op, parsed))
        except KeyError as exc:  # an unknown user or policy
            raise ValueError(str(exc.args[0]) if exc.args else "missing argument") from None
        except (OverflowError, RecursionError) as exc:  # a number or nesting out of range
            raise ValueError(f"argument out of range: {exc}") from None

    def dispatch(self, name: str, args: Mapping[str, JsonValue]) -> Any:
        """Run one admin operation named by the ``/_sim/admin/{op}`` path (JSON in and out).
        The network faults' operations come first: they live beside the table (cloud_sim.faults)."""
        if name in FAULT_OPS and self.faults is not None:
            return self.faults.dispatch(name, dict(args))
        op = operation(name)
        _, result = self.perform(name, args)
        if result is None:
            return {"ok": True}
        if op.wraps:
            return {op.wraps: result.isoformat() if isinstance(result, dt.datetime) else result}
        return result
