"""The tenant's admin operations are named once (cloud_sim/operations.py) and every surface reads them."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from cloud_sim import cli, state_dir
from cloud_sim.admin import TenantAdmin
from cloud_sim.operations import BY_METHOD, OPERATIONS, READ_ONLY, SCENARIO_OPS, operation, parse_args, wire_args
from panel_tui.remote_admin import RemoteTenantAdmin
from panel_tui.scenarios.engine import tenant_ops

ROOT = Path(__file__).resolve().parents[2]


def test_every_operation_names_a_tenant_admin_method_with_its_keywords() -> None:
    for op in OPERATIONS:
        method = getattr(TenantAdmin, op.method)
        accepted = set(inspect.signature(method).parameters) - {"self"}
        assert {p.keyword for p in op.params} <= accepted, op.name


def test_the_remote_admin_speaks_the_table() -> None:
    for name, member in inspect.getmembers(RemoteTenantAdmin, inspect.isfunction):
        if name in BY_METHOD:
            assert hasattr(TenantAdmin, name)
    assert wire_args("remove_conditional_access_policy", {"policy_id": "p1"}) == ("ca-remove", {"id": "p1"})
    assert wire_args("mail_list", {"upn": None}) == ("mail-list", {"mailbox": None})


def test_cli_and_scenarios_read_the_table() -> None:
    assert READ_ONLY == {"state", "users", "now", "ca-list", "mail-list", "mail-summary", "mail-page",
                         "signing-keys", "relay"}
    assert state_dir.READ_ONLY_OPS == READ_ONLY | {"faults"}  # network faults live beside the table
    assert all(operation(name) for name in cli.TOP_LEVEL_OPS + cli.ON_OFF_SETTINGS)
    assert set(tenant_ops()) == {op.name for op in SCENARIO_OPS}
    assert {"reset", "ca-clear", "security-defaults", "set-password"} <= set(tenant_ops())


def test_no_other_module_spells_an_operation_table() -> None:
    """The wire names of changing operations appear as string literals only in the table (and
    in the CLI's and scripts' own command words)."""
    allowed = {"cloud_sim/operations.py", "cloud_sim/cli.py", "panel_tui/scenarios/script.py",
               "panel_tui/scenarios/script_tenant.py",  # the script parser's tenant words
               "panel_tui/scenarios/catalog.py"}
    for path in [*ROOT.glob("cloud_sim/**/*.py"), *ROOT.glob("panel_tui/**/*.py")]:
        rel = path.relative_to(ROOT).as_posix()
        if rel in allowed:
            continue
        text = path.read_text(encoding="utf-8")
        for name in ('"org-smtp-auth"', '"mailbox-smtp-auth"', '"consent-grant"', '"ca-remove"'):
            assert name not in text, f"{rel} spells {name}"


def test_arguments_are_read_by_kind() -> None:
    op = operation("mailbox-smtp-auth")
    assert parse_args(op, {"upn": "a@b.c", "value": "default"}) == {"upn": "a@b.c", "value": None}
    assert parse_args(op, {"upn": "a@b.c", "value": "off"}) == {"upn": "a@b.c", "value": False}
    with pytest.raises(ValueError, match="missing argument: upn"):
        parse_args(op, {})
    with pytest.raises(ValueError, match="size must be a whole number"):
        parse_args(operation("message-size-limit"), {"size": 1e400})
    with pytest.raises(KeyError, match="unknown admin operation"):
        operation("no-such-op")


def test_microsofts_endpoints_are_written_only_in_the_email_profiles() -> None:
    """The device and the panel read Microsoft's names from device_model/email/profiles.py (the
    simulated tenant, which plays Microsoft, keeps its own)."""
    names = ("login.microsoftonline.com", "smtp.office365.com", "smtp-mail.outlook.com",
             "microsoft.com/devicelogin")
    for path in [*ROOT.glob("device_model/**/*.py"), *ROOT.glob("panel_tui/**/*.py")]:
        rel = path.relative_to(ROOT).as_posix()
        if rel == "device_model/email/profiles.py":
            continue
        text = path.read_text(encoding="utf-8")
        for name in names:
            assert name not in text, f"{rel} writes {name}"


def test_default_passwords_restore_only_changed_accounts(tmp_path: Path) -> None:
    """A baseline's password reset re-hashes and signs out only an account whose password was
    changed; the others keep their hash and their sessions (another printer on the tenant)."""
    from cloud_sim.clock import TenantClock
    from cloud_sim.directory import Directory, default_accounts
    from cloud_sim.store import Store

    store = Store(tmp_path / "tenant.sqlite3")
    try:
        clock = TenantClock(lambda: float(store.get("clock_offset", 0.0)),
                            lambda v: store.put("clock_offset", float(v)))
        directory = Directory(store, clock, preset="prepared")
        admin = TenantAdmin(directory, clock, tmp_path / "maildir")
        admin_acct, *others = default_accounts(directory.domain)
        other = others[0]
        admin.set_password(other.username, "Changed-Passw0rd-1")
        hash_of = "SELECT password_hash, tokens_valid_from FROM users WHERE upn=?"
        before = tuple(store.one(hash_of, (admin_acct.username.lower(),)))
        assert admin.dispatch("default-passwords", {}) == {"restored": 1}
        assert directory.check_password(other.username, other.password)
        assert tuple(store.one(hash_of, (admin_acct.username.lower(),))) == before
        assert admin.dispatch("default-passwords", {}) == {"restored": 0}
    finally:
        store.close()
