"""The tenant as a whole: persistence across restarts, loopback-only binding, state files."""

from __future__ import annotations

import json
import stat

import pytest

from cloud_sim import start_tenant

from .idp_helpers import SMTP_SCOPE, http, msal_app, poll_once, sign_in, start_flow


def test_tokens_survive_a_restart(tenant_factory):
    h = tenant_factory()
    app = msal_app(h)
    flow = start_flow(app)
    assert sign_in(h, flow).kind == "done"
    first = poll_once(app, flow)
    port = int(h.base_url.rsplit(":", 1)[1])
    tenant_id = h.tenant_id
    h.admin.set_org_smtp_auth(False)
    h.stop()

    h2 = tenant_factory(port_http=port)
    assert h2.tenant_id == tenant_id and h2.base_url == h.base_url
    assert not h2.admin.state()["settings"]["org_smtp_auth"]
    assert h2.admin._dir.validate_access_token(first["access_token"]) is not None
    acct = app.get_accounts()[0]
    again = app.acquire_token_silent_with_error([SMTP_SCOPE], account=acct, force_refresh=True)
    assert "access_token" in again, again


def test_preset_applies_only_to_a_new_state_dir(tenant_factory):
    h = tenant_factory(preset="fresh")
    s = h.admin.state()["settings"]
    assert s["security_defaults"] and not s["org_smtp_auth"] and not h.admin.has_admin_consent()
    h.stop()
    h2 = tenant_factory(preset="prepared")
    assert h2.preset == "fresh" and h2.admin.state()["settings"]["security_defaults"]


def test_prepared_preset(tenant):
    state = tenant.admin.state()
    assert not state["settings"]["security_defaults"] and state["settings"]["org_smtp_auth"]
    printer = next(u for u in state["users"] if u["upn"].startswith("printer@"))
    assert printer["smtp_auth"] is True and printer["role"] == "Global Administrator"


@pytest.mark.parametrize("bind", ["0.0.0.0", "::", "192.168.1.10"])
def test_refuses_non_loopback_without_allow_remote(tmp_path, bind):
    with pytest.raises(ValueError, match="loopback"):
        start_tenant(tmp_path / "t", bind=bind)


def test_state_files_are_private_and_run_file_lifecycle(tenant):
    d = tenant.state_dir
    assert stat.S_IMODE(d.stat().st_mode) == 0o700
    for name in ("tenant.sqlite3", "ca-key.pem", "server-key.pem", "run.json"):
        assert stat.S_IMODE((d / name).stat().st_mode) == 0o600, name
    run = json.loads((d / "run.json").read_text())
    assert run["base_url"] == tenant.base_url and run["admin_secret"]
    tenant.stop()
    assert not (d / "run.json").exists()
    tenant.stop()  # idempotent


def test_ca_is_reused_across_restarts(tenant_factory):
    h = tenant_factory()
    ca = h.ca_cert_path.read_bytes()
    h.stop()
    assert tenant_factory().ca_cert_path.read_bytes() == ca


def test_admin_http_api_needs_the_secret(tenant):
    s = http(tenant)
    url = tenant.base_url + "/_sim/admin/security-defaults"
    assert s.post(url, json={"enabled": True}).status_code == 401
    secret = json.loads((tenant.state_dir / "run.json").read_text())["admin_secret"]
    auth = {"Authorization": f"Bearer {secret}"}
    assert s.post(url, json={"enabled": True}, headers=auth).json() == {"ok": True}
    assert tenant.admin.state()["settings"]["security_defaults"] is True
    r = s.post(tenant.base_url + "/_sim/admin/mailbox-smtp-auth",
               json={"upn": "nobody@x", "value": True}, headers=auth)
    assert r.status_code == 400
    assert s.post(tenant.base_url + "/_sim/admin/nope", json={}, headers=auth).status_code == 404
