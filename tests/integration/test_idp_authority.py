"""The authority decides who may sign in, and a personal account's tokens come from the
Microsoft account tenant: what a standards OpenID Connect client (discovery, the device
authorization endpoint, the HTML sign-in pages, PyJWT with the discovery's issuer and
jwks_uri) sees, as against Microsoft.
"""

from __future__ import annotations

import ssl

import jwt
import pytest

from cloud_sim import TenantHandle
from cloud_sim.signin import SignInClient

from .idp_helpers import SMTP_SCOPE, account, http, msal_app, poll_once, start_flow

pytestmark = pytest.mark.integration

MSA_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad"
SCOPE = f"openid profile offline_access {SMTP_SCOPE}"


def discover(h: TenantHandle, authority: str) -> dict:
    r = http(h).get(f"{h.base_url}/{authority}/v2.0/.well-known/openid-configuration")
    assert r.status_code == 200, r.text
    return r.json()


def device_code(h: TenantHandle, conf: dict) -> dict:
    r = http(h).post(conf["device_authorization_endpoint"],
                     data={"client_id": h.client_id, "scope": SCOPE})
    assert r.status_code == 200, r.text
    return r.json()


def redeem(h: TenantHandle, conf: dict, code: dict) -> dict:
    r = http(h).post(conf["token_endpoint"], data={
        "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
        "client_id": h.client_id, "device_code": code["device_code"]})
    assert r.status_code == 200, r.text
    return r.json()


def verify_id_token(h: TenantHandle, conf: dict, id_token: str) -> dict:
    """As a standards client validates it: the key from the discovery's jwks_uri, the
    discovery's issuer (``{tenantid}`` filled in from ``tid`` for the multi-tenant ones)."""
    keys = jwt.PyJWKClient(conf["jwks_uri"],
                           ssl_context=ssl.create_default_context(cafile=str(h.ca_cert_path)))
    key = keys.get_signing_key_from_jwt(id_token).key
    issuer = conf["issuer"]
    if "{tenantid}" in issuer:
        tid = jwt.decode(id_token, options={"verify_signature": False})["tid"]
        issuer = issuer.replace("{tenantid}", tid)
    return jwt.decode(id_token, key, algorithms=conf["id_token_signing_alg_values_supported"],
                      audience=h.client_id, issuer=issuer)


def sign_in_through_pages(h: TenantHandle, user_code: str, who: str):
    acct = account(h, who)
    with SignInClient(h.base_url, h.ca_cert_path) as c:
        return c.sign_in(user_code, acct.username, acct.password, on_behalf_of_org=True)


@pytest.mark.parametrize("authority", ["consumers", "common"])
def test_personal_id_token_validates_against_consumers_discovery(tenant, authority):
    conf = discover(tenant, authority)
    code = device_code(tenant, conf)
    assert sign_in_through_pages(tenant, code["user_code"], "someone").kind == "done"
    body = redeem(tenant, conf, code)
    claims = verify_id_token(tenant, conf, body["id_token"])
    assert claims["tid"] == MSA_TENANT
    assert claims["iss"] == f"{tenant.base_url}/{MSA_TENANT}/v2.0"
    assert claims["preferred_username"] == "someone@outlook.com"
    # the /consumers discovery's issuer is the very one, with no template to fill in
    assert discover(tenant, "consumers")["issuer"] == claims["iss"]


def test_work_id_token_keeps_the_tenant(tenant):
    conf = discover(tenant, "organizations")
    code = device_code(tenant, conf)
    assert sign_in_through_pages(tenant, code["user_code"], "admin").kind == "done"
    claims = verify_id_token(tenant, conf, redeem(tenant, conf, code)["id_token"])
    assert claims["tid"] == tenant.tenant_id
    assert claims["iss"] == f"{tenant.base_url}/{tenant.tenant_id}/v2.0"


def test_msal_at_consumers_sees_the_microsoft_account_tenant(tenant):
    app = msal_app(tenant, tenant="consumers")
    flow = start_flow(app)
    assert sign_in_through_pages(tenant, flow["user_code"], "someone").kind == "done"
    result = poll_once(app, flow)
    assert "access_token" in result, result
    assert result["id_token_claims"]["tid"] == MSA_TENANT
    [acct] = app.get_accounts()
    assert acct["username"] == "someone@outlook.com"
    assert acct["home_account_id"].endswith("." + MSA_TENANT)
    silent = app.acquire_token_silent([SMTP_SCOPE], account=acct)
    assert silent and "access_token" in silent, silent


@pytest.mark.parametrize("authority, who, code, reason, text", [
    ("organizations", "someone", 50020, "personal_not_here",
     "You can't sign in here with a personal account. Use your work or school account instead."),
    ("domain", "someone", 50020, "personal_not_here",
     "You can't sign in here with a personal account. Use your work or school account instead."),
    ("consumers", "admin", 50034, "msa_no_account",
     "That Microsoft account doesn't exist. Enter a different account or get a new one."),
])
def test_authority_refuses_the_other_kind_of_account(tenant, authority, who, code, reason, text):
    path = tenant.tenant_domain if authority == "domain" else authority
    conf = discover(tenant, path)
    dc = device_code(tenant, conf)
    with SignInClient(tenant.base_url, tenant.ca_cert_path) as c:
        assert c.enter_code(dc["user_code"]).kind == "account"
        page = c.submit_account(account(tenant, who).username)
        # the account page again, so that another account can be entered
        assert (page.kind, page.error_code, page.reason, page.error_text) == (
            "account", code, reason, text)
        assert page.app  # F4 words the page from data-reason and data-app
        # the device keeps polling meanwhile
        r = http(tenant).post(conf["token_endpoint"], data={
            "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
            "client_id": tenant.client_id, "device_code": dc["device_code"]})
        assert r.json()["error"] == "authorization_pending"
        # the right kind of account still signs in with the same code
        other = "admin" if who == "someone" else "someone"
        assert c.submit_account(account(tenant, other).username).kind == "password"


def test_common_takes_both_kinds(tenant):
    conf = discover(tenant, "common")
    for who in ("admin", "someone"):
        dc = device_code(tenant, conf)
        assert sign_in_through_pages(tenant, dc["user_code"], who).kind == "done", who


def test_authorization_code_flow_refuses_too(tenant):
    import re

    s = http(tenant)
    r = s.get(f"{tenant.base_url}/consumers/oauth2/v2.0/authorize", params={
        "client_id": tenant.client_id, "response_type": "code", "scope": "openid",
        "redirect_uri": "http://localhost:8400/"})
    ctx = re.search(r'name="ctx" value="([^"]+)"', r.text).group(1)
    r = s.post(f"{tenant.base_url}/devicelogin",
               data={"step": "account", "ctx": ctx, "login": account(tenant, "admin").username})
    assert 'data-reason="msa_no_account"' in r.text and 'data-kind="account"' in r.text
