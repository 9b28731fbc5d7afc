"""Malformed requests get Microsoft-shaped errors, and the server keeps serving."""

from __future__ import annotations

import socket
import ssl

import pytest

from .idp_helpers import http

SHAPE = {"error", "error_description", "error_codes", "timestamp", "trace_id",
         "correlation_id", "error_uri"}


def _assert_shape(body: dict, code: int) -> None:
    assert SHAPE <= set(body), body
    assert body["error_codes"] == [code]
    assert body["error_description"].startswith(f"AADSTS{code}: ")
    assert "\r\nTrace ID: " in body["error_description"]
    assert "\r\nCorrelation ID: " in body["error_description"]


@pytest.mark.parametrize("kwargs, error, code", [
    ({"data": b'{"grant_type": "refresh_token"}',
      "headers": {"Content-Type": "application/json"}}, "invalid_request", 900144),
    ({"data": {}}, "invalid_request", 900144),
    ({"data": {"grant_type": "password", "client_id": "x"}}, "unsupported_grant_type", 70003),
    ({"data": {"grant_type": "urn:ietf:params:oauth:grant-type:device_code"}},
     "invalid_request", 900144),
    ({"data": b"\xff\xfe\x00garbage",
      "headers": {"Content-Type": "application/x-www-form-urlencoded"}}, "invalid_request", 90014),
    ({"data": b"a=" + b"x" * 70000,
      "headers": {"Content-Type": "application/x-www-form-urlencoded"}}, "invalid_request", 90014),
])
def test_bad_token_requests(tenant, kwargs, error, code):
    s = http(tenant)
    r = s.post(tenant.authority() + "/oauth2/v2.0/token", **kwargs)
    assert r.status_code in (400, 413)
    body = r.json()
    assert body["error"] == error
    _assert_shape(body, code)
    assert s.get(tenant.base_url + "/_sim/info").status_code == 200


def test_a_reply_before_the_server_closes_says_connection_close(tenant):
    """After a too-large body the server closes the connection; without "Connection: close" a
    client reuses it for its next request and gets no reply at all (often on a loaded machine,
    where the close has not reached the client yet when it sends)."""
    s = http(tenant)
    r = s.post(tenant.authority() + "/oauth2/v2.0/token", data=b"a=" + b"x" * 70000,
               headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413
    assert r.headers.get("Connection") == "close"
    r = s.post(tenant.authority() + "/oauth2/v2.0/token", data={})  # a kept-alive reply: no close
    assert r.status_code == 400 and "Connection" not in r.headers
    assert s.get(tenant.base_url + "/_sim/info").status_code == 200


def test_bad_device_code_and_refresh_token(tenant):
    s = http(tenant)
    url = tenant.authority() + "/oauth2/v2.0/token"
    r = s.post(url, data={"grant_type": "urn:ietf:params:oauth:grant-type:device_code",
                          "client_id": tenant.client_id, "device_code": "nope"})
    assert r.json()["error"] == "bad_verification_code"
    r = s.post(url, data={"grant_type": "refresh_token", "client_id": tenant.client_id,
                          "refresh_token": "nope", "scope": "openid"})
    _assert_shape(r.json(), 9002313)


def test_get_on_post_endpoint_unknown_tenant_and_path(tenant):
    s = http(tenant)
    r = s.get(tenant.authority() + "/oauth2/v2.0/token")
    _assert_shape(r.json(), 900561)
    r = s.get(tenant.base_url + "/fabrikam.com/v2.0/.well-known/openid-configuration")
    _assert_shape(r.json(), 90002)
    r = s.get(tenant.base_url + "/nothing/here/at/all")
    assert r.status_code == 404
    _assert_shape(r.json(), 90056)


def test_correlation_id_is_echoed(tenant):
    r = http(tenant).post(tenant.authority() + "/oauth2/v2.0/token", data={},
                          headers={"client-request-id": "abc-123"})
    assert r.json()["correlation_id"] == "abc-123"
    assert r.headers["client-request-id"] == "abc-123"


def test_garbage_on_the_wire_does_not_kill_the_server(tenant):
    host, port = "127.0.0.1", int(tenant.base_url.rsplit(":", 1)[1])
    # plain text to a TLS port
    with socket.create_connection((host, port), timeout=5) as raw:
        raw.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        try:
            raw.recv(100)
        except ConnectionResetError:
            pass
    # TLS, then not HTTP
    ctx = ssl.create_default_context(cafile=str(tenant.ca_cert_path))
    with socket.create_connection((host, port), timeout=5) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
            tls.sendall(b"\x00\x01\x02 garbage garbage\r\n\r\n")
            reply = b""
            while chunk := tls.recv(4096):
                reply += chunk
            assert reply.startswith(b"HTTP/1.1 400") and b'"error_codes": [90014]' in reply
    # a connection that does nothing does not block others
    idle = socket.create_connection((host, port), timeout=5)
    try:
        s = http(tenant)
        assert s.get(tenant.base_url + "/_sim/info").json()["client_id"] == tenant.client_id
    finally:
        idle.close()


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_tls_names_and_versions(tenant):
    host, port = "127.0.0.1", int(tenant.base_url.rsplit(":", 1)[1])
    for name in ("localhost", "login.microsoftonline.com", "smtp.office365.com",
                 "smtp-mail.outlook.com"):
        ctx = ssl.create_default_context(cafile=str(tenant.ca_cert_path))
        with socket.create_connection((host, port), timeout=5) as raw:
            with ctx.wrap_socket(raw, server_hostname=name) as tls:
                assert tls.version() in ("TLSv1.2", "TLSv1.3")
    old = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    old.load_verify_locations(str(tenant.ca_cert_path))
    old.maximum_version = ssl.TLSVersion.TLSv1
    with pytest.raises(ssl.SSLError):
        with socket.create_connection((host, port), timeout=5) as raw:
            old.wrap_socket(raw, server_hostname="localhost")
