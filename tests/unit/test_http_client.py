"""The standard-library HTTP client msal and the tenant's clients use (no ``requests``).

Against a loopback ``http.server`` (HTTP/1.1, keep-alive): what msal sends and reads, the
connection kept per host, a server that closed an idle connection, the errors the device maps
to 311/313, and that ``import msal`` through the device's modules leaves ``requests`` out.
"""

from __future__ import annotations

import inspect
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cloud_sim import httpclient as sim_http
from device_model.email import httpclient
from device_model.email.httpclient import HTTP_EXCEPTIONS, HttpError, HttpSession


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def _reply(self, status: int, body: bytes, *, close: bool = False, ctype: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Twice", "a")
        self.send_header("X-Twice", "b")
        if close:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.server.seen.append(("GET", self.path, dict(self.headers), b"", self.client_address[1]))
        if self.path.startswith("/close"):
            self._reply(200, b"{}", close=True)
        elif self.path.startswith("/latin1"):
            self._reply(200, "Zāle".encode("utf-8"), ctype="text/plain; charset=utf-8")
        elif self.path.startswith("/garbage"):
            self.wfile.write(b"NOT HTTP AT ALL\r\n\r\n")
            self.close_connection = True
        elif self.path.startswith("/missing"):
            self._reply(404, b'{"error": "nope"}')
        else:
            self._reply(200, json.dumps({"path": self.path}).encode())

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.seen.append(("POST", self.path, dict(self.headers), body, self.client_address[1]))
        self._reply(400, b'{"error": "invalid_grant"}')


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.seen: list[tuple[str, str, dict[str, str], bytes, int]] = []


@pytest.fixture()
def server() -> Iterator[_Server]:
    srv = _Server()
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()


def _url(srv: _Server, path: str) -> str:
    return f"http://127.0.0.1:{srv.server_address[1]}{path}"


def test_get_and_post_as_msal_calls_them(server: _Server) -> None:
    notes: list[tuple[str, str]] = []
    s = HttpSession(on_request=lambda method, path: notes.append((method, path)))
    r = s.get(_url(server, "/organizations/v2.0/.well-known/openid-configuration"), params={"a": "1 2"},
              headers={"X-Client-SKU": "MSAL.Python"})
    assert r.status_code == 200 and r.json() == {"path": "/organizations/v2.0/.well-known/openid-configuration?a=1+2"}
    assert r.headers["content-type"] == "application/json"  # lower-case names, as msal reads them
    assert r.headers["x-twice"] == "a, b"  # a repeated header joined, as msal expects
    r = s.post(_url(server, "/tok?x=1"), params={"y": "2"}, data={"grant_type": "refresh_token", "scope": "a b"},
               headers={"Accept": "application/json"})
    assert r.status_code == 400 and r.text == '{"error": "invalid_grant"}'
    method, path, headers, body, _ = server.seen[-1]
    assert (method, path, body) == ("POST", "/tok?x=1&y=2", b"grant_type=refresh_token&scope=a+b")
    assert headers["Content-Type"] == "application/x-www-form-urlencoded" and headers["Accept"] == "application/json"
    with pytest.raises(HttpError) as e:
        r.raise_for_status()
    assert e.value.status_code == 400 and isinstance(e.value, HTTP_EXCEPTIONS)
    assert "refresh_token" not in str(e.value) and "x=1" not in str(e.value)  # no body, no query in errors
    # the counter sees the path only: no query (a code may be in it), no body
    assert notes == [("GET", "/organizations/v2.0/.well-known/openid-configuration"), ("POST", "/tok")]


def test_one_connection_per_host_kept_alive(server: _Server) -> None:
    s = HttpSession()
    for _ in range(3):
        assert s.get(_url(server, "/x")).ok
    assert len({port for *_, port in server.seen}) == 1
    assert s.get(_url(server, "/close")).ok  # the server says it closes: a new connection next
    assert s.get(_url(server, "/x")).ok
    assert len({port for *_, port in server.seen}) == 2
    s.close()


def test_a_connection_the_server_closed_while_idle_is_replaced(server: _Server) -> None:
    s = HttpSession()
    assert s.get(_url(server, "/x")).ok
    (conn,) = s._idle.values()
    assert conn.sock is not None
    conn.sock.shutdown(socket.SHUT_RD)  # as if the server had closed it: end of file waits
    time.sleep(0.05)
    assert s.get(_url(server, "/x")).ok
    with pytest.raises(HttpError):  # the reply is invalid: an OSError the callers map to 313
        s.get(_url(server, "/garbage"))
    assert s.get(_url(server, "/x")).ok  # and the session goes on


def test_text_decodes_by_the_declared_charset(server: _Server) -> None:
    assert HttpSession().get(_url(server, "/latin1")).text == "Zāle"
    assert not HttpSession().get(_url(server, "/missing")).ok


def test_errors_the_device_maps_to_313_and_311() -> None:
    from device_model.email.tokens import identity_error

    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    try:  # accepts (the kernel's backlog) and never answers: the timeout ends the wait
        start = time.monotonic()
        with pytest.raises(TimeoutError) as timed_out:
            HttpSession(timeout=0.3).get(f"http://127.0.0.1:{port}/")
        assert time.monotonic() - start < 3
    finally:
        listener.close()
    with pytest.raises(ConnectionRefusedError) as refused:
        HttpSession(timeout=2).get(f"http://127.0.0.1:{port}/")
    assert identity_error(timed_out.value).code == 313
    assert identity_error(refused.value).code == 313
    assert identity_error(socket.gaierror(-2, "Name or service not known")).code == 311
    with pytest.raises(HttpError):
        HttpSession().get("ftp://example.invalid/")


def test_tls_trusts_only_the_given_ca(tmp_path) -> None:  # type: ignore[no-untyped-def]
    s = HttpSession(ca_path=tmp_path / "missing.pem")
    with pytest.raises(OSError):  # an unreadable CA: no request goes out (313, not a crash)
        s.get("https://127.0.0.1:1/")


def test_the_tenants_copy_is_the_same_client() -> None:
    """cloud_sim and device_model must not import each other: the copy is kept identical."""
    def body(module: object) -> str:
        source = inspect.getsource(module)  # type: ignore[arg-type]
        return source[source.index("from __future__ import annotations"):]

    assert body(sim_http) == body(httpclient)


def test_import_msal_through_the_device_leaves_requests_out() -> None:
    """msal 1.38+ imports requests at ``import msal`` (msal/managed_identity.py), ≈ 6 MiB in the
    panel's process: the pin is msal 1.37.0. An upgrade that brings it back fails here."""
    _in_a_fresh_interpreter(
        "import sys\n"
        "from device_model.email import signin\n"
        "from device_model.email.profiles import EmailServiceProfile\n"
        "signin.new_token_cache()\n"
        "signin.make_http_session(EmailServiceProfile.microsoft('c'))\n"
        "import msal, cloud_sim.signin, panel_tui.remote_admin\n"
        "cloud_sim.signin.SignInClient('https://127.0.0.1:1', None)\n"
        "panel_tui.remote_admin.RemoteTenantAdmin('https://127.0.0.1:1', None, 's')._session\n"
        "loaded = sorted(m for m in ('requests', 'urllib3', 'charset_normalizer', 'idna', 'certifi')"
        " if m in sys.modules)\n"
        "print(msal.__version__, loaded)\n"
        "assert not loaded, loaded\n"
    )


def test_msal_through_the_device_loads_no_xml_parser_until_ws_trust_reads_one() -> None:
    """msal imports ``xml.etree`` and ``pyexpat`` at start for WS-Trust (ADFS username and
    password), a flow the printer never uses: ~0.5 MiB. Through the device they stay unloaded,
    and msal's WS-Trust parser still parses the moment it is used."""
    _in_a_fresh_interpreter(
        "import sys\n"
        "from device_model.email import signin\n"
        "signin.new_token_cache()\n"
        "import msal.mex\n"
        "assert 'msal.application' in sys.modules\n"
        "early = sorted(m for m in ('pyexpat', 'xml.etree.ElementTree') if m in sys.modules)\n"
        "assert not early, early\n"
        "mex = msal.mex.Mex('<definitions xmlns=\"http://schemas.xmlsoap.org/wsdl/\"/>')\n"
        "assert mex.dom.tag.endswith('definitions'), mex.dom.tag\n"
        "assert 'pyexpat' in sys.modules\n"
    )


def test_msal_through_the_device_loads_no_web_server_until_the_browser_flow_starts_one() -> None:
    """msal's browser (auth-code) flow module imports ``http.server`` and ``socketserver`` at
    start (~0.4 MiB) for a local web server the printer never runs: it signs in with the device
    code. Through the device they stay unloaded,
    and the flow's receiver still listens the moment one is made."""
    _in_a_fresh_interpreter(
        "import sys\n"
        "from device_model.email import signin\n"
        "signin.new_token_cache()\n"
        "assert 'msal.application' in sys.modules\n"
        "early = sorted(m for m in ('http.server', 'socketserver') if m in sys.modules)\n"
        "assert not early, early\n"
        "from msal.oauth2cli import AuthCodeReceiver\n"
        "receiver = AuthCodeReceiver(port=0)\n"
        "assert receiver.get_port() > 0\n"
        "receiver.close()\n"
        "assert 'http.server' in sys.modules\n"
    )


def _in_a_fresh_interpreter(code: str) -> None:
    """Run ``code`` in a new Python (what it imports is not yet loaded); it must succeed."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_scan_to_email_job_loads_no_email_message_policy() -> None:
    """``email.policy`` (with its header registry and parser, ~0.55 MiB) is EmailMessage's: the
    device builds compat32 messages and sends bytes, yet ``email.mime`` and ``aiosmtplib`` import
    it at start. A job's build, flattening and aiosmtplib's import leave it unrun; reading a
    message with ``policy.default`` (F4's Mailboxes) still parses it, and aiosmtplib still
    reads an EmailMessage's recipients."""
    _in_a_fresh_interpreter(
        "import sys\n"
        "from device_model.email.message import Attachment, build_message, flatten\n"
        "from device_model.email import sender\n"
        "msg = build_message(sender='p@x.example', to='a@x.example', subject='Skenēts',"
        " body='scan', attachments=[Attachment('scan.pdf', b'%PDF-1.4', 'application/pdf')])\n"
        "wire = flatten(msg)\n"
        "import aiosmtplib\n"
        "early = sorted(m for m in ('email._header_value_parser', 'email.contentmanager') if m in sys.modules)\n"
        "assert not early, early\n"
        "from email import policy\n"
        "from email.parser import BytesParser\n"
        "read = BytesParser(policy=policy.default).parsebytes(wire)\n"
        "assert read['Subject'] == 'Skenēts', read['Subject']\n"
        "assert read.get_content_type() == 'multipart/mixed'\n"
        "from email.message import EmailMessage\n"
        "from aiosmtplib.email import extract_recipients\n"
        "m = EmailMessage(); m['To'] = 'B <b@x.example>'\n"
        "assert extract_recipients(m) == ['b@x.example'], extract_recipients(m)\n"
    )


def test_the_deferred_email_policy_is_whole_for_threads_that_read_it_at_once() -> None:
    """F4 reads a message on a worker thread while the panel may read the same module: the first
    read runs the module once, and a second thread reading meanwhile waits for the whole module
    (without the lock it found ``__getattr__`` already gone and names undefined)."""
    _in_a_fresh_interpreter(
        "import sys, threading\n"
        "from device_model.email.lazy_email import defer_email_policy\n"
        "defer_email_policy()\n"
        "import email.policy as p\n"
        "assert 'SMTP' not in vars(p)\n"
        "start = threading.Barrier(8); got = []\n"
        "def read():\n"
        "    start.wait()\n"
        "    got.append(p.default.linesep)\n"
        "threads = [threading.Thread(target=read) for _ in range(8)]\n"
        "[t.start() for t in threads]; [t.join() for t in threads]\n"
        "assert got == ['\\n'] * 8, got\n"
        "assert p.SMTP.linesep == '\\r\\n'\n"
    )
