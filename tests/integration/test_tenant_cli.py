"""``cloud-sim``: serve prints what a user needs; admin commands reach a running tenant over
its admin API (and a stopped one through its state dir)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from cloud_sim.cli import main

from .idp_helpers import msal_app, poll_once, sign_in, start_flow


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def test_admin_commands_against_a_running_tenant(tenant, capsys):
    sd = str(tenant.state_dir)
    printer = "printer@contoso.onmicrosoft.com"
    assert _run(capsys, "admin", "--state-dir", sd, "set", "smtp-auth", "--mailbox", printer,
                "off")[0] == 0
    assert tenant.admin._dir.user(printer).smtp_auth is False
    _run(capsys, "admin", "--state-dir", sd, "set", "smtp-auth", "--mailbox", printer, "default")
    assert tenant.admin._dir.user(printer).smtp_auth is None
    _run(capsys, "--state-dir", sd, "admin", "set", "smtp-auth", "--org", "off")
    _run(capsys, "admin", "--state-dir", sd, "set", "security-defaults", "on")
    s = tenant.admin.state()["settings"]
    assert s["security_defaults"] and not s["org_smtp_auth"]

    rc, out, _ = _run(capsys, "admin", "--state-dir", sd, "ca", "add", "Block printer",
                      "--user", printer, "--device-code-flow")
    pid = json.loads(out)["id"]
    [policy] = tenant.admin.conditional_access_policies()
    assert policy["users"] == [printer] and policy["block_device_code_flow"]
    _run(capsys, "admin", "--state-dir", sd, "ca", "remove", pid)
    assert tenant.admin.conditional_access_policies() == []

    _run(capsys, "admin", "--state-dir", sd, "consent", "grant")
    assert tenant.admin.has_admin_consent()
    _run(capsys, "admin", "--state-dir", sd, "consent", "revoke")
    assert not tenant.admin.has_admin_consent()

    before = tenant.admin.now()
    _run(capsys, "admin", "--state-dir", sd, "advance", "91d")
    assert (tenant.admin.now() - before).days == 91

    rc, out, _ = _run(capsys, "admin", "--state-dir", sd, "users")
    assert rc == 0 and printer in out and "Global Administrator" in out
    rc, out, _ = _run(capsys, "mail", "--state-dir", sd, "list")
    assert rc == 0 and "(no messages)" in out

    rc, _, err = _run(capsys, "admin", "--state-dir", sd, "revoke-sessions", "nobody@x")
    assert rc == 2 and "no such user" in err

    rc, out, _ = _run(capsys, "info", "--state-dir", sd)
    info = json.loads(out)
    assert info["base_url"] == tenant.base_url and info["client_id"] == tenant.client_id
    secret = json.loads((tenant.state_dir / "run.json").read_text())["admin_secret"]
    assert secret not in out


def test_info_of_a_stopped_tenant_still_names_its_ca(tenant_factory, capsys):
    """README step 6 sends people to `cloud-sim info` for ca_cert_path, and the panel (with its
    embedded tenant) is often stopped then: the state dir's facts are printed, running: false."""
    tenant = tenant_factory()
    sd = tenant.state_dir
    rc, out, _ = _run(capsys, "info", "--state-dir", str(sd))
    assert rc == 0 and json.loads(out)["running"] is True
    tenant.stop()
    rc, out, _ = _run(capsys, "info", "--state-dir", str(sd))
    info = json.loads(out)
    assert rc == 0 and info["running"] is False
    assert info["ca_cert_path"] == str((sd / "ca.pem").resolve()) and (sd / "ca.pem").is_file()
    assert info["state_dir"] == str(sd.resolve()) and info["client_id"] == tenant.client_id
    assert "note" not in info

    rc, out, _ = _run(capsys, "info", "--state-dir", str(sd.parent / "no-tenant-here"))
    info = json.loads(out)
    assert rc == 0 and info["running"] is False and "ca_cert_path" not in info
    assert "no tenant has started in this state dir" in info["note"]


def test_revoke_sessions_from_the_cli(tenant, capsys):
    app = msal_app(tenant)
    flow = start_flow(app)
    assert sign_in(tenant, flow).kind == "done"
    poll_once(app, flow)
    _run(capsys, "admin", "--state-dir", str(tenant.state_dir), "revoke-sessions",
         "admin@contoso.onmicrosoft.com")
    result = app.acquire_token_silent_with_error(
        ["https://outlook.office.com/SMTP.Send"], account=app.get_accounts()[0],
        force_refresh=True)
    assert result["error_codes"] == [50173]


def test_admin_offline_on_a_stopped_tenant(tenant, capsys):
    sd = str(tenant.state_dir)
    tenant.stop()
    assert _run(capsys, "admin", "--state-dir", sd, "set", "security-defaults", "on")[0] == 0
    rc, out, _ = _run(capsys, "admin", "--state-dir", sd, "state")
    assert json.loads(out)["settings"]["security_defaults"] is True

    # --state-dir after the command words, where a person types it
    rc, out, _ = _run(capsys, "admin", "ca", "list", "--state-dir", sd)
    assert rc == 0 and json.loads(out) == []
    rc, _, err = _run(capsys, "admin", "faults", "--state-dir", sd)
    assert rc == 2 and "network faults are switched on a running tenant" in err


def test_bind_refused_without_allow_remote(tmp_path, capsys):
    rc, _, err = _run(capsys, "--state-dir", str(tmp_path / "t"), "--bind", "0.0.0.0")
    assert rc == 2 and "loopback" in err


def test_serve_prints_everything_and_stops_on_ctrl_c(tmp_path):
    env = {k: v for k, v in os.environ.items()}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cloud_sim", "--state-dir", str(tmp_path / "t"), "--preset",
         "fresh"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("Press Ctrl+C"):
                break
        text = "".join(lines)
        for needle in ("Authority         https://127.0.0.1:", "/organizations",
                       "Verification URL  https://127.0.0.1:", "/devicelogin", "SMTP (STARTTLS)",
                       "CA certificate", "ca.pem", "Client id",
                       "admin@contoso.onmicrosoft.com", "Contoso-Admin-2025", "preset fresh"):
            assert needle in text, needle
        run = json.loads((tmp_path / "t" / "run.json").read_text())
        assert run["pid"] == proc.pid
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
        assert not (tmp_path / "t" / "run.json").exists()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_admin_rotates_the_signing_key_running_and_stopped(tenant_factory, capsys):
    from .idp_helpers import http

    h = tenant_factory()
    sd = str(h.state_dir)
    jwks_uri = f"{h.base_url}/{h.tenant_id}/discovery/v2.0/keys"
    [first] = http(h).get(jwks_uri).json()["keys"]
    rc, out, _ = _run(capsys, "admin", "--state-dir", sd, "rotate-signing-key")
    assert rc == 0
    result = json.loads(out)
    assert result["retired"] == [first["kid"]]
    kids = [k["kid"] for k in http(h).get(jwks_uri).json()["keys"]]
    assert kids == [result["kid"], first["kid"]]
    rc, out, _ = _run(capsys, "admin", "--state-dir", sd, "signing-keys")
    assert [k["signing"] for k in json.loads(out)] == [False, True]
    h.stop()
    # offline, on the state dir; the next start publishes what the store holds
    rc, out, _ = _run(capsys, "admin", "--state-dir", sd, "rotate-signing-key")
    third = json.loads(out)["kid"]
    h = tenant_factory()
    kids = [k["kid"] for k in http(h).get(
        f"{h.base_url}/{h.tenant_id}/discovery/v2.0/keys").json()["keys"]]
    assert kids == [third, result["kid"], first["kid"]]
