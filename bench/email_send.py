"""Scan to Email through the device vs a bare ``aiosmtplib.send``, against the simulated tenant.

Usage: ``.venv/bin/python bench/email_send.py [--runs N]``

Starts a simulated tenant (loopback, its own temp dir), a Device signed in with the device-code
flow (the tenant's HTML forms posted by ``SignInClient``, as a browser would) and committed
(Web Config OK). Then, interleaved so that machine noise hits both alike:

* **device**: ``await dev.email.scan_to_email(to)``: the job (Active, then the persisted Log),
  the sample PDF, the message, the token from msal's cache (in a worker thread), name mapping,
  STARTTLS verified against smtp.office365.com, XOAUTH2, DATA;
* **bare**: ``aiosmtplib.send`` of an identical message (same size, same PDF) to the same server,
  same token, STARTTLS + XOAUTH2 (``oauth_token_generator``), nothing else.

Prints median and p95 of each and the ratio of medians (aim: <= 1.2), and the number of
requests the device's msal made to the identity platform during the device runs (must be 0: a
valid cached token is used without asking the identity platform).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


async def _run(runs: int, tmp: Path) -> int:
    import ssl

    import aiosmtplib

    from cloud_sim import start_tenant
    from cloud_sim.signin import SignInClient
    from device_model.device import Device
    from device_model.email import EmailServiceProfile
    from device_model.email.scan import sample_scan_pdf
    from device_model.email.sender import Attachment, build_message

    h = start_tenant(tmp / "tenant", device_code_interval=1)
    try:
        dev = Device(tmp / "device")
        dev.email.set_profile(EmailServiceProfile.from_tenant(h))
        dev.update("email_server", auth_method="oauth2", email_service="exchange_online",
                   smtp_server="smtp.office365.com", smtp_port=587, secure="starttls")
        attempt = await asyncio.to_thread(dev.email.begin_sign_in, "exchange_online")
        admin = next(a for a in h.accounts if a.username.startswith("admin@"))

        def browser() -> None:
            with SignInClient(h.base_url, h.ca_cert_path) as c:
                c.sign_in(attempt.user_code, admin.username, admin.password)

        threading.Thread(target=browser, daemon=True).start()
        state = await attempt.wait_async()
        if state != "signed_in":
            print(f"sign-in failed: {state} {attempt.error}")
            return 1
        dev.email.commit_sign_in(attempt)
        upn = attempt.account or admin.username
        to = next(a.username for a in h.accounts if a.username.startswith("user@"))

        token = await asyncio.to_thread(dev.email._acquire_token)
        ctx = ssl.create_default_context(cafile=str(h.ca_cert_path))
        pdf = sample_scan_pdf(title="Sample scanned document", line="Scanned on bench")

        async def gen() -> str:
            return token

        async def bare_once() -> float:
            msg = build_message(sender=upn, to=to, subject="Scanned document from bench", body="bench\n",
                                attachments=[Attachment("scan.pdf", pdf, "application/pdf")])
            t0 = time.perf_counter()
            await aiosmtplib.send(msg, hostname=h.smtp_host, port=h.smtp_port, start_tls=True, tls_context=ctx,
                                  username=upn, oauth_token_generator=gen, local_hostname="bench")
            return time.perf_counter() - t0

        async def device_once() -> float:
            t0 = time.perf_counter()
            job = await dev.email.scan_to_email(to)
            dt = time.perf_counter() - t0
            if job.status != "completed":
                raise RuntimeError(f"job failed: {job.code} {job.reply}")
            return dt

        for _ in range(3):  # warm both paths (imports, TLS contexts, msal app)
            await device_once()
            await bare_once()

        before = dev.email.identity_requests.count
        device_t: list[float] = []
        bare_t: list[float] = []
        for i in range(runs):
            if i % 2:
                device_t.append(await device_once())
                bare_t.append(await bare_once())
            else:
                bare_t.append(await bare_once())
                device_t.append(await device_once())
        idp_requests = dev.email.identity_requests.count - before

        d_med, b_med = statistics.median(device_t), statistics.median(bare_t)
        print(f"runs: {runs} each, interleaved; message with a {len(pdf)}-byte PDF")
        print(f"device scan_to_email : median {d_med * 1000:7.2f} ms   p95 {_p95(device_t) * 1000:7.2f} ms")
        print(f"bare aiosmtplib.send : median {b_med * 1000:7.2f} ms   p95 {_p95(bare_t) * 1000:7.2f} ms")
        print(f"ratio (median)       : {d_med / b_med:.3f}   (aim <= 1.2)")
        print(f"identity-platform requests during {runs} device sends: {idp_requests} (must be 0)")
        delivered = len(h.admin.messages(to))
        print(f"messages in {to}'s Maildir: {delivered}")
        return 0 if idp_requests == 0 else 2
    finally:
        h.stop()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=30)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="email-bench-") as tmp:
        return asyncio.run(_run(args.runs, Path(tmp)))


if __name__ == "__main__":
    raise SystemExit(main())
