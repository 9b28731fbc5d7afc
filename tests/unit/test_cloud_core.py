"""cloud_sim's pieces without sockets: clock, store, tokens, directory verdicts, pages."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from cloud_sim.clock import TenantClock, parse_duration
from cloud_sim.directory import CLIENT_ID, Directory
from cloud_sim.idp import IdentityPlatform
from cloud_sim.pages import PageView, SignInPages
from cloud_sim.smtp_auth import AuthVerdict
from cloud_sim.store import Store, hash_password, verify_password
from cloud_sim.tokens import decode_hs256, encode_hs256


@pytest.fixture
def directory(tmp_path):
    store = Store(tmp_path / "tenant.sqlite3")
    clock = TenantClock(lambda: float(store.get("clock_offset", 0.0)),
                        lambda v: store.put("clock_offset", float(v)))
    d = Directory(store, clock, preset="prepared")
    yield d
    store.close()


@pytest.fixture
def idp(directory):
    return IdentityPlatform(directory, base_url="https://127.0.0.1:1",
                            verification_uri="https://127.0.0.1:1/devicelogin")


@pytest.mark.parametrize("text, expected", [
    ("91d", dt.timedelta(days=91)), ("2h", dt.timedelta(hours=2)),
    ("30m", dt.timedelta(minutes=30)), ("1d12h", dt.timedelta(days=1, hours=12)),
    ("45s", dt.timedelta(seconds=45)),
])
def test_parse_duration(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("bad", ["", "91", "d", "1x", "-1d", "1d junk"])
def test_parse_duration_rejects(bad):
    with pytest.raises(ValueError):
        parse_duration(bad)


def test_clock_advances_and_never_goes_back(directory):
    before = directory.clock.timestamp()
    directory.clock.advance(dt.timedelta(days=91))
    assert directory.clock.timestamp() - before >= 91 * 86400
    with pytest.raises(ValueError):
        directory.clock.advance(dt.timedelta(seconds=-1))


def test_password_hashing():
    h = hash_password("s3cret")
    assert "s3cret" not in h and verify_password("s3cret", h)
    assert not verify_password("nope", h) and not verify_password("x", "garbage")


def test_jwt_roundtrip_and_tamper():
    tok = encode_hs256({"a": 1}, "key", kid="K")
    assert decode_hs256(tok, "key") == {"a": 1}
    assert decode_hs256(tok, "other") is None
    assert decode_hs256(tok[:-2] + "xx", "key") is None
    for junk in ("", "a.b", "a.b.c", "....", "\x00"):
        assert decode_hs256(junk, "key") is None


def test_device_code_shape(idp):
    r = idp.device_authorization({"client_id": CLIENT_ID,
                                  "scope": "https://outlook.office.com/SMTP.Send offline_access"})
    assert r["expires_in"] == 900 and r["interval"] == 5 and len(r["user_code"]) == 9
    assert "verification_uri_complete" not in r


def _token_for(idp, upn):
    user = idp.dir.user(upn)
    return idp.issue(user, CLIENT_ID, ["https://outlook.office.com/SMTP.Send",
                                       "offline_access", "openid", "profile"])


def test_authorizer_verdicts(idp):
    d = idp.dir
    printer = "printer@contoso.onmicrosoft.com"
    admin = "admin@contoso.onmicrosoft.com"
    tok = _token_for(idp, printer)["access_token"]
    assert d.authorize_xoauth2(printer.upper(), tok).verdict is AuthVerdict.OK
    assert d.authorize_xoauth2(admin, tok).verdict is AuthVerdict.BAD_TOKEN  # someone else's
    assert d.authorize_xoauth2(printer, "garbage").verdict is AuthVerdict.BAD_TOKEN
    d.set_setting("org_smtp_auth", False)
    assert d.authorize_xoauth2(printer, tok).verdict is AuthVerdict.OK  # mailbox: on
    d.set_mailbox_smtp_auth(printer, None)
    assert d.authorize_xoauth2(printer, tok).verdict is AuthVerdict.SMTP_AUTH_DISABLED_TENANT
    d.set_setting("org_smtp_auth", True)
    d.set_mailbox_smtp_auth(printer, False)
    assert d.authorize_xoauth2(printer, tok).verdict is AuthVerdict.SMTP_AUTH_DISABLED_MAILBOX
    d.set_mailbox_smtp_auth(printer, True)
    pid = d.add_policy("block", (printer,))
    assert d.authorize_xoauth2(printer, tok).verdict is AuthVerdict.CONDITIONAL_ACCESS
    d.remove_policy(pid)
    d.set_setting("security_defaults", True)
    assert d.authorize_xoauth2(printer, tok).verdict is AuthVerdict.SECURITY_DEFAULTS
    d.set_setting("security_defaults", False)
    d.clock.advance(dt.timedelta(minutes=91))
    assert d.authorize_xoauth2(printer, tok).verdict is AuthVerdict.BAD_TOKEN  # expired


def test_may_send_as_and_mailbox_exists(directory):
    p = "printer@contoso.onmicrosoft.com"
    assert directory.may_send_as(p, "Printer@Contoso.onmicrosoft.com")
    assert not directory.may_send_as(p, "admin@contoso.onmicrosoft.com")
    assert directory.mailbox_exists("USER@contoso.onmicrosoft.com")
    assert not directory.mailbox_exists("someone@example.com")


def test_id_token_uses_wall_time_even_after_time_travel(idp):
    idp.dir.clock.advance(dt.timedelta(days=200))
    body = _token_for(idp, "admin@contoso.onmicrosoft.com")
    import base64
    import json

    part = body["id_token"].split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    assert abs(claims["iat"] - time.time()) < 60 and claims["exp"] > time.time()


def test_pages_escape_everything(idp):
    pages = SignInPages(idp)
    html = pages.render(PageView("error", "<script>x</script>", "a & b", 50126,
                                 '"><img src=x>', upn="<b>@x"))
    assert "<script>x" not in html and "<img" not in html and "<b>@" not in html
    assert "&lt;script&gt;" in html and 'data-error-code="50126"' in html


def test_wrong_step_and_lost_session(idp):
    pages = SignInPages(idp)
    v = pages.post({"step": "password", "ctx": "nope", "passwd": "x"})
    assert v.kind == "code" and "expired" in v.error_text


def test_corrupt_database_is_moved_aside(tmp_path):
    db = tmp_path / "tenant.sqlite3"
    db.write_bytes(b"this is not a database" * 100)
    store = Store(db)
    try:
        assert store.get("tenant_id") is None
        assert list(tmp_path.glob("tenant.sqlite3.corrupt-*"))
    finally:
        store.close()


def test_ca_created_once_with_microsoft_names(tmp_path):
    from cryptography import x509

    from cloud_sim.ca import ensure_ca

    files = ensure_ca(tmp_path)
    first = (files.ca_cert.read_bytes(), files.server_cert.read_bytes())
    assert (files.ca_cert.read_bytes(), ensure_ca(tmp_path).server_cert.read_bytes()) == first
    cert = x509.load_pem_x509_certificate(files.server_cert.read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert {"localhost", "login.microsoftonline.com", "smtp.office365.com",
            "smtp-mail.outlook.com"} <= set(san.get_values_for_type(x509.DNSName))
    assert oct(files.ca_key.stat().st_mode & 0o777) == "0o600"
    files.server_cert.unlink()
    again = ensure_ca(tmp_path)
    assert again.ca_cert.read_bytes() == first[0]  # a new server cert, the same CA


def test_ca_warm_start_needs_no_cryptography_and_notices_tampering(tmp_path):
    """A restart reuses the certs without the heavy import; a changed file is re-checked."""
    import subprocess
    import sys

    from cloud_sim.ca import ensure_ca

    files = ensure_ca(tmp_path)
    probe = (
        "import sys; from pathlib import Path; from cloud_sim.ca import ensure_ca; "
        f"ensure_ca(Path({str(tmp_path)!r})); print('cryptography' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

    ca_before = files.ca_cert.read_bytes()
    files.server_cert.write_bytes(b"not a certificate")
    again = ensure_ca(tmp_path)
    assert again.server_cert.read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")
    assert again.ca_cert.read_bytes() == ca_before
