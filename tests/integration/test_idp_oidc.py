"""A standards-conforming OpenID Connect client, independent of msal, against the simulated
tenant over real TLS: discovery, device authorization, token, the id_token's RS256 signature
verified against ``jwks_uri`` with PyJWT's ``PyJWKClient``, refresh, userinfo, key rollover,
and SMTP XOAUTH2 with the tokens so issued."""

from __future__ import annotations

import smtplib
import ssl
import threading
import time

import jwt
import pytest

from cloud_sim.signin import SignInClient

from .idp_helpers import account, http

SMTP_SCOPE = "https://outlook.office.com/SMTP.Send"
MSA_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad"


class OidcClient:
    """What a generic OIDC library does: everything from the discovery document."""

    def __init__(self, tenant, authority: str = "organizations"):
        self.h = tenant
        self.s = http(tenant)
        self.ctx = ssl.create_default_context(cafile=str(tenant.ca_cert_path))
        self.conf = self.s.get(
            f"{tenant.base_url}/{authority}/v2.0/.well-known/openid-configuration").json()
        assert "RS256" in self.conf["id_token_signing_alg_values_supported"]
        self.jwks = jwt.PyJWKClient(self.conf["jwks_uri"], ssl_context=self.ctx,
                                    cache_jwk_set=False)

    def device_sign_in(self, who: str, scope: str) -> dict:
        r = self.s.post(self.conf["device_authorization_endpoint"],
                        data={"client_id": self.h.client_id, "scope": scope})
        assert r.status_code == 200, r.text
        dev = r.json()
        acct = account(self.h, who)
        pages = []

        def browser():
            with SignInClient(self.h.base_url, self.h.ca_cert_path) as c:
                pages.append(c.sign_in(dev["user_code"], acct.username, acct.password))

        t = threading.Thread(target=browser)
        t.start()
        deadline = time.monotonic() + 30
        while True:
            r = self.s.post(self.conf["token_endpoint"], data={
                "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
                "client_id": self.h.client_id, "device_code": dev["device_code"]})
            body = r.json()
            if body.get("error") != "authorization_pending" or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        t.join()
        assert pages and pages[0].kind == "done", pages
        assert r.status_code == 200, body
        return body

    def refresh(self, refresh_token: str, scope: str) -> dict:
        r = self.s.post(self.conf["token_endpoint"], data={
            "grant_type": "refresh_token", "client_id": self.h.client_id,
            "refresh_token": refresh_token, "scope": scope})
        assert r.status_code == 200, r.text
        return r.json()

    def verify_id_token(self, id_token: str, nonce: str | None = None) -> dict:
        key = self.jwks.get_signing_key_from_jwt(id_token)
        unverified = jwt.decode(id_token, options={"verify_signature": False})
        # the multi-tenant authorities publish the {tenantid} template, as Microsoft does
        issuer = self.conf["issuer"].replace("{tenantid}", unverified.get("tid", ""))
        claims = jwt.decode(id_token, key.key, algorithms=["RS256"], audience=self.h.client_id,
                            issuer=issuer,
                            options={"require": ["exp", "iat", "nbf", "aud", "iss", "sub"]})
        if nonce is not None:
            assert claims["nonce"] == nonce
        return claims

    def verify_access_token(self, token: str, audience: str) -> dict:
        key = self.jwks.get_signing_key_from_jwt(token)
        return jwt.decode(token, key.key, algorithms=["RS256"], audience=audience,
                          issuer=f"https://sts.windows.net/{self.h.tenant_id}/")


def _smtp_auth(tenant, upn: str, token: str) -> tuple[int, bytes]:
    import base64

    ctx = ssl.create_default_context(cafile=str(tenant.ca_cert_path))
    with smtplib.SMTP(tenant.smtp_host, tenant.smtp_port, timeout=20) as s:
        s.starttls(context=ctx)
        s.ehlo()
        blob = base64.b64encode(f"user={upn}\x01auth=Bearer {token}\x01\x01".encode()).decode()
        return s.docmd("AUTH", "XOAUTH2 " + blob)


def test_oidc_client_discovery_device_code_token_jwks_refresh(tenant):
    c = OidcClient(tenant)
    body = c.device_sign_in("printer", f"openid profile offline_access {SMTP_SCOPE}")
    idt = c.verify_id_token(body["id_token"])
    printer = account(tenant, "printer").username
    assert idt["preferred_username"] == printer and idt["tid"] == tenant.tenant_id
    assert idt["iss"] == f"{tenant.base_url}/{tenant.tenant_id}/v2.0" and idt["ver"] == "2.0"
    assert idt["oid"] and "nonce" not in idt
    at = c.verify_access_token(body["access_token"], "https://outlook.office.com")
    assert at["scp"] == "SMTP.Send" and at["upn"] == at["unique_name"] == printer
    assert at["appid"] == tenant.client_id and at["ver"] == "1.0" and at["tid"] == tenant.tenant_id

    again = c.refresh(body["refresh_token"], f"openid profile offline_access {SMTP_SCOPE}")
    assert c.verify_id_token(again["id_token"])["sub"] == idt["sub"]
    assert _smtp_auth(tenant, printer, again["access_token"])[0] == 235


def test_after_a_key_rollover_old_and_new_tokens_verify_and_send(tenant):
    c = OidcClient(tenant, tenant.tenant_id)
    printer = account(tenant, "printer").username
    body = c.device_sign_in("printer", f"openid profile offline_access {SMTP_SCOPE}")
    old_kid = jwt.get_unverified_header(body["id_token"])["kid"]
    assert [k["kid"] for k in c.s.get(c.conf["jwks_uri"]).json()["keys"]] == [old_kid]

    result = tenant.admin.rotate_signing_key()
    assert result["retired"] == [old_kid]
    keys = c.s.get(c.conf["jwks_uri"]).json()["keys"]
    assert [k["kid"] for k in keys] == [result["kid"], old_kid]  # the old key: grace period

    again = c.refresh(body["refresh_token"], f"openid profile offline_access {SMTP_SCOPE}")
    assert jwt.get_unverified_header(again["id_token"])["kid"] == result["kid"]
    assert c.verify_id_token(again["id_token"])["tid"] == tenant.tenant_id
    assert c.verify_id_token(body["id_token"])  # signed before the rollover
    assert _smtp_auth(tenant, printer, body["access_token"])[0] == 235
    assert _smtp_auth(tenant, printer, again["access_token"])[0] == 235


def test_userinfo_takes_the_graph_token_of_an_openid_only_sign_in(tenant):
    c = OidcClient(tenant, "common")
    body = c.device_sign_in("admin", "openid profile email offline_access")
    idt = c.verify_id_token(body["id_token"])
    at = c.verify_access_token(body["access_token"], "00000003-0000-0000-c000-000000000000")
    assert set(at["scp"].split()) >= {"openid", "profile", "email", "User.Read"}
    r = c.s.get(c.conf["userinfo_endpoint"],
                headers={"Authorization": f"Bearer {body['access_token']}"})
    assert r.status_code == 200, r.text
    info = r.json()
    admin = account(tenant, "admin").username
    assert info["sub"] == idt["sub"] and info["email"] == admin and info["name"]
    # POST works too (OpenID Connect Core 5.3.1)
    assert c.s.post(c.conf["userinfo_endpoint"],
                    headers={"Authorization": f"Bearer {body['access_token']}"}).json() == info
    # a Graph token cannot send mail; an Exchange token is not for userinfo
    assert _smtp_auth(tenant, admin, body["access_token"])[0] == 535
    for auth in ("", "Bearer garbage", "Basic abc"):
        r = c.s.get(c.conf["userinfo_endpoint"], headers={"Authorization": auth} if auth else {})
        assert r.status_code == 401 and r.json()["error"]["code"] == "InvalidAuthenticationToken"
        assert r.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("authority", ["organizations", "common", "consumers", "domain", "id"])
def test_discovery_per_authority_as_microsoft_returns_it(tenant, authority):
    path = {"domain": tenant.tenant_domain, "id": tenant.tenant_id}.get(authority, authority)
    s = http(tenant)
    conf = s.get(f"{tenant.base_url}/{path}/v2.0/.well-known/openid-configuration").json()
    base = tenant.base_url
    if authority in ("organizations", "common"):
        assert conf["issuer"] == f"{base}/{{tenantid}}/v2.0"
        seg = authority
    elif authority == "consumers":
        assert conf["issuer"] == f"{base}/{MSA_TENANT}/v2.0"
        seg = authority
    else:  # a tenant by domain or id: its id everywhere, as Microsoft resolves it
        assert conf["issuer"] == f"{base}/{tenant.tenant_id}/v2.0"
        seg = tenant.tenant_id
    assert conf["token_endpoint"] == f"{base}/{seg}/oauth2/v2.0/token"
    assert conf["jwks_uri"] == f"{base}/{seg}/discovery/v2.0/keys"
    assert conf["tenant_region_scope"] == (None if seg == authority else "EU")
    # every advertised endpoint answers (no 404)
    for field in ("jwks_uri", "userinfo_endpoint", "authorization_endpoint",
                  "token_endpoint", "device_authorization_endpoint", "end_session_endpoint",
                  "kerberos_endpoint"):
        r = s.get(conf[field], allow_redirects=False)
        assert r.status_code != 404, (field, r.status_code, r.text[:200])
    keys = s.get(conf["jwks_uri"]).json()["keys"]
    assert keys and all(k["issuer"] == conf["issuer"] for k in keys)


def _browser_auth_code(tenant, auth_uri: str, who: str, *, accept: bool = True) -> str:
    """Follow ``auth_uri`` through the sign-in pages as a browser; the final redirect (for
    ``response_mode=form_post``: the form's action and fields as a query)."""
    import re

    acct = account(tenant, who)
    s = http(tenant)
    r = s.get(auth_uri, allow_redirects=False)
    assert r.status_code == 200, r.text[:300]
    assert 'data-kind="account"' in r.text
    ctx = re.search(r'name="ctx" value="([^"]+)"', r.text).group(1)
    url = tenant.base_url + "/devicelogin"
    r = s.post(url, data={"step": "account", "ctx": ctx, "login": acct.username})
    assert 'data-kind="password"' in r.text
    r = s.post(url, data={"step": "password", "ctx": ctx, "passwd": acct.password},
               allow_redirects=False)
    if 'data-kind="consent"' in r.text:
        r = s.post(url, data={"step": "consent", "ctx": ctx, "consent_org": "on",
                              "action": "accept" if accept else "cancel"},
                   allow_redirects=False)
    if r.status_code == 200 and 'name="hiddenform"' in r.text:
        from html import unescape
        from urllib.parse import urlencode

        action = unescape(re.search(r'action="([^"]+)"', r.text).group(1))
        fields = {unescape(k): unescape(v) for k, v in
                  re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', r.text)}
        assert "script-src 'sha256-" in r.headers["Content-Security-Policy"]
        return f"{action}?{urlencode(fields)}"
    assert r.status_code == 302, r.text[:500]
    return r.headers["Location"]


def test_msal_authorization_code_flow_with_pkce_and_nonce(tenant):
    import hashlib
    from urllib.parse import parse_qsl, urlsplit

    from .idp_helpers import msal_app

    app = msal_app(tenant)
    flow = app.initiate_auth_code_flow([SMTP_SCOPE], redirect_uri="http://localhost:8400/cb",
                                       response_mode="form_post")
    assert flow["auth_uri"].startswith(f"{tenant.base_url}/organizations/oauth2/v2.0/authorize")
    assert "code_challenge=" in flow["auth_uri"]
    location = _browser_auth_code(tenant, flow["auth_uri"], "printer")
    assert location.startswith("http://localhost:8400/cb?")
    response = dict(parse_qsl(urlsplit(location).query))
    assert response["state"] == flow["state"] and response["code"]
    result = app.acquire_token_by_auth_code_flow(flow, response)  # checks state and nonce
    assert "access_token" in result, result
    c = OidcClient(tenant)
    # msal sends the SHA-256 of its nonce and checks the id_token carries it back
    idt = c.verify_id_token(result["id_token"],
                            nonce=hashlib.sha256(flow["nonce"].encode()).hexdigest())
    assert idt["preferred_username"] == account(tenant, "printer").username
    assert _smtp_auth(tenant, idt["preferred_username"], result["access_token"])[0] == 235
    # a code is good once
    s = http(tenant)
    again = s.post(c.conf["token_endpoint"], data={
        "grant_type": "authorization_code", "client_id": tenant.client_id,
        "code": response["code"], "redirect_uri": "http://localhost:8400/cb",
        "code_verifier": flow["code_verifier"]}).json()
    assert again["error"] == "invalid_grant" and again["error_codes"] == [54005]


def test_authorization_code_pkce_verifier_must_match(tenant):
    import base64
    import hashlib
    import secrets
    from urllib.parse import parse_qsl, urlencode, urlsplit

    c = OidcClient(tenant, tenant.tenant_domain)
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    redirect = "http://127.0.0.1:9/callback"
    auth_uri = c.conf["authorization_endpoint"] + "?" + urlencode({
        "client_id": tenant.client_id, "response_type": "code", "redirect_uri": redirect,
        "scope": f"openid offline_access {SMTP_SCOPE}", "state": "st-1", "nonce": "n-1",
        "code_challenge": challenge.decode(), "code_challenge_method": "S256"})
    response = dict(parse_qsl(urlsplit(_browser_auth_code(tenant, auth_uri, "admin")).query))
    assert response["state"] == "st-1"
    form = {"grant_type": "authorization_code", "client_id": tenant.client_id,
            "code": response["code"], "redirect_uri": redirect}
    bad = c.s.post(c.conf["token_endpoint"], data={**form, "code_verifier": "x" * 43}).json()
    assert bad["error"] == "invalid_grant" and bad["error_codes"] == [501481]
    wrong_uri = c.s.post(c.conf["token_endpoint"],
                         data={**form, "redirect_uri": "http://127.0.0.1:9/other",
                               "code_verifier": verifier}).json()
    assert wrong_uri["error"] == "invalid_grant"
    good = c.s.post(c.conf["token_endpoint"], data={**form, "code_verifier": verifier}).json()
    assert c.verify_id_token(good["id_token"], nonce="n-1")["tid"] == tenant.tenant_id
    c.refresh(good["refresh_token"], f"openid offline_access {SMTP_SCOPE}")


def test_authorize_errors_on_a_page_or_back_to_the_app(tenant):
    from urllib.parse import parse_qsl, urlencode, urlsplit

    s = http(tenant)
    base = f"{tenant.base_url}/organizations/oauth2/v2.0/authorize?"
    good = {"client_id": tenant.client_id, "response_type": "code",
            "redirect_uri": "http://localhost/cb", "scope": "openid", "state": "s"}
    # a redirect URI the app did not register: shown on a page, never redirected to
    r = s.get(base + urlencode({**good, "redirect_uri": "https://evil.example/cb"}),
              allow_redirects=False)
    assert r.status_code == 400 and 'data-error-code="50011"' in r.text
    r = s.get(base + urlencode({**good, "client_id": "nope"}), allow_redirects=False)
    assert r.status_code == 400 and 'data-error-code="700016"' in r.text
    # after the redirect URI is known good, errors go back to the app with the state
    r = s.get(base + urlencode({**good, "response_type": "token"}), allow_redirects=False)
    q = dict(parse_qsl(urlsplit(r.headers["Location"]).query))
    assert q["error"] == "unsupported_response_type" and q["state"] == "s"
    r = s.get(base + urlencode({**good, "scope": "https://evil/x"}), allow_redirects=False)
    assert dict(parse_qsl(urlsplit(r.headers["Location"]).query))["error"] == "invalid_scope"
    # Cancel on the consent page: access_denied back to the app (here in the fragment)
    location = _browser_auth_code(tenant, base + urlencode({**good, "response_mode": "fragment"}),
                                  "admin", accept=False)
    q = dict(parse_qsl(urlsplit(location).fragment))
    assert q["error"] == "access_denied" and "AADSTS65004" in q["error_description"]
    assert q["state"] == "s"


def test_a_device_code_flow_policy_does_not_block_a_browser_sign_in(tenant):
    import re
    from urllib.parse import urlencode

    tenant.admin.add_conditional_access_policy("Block device code flow",
                                               block_device_code_flow=True)
    auth_uri = f"{tenant.base_url}/organizations/oauth2/v2.0/authorize?" + urlencode({
        "client_id": tenant.client_id, "response_type": "code",
        "redirect_uri": "http://localhost/cb", "scope": "openid", "state": "s"})
    assert "code=" in _browser_auth_code(tenant, auth_uri, "admin")
    tenant.admin.add_conditional_access_policy("Block admin", users=["admin@" + tenant.tenant_domain])
    s = http(tenant)
    page = s.get(auth_uri).text
    ctx = re.search(r'name="ctx" value="([^"]+)"', page).group(1)
    acct = account(tenant, "admin")
    s.post(tenant.base_url + "/devicelogin", data={"step": "account", "ctx": ctx,
                                                   "login": acct.username})
    r = s.post(tenant.base_url + "/devicelogin",
               data={"step": "password", "ctx": ctx, "passwd": acct.password},
               allow_redirects=False)
    assert r.status_code == 200 and 'data-error-code="53003"' in r.text
