"""The sign-in pages as a browser sees them: favicon, security headers, Back and help links,
the consent wording, and AADSTS codes under the error page's details rather than inline."""

from __future__ import annotations

import re

from cloud_sim.pages import CONSENT_SMTP
from cloud_sim.signin import SignInClient

from .idp_helpers import account, http, msal_app, start_flow


def test_every_page_has_a_favicon_and_security_headers(tenant):
    s = http(tenant)
    r = s.get(tenant.base_url + "/favicon.ico")
    assert r.status_code == 200 and r.headers["Content-Type"] == "image/x-icon"
    assert r.content[:4] == b"\x00\x00\x01\x00"  # an ICO
    page = s.get(tenant.verification_uri)
    assert 'rel="icon" href="/favicon.ico"' in page.text
    csp = page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src" not in csp  # no scripts at all on the sign-in pages
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Cache-Control"].count("no-store") == 1
    assert s.get(tenant.base_url + "/static/signin.css").status_code == 200
    assert s.get(tenant.base_url + "/static/../idp.py").status_code == 404
    assert s.get(tenant.base_url + "/static/nope.js").status_code == 404


def test_back_and_cant_access_links(tenant):
    app = msal_app(tenant)
    flow = start_flow(app)
    admin, user = account(tenant, "admin"), account(tenant, "user")
    with SignInClient(tenant.base_url, tenant.ca_cert_path) as c:
        c.enter_code(flow["user_code"])
        html = c._session.post(c.url, data={"step": "account", "ctx": c._hidden["ctx"],
                                            "login": user.username}).text
        assert 'id="back"' in html and 'id="forgot"' in html
        ctx = re.search(r'name="ctx" value="([^"]+)"', html).group(1)
        back = c._session.post(c.url, data={"step": "back", "ctx": ctx}).text
        assert 'data-kind="account"' in back and 'id="cant-access"' in back
        c._parse(back)
        assert c.submit_account(admin.username).kind == "password"
        page = c.submit_password(admin.password)
        assert page.kind == "consent" and page.account == admin.username
        html = c._session.get(tenant.base_url + "/devicelogin/help").text
        assert "Can&#x27;t access your account?" in html or "Can't access your account?" in html


def test_consent_line_is_microsofts_and_the_panels(tenant):
    import tomllib
    from pathlib import Path

    app = msal_app(tenant)
    flow = start_flow(app)
    acct = account(tenant, "admin")
    with SignInClient(tenant.base_url, tenant.ca_cert_path) as c:
        c.enter_code(flow["user_code"])
        c.submit_account(acct.username)
        html = c._session.post(c.url, data={"step": "password", "ctx": c._hidden["ctx"],
                                            "passwd": acct.password}).text
    assert 'data-kind="consent"' in html
    assert f"<li>{CONSENT_SMTP}</li>" in html
    assert CONSENT_SMTP == "Send emails from mailboxes using SMTP AUTH"
    # the panel's F4 shows the same line (in English; Latvian words it)
    root = Path(__file__).parents[2] / "device_model" / "locales" / "en" / "cloud.toml"
    assert CONSENT_SMTP in tomllib.loads(root.read_text("utf-8"))["cloud.signin.permissions"]

def test_aadsts_codes_under_the_error_details_not_inline(tenant):
    app = msal_app(tenant)
    flow = start_flow(app)
    user = account(tenant, "user")
    with SignInClient(tenant.base_url, tenant.ca_cert_path) as c:
        c.enter_code(flow["user_code"])
        wrong = c._session.post(c.url, data={"step": "account", "ctx": c._hidden["ctx"],
                                             "login": "nobody@contoso.onmicrosoft.com"}).text
        assert 'data-error-code="50034"' in wrong and "AADSTS" not in wrong
        page = c._parse(wrong)
        assert page.error_code == 50034 and page.reason == "no_account"
        c.submit_account(user.username)
        denied_html = c._session.post(c.url, data={"step": "password",
                                                   "ctx": c._hidden["ctx"],
                                                   "passwd": user.password}).text
    # Need admin approval: an error page; the code is in its details, with the lookup link
    assert 'data-kind="error"' in denied_html and 'data-reason="admin_approval"' in denied_html
    details = re.search(r'<details[^>]*id="details".*?</details>', denied_html, re.S).group(0)
    assert "Error Code: AADSTS90094" in details and 'href="/error?code=90094"' in details
    assert denied_html.count("AADSTS") == 1
    lookup = http(tenant).get(tenant.base_url + "/error?code=90094").text
    assert "AADSTS90094" in lookup and "admin" in lookup
    assert http(tenant).get(tenant.base_url + "/error?code=<b>").status_code == 200


def test_help_page_offers_the_ca_certificate_and_never_its_key(tenant):
    """A class's students reach the sign-in pages in their own browsers: the help link offers
    the tenant's CA so the browser can trust it; the download is the certificate only."""
    import ssl
    from pathlib import Path

    s = http(tenant)  # verifies TLS against the tenant's CA
    html = s.get(tenant.base_url + "/devicelogin/help").text
    assert re.search(r'<a id="ca" href="/ca.pem"', html)
    r = s.get(tenant.base_url + "/ca.pem")
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/x-pem-file"
    assert r.content == Path(tenant.ca_cert_path).read_bytes()
    assert b"PRIVATE KEY" not in r.content
    ssl.create_default_context(cadata=r.text)  # a usable trust anchor
