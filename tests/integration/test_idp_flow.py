"""msal's device-code sign-in against the simulated tenant over real TLS, completed by
posting the HTML sign-in forms."""

from __future__ import annotations

import base64
import json
import threading

from cloud_sim.signin import SignInClient

from .idp_helpers import SMTP_SCOPE, account, msal_app, poll_once, sign_in, start_flow


def _claims(jwt: str) -> dict:
    body = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def test_full_device_flow_then_silent_refresh(tenant):
    app = msal_app(tenant)
    flow = start_flow(app)
    assert flow["verification_uri"] == tenant.verification_uri
    assert flow["expires_in"] == 900 and flow["interval"] == 1
    assert len(flow["user_code"]) == 9 and flow["user_code"].isupper()
    assert tenant.verification_uri in flow["message"]

    pages = []
    admin = account(tenant, "admin")

    def browser():
        with SignInClient(tenant.base_url, tenant.ca_cert_path) as c:
            pages.append(c.enter_code(flow["user_code"]))
            pages.append(c.submit_account(admin.username))
            pages.append(c.submit_password(admin.password))
            pages.append(c.consent(accept=True, on_behalf_of_org=True))

    t = threading.Thread(target=browser)
    t.start()
    result = app.acquire_token_by_device_flow(flow)
    t.join()
    assert [p.kind for p in pages] == ["account", "password", "consent", "done"]
    assert pages[2].title == "Permissions requested" and pages[2].show_org_consent
    assert "You may now close this window" in pages[3].message

    assert "access_token" in result, result
    assert result["token_type"] == "Bearer"
    assert 3600 <= result["expires_in"] <= 5400
    assert result["scope"].split()[0] == SMTP_SCOPE
    assert 2000 <= len(result["access_token"]) <= 3500
    claims = _claims(result["access_token"])
    assert claims["aud"] == "https://outlook.office.com"
    assert claims["scp"] == "SMTP.Send"
    assert claims["upn"] == admin.username and claims["tid"] == tenant.tenant_id
    idt = result["id_token_claims"]
    assert idt["preferred_username"] == admin.username and idt["aud"] == tenant.client_id
    assert idt["tid"] == tenant.tenant_id and idt["oid"] and idt["exp"]

    accounts = app.get_accounts()
    assert [a["username"] for a in accounts] == [admin.username]
    old_rt = result["refresh_token"]
    again = app.acquire_token_silent([SMTP_SCOPE], account=accounts[0], force_refresh=True)
    assert again and "access_token" in again, again
    assert again["access_token"] != result["access_token"]
    assert again["refresh_token"] != old_rt  # rotated
    # the tenant's SMTP side accepts the token
    from cloud_sim.smtp_auth import AuthVerdict

    decision = tenant.admin._dir.authorize_xoauth2(admin.username, again["access_token"])
    assert decision.verdict is AuthVerdict.OK and decision.mailbox == admin.username


def test_every_tenant_alias_serves_discovery_and_flow(tenant):
    for alias in ("organizations", "common", "consumers", tenant.tenant_domain, tenant.tenant_id):
        app = msal_app(tenant, tenant=alias)
        flow = start_flow(app)
        # /consumers takes personal (Microsoft) accounts only
        who = "someone" if alias == "consumers" else "admin"
        assert sign_in(tenant, flow, who).kind == "done", alias
        result = poll_once(app, flow)
        assert "access_token" in result, (alias, result)


def test_consent_once_then_no_consent_page_and_user_can_sign_in(tenant):
    app = msal_app(tenant)
    flow = start_flow(app)
    assert sign_in(tenant, flow, "printer").kind == "done"
    assert tenant.admin.has_admin_consent()
    flow = start_flow(app)
    with SignInClient(tenant.base_url, tenant.ca_cert_path) as c:
        c.enter_code(flow["user_code"])
        c.submit_account(account(tenant, "user").username)
        page = c.submit_password(account(tenant, "user").password)
    assert page.kind == "done"
    assert "access_token" in poll_once(app, flow)


def test_admin_consent_for_self_only_does_not_cover_users(tenant):
    app = msal_app(tenant)
    flow = start_flow(app)
    assert sign_in(tenant, flow, "admin", org=False).kind == "done"
    assert not tenant.admin.has_admin_consent()
    assert "access_token" in poll_once(app, flow)
    flow = start_flow(app)
    page = sign_in(tenant, flow, "user")
    assert page.kind == "error" and page.error_code == 90094


def test_consent_checkbox_only_for_admins(tenant):
    # a non-admin never sees the consent page before admin consent (90094); after a user
    # consent exists (granted via the admin API for the app), an admin still gets the box
    app = msal_app(tenant)
    flow = start_flow(app)
    with SignInClient(tenant.base_url, tenant.ca_cert_path) as c:
        c.enter_code(flow["user_code"])
        c.submit_account(account(tenant, "printer").username)
        page = c.submit_password(account(tenant, "printer").password)
        assert page.kind == "consent" and page.show_org_consent
        html = c._session.get(c.url).text  # the browser view is plain HTML without JS
    assert "<script" not in html.lower()
