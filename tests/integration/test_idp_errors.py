"""Each troubleshooting case of the identity platform, reached with real clients and
asserted by its AADSTS code (issue 3, point 4 and point 7)."""

from __future__ import annotations

import datetime as dt

import pytest

from cloud_sim.signin import SignInClient

from .idp_helpers import SMTP_SCOPE, account, http, msal_app, poll_once, sign_in, start_flow


def _signed_in(tenant, who: str = "admin"):
    app = msal_app(tenant)
    flow = start_flow(app)
    assert sign_in(tenant, flow, who).kind == "done"
    result = poll_once(app, flow)
    assert "access_token" in result, result
    return app, app.get_accounts()[0]


def _refresh(app, acct) -> dict:
    return app.acquire_token_silent_with_error([SMTP_SCOPE], account=acct, force_refresh=True)


def test_wrong_password_then_retry(tenant):
    app = msal_app(tenant)
    flow = start_flow(app)
    admin = account(tenant, "admin")
    with SignInClient(tenant.base_url, tenant.ca_cert_path) as c:
        c.enter_code(flow["user_code"])
        c.submit_account(admin.username)
        page = c.submit_password("not-the-password")
        assert (page.kind, page.error_code) == ("password", 50126)
        assert "incorrect" in page.error_text
        assert page.reason == "bad_password"  # what a client words in its own language
        assert poll_once(app, flow)["error"] == "authorization_pending"
        assert c.submit_password(admin.password).kind == "consent"
        assert c.consent(True, True).kind == "done"
    assert "access_token" in poll_once(app, flow)


def test_wrong_code_then_right_code(tenant):
    app = msal_app(tenant)
    flow = start_flow(app)
    with SignInClient(tenant.base_url, tenant.ca_cert_path) as c:
        page = c.enter_code("ZZZZZZZZZ")
        assert (page.kind, page.error_code, page.reason) == ("code", 70018, "code_wrong")
        assert "didn't work" in page.error_text
        page = c.enter_code(flow["user_code"].lower())
        assert (page.kind, page.reason) == ("account", "")
        assert page.app == tenant.admin.state()["app_name"]  # for "You're signing in to {app}"


def test_unknown_account(tenant):
    flow = start_flow(msal_app(tenant))
    with SignInClient(tenant.base_url, tenant.ca_cert_path) as c:
        c.enter_code(flow["user_code"])
        page = c.submit_account("nobody@contoso.onmicrosoft.com")
    assert (page.kind, page.error_code, page.reason) == ("account", 50034, "no_account")


def test_code_expired_on_page_and_token_endpoint(tenant):
    app = msal_app(tenant)
    flow = start_flow(app)
    tenant.admin.advance_clock(dt.timedelta(minutes=16))
    with SignInClient(tenant.base_url, tenant.ca_cert_path) as c:
        page = c.enter_code(flow["user_code"])
    assert (page.kind, page.error_code) == ("code", 70020)
    result = app.acquire_token_by_device_flow(flow)
    assert result["error"] == "expired_token" and result["error_codes"] == [70020]


def test_code_expires_between_steps(tenant_factory):
    tenant = tenant_factory(device_code_expires_in=60)
    app = msal_app(tenant)
    flow = start_flow(app)
    with SignInClient(tenant.base_url, tenant.ca_cert_path) as c:
        c.enter_code(flow["user_code"])
        tenant.admin.advance_clock(dt.timedelta(seconds=61))
        page = c.submit_account(account(tenant, "admin").username)
    assert (page.kind, page.error_code) == ("error", 70020)


def test_cancel_is_authorization_declined(tenant):
    app = msal_app(tenant)
    flow = start_flow(app)
    page = sign_in(tenant, flow, accept=False)
    assert (page.kind, page.error_code) == ("error", 65004)
    result = app.acquire_token_by_device_flow(flow)
    assert result["error"] == "authorization_declined"
    assert not tenant.admin.has_admin_consent()


@pytest.mark.parametrize("device_code_only", [False, True])
def test_conditional_access_blocks_sign_in(tenant, device_code_only):
    pid = tenant.admin.add_conditional_access_policy(
        "Block printer", users=[account(tenant, "printer").username],
        block_device_code_flow=device_code_only)
    app = msal_app(tenant)
    flow = start_flow(app)
    page = sign_in(tenant, flow, "printer")
    assert (page.kind, page.error_code) == ("error", 53003)
    result = app.acquire_token_by_device_flow(flow)
    assert result["error"] == "invalid_grant" and result["error_codes"] == [53003]
    # other users are not covered; removing the policy lets the printer in again
    flow = start_flow(app)
    assert sign_in(tenant, flow, "admin").kind == "done"
    tenant.admin.remove_conditional_access_policy(pid)
    flow = start_flow(app)
    assert sign_in(tenant, flow, "printer").kind == "done"


def test_non_admin_before_admin_consent(tenant):
    app = msal_app(tenant)
    flow = start_flow(app)
    page = sign_in(tenant, flow, "user")
    assert (page.kind, page.error_code) == ("error", 90094)
    assert page.title == "Need admin approval"
    result = app.acquire_token_by_device_flow(flow)
    assert result["error"] == "invalid_grant" and result["error_codes"] == [65001]
    assert result.get("suberror") == "consent_required"
    tenant.admin.grant_admin_consent()
    flow = start_flow(app)
    assert sign_in(tenant, flow, "user").kind == "done"


def test_security_defaults_do_not_block_sign_in(fresh_tenant):
    app = msal_app(fresh_tenant)
    flow = start_flow(app)
    assert sign_in(fresh_tenant, flow, "admin").kind == "done"
    assert "access_token" in poll_once(app, flow)


def test_refresh_token_expires_after_90_days_inactivity(tenant):
    app, acct = _signed_in(tenant)
    tenant.admin.advance_clock(dt.timedelta(days=89))
    assert "access_token" in _refresh(app, acct)  # used: the inactivity clock restarts
    tenant.admin.advance_clock(dt.timedelta(days=91))
    result = _refresh(app, acct)
    assert result["error"] == "invalid_grant" and result["error_codes"] == [700082]
    assert "inactive for 91." in result["error_description"]


def test_revoked_sessions(tenant):
    app, acct = _signed_in(tenant)
    tenant.admin.revoke_sessions(acct["username"])
    result = _refresh(app, acct)
    assert result["error"] == "invalid_grant" and result["error_codes"] == [50173]


def test_password_change_revokes(tenant):
    app, acct = _signed_in(tenant)
    tenant.admin.set_password(acct["username"], "Another-Password-1")
    result = _refresh(app, acct)
    assert result["error_codes"] == [50173]


def test_conditional_access_now_blocking_refresh(tenant):
    app, acct = _signed_in(tenant)
    tenant.admin.add_conditional_access_policy("Block all")
    result = _refresh(app, acct)
    assert result["error"] == "invalid_grant" and result["error_codes"] == [53003]


def test_consent_withdrawn_refresh(tenant):
    app, acct = _signed_in(tenant)
    tenant.admin.revoke_admin_consent()
    result = _refresh(app, acct)
    assert result["error_codes"] == [65001]


def test_access_token_lifetimes_are_random_60_to_90_minutes(tenant):
    app, acct = _signed_in(tenant)
    lifetimes = {_refresh(app, acct)["expires_in"] for _ in range(6)}
    assert all(3600 <= x <= 5400 for x in lifetimes)
    assert len(lifetimes) > 1


def test_unknown_client_id(tenant):
    app = msal_app(tenant, client_id="11111111-2222-3333-4444-555555555555")
    flow = app.initiate_device_flow(scopes=[SMTP_SCOPE])
    assert flow["error"] == "unauthorized_client" and flow["error_codes"] == [700016]


def test_public_client_flows_off(tenant):
    app = msal_app(tenant)
    flow = start_flow(app)
    assert sign_in(tenant, flow).kind == "done"
    tenant.admin.set_public_client_flows(False)
    result = app.acquire_token_by_device_flow(flow)
    assert result["error"] == "invalid_client" and result["error_codes"] == [7000218]
    flow = app.initiate_device_flow(scopes=[SMTP_SCOPE])
    assert flow["error_codes"] == [7000218]


def test_invalid_scope(tenant):
    s = http(tenant)
    r = s.post(tenant.authority() + "/oauth2/v2.0/devicecode",
               data={"client_id": tenant.client_id, "scope": "https://graph.microsoft.com/Mail.Send"})
    assert r.status_code == 400
    body = r.json()
    assert body["error"] == "invalid_scope" and body["error_codes"] == [70011]
