"""The tenant admin operations scenarios and scripts use, as one table (and script values for
device settings, typed by the settings section's defaults).

Each entry names the operation (as ``catalog.Tenant.op`` spells it), says what it takes, and
carries it out through the tenant's admin object (``cloud_sim.TenantAdmin``, or the panel's
``RemoteTenantAdmin`` with the same method names), in a worker thread. Short user names
(``admin``) become UPNs through the session. A text result is what the step reports.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from panel_tui.scenarios.catalog import FREE_PORT


class StepError(Exception):
    """A step could not be carried out (bad value, unknown user, ...): a message, never a trace."""


@dataclass(frozen=True)
class TenantOp:
    help: str
    run: Callable[[Any, Any, dict[str, Any]], str]  # (session, admin, args) -> what was done


def parse_on_off(value: Any) -> bool:
    from cloud_sim.admin import parse_bool  # here: `scenarios list` must not import cloud_sim

    try:
        return parse_bool(value)
    except ValueError:
        raise StepError(f"not on/off: {value!r}") from None


def _tri(value: Any) -> bool | None:
    if value is None or str(value).strip().lower() in ("none", "default", "org", "inherit"):
        return None
    return parse_on_off(value)


def _need(op: str, a: Mapping[str, Any], name: str) -> Any:
    if name not in a:
        raise StepError(f"tenant {op} needs {name}=...")
    return a[name]


def _on(value: bool) -> str:
    return "on" if value else "off"


def _reset(session: Any, admin: Any, a: dict[str, Any]) -> str:
    """Everything a script or the panel can change, back as the prepared preset has it: the
    switches, every mailbox's SMTP AUTH, no Conditional Access policies, no consent (a first
    sign-in as an administrator grants it), and the default accounts' passwords."""
    from cloud_sim.directory import DEFAULT_MESSAGE_SIZE_LIMIT

    admin.set_security_defaults(False)
    admin.set_org_smtp_auth(True)
    admin.set_public_client_flows(True)
    admin.set_message_size_limit(DEFAULT_MESSAGE_SIZE_LIMIT)
    for user in admin.list_users():
        upn = str(user.get("upn") or user.get("username"))
        admin.set_mailbox_smtp_auth(upn, True if upn.lower().startswith("printer@") else None)
    for policy in admin.conditional_access_policies():
        admin.remove_conditional_access_policy(str(policy["id"]))
    admin.revoke_admin_consent(None)
    for acct in session.tenant.accounts:
        admin.set_password(str(acct.username), str(acct.password))
    session.passwords.clear()
    return ("security defaults off, SMTP AUTH on (printer mailbox on), no Conditional Access policies, "
            "no consent, default passwords")


def _mailbox_smtp_auth(session: Any, admin: Any, a: dict[str, Any]) -> str:
    upn = session.upn(_need("mailbox-smtp-auth", a, "upn"))
    value = _tri(a.get("value"))
    admin.set_mailbox_smtp_auth(upn, value)
    return f"SMTP AUTH for {upn}: " + ("follows the organization" if value is None else _on(value))


def _size_limit(session: Any, admin: Any, a: dict[str, Any]) -> str:
    try:
        size = int(_need("message-size-limit", a, "size"))
    except (TypeError, ValueError):
        raise StepError(f"size must be a number of bytes, not {a.get('size')!r}") from None
    if size <= 0:
        raise StepError("size must be positive")
    admin.set_message_size_limit(size)
    return f"message size limit {size} bytes"


def _ca_add(session: Any, admin: Any, a: dict[str, Any]) -> str:
    name = str(_need("ca-add", a, "name"))
    users = a.get("users") or ("all",)
    if isinstance(users, str):
        users = tuple(u.strip() for u in users.split(",") if u.strip())
    users = tuple(u if u == "all" else session.upn(u) for u in users)
    block = parse_on_off(a.get("block_device_code_flow", False))
    admin.add_conditional_access_policy(name, users=users, block_device_code_flow=block)
    what = "blocks the device code flow at sign-in" if block else "blocks token refresh"
    return f"Conditional Access policy {name!r} for {', '.join(users)}: {what}"


def _ca_clear(session: Any, admin: Any, a: dict[str, Any]) -> str:
    policies = admin.conditional_access_policies()
    for policy in policies:
        admin.remove_conditional_access_policy(str(policy["id"]))
    return f"removed {len(policies)} Conditional Access policies"


def _set_password(session: Any, admin: Any, a: dict[str, Any]) -> str:
    upn = session.upn(_need("set-password", a, "upn"))
    admin.set_password(upn, str(_need("set-password", a, "password")))
    session.passwords[upn.lower()] = str(a["password"])
    return f"password of {upn} changed (its refresh tokens stop working)"


def _switch(method: str, label: str) -> Callable[[Any, Any, dict[str, Any]], str]:
    def run(session: Any, admin: Any, a: dict[str, Any]) -> str:
        on = parse_on_off(_need(label, a, "enabled"))
        getattr(admin, method)(on)
        return f"{label} {_on(on)}"

    return run


def _revoke_sessions(session: Any, admin: Any, a: dict[str, Any]) -> str:
    upn = session.upn(_need("revoke-sessions", a, "upn"))
    admin.revoke_sessions(upn)
    return f"sessions of {upn} revoked (refresh tokens stop working)"


def _consent(grant: bool) -> Callable[[Any, Any, dict[str, Any]], str]:
    def run(session: Any, admin: Any, a: dict[str, Any]) -> str:
        if grant:
            admin.grant_admin_consent(None)
            return "admin consent granted for the printer app"
        admin.revoke_admin_consent(None)
        return "every consent for the printer app withdrawn"

    return run


TENANT_OPS: Mapping[str, TenantOp] = {
    "reset": TenantOp("everything back to the prepared preset (switches, CA policies, consent, passwords)", _reset),
    "security-defaults": TenantOp("enabled=on|off",
                                  _switch("set_security_defaults", "security defaults")),
    "org-smtp-auth": TenantOp("enabled=on|off (Set-TransportConfig -SmtpClientAuthenticationDisabled)",
                              _switch("set_org_smtp_auth", "SMTP AUTH for the organization")),
    "mailbox-smtp-auth": TenantOp("upn=USER value=on|off|None (None: follow the organization)", _mailbox_smtp_auth),
    "public-client-flows": TenantOp("enabled=on|off (the app's 'Allow public client flows')",
                                    _switch("set_public_client_flows", "public client flows")),
    "message-size-limit": TenantOp("size=BYTES", _size_limit),
    "ca-add": TenantOp("name=NAME [users=all] [block_device_code_flow=on]", _ca_add),
    "ca-clear": TenantOp("remove every Conditional Access policy", _ca_clear),
    "consent-grant": TenantOp("admin consent for the printer app", _consent(True)),
    "consent-revoke": TenantOp("withdraw every consent for the printer app", _consent(False)),
    "revoke-sessions": TenantOp("upn=USER", _revoke_sessions),
    "set-password": TenantOp("upn=USER password=NEW (revokes the user's refresh tokens)", _set_password),
}


def apply_fault(session: Any, step: Any) -> str:
    """A ``fault`` step: through the admin API's ``fault-set`` / ``fault-clear`` (blocking)."""
    admin = session.tenant.admin
    try:
        if step.kind == "clear":
            admin.dispatch("fault-clear", {})
            return "no network faults"
        return str(admin.dispatch("fault-set", {"kind": step.kind, **dict(step.args)})["fault"])
    except (AttributeError, KeyError) as exc:
        raise StepError(f"this tenant has no network faults ({exc})") from None
    except ValueError as exc:
        raise StepError(str(exc)) from None


def run_op(session: Any, op: str, args: dict[str, Any]) -> str:
    """Carry one operation out (blocking: call it in a worker thread)."""
    entry = TENANT_OPS.get(op)
    if entry is None:
        raise StepError(f"unknown tenant operation {op!r} (known: {', '.join(TENANT_OPS)})")
    return entry.run(session, session.tenant.admin, args)


# -- device settings from a script ----------------------------------------------------------------


def coerce_settings(section: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Text values (from a script) to the field's type, by the section's defaults.

    Unknown sections and fields are refused here with the known names, so a typo in a script
    reads as a typo and not as a validation message about something else.
    """
    from device_model.settings import SECTION_TYPES

    cls = SECTION_TYPES.get(section)
    if cls is None:
        raise StepError(f"unknown settings section {section!r} (known: {', '.join(SECTION_TYPES)})")
    defaults = {f.name: f.default for f in fields(cls)}
    out: dict[str, Any] = {}
    for name, value in values.items():
        if name not in defaults:
            raise StepError(f"{section} has no field {name!r} (fields: {', '.join(defaults)})")
        default = defaults[name]
        if value == FREE_PORT or not isinstance(value, str):
            out[name] = value
        elif isinstance(default, bool):
            out[name] = parse_on_off(value)
        elif isinstance(default, int):
            try:
                out[name] = int(value)
            except ValueError:
                raise StepError(f"{section}.{name} must be a number, not {value!r}") from None
        elif default is None and value.strip().lower() in ("none", ""):
            out[name] = None
        else:
            out[name] = value
    return out
