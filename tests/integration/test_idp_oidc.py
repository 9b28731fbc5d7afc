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
                  "token_endpoint", "device_authorization_endpoint", "end_session_endpoint"):
        r = s.get(conf[field], allow_redirects=False)
        assert r.status_code != 404, (field, r.status_code, r.text[:200])
    keys = s.get(conf["jwks_uri"]).json()["keys"]
    assert keys and all(k["issuer"] == conf["issuer"] for k in keys)
