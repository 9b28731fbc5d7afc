"""cloud_sim's pieces without sockets: clock, store, tokens, directory verdicts, pages."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from cloud_sim.clock import TenantClock, parse_duration
from cloud_sim.accounts import CLIENT_ID
from cloud_sim.directory import Directory
from cloud_sim.idp import IdentityPlatform
from cloud_sim.pages import PageView, SignInPages
from cloud_sim.smtp_auth import AuthVerdict
from cloud_sim.store import Store, hash_password, verify_password


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


def _parts(token: str) -> tuple[dict, dict]:
    import base64
    import json

    def dec(p: str) -> dict:
        return json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))

    head, body, _ = token.split(".")
    return dec(head), dec(body)


def test_tokens_are_rs256_and_verify_with_pyjwt_against_the_published_jwk(idp):
    import jwt

    body = _token_for(idp, "printer@contoso.onmicrosoft.com")
    jwks = idp.dir.keys.jwks()
    assert len(jwks["keys"]) == 1
    jwk = jwks["keys"][0]
    assert {"kty", "use", "kid", "x5t", "n", "e", "x5c"} <= set(jwk)
    assert jwk["kty"] == "RSA" and jwk["use"] == "sig" and jwk["e"] == "AQAB"
    assert jwk["kid"] == jwk["x5t"]
    key = jwt.PyJWK(jwk).key
    head, claims = _parts(body["access_token"])
    assert head == {"typ": "JWT", "alg": "RS256", "x5t": jwk["kid"], "kid": jwk["kid"]}
    at = jwt.decode(body["access_token"], key, algorithms=["RS256"],
                    audience="https://outlook.office.com",
                    issuer=f"https://sts.windows.net/{idp.dir.tenant_id}/",
                    options={"verify_exp": False, "verify_nbf": False, "verify_iat": False})
    assert at["scp"] == "SMTP.Send" and at["ver"] == "1.0" and at["appid"] == CLIENT_ID
    assert at["upn"] == at["unique_name"] == "printer@contoso.onmicrosoft.com"
    assert "issuer_host" not in at
    head, _ = _parts(body["id_token"])
    assert head == {"typ": "JWT", "alg": "RS256", "kid": jwk["kid"]}
    idt = jwt.decode(body["id_token"], key, algorithms=["RS256"], audience=CLIENT_ID,
                     issuer=f"https://127.0.0.1:1/{idp.dir.tenant_id}/v2.0")
    assert idt["ver"] == "2.0" and idt["tid"] == idp.dir.tenant_id and "nonce" not in idt
    assert idt["preferred_username"] == "printer@contoso.onmicrosoft.com"


def test_the_certificate_in_x5c_holds_the_published_key(idp):
    import base64
    import hashlib

    from cryptography import x509

    jwk = idp.dir.keys.jwks()["keys"][0]
    der = base64.b64decode(jwk["x5c"][0])
    assert jwk["x5t"] == base64.urlsafe_b64encode(hashlib.sha1(der).digest()).rstrip(b"=").decode()
    cert = x509.load_der_x509_certificate(der)
    n = int.from_bytes(base64.urlsafe_b64decode(jwk["n"] + "=" * (-len(jwk["n"]) % 4)), "big")
    assert cert.public_key().public_numbers().n == n


def test_tampered_foreign_and_garbage_tokens_are_refused(idp, tmp_path):
    d = idp.dir
    printer = "printer@contoso.onmicrosoft.com"
    tok = _token_for(idp, printer)["access_token"]
    assert d.validate_access_token(tok) is not None
    head, body, sig = tok.split(".")
    assert d.validate_access_token(f"{head}.{body}.{sig[:-4]}AAAA") is None
    # the same claims signed by another tenant's key
    other = Store(tmp_path / "other.sqlite3")
    try:
        from cloud_sim.keys import SigningKeys

        forged = SigningKeys(other, time.time).sign(_parts(tok)[1], x5t=True)
        assert d.validate_access_token(forged) is None
    finally:
        other.close()
    # an HS256 token keyed with the public key (the classic algorithm confusion)
    import base64
    import hashlib
    import hmac
    import json

    hs_head = base64.urlsafe_b64encode(json.dumps(
        {"typ": "JWT", "alg": "HS256", "kid": d.keys.current_kid()}).encode()).rstrip(b"=")
    signing_input = hs_head.decode() + "." + body
    mac = hmac.new(d.keys.jwks()["keys"][0]["n"].encode(), signing_input.encode(),
                   hashlib.sha256).digest()
    confused = signing_input + "." + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()
    assert d.validate_access_token(confused) is None
    unsigned = _jws_none(_parts(tok)[1])
    assert d.validate_access_token(unsigned) is None
    for junk in ("", "a.b", "a.b.c", "....", "\x00", "é.é.é"):
        assert d.validate_access_token(junk) is None


def _jws_none(claims: dict) -> str:
    import base64
    import json

    def part(o: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(o).encode()).rstrip(b"=").decode()

    return f"{part({'typ': 'JWT', 'alg': 'none'})}.{part(claims)}."


def test_signing_key_survives_a_restart_and_is_kept_owner_only(tmp_path):
    import os

    store = Store(tmp_path / "tenant.sqlite3")
    clock = TenantClock(lambda: 0.0, lambda v: None)
    kid = Directory(store, clock).keys.current_kid()
    store.close()
    assert os.stat(tmp_path / "tenant.sqlite3").st_mode & 0o777 == 0o600
    store = Store(tmp_path / "tenant.sqlite3")
    try:
        assert Directory(store, clock).keys.current_kid() == kid
    finally:
        store.close()


def test_rollover_keeps_the_old_key_published_for_the_grace_period(idp):
    from cloud_sim.keys import ROLLOVER_GRACE

    d = idp.dir
    printer = "printer@contoso.onmicrosoft.com"
    old_tok = _token_for(idp, printer)["access_token"]
    old_kid = d.keys.current_kid()
    result = d.keys.rotate()
    assert result["retired"] == [old_kid] and result["kid"] != old_kid
    assert d.keys.current_kid() == result["kid"]
    assert [k["kid"] for k in d.keys.jwks()["keys"]] == [result["kid"], old_kid]
    assert _parts(_token_for(idp, printer)["access_token"])[0]["kid"] == result["kid"]
    assert d.validate_access_token(old_tok) is not None  # signed before: still good
    d.clock.advance(dt.timedelta(seconds=ROLLOVER_GRACE + 1))
    assert [k["kid"] for k in d.keys.jwks()["keys"]] == [result["kid"]]
    claims = d.keys.verify(old_tok, audience=["https://outlook.office.com"],
                           issuer=f"https://sts.windows.net/{d.tenant_id}/")
    assert claims is None  # its key is gone


def test_a_directory_that_issues_nothing_imports_no_crypto(tmp_path):
    import subprocess
    import sys

    code = ("import sys; from pathlib import Path\n"
            "from cloud_sim.store import Store\n"
            "from cloud_sim.clock import TenantClock\n"
            "from cloud_sim.directory import Directory\n"
            f"s = Store(Path({str(tmp_path / 't.sqlite3')!r}))\n"
            "d = Directory(s, TenantClock(lambda: 0.0, lambda v: None))\n"
            "d.keys.summary()\n"
            "print(sorted(m for m in ('jwt', 'cryptography') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


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


def test_state_dir_from_before_authorities_migrates(tmp_path):
    """A schema-2 tenant (device codes without their authority) opens: the column is added,
    codes asked before take any account (``common``), new ones remember theirs."""
    import sqlite3

    db = tmp_path / "tenant.sqlite3"
    store = Store(db)
    clock = TenantClock(lambda: 0.0, lambda v: None)
    Directory(store, clock, preset="prepared")
    store.close()
    con = sqlite3.connect(db)
    con.execute("DROP TABLE device_codes")
    con.execute("CREATE TABLE device_codes (code_hash TEXT PRIMARY KEY, user_code TEXT NOT NULL"
                " UNIQUE, client_id TEXT NOT NULL, scope TEXT NOT NULL, created REAL NOT NULL,"
                " expires REAL NOT NULL, status TEXT NOT NULL, upn TEXT, error TEXT)")
    con.execute("INSERT INTO device_codes VALUES('h','OLDCODE1','c','openid',0,9e12,'pending',"
                "NULL,NULL)")
    con.execute("UPDATE meta SET value='2' WHERE key='schema_version'")
    con.commit()
    con.close()
    store = Store(db)
    try:
        d = Directory(store, clock, preset="prepared")
        assert store.get("schema_version") == 3
        idp = IdentityPlatform(d, base_url="https://127.0.0.1:1",
                               verification_uri="https://127.0.0.1:1/devicelogin")
        assert idp.find_user_code("OLDCODE1").authority == "common"
        new = idp.device_authorization({"client_id": CLIENT_ID, "scope": "openid"}, "Consumers")
        assert idp.find_user_code(new["user_code"]).authority == "consumers"
        new = idp.device_authorization({"client_id": CLIENT_ID, "scope": "openid"}, d.domain)
        assert idp.find_user_code(new["user_code"]).authority == d.tenant_id
    finally:
        store.close()


def test_smtp_auth_asks_the_database_little(idp):
    """One SMTP AUTH XOAUTH2 of a live token: the token's row, the account and the tenant's
    switches, not a query per check (and no clock read from the database)."""
    d = idp.dir
    printer = "printer@contoso.onmicrosoft.com"
    tok = _token_for(idp, printer)["access_token"]
    assert d.authorize_xoauth2(printer, tok).verdict is AuthVerdict.OK  # keys loaded
    queries: list[str] = []
    d.store._db.set_trace_callback(queries.append)
    try:
        assert d.authorize_xoauth2(printer, tok).verdict is AuthVerdict.OK
    finally:
        d.store._db.set_trace_callback(None)
    assert len(queries) <= 3, queries
    assert not any("clock_offset" in q for q in queries)


def test_the_simulators_accounts_hash_lighter_than_chosen_passwords(directory):
    from cloud_sim.store import PASSWORD_SCRYPT_N, SIMULATOR_SCRYPT_N

    def cost(upn):
        return int(directory.store.one("SELECT password_hash FROM users WHERE upn=?", (upn,))[0].split("$")[1])

    printer = "printer@contoso.onmicrosoft.com"
    assert cost(printer) == SIMULATOR_SCRYPT_N < PASSWORD_SCRYPT_N
    directory.set_password(printer, "A-chosen-one-2026")
    assert cost(printer) == PASSWORD_SCRYPT_N and directory.check_password(printer, "A-chosen-one-2026")
    directory.set_password_cost(2**12)
    directory.set_password(printer, "Another-2026")
    assert cost(printer) == 2**12 and directory.check_password(printer, "Another-2026")
    with pytest.raises(ValueError):
        directory.set_password_cost(3000)


def test_token_verification_refuses_every_forgery(idp):
    """The tenant checks access tokens itself (PyJWT's base64 check cost ~1 ms per SMTP AUTH):
    the same refusals as PyJWT for a changed payload or signature, another algorithm, audience
    or issuer, and garbage."""
    import base64
    import json

    d = idp.dir
    tok = _token_for(idp, "printer@contoso.onmicrosoft.com")["access_token"]
    aud, iss = ["https://outlook.office.com"], f"https://sts.windows.net/{d.tenant_id}/"
    assert d.keys.verify(tok, audience=aud, issuer=iss)["upn"] == "printer@contoso.onmicrosoft.com"
    head, body, sig = tok.split(".")

    def b64(obj):
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    header = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    forged = [
        f"{head}.{b64({**claims, 'upn': 'admin@contoso.onmicrosoft.com'})}.{sig}",
        f"{head}.{body}.{sig[:-4]}AAAA",
        f"{b64({**header, 'alg': 'none'})}.{body}.",
        f"{b64({**header, 'alg': 'HS256'})}.{body}.{sig}",
        f"{head}.{body}.{sig}.extra",
        f"{head}.{body}.{sig}=",
        "garbage", "", "a.b.c", "e30.e30.e30",
    ]
    for bad in forged:
        assert d.keys.verify(bad, audience=aud, issuer=iss) is None, bad
    assert d.keys.verify(tok, audience=["https://graph.microsoft.com"], issuer=iss) is None
    assert d.keys.verify(tok, audience=aud, issuer="https://sts.windows.net/other/") is None
