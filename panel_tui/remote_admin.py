"""The tenant's admin HTTP API (``/_sim/admin/{op}``) behind the ``TenantAdmin`` methods the
Cloud surface uses, for ``--cloud URL``.

The API wants the bearer secret a running tenant writes to ``run.json`` in its state dir, beside
its ``ca.pem``; so admin works for a tenant on the same machine whose CA was given with
``--cloud-ca``, and is honestly unavailable otherwise.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from email.message import EmailMessage
from email.parser import BytesParser
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, cast

from cloud_sim.jsontypes import JsonObject
from cloud_sim.operations import wire_args

if TYPE_CHECKING:  # pragma: no cover - typing only
    from cloud_sim.httpclient import HttpSession

log = logging.getLogger(__name__)


def find_admin_secret(base_url: str, ca_cert_path: Path | None) -> str | None:
    """The admin secret from ``run.json`` next to the tenant's CA, if it is this tenant's."""
    if ca_cert_path is None:
        return None
    run_file = Path(ca_cert_path).parent / "run.json"
    try:
        run = json.loads(run_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if str(run.get("base_url", "")).rstrip("/") != base_url.rstrip("/"):
        return None
    secret = run.get("admin_secret")
    return str(secret) if secret else None


def _duration(delta: dt.timedelta) -> str:
    return f"{int(delta.total_seconds())}s"


class RemoteTenantAdmin:
    """A ``TenantAdmin`` look-alike that talks to a running tenant over HTTPS."""

    def __init__(self, base_url: str, ca_cert_path: Path | None, secret: str, timeout: float = 15) -> None:
        self.base_url = base_url.rstrip("/")
        self._ca = ca_cert_path
        self._secret = secret
        self._timeout = timeout
        self._session_box: list[HttpSession] = []
        self._session_lock = threading.Lock()

    @property
    def _session(self) -> HttpSession:
        """The keep-alive HTTPS session (standard library), made at the first call: the panel
        makes this object as its tenant starts, and most sessions never open the admin."""
        with self._session_lock:
            if not self._session_box:
                from cloud_sim.httpclient import HttpSession

                # the tenant's CA alone (None: the system's store), no proxy from the environment
                session = HttpSession(ca_path=self._ca or None,
                                      headers={"Authorization": f"Bearer {self._secret}"})
                self._session_box.append(session)
            return self._session_box[0]

    def dispatch(self, op: str, args: Mapping[str, object]) -> object:
        """``TenantAdmin.dispatch`` over HTTPS: the same operation names and JSON answers."""
        reply = self._session.post(f"{self.base_url}/_sim/admin/{op}", json_body=dict(args), timeout=self._timeout)
        body: object = reply.json()
        if reply.status_code >= 400:
            error = body if isinstance(body, dict) else {}
            raise ValueError(error.get("error_description") or error.get("error") or str(reply.status_code))
        return body

    def _call(self, method: str, **kwargs: object) -> object:
        """A ``TenantAdmin`` method call as its operation in the tenant's table."""
        op, args = wire_args(method, kwargs)
        return self.dispatch(op, args)

    def _object(self, method: str, **kwargs: object) -> JsonObject:
        """An operation that answers a JSON object (checked: a wrong answer is a ValueError)."""
        body = self._call(method, **kwargs)
        if not isinstance(body, dict):
            raise ValueError(f"{method}: the tenant answered {type(body).__name__}, not an object")
        return body

    def _objects(self, method: str, **kwargs: object) -> list[JsonObject]:
        """An operation that answers a list of JSON objects (checked as ``_object``)."""
        body = self._call(method, **kwargs)
        if not isinstance(body, list) or not all(isinstance(item, dict) for item in body):
            raise ValueError(f"{method}: the tenant answered {type(body).__name__}, not a list of objects")
        return cast("list[JsonObject]", body)

    # the subset of TenantAdmin the Cloud surface uses
    def state(self) -> JsonObject:
        return self._object("state")

    def list_users(self) -> list[JsonObject]:
        return self._objects("list_users")

    def set_security_defaults(self, enabled: bool) -> None:
        self._call("set_security_defaults", enabled=enabled)

    def set_org_smtp_auth(self, enabled: bool) -> None:
        self._call("set_org_smtp_auth", enabled=enabled)

    def set_mailbox_smtp_auth(self, upn: str, value: bool | None) -> None:
        self._call("set_mailbox_smtp_auth", upn=upn, value=value)

    def set_public_client_flows(self, enabled: bool) -> None:
        self._call("set_public_client_flows", enabled=enabled)

    def add_conditional_access_policy(
        self, name: str, *, users: tuple[str, ...] | list[str] = ("all",), block_device_code_flow: bool = False
    ) -> str:
        return str(self._object("add_conditional_access_policy", name=name, users=list(users),
                              block_device_code_flow=block_device_code_flow)["id"])

    def remove_conditional_access_policy(self, policy_id: str) -> None:
        self._call("remove_conditional_access_policy", policy_id=policy_id)

    def conditional_access_policies(self) -> list[JsonObject]:
        return self._objects("conditional_access_policies")

    def grant_admin_consent(self, client_id: str | None = None) -> None:
        self._call("grant_admin_consent", client_id=client_id)

    def revoke_admin_consent(self, client_id: str | None = None) -> None:
        self._call("revoke_admin_consent", client_id=client_id)

    def has_admin_consent(self, client_id: str | None = None) -> bool:
        return bool(self.state().get("admin_consent"))

    def revoke_sessions(self, upn: str) -> None:
        self._call("revoke_sessions", upn=upn)

    def set_password(self, upn: str, password: str) -> None:
        self._call("set_password", upn=upn, password=password)

    def set_message_size_limit(self, size: int) -> None:
        self._call("set_message_size_limit", size=int(size))

    def advance_clock(self, delta: dt.timedelta) -> dt.datetime:
        return dt.datetime.fromisoformat(str(self._object("advance_clock", delta=_duration(delta))["now"]))

    def now(self) -> dt.datetime:
        return dt.datetime.fromisoformat(str(self._object("now")["now"]))

    def mail_list(self, upn: str | None = None) -> list[JsonObject]:
        return self._objects("mail_list", upn=upn)

    def mail_summary(self) -> list[JsonObject]:
        return self._objects("mail_summary")

    def mail_page(self, upn: str, offset: int = 0, limit: int = 50) -> JsonObject:
        return self._object("mail_page", upn=upn, offset=offset, limit=limit)

    def messages(self, upn: str) -> list[EmailMessage]:
        """The mailbox's messages, read from the Maildir files the tenant names (same machine)."""
        from email import policy  # EmailMessage's policy: loaded only when mail is read whole

        out: list[EmailMessage] = []
        for entry in self.mail_list(upn):
            try:
                with open(entry["path"], "rb") as fh:
                    out.append(BytesParser(policy=policy.default).parse(fh))  # type: ignore[arg-type]
            except (OSError, KeyError):
                message = EmailMessage()
                message["From"] = entry.get("from", "")
                message["Subject"] = entry.get("subject", "")
                message["Date"] = entry.get("delivered", "")
                out.append(message)
        return out
