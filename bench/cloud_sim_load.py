"""Load on the simulated tenant: concurrent device-code sign-ins, then XOAUTH2 sends.

Usage: ``.venv/bin/python bench/cloud_sim_load.py [--signins 50] [--sends 500] [--concurrency 20]``

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
import logging
import ssl
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

    app = msal.PublicClientApplication(
        h.client_id, authority=h.authority("organizations"), instance_discovery=False,
        http_client=_http(h.ca_cert_path),
    )
    barrier.wait(timeout=120)  # all devices start their sign-in together
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
    barrier = threading.Barrier(n)
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
                    recipient: str) -> Phase:
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
                    msg, hostname=h.smtp_host, port=h.smtp_port, start_tls=True,
                    tls_context=ctx, username=upn, oauth_token_generator=generator, timeout=60,
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--signins", type=int, default=50, help="concurrent sign-ins (50)")
    parser.add_argument("--sends", type=int, default=500, help="messages to send (500)")
    parser.add_argument("--concurrency", type=int, default=20, help="sends at once (20)")
    args = parser.parse_args(argv)
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
