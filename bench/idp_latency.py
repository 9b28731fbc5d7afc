"""Identity platform: per-request latency of the token endpoint on loopback.

Usage: ``.venv/bin/python bench/idp_latency.py [--sessions 10000] [--requests 300]``

Starts a simulated tenant (its own temp dir, loopback), stores ``--sessions`` pending device-code
sessions in its database (written straight into SQLite, as if that many devices were signing in),
then polls the token endpoint for one pending code ``--requests`` times over one keep-alive HTTPS
connection (``requests.Session``), as msal does while a person types the code. Each answer is
``authorization_pending`` (HTTP 400), the commonest token-endpoint request there is.

Prints p50/p95/max per request and the share of requests slower than 30 ms: without
``TCP_NODELAY`` on the server's sockets, a response written in two pieces waits for the client's
delayed ACK (about 40 ms on Linux) and most requests land there. Aim: p50 <= 3 ms.

A bare comparison point is printed too: the same keep-alive client against a stdlib
``ThreadingHTTPServer`` with TLS and ``TCP_NODELAY`` answering a constant 400 JSON body.
"""

from __future__ import annotations

import argparse
import json
import socket
import ssl
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def _time(session, url: str, form: dict[str, str], n: int, expect: int) -> list[float]:
    out: list[float] = []
    for _ in range(n):
        t0 = time.perf_counter()
        r = session.post(url, data=form, timeout=10)
        dt = time.perf_counter() - t0
        if r.status_code != expect:
            raise RuntimeError(f"{url}: HTTP {r.status_code}: {r.text[:200]}")
        out.append(dt)
    return out


def _line(name: str, t: list[float]) -> str:
    slow = sum(1 for x in t if x > 0.030)
    return (f"{name:<22} p50 {statistics.median(t) * 1000:7.2f} ms   p95 {_pct(t, 0.95) * 1000:7.2f} ms   "
            f"max {max(t) * 1000:7.2f} ms   > 30 ms: {slow}/{len(t)}")


def _bare_server(cert: Path, key: Path) -> tuple[ThreadingHTTPServer, int]:
    body = json.dumps({"error": "authorization_pending", "error_codes": [70016]}).encode()

    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(400)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a: object) -> None:
            pass

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(str(cert), str(key))

    class S(ThreadingHTTPServer):
        daemon_threads = True

        def get_request(self):  # type: ignore[override]
            sock, addr = self.socket.accept()
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return ctx.wrap_socket(sock, server_side=True), addr

    srv = S(("127.0.0.1", 0), H)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, srv.server_address[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=10_000, help="pending device codes stored first")
    ap.add_argument("--requests", type=int, default=300, help="timed token requests")
    args = ap.parse_args(argv)

    import sqlite3

    import requests

    from cloud_sim import start_tenant
    from cloud_sim.store import hash_secret

    with tempfile.TemporaryDirectory(prefix="idp-bench-") as tmp:
        h = start_tenant(Path(tmp) / "tenant", device_code_interval=1)
        try:
            now = time.time()
            db = sqlite3.connect(h.state_dir / "tenant.sqlite3", timeout=30)
            with db:
                db.executemany(
                    "INSERT INTO device_codes(code_hash, user_code, client_id, scope, created, expires,"
                    " status, authority) VALUES(?,?,?,?,?,?,'pending','organizations')",
                    ((hash_secret(f"bench-{i}"), f"B{i:08d}", h.client_id, "openid", now, now + 86400)
                     for i in range(args.sessions)))
            db.close()
            s = requests.Session()
            s.trust_env = False
            s.verify = str(h.ca_cert_path)
            url = f"{h.base_url}/organizations/oauth2/v2.0/token"
            form = {"grant_type": DEVICE_CODE_GRANT, "client_id": h.client_id,
                    "device_code": f"bench-{args.sessions // 2}"}
            _time(s, url, form, 5, 400)  # connect, TLS, warm
            idp_t = _time(s, url, form, args.requests, 400)
            s.close()

            srv, port = _bare_server(h.state_dir / "server.pem", h.state_dir / "server-key.pem")
            b = requests.Session()
            b.trust_env = False
            b.verify = False
            import urllib3

            urllib3.disable_warnings()
            burl = f"https://127.0.0.1:{port}/token"
            _time(b, burl, form, 5, 400)
            bare_t = _time(b, burl, form, args.requests, 400)
            b.close()
            srv.shutdown()
        finally:
            h.stop()
    print(f"{args.sessions} pending device-code sessions stored; {args.requests} token requests each, "
          f"one keep-alive HTTPS connection")
    print(_line("identity platform", idp_t))
    print(_line("bare TLS http.server", bare_t))
    print(f"ratio (p50)            {statistics.median(idp_t) / statistics.median(bare_t):.2f}   "
          f"(aim: identity platform p50 <= 3 ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
