"""How scenarios and scripts change the tenant and the device: one operation of the tenant's
table (``cloud_sim.operations``, through ``admin.dispatch``: ``cloud_sim.TenantAdmin`` in-process
or the panel's ``RemoteTenantAdmin`` over HTTPS), a network fault, and script values for device
settings typed by the settings section's defaults. Every refusal is a :class:`StepError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import TYPE_CHECKING

from panel_tui.scenarios.steps import FREE_PORT, Fault
from panel_tui.scenarios.seams import ArgValue

if TYPE_CHECKING:
    from panel_tui.scenarios.seams import SessionLike as Session


class StepError(Exception):
    """A step could not be carried out (bad value, unknown user, ...): a message, never a trace."""


def parse_on_off(value: object) -> bool:
    from cloud_sim.operations import parse_bool  # here: `scenarios list` must not import cloud_sim

    try:
        return parse_bool(value)
    except ValueError:
        raise StepError(f"not on/off: {value!r}") from None


def tenant_ops() -> dict[str, str]:
    """The tenant operations a scenario or script may run, with their arguments (the table is
    ``cloud_sim.operations``; imported here, not at the top: ``scenarios list`` stays light)."""
    from cloud_sim.operations import SCENARIO_OPS

    return {op.name: " ".join(filter(None, (op.usage(), op.help))) for op in SCENARIO_OPS}


def apply_fault(session: Session, step: Fault) -> str:
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


def run_op(session: Session, name: str, args: dict[str, ArgValue]) -> str:
    """One operation of the tenant's table through ``admin.dispatch`` (in-process or over HTTP
    alike; blocking: call it in a worker thread). Short user names (``admin``) become the
    tenant's UPNs first. ``reset`` also withdraws consent and gives the default accounts their
    passwords back, so a run never depends on what an earlier one did."""
    from cloud_sim.operations import BY_NAME, Kind, parse_args

    op = BY_NAME.get(name)
    if op is None or op.says is None:
        raise StepError(f"unknown tenant operation {name!r} (known: {', '.join(tenant_ops())})")
    a = dict(args)
    for p in op.params:
        value = a.get(p.name)
        if p.kind is Kind.USER and value is not None:
            a[p.name] = session.upn(value)
        elif p.kind is Kind.USERS and value:
            users = [u.strip() for u in value.split(",") if u.strip()] if isinstance(value, str) else list(value)
            a[p.name] = [u if u == "all" else session.upn(u) for u in users]
    admin = session.tenant.admin
    try:
        parsed = parse_args(op, a)
        result = admin.dispatch(op.name, a)
        if op.name == "reset":
            _reset_accounts(session)
    except (KeyError, ValueError) as exc:
        raise StepError(f"tenant {name}: {exc.args[0] if exc.args else exc}") from None
    if op.name == "set-password":  # a later sign-in uses the new password
        session.passwords[str(parsed["upn"]).lower()] = str(parsed["password"])
    text = op.says(parsed, result)
    return text + ", no consent, default passwords" if op.name == "reset" else text


def _reset_accounts(session: Session) -> None:
    """No consent (a first sign-in as an administrator grants it) and the default accounts'
    published passwords, through the same table."""
    from cloud_sim.operations import wire_args

    admin = session.tenant.admin
    admin.dispatch(*wire_args("revoke_admin_consent", {"client_id": None}))
    # only a changed password is set again: an unchanged account keeps its sessions (other
    # printers on a shared tenant stay signed in)
    admin.dispatch("default-passwords", {})
    session.passwords.clear()


# -- device settings from a script ----------------------------------------------------------------


def coerce_settings(section: str, values: Mapping[str, ArgValue]) -> dict[str, ArgValue]:
    """Text values (from a script) to the field's type, by the section's defaults.

    Unknown sections and fields are refused here with the known names, so a typo in a script
    reads as a typo and not as a validation message about something else.
    """
    from device_model.settings import SECTION_TYPES

    cls = SECTION_TYPES.get(section)
    if cls is None:
        raise StepError(f"unknown settings section {section!r} (known: {', '.join(SECTION_TYPES)})")
    defaults = {f.name: f.default for f in fields(cls)}
    out: dict[str, ArgValue] = {}
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
