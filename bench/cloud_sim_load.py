"""Load on the simulated tenant: concurrent device-code sign-ins, then XOAUTH2 sends.

Usage: ``.venv/bin/python bench/cloud_sim_load.py [--levels 1,10,50,200] [--sends 200] [--rounds 5] [--self-check]``

For each concurrency level it runs that many sign-ins at once, then ``--rounds`` rounds of
``--sends`` XOAUTH2 sends with that many at a time, each round against the tenant and against a
**bare aiosmtpd** back to back (the order alternating from round to round), in the same process
layout (a Controller thread in this process with deliveries on worker threads, STARTTLS with
the tenant's own TLS context and certificate, ``TCP_NODELAY``, an ``AUTH XOAUTH2`` that accepts
any token, each message written to a Maildir with the tenant's own ``deliver``): the same
client, the same messages. It prints sign-ins/s, the median sends/s of each side, the median
of the rounds' ratios (aim: tenant >= 0.95x bare), and the CPU per send: this process (client
and server together, alike on both sides) and the servers' threads alone (all but the client's
thread). ``--self-check`` puts a second bare aiosmtpd in the tenant's place: how far from 1.00
two identical servers land on this machine now. The legacy single run (``--signins N --sends N
--concurrency N`` without ``--levels``) is kept.

Starts a tenant in-process (its own temp dir, loopback, ``device_code_interval=1``), then:

* **sign-ins**: ``--signins`` devices at once, each with its own msal
  ``PublicClientApplication`` (authority on the tenant's HTTPS URL, trusting only its CA). Each
  asks for a device code and polls with ``acquire_token_by_device_flow`` while a "browser" (the
  tenant's HTML pages posted by ``SignInClient``: code, account, password, consent) completes the
  sign-in, as a printer and an administrator would. Latency: from the device-code request to the
  token in hand (it includes up to one poll interval, 1 s, of msal's waiting).
* **sends**: ``--sends`` messages with ``aiosmtplib.send`` (STARTTLS verified against the tenant
  CA, XOAUTH2 with ``oauth_token_generator``, one connection per message), at most
  ``--concurrency`` at a time, using the tokens from the sign-ins. Latency: connect to ``250``
  after DATA. Afterwards every message is looked for in the recipient's Maildir.

Prints throughput and p50/p95/max latency for each phase. Exits 1 if any sign-in or send fails
(or a message is missing from the Maildir), 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import ssl
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SMTP_SCOPE = "https://outlook.office.com/SMTP.Send"


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    wall: float = 0.0

    def report(self) -> str:
        ok = len(self.latencies)
        total = ok + len(self.failures)
        if not ok:
            return f"{self.name:<9} {ok}/{total} ok in {self.wall:6.2f} s"
        ordered = sorted(self.latencies)

        def pct(p: float) -> float:
            return ordered[min(ok - 1, int(round(p * (ok - 1))))] * 1000

        return (
            f"{self.name:<9} {ok:>4}/{total:<4} ok in {self.wall:6.2f} s  "
            f"throughput {ok / self.wall:7.1f}/s  "
            f"p50 {pct(0.50):7.1f} ms  p95 {pct(0.95):7.1f} ms  max {ordered[-1] * 1000:7.1f} ms"
        )


def _http(ca: Path):
    import requests

    s = requests.Session()
    s.trust_env = False  # REQUESTS_CA_BUNDLE would override verify
    s.verify = str(ca)
    return s


def sign_in_once(h, who, barrier: threading.Barrier) -> tuple[float, str]:
    """One device: msal device flow, completed through the HTML pages. Returns (latency, token)."""
    import msal

    from cloud_sim.signin import SignInClient

    try:
        app = msal.PublicClientApplication(
            h.client_id, authority=h.authority("organizations"), instance_discovery=False,
            http_client=_http(h.ca_cert_path),
        )
    finally:
        barrier.wait()  # all devices start their sign-in together (a failed one too: no deadlock)
    start = time.perf_counter()
    flow = app.initiate_device_flow(scopes=[SMTP_SCOPE])
    if "user_code" not in flow:
        raise RuntimeError(f"devicecode failed: {flow.get('error')}: {flow.get('error_description')}")
    box: dict[str, object] = {}

    def browser() -> None:
        try:
            with SignInClient(h.base_url, h.ca_cert_path) as client:
                box["page"] = client.sign_in(flow["user_code"], who.username, who.password,
                                             accept=True, on_behalf_of_org=True)
        except BaseException as exc:  # reported below
            box["error"] = exc

    t = threading.Thread(target=browser, daemon=True)
    t.start()
    deadline = time.monotonic() + 120
    result = app.acquire_token_by_device_flow(
        flow, exit_condition=lambda _f: time.monotonic() > deadline or "error" in box
    )
    t.join(timeout=60)
    if "error" in box:
        raise RuntimeError(f"sign-in pages failed: {box['error']!r}")
    page = box.get("page")
    if getattr(page, "kind", None) != "done":
        raise RuntimeError(f"sign-in pages ended on {page!r}")
    if "access_token" not in result:
        raise RuntimeError(f"token failed: {result.get('error')}: {result.get('error_description')}")
    return time.perf_counter() - start, str(result["access_token"])


def run_signins(h, n: int) -> tuple[Phase, list[tuple[str, str]]]:
    phase = Phase("sign-ins")
    accounts = [a for a in h.accounts if a.username.split("@")[0] in ("printer", "admin")]
    barrier = threading.Barrier(n, timeout=600)
    tokens: list[tuple[str, str]] = []
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=n) as pool:
        futures = [pool.submit(sign_in_once, h, accounts[i % len(accounts)], barrier)
                   for i in range(n)]
        for i, fut in enumerate(futures):
            try:
                latency, token = fut.result()
                phase.latencies.append(latency)
                tokens.append((accounts[i % len(accounts)].username, token))
            except BaseException as exc:  # noqa: BLE001 - counted and printed
                phase.failures.append(repr(exc))
    phase.wall = time.perf_counter() - t0
    return phase, tokens


async def run_sends(h, tokens: list[tuple[str, str]], n: int, concurrency: int,
                    recipient: str, port: int | None = None) -> Phase:
    import aiosmtplib
    from email.message import EmailMessage

    phase = Phase("sends")
    ctx = ssl.create_default_context(cafile=str(h.ca_cert_path))
    sem = asyncio.Semaphore(concurrency)

    async def one(i: int) -> None:
        upn, token = tokens[i % len(tokens)]
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = upn, recipient, f"load {i}"
        msg.set_content(f"message {i}\n" + "scan data line\n" * 40)

        async def generator() -> str:
            return token

        async with sem:
            start = time.perf_counter()
            try:
                errors, _ = await aiosmtplib.send(
                    msg, hostname=h.smtp_host, port=port or h.smtp_port, start_tls=True,
                    tls_context=ctx, username=upn, oauth_token_generator=generator, timeout=60,
                    local_hostname="printer.local",  # as the device: no getfqdn() per send
                )
                if errors:
                    raise RuntimeError(f"recipients refused: {errors}")
                phase.latencies.append(time.perf_counter() - start)
            except Exception as exc:  # noqa: BLE001 - counted and printed
                phase.failures.append(f"send {i}: {exc!r}")

    t0 = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(n)))
    phase.wall = time.perf_counter() - t0
    return phase


def start_bare_smtp(ca_dir: Path, maildir_root: Path):
    """A bare aiosmtpd: STARTTLS, AUTH XOAUTH2 accepting anything, Maildir delivery.

    What it shares with the tenant's server, so that only the tenant's own work differs: the
    process and the thread layout (a Controller thread with its own loop, deliveries on a
    worker thread), the TLS context (``cloud_sim.ca.server_ssl_context`` on the tenant's
    certificate: TLS 1.2 minimum, the same key), ``TCP_NODELAY``, the reader's line limits,
    and the Maildir writer (``cloud_sim.maildir.deliver``: tmp/, fsync, rename into new/).
    """
    import socket

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import SMTP, AuthResult

    from cloud_sim.ca import ensure_ca, server_ssl_context
    from cloud_sim.maildir import deliver

    ctx = server_ssl_context(ensure_ca(ca_dir))

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            loop = asyncio.get_running_loop()
            for rcpt in envelope.rcpt_tos:
                await loop.run_in_executor(None, deliver, maildir_root, rcpt, envelope.content)
            return "250 2.0.0 OK"

        async def auth_XOAUTH2(self, server, args):  # noqa: N802 - aiosmtpd's naming
            if len(args) < 2:
                await server.challenge_auth("", encode_to_b64=False)
            return AuthResult(success=True, handled=False)

    class NoDelaySMTP(SMTP):
        line_length_limit = 17408  # the reader's limit (set in __init__), as the tenant's

        def __init__(self, *a, **kw):
            import collections

            super().__init__(*a, **kw)
            self.line_length_limit = 1001
            self.command_size_limits = collections.defaultdict(lambda: 512)
            self.command_size_limits["AUTH"] = 16384  # a bearer token on the AUTH line

        def connection_made(self, transport):
            sock = transport.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            super().connection_made(transport)

    class C(Controller):
        def factory(self):
            return NoDelaySMTP(self.handler, tls_context=ctx, require_starttls=True,
                               auth_require_tls=True, authenticator=lambda *a: AuthResult(success=True),
                               hostname="bare.localhost")

    from cloud_sim.runtime import free_port

    port = free_port("127.0.0.1")
    c = C(Handler(), hostname="127.0.0.1", port=port)
    c.start()
    return c, port


@dataclass
class Side:
    """One server's runs at one level: sends/s and CPU per send of each round."""

    name: str
    rates: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # ms per send, this process (client + server)
    server_cpu: list[float] = field(default_factory=list)  # ms per send, all but the client's thread
    failures: list[str] = field(default_factory=list)
    sent: int = 0

    def median(self, values: list[float]) -> float:
        return statistics.median(values) if values else float("nan")


def timed_sends(h, tokens, n: int, level: int, recipient: str, port: int | None, side: Side) -> None:
    """One round of ``n`` sends to one server, with the CPU it took.

    A full garbage collection first, so that neither side pays for the other's (or the
    sign-ins') garbage. The client runs in this (the main) thread; the servers run in their
    own threads, so the process's CPU minus this thread's is the server's.
    """
    gc.collect()
    c0, m0 = time.process_time(), time.thread_time()
    phase = asyncio.run(run_sends(h, tokens, n, level, recipient, port=port))
    c1, m1 = time.process_time(), time.thread_time()
    ok = max(1, len(phase.latencies))
    side.rates.append(len(phase.latencies) / phase.wall if phase.wall else float("nan"))
    side.cpu.append((c1 - c0) / ok * 1000)
    side.server_cpu.append(((c1 - c0) - (m1 - m0)) / ok * 1000)
    side.failures += phase.failures
    side.sent += len(phase.latencies)


def count_delivered(maildir_root: Path, recipient: str) -> int:
    new = maildir_root / recipient.lower() / "new"
    return len(os.listdir(new)) if new.is_dir() else 0


def run_levels(levels: list[int], sends_per_level: int, rounds: int, self_check: bool) -> int:
    """Each level: its sign-ins, then ``rounds`` rounds of sends to both servers, the order
    alternating (A B, B A, ...), so that a burst of other work on the machine, or the
    sign-ins' aftermath, falls on both sides alike. The medians of the rounds are printed.

    ``self_check``: the tenant's side is a second bare aiosmtpd (no sign-ins; any token):
    how far from 1.00 two identical servers land on this machine now (the bench's noise).
    """
    from cloud_sim import start_tenant

    failures = 0
    load0 = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="cloud-sim-load-") as tmp:
        h = start_tenant(Path(tmp) / "tenant", preset="prepared", device_code_interval=1)
        bare_root = Path(tmp) / "bare-maildir"
        bare, bare_port = start_bare_smtp(h.state_dir, bare_root)
        other = None
        if self_check:
            other_root = Path(tmp) / "bare2-maildir"
            other, a_port = start_bare_smtp(h.state_dir, other_root)
            a_name, a_root = "bare A", other_root
        else:
            a_port, a_name, a_root = h.smtp_port, "tenant", h.state_dir / "maildir"
        print(f"{a_name} 127.0.0.1:{a_port}; bare aiosmtpd 127.0.0.1:{bare_port}; "
              f"{rounds} round(s) of {sends_per_level} sends per side and level, order alternating; "
              f"load average {load0:.2f}")
        print(f"{'level':>5}  {'sign-ins ok':>11} {'/s':>5} {'p50 s':>6}   {a_name + ' sends/s':>14} "
              f"{'bare sends/s':>12} {'ratio':>6}   {'CPU ms/send ' + a_name:>18} {'bare':>6}"
              f"   {'server CPU ms/send':>18} {'bare':>6}")
        pool: list[tuple[str, str]] = []
        notes: list[str] = []
        recipient = f"user@{h.tenant_domain}"
        expected = 0
        try:
            for level in levels:
                if self_check:
                    signins = Phase("sign-ins")
                    pool = pool or [(f"printer@{h.tenant_domain}", "any-token")]
                else:
                    signins, tokens = run_signins(h, level)
                    pool.extend(tokens)
                    if signins.failures:
                        notes.append(f"level {level}: {len(signins.failures)} sign-in(s) failed, e.g. "
                                     f"{signins.failures[0][:160]}")
                if not pool:
                    print(f"{level:>5}  no sign-in succeeded")
                    failures += 1
                    continue
                a, b = Side(a_name), Side("bare")
                for r in range(rounds):
                    order = [(a, a_port), (b, bare_port)]
                    for side, port in (order if r % 2 == 0 else order[::-1]):
                        timed_sends(h, pool, sends_per_level, level, recipient, port, side)
                expected += rounds * sends_per_level
                failures += len(a.failures) + len(b.failures)
                for f in (a.failures + b.failures)[:3]:
                    print("  FAILED:", f)
                a_rate, b_rate = a.median(a.rates), b.median(b.rates)
                # each round's two runs are next to each other in time: their ratio is free of
                # the drift in the machine's load between rounds; the median of those ratios
                ratio = statistics.median(x / y for x, y in zip(a.rates, b.rates) if y)
                n_in = len(signins.latencies)
                p50 = sorted(signins.latencies)[n_in // 2] if n_in else float("nan")
                rate_in = n_in / signins.wall if signins.wall else float("nan")
                print(f"{level:>5}  {n_in:>5}/{level if not self_check else 0:<5} "
                      f"{rate_in:>5.1f} {p50:>6.2f}   "
                      f"{a_rate:>14.1f} {b_rate:>12.1f} {ratio:>6.2f}   "
                      f"{a.median(a.cpu):>18.2f} {b.median(b.cpu):>6.2f}"
                      f"   {a.median(a.server_cpu):>18.2f} {b.median(b.server_cpu):>6.2f}", flush=True)
                if rounds > 1:
                    print(f"{'':>5}  rounds: {a_name} " + " ".join(f"{x:.0f}" for x in a.rates)
                          + ", bare " + " ".join(f"{x:.0f}" for x in b.rates) + " sends/s", flush=True)
        finally:
            if other is not None:
                other.stop()
            bare.stop()
            h.stop()
            for name, root in ((a_name, a_root), ("bare", bare_root)):
                got = count_delivered(root, recipient)
                if got != expected:
                    print(f"FAILED: {name}'s Maildir holds {got} messages for {recipient}, "
                          f"{expected} were sent")
                    failures += 1
    for note in notes:
        print("NOTE:", note)
    from cloud_sim import idp_http

    load1 = os.getloadavg()[0]
    print(f"load average (1 min) {load0:.2f} before, {load1:.2f} after, on {os.cpu_count()} CPUs")
    if not self_check:
        print("sign-in latency includes up to one 1 s poll interval of msal's waiting; each sign-in "
              "holds two HTTPS connections (msal polling, the pages); the identity platform serves "
              f"{idp_http.MAX_HANDLERS} at once (MAX_HANDLERS) and queues more")
    print("sends/s: the median of the rounds; ratio: the median of each round's ratio (its two "
          "runs back to back); CPU ms/send: this process (client and server); server CPU: all "
          "its threads but the client's (the server's loop and worker threads)")
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--signins", type=int, default=50, help="concurrent sign-ins (50)")
    parser.add_argument("--sends", type=int, default=500, help="messages to send (500)")
    parser.add_argument("--concurrency", type=int, default=20, help="sends at once (20)")
    parser.add_argument("--levels", default="1,10,50,200",
                        help="concurrency levels, each for sign-ins and sends vs a bare aiosmtpd "
                             "(default 1,10,50,200; 'none' for the single run)")
    parser.add_argument("--rounds", type=int, default=5,
                        help="rounds of sends per side and level, order alternating (5)")
    parser.add_argument("--self-check", action="store_true",
                        help="a second bare aiosmtpd instead of the tenant: the bench's noise")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    logging.getLogger("cloud_sim.idp_http").setLevel(logging.ERROR)  # refusals: counted instead
    if args.levels != "none":
        sends = args.sends if "--sends" in (argv or sys.argv) else 200
        if args.rounds < 1:
            parser.error("--rounds must be >= 1")
        return run_levels([int(x) for x in args.levels.split(",")], sends, args.rounds,
                          args.self_check)
    if args.signins < 1 or args.sends < 0 or args.concurrency < 1:
        parser.error("--signins and --concurrency must be >= 1, --sends >= 0")

    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("mail.log").setLevel(logging.ERROR)  # aiosmtpd's per-connection chatter
    from cloud_sim import start_tenant
    from cloud_sim.maildir import list_messages

    with tempfile.TemporaryDirectory(prefix="cloud-sim-load-") as tmp:
        t0 = time.perf_counter()
        h = start_tenant(Path(tmp) / "tenant", preset="prepared", device_code_interval=1)
        print(f"tenant up in {time.perf_counter() - t0:.2f} s: {h.base_url}, "
              f"SMTP {h.smtp_host}:{h.smtp_port}")
        try:
            signins, tokens = run_signins(h, args.signins)
            print(signins.report())
            sends = Phase("sends")
            missing = 0
            if tokens and args.sends:
                recipient = f"user@{h.tenant_domain}"
                sends = asyncio.run(run_sends(h, tokens, args.sends, args.concurrency, recipient))
                print(sends.report())
                delivered = {i.subject for i in list_messages(h.admin.maildir(recipient).parent, recipient)}
                missing = sum(1 for i in range(args.sends) if f"load {i}" not in delivered)
                print(f"maildir   {len(delivered)} of {args.sends} messages delivered to {recipient}")
        finally:
            h.stop()
    failures = signins.failures + sends.failures
    for failure in failures[:10]:
        print("FAILED:", failure)
    if len(failures) > 10:
        print(f"... and {len(failures) - 10} more failures")
    if failures or missing or (args.sends and not tokens):
        print("RESULT: FAIL")
        return 1
    print("RESULT: all sign-ins and sends succeeded")
    return 0


if __name__ == "__main__":
    sys.exit(main())
