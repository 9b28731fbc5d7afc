"""Scan to Email through the device vs a bare ``aiosmtplib.send``, against the simulated tenant.

Usage: ``.venv/bin/python bench/email_send.py [--runs N] [--job-log N] [--tenant-in-process]``

Starts a simulated tenant (loopback, its own temp dir) in a process of its own, as panel-tui
runs its embedded tenant (``--tenant-in-process``: in threads of this process, where its servers
share the GIL with both sides measured), a Device signed in with the device-code
flow (the tenant's HTML forms posted by ``SignInClient``, as a browser would) and committed
(Web Config OK). Then, interleaved so that machine noise hits both alike:

* **device**: ``await dev.email.scan_to_email(to)``: the job (Active and its start in the job
  journal, then its finish there: one ``write()`` each, the fsync batched on a background
  thread), the sample PDF rendered (written directly by the scan module; the device's memo of renderings is emptied before
  every job, so each job renders, as jobs a minute apart do), the message, the token from
  msal's cache, name mapping, STARTTLS verified against smtp.office365.com, XOAUTH2, DATA;
* **bare**: the same page rendered (the scan module's drawing code, called directly, on the
  loop: the device renders a scan of 1-2 pages at 200 dpi there too, ~0.3 ms a page),
  then ``aiosmtplib.send`` of the very message the device built (captured once during warm-up:
  the same bytes on the wire) to the same server, same token, STARTTLS verified with the same
  kind of TLS context + XOAUTH2 (``oauth_token_generator``), nothing else. ``aiosmtplib.send``
  flattens the message itself, as the device does. ``--no-render`` leaves rendering out of
  both sides (the device's memo kept, the bare side sending only).

Neither side reuses a connection or a TLS session; each side reuses its TLS context.

Prints median and p95 of each and the ratio of medians (aim: <= 1.1), and the number of
requests the device's msal made to the identity platform during the device runs (must be 0: a
valid cached token is used without asking the identity platform). It also times, between the
pairs and outside both measurements, one fdatasync of the job journal: the durable write the
device's background thread does for power loss and a bare send does not (it varies from 0.1 to
10 ms on shared machines; it is off the job's path). The state dir is under ``$TMPDIR``.

``--job-log N`` first fills the device's Job Status log with N finished jobs (the log keeps
200).
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
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


class _ChildTenant:
    """The tenant in a process of its own (``bench/_tenant_child.py``), as panel-tui runs its
    embedded one: its servers do not share this process's GIL with the two sides measured."""

    def __init__(self, state_dir: Path) -> None:
        import json
        import subprocess
        from types import SimpleNamespace

        self.proc = subprocess.Popen([sys.executable, str(Path(__file__).with_name("_tenant_child.py")), str(state_dir)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert self.proc.stdout is not None
        facts = json.loads(self.proc.stdout.readline())
        self.base_url, self.smtp_host, self.smtp_port = facts["base_url"], facts["smtp_host"], facts["smtp_port"]
        self.ca_cert_path, self.client_id = Path(facts["ca_cert_path"]), facts["client_id"]
        self.accounts = [SimpleNamespace(username=u, password=p) for u, p in facts["accounts"]]
        self.root = state_dir

    def delivered(self, upn: str) -> int:
        """Messages in ``upn``'s Maildir (read from the tenant's state dir, as its admin does)."""
        from cloud_sim.maildir import mailbox_dir

        box = mailbox_dir(self.root / "maildir", upn)
        return sum(1 for sub in ("new", "cur") if (box / sub).is_dir() for p in (box / sub).iterdir() if p.is_file())

    def stop(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


async def _run(runs: int, tmp: Path, job_log: int = 0, render: bool = True, in_process: bool = False) -> int:
    import ssl

    import aiosmtplib

    from cloud_sim import start_tenant
    from cloud_sim.signin import SignInClient
    from device_model.device import Device
    from device_model.email import EmailServiceProfile
    from device_model.email import outbox as email_client
    from device_model.email import scan
    from device_model.email.sender import flatten, tls_context_for

    h: Any = start_tenant(tmp / "tenant", device_code_interval=1) if in_process else _ChildTenant(tmp / "tenant")
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

        for i in range(job_log):
            dev.jobs.record("scan_to_email", to, "completed", None, "250 2.0.0 OK (bench filler)",
                            server="smtp.office365.com:587", auth="oauth2", account=upn, subject=f"filler {i}")

        token = await asyncio.to_thread(dev.email._acquire_token)
        # The same verification as the device's context (the tenant's CA, TLS 1.2+, host name).
        ctx = tls_context_for(dev.email.profile)
        assert isinstance(ctx, ssl.SSLContext) and ctx.check_hostname

        async def gen() -> str:
            return token

        built: list[Any] = []
        real_build = email_client.build_message

        def capture(**kwargs: Any) -> Any:
            built.append(real_build(**kwargs))
            return built[-1]

        page: dict[str, Any] = {}
        real_render = scan._render

        def spy_render(*a: Any) -> bytes:
            page["args"] = a
            return real_render(*a)

        async def bare_once() -> float:
            t0 = time.perf_counter()
            if render:  # the same page, on the loop as the device renders a 1-page 200 dpi scan
                real_render(*page["args"])
            await aiosmtplib.send(built[-1], hostname=h.smtp_host, port=h.smtp_port, start_tls=True, tls_context=ctx,
                                  username=upn, oauth_token_generator=gen, local_hostname="bench")
            return time.perf_counter() - t0

        async def device_once() -> float:
            if render:
                with scan._MEMO_LOCK:
                    scan._MEMO.clear()  # a new rendering, as for a job in another minute
            t0 = time.perf_counter()
            job = await dev.email.scan_to_email(to)
            dt = time.perf_counter() - t0
            if job.status != "completed":
                raise RuntimeError(f"job failed: {job.code} {job.reply}")
            return dt

        email_client.build_message = capture  # once, to learn the message the device sends
        scan._render = spy_render  # and the page it renders
        try:
            with scan._MEMO_LOCK:
                scan._MEMO.clear()
            await device_once()
        finally:
            email_client.build_message = real_build
            scan._render = real_render
        size = len(flatten(built[-1]))
        for _ in range(3):  # warm both paths (imports, TLS contexts, msal app)
            await device_once()
            await bare_once()

        import os

        journal = dev.state_dir / "joblog.journal"

        def disk_once() -> float:
            """What the journal's fsync costs on this disk right now (off the job's path)."""
            fd = os.open(journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                t0 = time.perf_counter()
                os.fdatasync(fd)
                return time.perf_counter() - t0
            finally:
                os.close(fd)

        before = dev.email.identity_requests.count
        device_t: list[float] = []
        bare_t: list[float] = []
        disk_t: list[float] = []
        for i in range(runs):
            if i % 2:
                device_t.append(await device_once())
                bare_t.append(await bare_once())
            else:
                bare_t.append(await bare_once())
                device_t.append(await device_once())
            disk_t.append(disk_once())
        idp_requests = dev.email.identity_requests.count - before

        d_med, b_med = statistics.median(device_t), statistics.median(bare_t)
        pdf = built[-1].get_payload()[1].get_payload(decode=True)
        print(f"runs: {runs} each, interleaved; the same {size}-byte message (a {len(pdf)}-byte PDF, "
              f"{'rendered for every job on both sides' if render else 'not rendered'}); "
              f"job log: {len(dev.jobs.log)} entries at the end")
        bare_name = "bare render + send" if render else "bare aiosmtplib.send"
        print(f"device scan_to_email : median {d_med * 1000:7.2f} ms   p95 {_p95(device_t) * 1000:7.2f} ms")
        print(f"{bare_name:<21}: median {b_med * 1000:7.2f} ms   p95 {_p95(bare_t) * 1000:7.2f} ms")
        print(f"ratio (median)       : {d_med / b_med:.3f}   (aim <= 1.1)")
        print(f"disk: one fdatasync of the job journal (the device's background thread does it, batched, "
              f"off the job's path): median {statistics.median(disk_t) * 1000:.2f} ms   p95 {_p95(disk_t) * 1000:.2f} ms")
        print(f"identity-platform requests during {runs} device sends: {idp_requests} (must be 0)")
        delivered = len(h.admin.messages(to)) if in_process else h.delivered(to)
        print(f"messages in {to}'s Maildir: {delivered}")
        return 0 if idp_requests == 0 else 2
    finally:
        h.stop()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--job-log", type=int, default=0, metavar="N",
                    help="fill the device's job log with N finished jobs first (default 0: a new device)")
    ap.add_argument("--no-render", action="store_true",
                    help="leave PDF rendering out of both sides (the device's memo kept)")
    ap.add_argument("--tenant-in-process", action="store_true",
                    help="run the tenant's servers in threads of this process (they then share its GIL "
                         "with both sides) instead of in a process of their own, as panel-tui runs it")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="email-bench-") as tmp:
        return asyncio.run(_run(args.runs, Path(tmp), args.job_log, not args.no_render, args.tenant_in_process))


if __name__ == "__main__":
    raise SystemExit(main())
