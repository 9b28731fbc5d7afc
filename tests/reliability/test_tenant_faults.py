"""The simulated tenant under hostile input: clean 4xx replies, caps, modes and leftovers.

Every test here failed before its fix: the admin API answered 500 to odd JSON, a body
shorter than its Content-Length answered 500, a 10 MB body ended in a reset, SMTP took any
number of recipients, and Maildir files were 0644.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import stat
from pathlib import Path
from typing import Any

import pytest

from cloud_sim import TenantHandle, start_tenant
from cloud_sim.ca import client_ssl_context


@pytest.fixture
def tenant(tmp_path: Path):
    h = start_tenant(tmp_path / "t", preset="prepared", device_code_interval=1)
    yield h
    h.stop()


def _secret(h: TenantHandle) -> str:
    return json.loads((h.state_dir / "run.json").read_text())["admin_secret"]


def _conn(h: TenantHandle, timeout: float = 10) -> http.client.HTTPSConnection:
    host, port = h.base_url.split("//")[1].rsplit(":", 1)
    return http.client.HTTPSConnection(host, int(port), timeout=timeout,
                                       context=client_ssl_context(h.ca_cert_path))


def _admin_post(h: TenantHandle, op: str, body: bytes) -> tuple[int, Any]:
    c = _conn(h)
    c.request("POST", f"/_sim/admin/{op}", body=body,
              headers={"Authorization": f"Bearer {_secret(h)}", "Content-Type": "application/json"})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, json.loads(data)


@pytest.mark.parametrize("op, body", [
    ("message-size-limit", b'{"size": Infinity}'),
    ("message-size-limit", b'{"size": NaN}'),
    ("message-size-limit", b'{"size": 1e400}'),
    ("message-size-limit", b'{"size": [1]}'),
    ("advance", b'{"duration": "99999999999d"}'),
    ("advance", b'{"duration": 5}'),
    ("mail-list", b'{"mailbox": 5}'),
    ("mail-list", b'{"mailbox": ["a"]}'),
    ("set-password", b'{"upn": {"x": 1}, "password": "p"}'),
    ("ca-add", b'{"name": "x", "users": 5}'),
    ("state", b"[" * 30000 + b"]" * 30000),  # deep, under the 64 KiB body limit
    ("state", b'{"a":' * 10000 + b"1" + b"}" * 10000),
    ("advance", b'{"duration": "3000000d"}'),  # past the year 9000: every date would break
], ids=lambda v: v if isinstance(v, str) else v[:24].decode())
def test_admin_api_odd_json_is_a_clean_4xx(tenant: TenantHandle, op: str, body: bytes) -> None:
    status, reply = _admin_post(tenant, op, body)
    assert 400 <= status < 500, (status, reply)
    assert reply["error"] in ("invalid_request", "not_found")
    # and the tenant still works
    assert _admin_post(tenant, "now", b"{}")[0] == 200


def test_body_shorter_than_content_length_is_a_4xx(tenant: TenantHandle, monkeypatch) -> None:
    from cloud_sim import http_base

    monkeypatch.setattr(http_base, "BODY_TIMEOUT", 1.0)
    c = _conn(tenant)
    c.putrequest("POST", "/organizations/oauth2/v2.0/token")
    c.putheader("Content-Type", "application/x-www-form-urlencoded")
    c.putheader("Content-Length", "100")
    c.endheaders()
    c.send(b"grant_type=x")
    r = c.getresponse()
    body = json.loads(r.read())
    assert r.status == 400, body
    assert body["error"] == "invalid_request"


def test_a_10_mb_body_gets_413_not_a_reset(tenant: TenantHandle) -> None:
    c = _conn(tenant, timeout=30)
    c.request("POST", "/organizations/oauth2/v2.0/token", body=b"a=" + b"x" * (10 * 1024 * 1024),
              headers={"Content-Type": "application/x-www-form-urlencoded"})
    r = c.getresponse()
    assert r.status == 413
    assert json.loads(r.read())["error"] == "invalid_request"


# --- SMTP ------------------------------------------------------------------------------------
from tests.unit.test_cloud_smtp_server import (  # noqa: E402,F401  (fixtures and helpers)
    GOOD, PRINTER, ca, connect, directory, server, xoauth2,
)


def test_smtp_caps_recipients_per_message_as_exchange_does(server, ca, tmp_path: Path) -> None:
    from cloud_sim.smtp_server import MAX_RECIPIENTS

    assert MAX_RECIPIENTS == 500
    client = connect(server, ca)
    try:
        assert client.docmd("AUTH", "XOAUTH2 " + xoauth2(PRINTER, GOOD))[0] == 235
        assert client.docmd("MAIL", f"FROM:<{PRINTER}>")[0] == 250
        for i in range(MAX_RECIPIENTS):
            assert client.docmd("RCPT", f"TO:<r{i}@example.com>")[0] == 250
        code, text = client.docmd("RCPT", "TO:<one-too-many@example.com>")
        assert (code, text.decode()[:31]) == (452, "4.5.3 Too many recipients"[:31]), text
        code, _ = client.data(b"Subject: x\r\n\r\nbody\r\n")
        assert code == 250
    finally:
        client.close()
    outbound = list((tmp_path / "mail").rglob("new/*"))
    assert len(outbound) == MAX_RECIPIENTS


# --- modes and leftovers ---------------------------------------------------------------------
def test_a_delivery_is_0600_from_its_first_byte(tmp_path: Path, monkeypatch) -> None:
    from cloud_sim import maildir

    seen: list[int] = []
    for name in ("link", "rename", "replace"):
        real = getattr(os, name)

        def spy(src, dst, *a, _real=real, **kw):
            if "maildir" in str(src) or "/tmp/" in str(src):
                seen.append(stat.S_IMODE(os.stat(src).st_mode))
            return _real(src, dst, *a, **kw)

        monkeypatch.setattr(os, name, spy)
    old = os.umask(0o022)
    try:
        path = maildir.deliver(tmp_path / "maildir", "printer@contoso.onmicrosoft.com", b"Subject: x\n\nhi\n")
    finally:
        os.umask(old)
    assert seen and set(seen) == {0o600}, [oct(m) for m in seen]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [m["subject"] for m in [{"subject": i.subject} for i in
            maildir.list_messages(tmp_path / "maildir", "printer@contoso.onmicrosoft.com")]] == ["x"]


def test_start_removes_tmp_leftovers_and_restores_modes(tmp_path: Path) -> None:
    state = tmp_path / "t"
    h = start_tenant(state, preset="prepared")
    h.stop()
    box = state / "maildir" / "printer@contoso.onmicrosoft.com"
    for sub in ("tmp", "new", "cur"):
        (box / sub).mkdir(parents=True, exist_ok=True)
    (box / "tmp" / "123.killed.host").write_bytes(b"half a mess")
    (box / "new" / "124.M1P1.host").write_bytes(b"Subject: y\n\nz\n")
    os.chmod(box / "new" / "124.M1P1.host", 0o644)
    for name in ("ca.pem", "server.pem", "certs.json"):
        os.chmod(state / name, 0o644)
    h = start_tenant(state, preset="prepared")
    try:
        assert list((box / "tmp").iterdir()) == []
        assert stat.S_IMODE((box / "new" / "124.M1P1.host").stat().st_mode) == 0o600
        for name in ("ca.pem", "ca-key.pem", "server.pem", "server-key.pem", "certs.json"):
            assert stat.S_IMODE((state / name).stat().st_mode) == 0o600, name
    finally:
        h.stop()


def test_fresh_certificates_are_0600(tmp_path: Path) -> None:
    h = start_tenant(tmp_path / "t", preset="prepared")
    h.stop()
    for name in ("ca.pem", "ca-key.pem", "server.pem", "server-key.pem", "certs.json"):
        assert stat.S_IMODE((tmp_path / "t" / name).stat().st_mode) == 0o600, name


# --- connections -----------------------------------------------------------------------------
def test_slow_connections_are_capped_and_dropped(tmp_path: Path, monkeypatch) -> None:
    import threading
    import time

    from cloud_sim import idp_http

    monkeypatch.setattr(idp_http, "MAX_HANDLERS", 8)
    monkeypatch.setattr(idp_http, "CONNECTION_TIMEOUT", 1.0)
    h = start_tenant(tmp_path / "t", preset="prepared", smtp=False)
    try:
        host, port = h.base_url.split("//")[1].rsplit(":", 1)
        before = threading.active_count()
        slow = [socket.create_connection((host, int(port))) for _ in range(40)]
        time.sleep(0.5)
        assert threading.active_count() - before <= 8
        time.sleep(1.5)  # the silent ones are dropped after CONNECTION_TIMEOUT
        for s in slow:
            s.close()
        c = _conn(h)
        c.request("GET", "/organizations/v2.0/.well-known/openid-configuration")
        assert c.getresponse().status == 200
        c.close()
    finally:
        h.stop()


def test_a_connection_beyond_the_handler_bound_waits_for_one_instead_of_being_refused(
        tmp_path: Path, monkeypatch) -> None:
    """Devices polling at once (msal keeps its connection alive between polls) must be served:
    the next connection queues until a handler is free, it is not closed on arrival."""
    import threading
    import time

    from cloud_sim import idp_http

    monkeypatch.setattr(idp_http, "MAX_HANDLERS", 4)
    h = start_tenant(tmp_path / "t", preset="prepared", smtp=False)
    try:
        busy = [_conn(h) for _ in range(4)]
        for c in busy:  # four kept-alive connections hold every handler
            c.request("GET", "/organizations/v2.0/.well-known/openid-configuration")
            assert c.getresponse().read()
        threading.Timer(0.5, busy[0].close).start()  # one device finishes a little later
        t0 = time.monotonic()
        late = _conn(h)
        late.request("GET", "/organizations/v2.0/.well-known/openid-configuration")
        assert late.getresponse().status == 200
        assert time.monotonic() - t0 >= 0.4  # it waited for the free handler
        late.close()
        for c in busy[1:]:
            c.close()
    finally:
        h.stop()


# --- damaged keys and certificates -----------------------------------------------------------
@pytest.mark.parametrize("name", ["server-key.pem", "server.pem", "ca.pem", "ca-key.pem"])
def test_a_damaged_certificate_or_key_is_moved_aside_and_reissued(tmp_path: Path, name: str,
                                                                   caplog) -> None:
    state = tmp_path / "t"
    start_tenant(state, preset="prepared", smtp=False).stop()
    (state / name).write_bytes(b"-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n")
    for attempt in range(2):  # and the next start is quiet and fine
        caplog.clear()
        h = start_tenant(state, preset="prepared", smtp=False)
        try:
            c = _conn(h)
            c.request("GET", "/organizations/v2.0/.well-known/openid-configuration")
            assert c.getresponse().status == 200
            c.close()
        finally:
            h.stop()
        aside = sorted(p.name for p in state.glob(f"{name}.corrupt-*"))
        assert len(aside) == 1, aside
        warned = [r.getMessage() for r in caplog.records if "corrupt-" in r.getMessage()]
        assert bool(warned) == (attempt == 0), warned


@pytest.mark.parametrize("missing, kept", [("ca.pem", "ca-key.pem"), ("ca-key.pem", "ca.pem")])
def test_half_a_ca_is_moved_aside_before_a_new_one_is_made(tmp_path: Path, missing: str, kept: str,
                                                          caplog) -> None:
    """A CA key without its certificate (or the reverse) is kept for inspection, not overwritten."""
    state = tmp_path / "t"
    start_tenant(state, preset="prepared", smtp=False).stop()
    old = (state / kept).read_bytes()
    (state / missing).unlink()
    h = start_tenant(state, preset="prepared", smtp=False)
    try:
        c = _conn(h)  # trusts the new CA: the server certificate was reissued under it
        c.request("GET", "/organizations/v2.0/.well-known/openid-configuration")
        assert c.getresponse().status == 200
        c.close()
    finally:
        h.stop()
    aside = sorted(state.glob(f"{kept}.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == old, aside
    assert (state / kept).read_bytes() != old
    assert any("incomplete" in r.getMessage() for r in caplog.records)


# --- a foreign database ----------------------------------------------------------------------
@pytest.mark.parametrize("sql", [
    "CREATE TABLE songs (title TEXT, artist TEXT); INSERT INTO songs VALUES ('a', 'b');",
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE users (upn TEXT PRIMARY KEY, name TEXT);",
], ids=["another-apps-tables", "users-without-our-columns"])
def test_a_foreign_database_is_a_one_line_error_and_exit_2(tmp_path: Path, sql: str, capsys) -> None:
    import sqlite3

    from cloud_sim import cli
    from cloud_sim.store import Store, StoreSchemaError

    state = tmp_path / "t"
    state.mkdir(mode=0o700)
    db = sqlite3.connect(state / "tenant.sqlite3")
    db.executescript(sql)
    db.commit()
    db.close()
    before = (state / "tenant.sqlite3").read_bytes()
    with pytest.raises(StoreSchemaError):
        Store(state / "tenant.sqlite3")
    code = cli.main(["--state-dir", str(state), "serve"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("cloud-sim: ") and err.count("\n") == 1, err
    assert "not a cloud-sim tenant database" in err and "Traceback" not in err
    assert (state / "tenant.sqlite3").read_bytes() == before  # someone's data is left alone


# --- properties: any JSON at the admin API, any line at SMTP ---------------------------------
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.reliability.conftest import SCALE, record_count  # noqa: E402

_ADMIN_OPS = ["state", "users", "security-defaults", "org-smtp-auth", "mailbox-smtp-auth",
              "public-client-flows", "message-size-limit", "ca-add", "ca-remove", "ca-list",
              "consent-grant", "consent-revoke", "revoke-sessions", "set-password", "advance",
              "now", "mail-list", "signing-keys", "no-such-op"]
_ARG_NAMES = ["enabled", "upn", "value", "size", "name", "users", "block_device_code_flow", "id",
              "client_id", "password", "duration", "mailbox"]
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
    | st.sampled_from(["admin@contoso.onmicrosoft.com", "91d", "1e400", "on", "-1", "9" * 30]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=10)


@pytest.fixture(scope="module")
def module_tenant(tmp_path_factory):
    h = start_tenant(tmp_path_factory.mktemp("prop") / "t", preset="prepared", smtp=False)
    yield h
    h.stop()


@settings(max_examples=60 * SCALE, deadline=None, derandomize=False,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(op=st.sampled_from(_ADMIN_OPS),
       args=st.dictionaries(st.sampled_from(_ARG_NAMES), _json, max_size=4))
def test_admin_dispatch_takes_any_json(module_tenant: TenantHandle, op: str, args: dict) -> None:
    """What the HTTP layer maps to 4xx: KeyError (404) and ValueError/TypeError (400).
    Anything else would be a 500."""
    try:
        json.dumps(module_tenant.admin.dispatch(op, args))
    except (KeyError, ValueError, TypeError):
        pass
    assert module_tenant.admin.now().year < 9001  # and the tenant still tells the time


def test_admin_dispatch_property_count() -> None:
    record_count("tenant admin dispatch examples", 60 * SCALE)
    record_count("tenant SMTP line examples", 60 * SCALE)


_word = st.sampled_from(["HELO", "EHLO", "MAIL", "RCPT", "DATA", "RSET", "NOOP", "AUTH", "VRFY",
                         "EXPN", "HELP", "mail from:", "RCPT TO:", "AUTH XOAUTH2", "AUTH LOGIN"])
_line = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=80),
    st.builds(lambda w, t: f"{w} {t}", _word,
              st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"),
                      max_size=60)))


@settings(max_examples=60 * SCALE, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(lines=st.lists(_line, min_size=1, max_size=4))
def test_smtp_answers_any_line_with_a_clean_reply(server, ca, lines: list[str]) -> None:
    import smtplib

    client = smtplib.SMTP(server.host, server.port, timeout=10)
    try:
        client.ehlo("printer")
        for text in lines:
            word = text.split(" ", 1)[0].upper()
            if word in ("STARTTLS", "BDAT", "QUIT"):
                continue  # a handshake, raw bytes or the end: not a line's reply
            client.send(text.encode("utf-8") + b"\r\n")  # raw bytes: smtplib would refuse non-ASCII
            code, reply = client.getreply()
            assert 200 <= code < 600, (text, code, reply)
            if code == 354:  # DATA went through: end it
                client.send(b".\r\n")
                assert 200 <= client.getreply()[0] < 600
            if code in (221, 421):
                break
    except smtplib.SMTPServerDisconnected as exc:  # only after a 421 or 502 goodbye
        raise AssertionError(f"the server hung up on {lines!r}") from exc
    finally:
        client.close()


# --- sign-in lockout -------------------------------------------------------------------------
def test_ten_wrong_passwords_lock_the_account_for_a_minute_of_tenant_time(tenant: TenantHandle) -> None:
    import datetime as dt

    from cloud_sim.signin import SignInClient
    from tests.integration.idp_helpers import account, msal_app, poll_once, start_flow

    app = msal_app(tenant)
    flow = start_flow(app)
    admin = account(tenant, "admin")
    with SignInClient(tenant.base_url, tenant.ca_cert_path) as c:
        c.enter_code(flow["user_code"])
        c.submit_account(admin.username)
        for _ in range(10):
            assert c.submit_password("wrong").error_code == 50126
        page = c.submit_password(admin.password)  # the right one, too soon
        assert (page.kind, page.error_code, page.reason) == ("password", 50053, "locked")
        assert "locked" in page.error_text
        tenant.admin.advance_clock(dt.timedelta(seconds=61))
        assert c.submit_password(admin.password).kind == "consent"
        assert c.consent(True, True).kind == "done"
    assert "access_token" in poll_once(app, flow)


def test_a_restart_of_the_tenant_does_not_lift_a_lockout(tmp_path: Path) -> None:
    """Restarting cloud-sim (every panel start does) is no way round smart lockout."""
    import datetime as dt

    from cloud_sim.signin import SignInClient
    from tests.integration.idp_helpers import account, msal_app, start_flow

    state = tmp_path / "t"
    h = start_tenant(state, preset="prepared", smtp=False)
    try:
        admin = account(h, "admin")
        flow = start_flow(msal_app(h))
        with SignInClient(h.base_url, h.ca_cert_path) as c:
            c.enter_code(flow["user_code"])
            c.submit_account(admin.username)
            for _ in range(10):
                assert c.submit_password("wrong").error_code == 50126
    finally:
        h.stop()
    h = start_tenant(state, preset="prepared", smtp=False)
    try:
        flow = start_flow(msal_app(h))
        with SignInClient(h.base_url, h.ca_cert_path) as c:
            c.enter_code(flow["user_code"])
            c.submit_account(admin.username)
            assert c.submit_password(admin.password).error_code == 50053
            h.admin.advance_clock(dt.timedelta(seconds=61))
            assert c.submit_password(admin.password).kind == "consent"
    finally:
        h.stop()


# --- device codes ----------------------------------------------------------------------------
def test_pending_device_codes_per_app_are_capped(tenant: TenantHandle) -> None:
    import datetime as dt
    from urllib.parse import urlencode

    from cloud_sim.idp_handler import MAX_PENDING_DEVICE_CODES

    def ask(c: http.client.HTTPSConnection) -> tuple[int, dict]:
        c.request("POST", "/organizations/oauth2/v2.0/devicecode",
                  body=urlencode({"client_id": tenant.client_id,
                                  "scope": "https://outlook.office.com/SMTP.Send offline_access"}),
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
        r = c.getresponse()
        return r.status, json.loads(r.read())

    c = _conn(tenant)
    try:
        for _ in range(MAX_PENDING_DEVICE_CODES):
            status, body = ask(c)
            assert status == 200, body
        status, body = ask(c)
        assert (status, body["error_codes"]) == (429, [50196]), body
        tenant.admin.advance_clock(dt.timedelta(minutes=16))  # they expire: room again
        assert ask(c)[0] == 200
    finally:
        c.close()
