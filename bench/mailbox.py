"""F4 mailbox view and ``cloud-sim mail list`` at 10 / 1 000 / 100 000 messages.

Usage: ``.venv/bin/python bench/mailbox.py [--sizes 10,1000,100000] [--runs 3]``

For each size, a tenant state dir (its own temp dir) gets a mailbox of that many Scan to Email
messages (a real message with a small PDF, the file the tenant's SMTP server would store; the
files are hard links of a few originals, so 100 000 messages cost no disk). Then it times:

* **view**: what F4 > Mailboxes does to open: ``list_users``, ``mail_summary`` (every mailbox and
  when mail last landed in it) and ``mail_page`` (the newest page of 50 rows with their attachment
  names), through ``TenantAdmin`` in this process (the embedded tenant's path).
* **open a row**: reading one listed message whole (what Enter on a row does).
* **cloud-sim mail list**: the console script in a subprocess, every message of the state dir
  printed (headers only; the bench counts the lines).
* **listdir**: a bare ``os.listdir`` of the mailbox's new/ directory, the floor any listing pays.

Prints the median of ``--runs`` per size, the time per message, and the growth between sizes
relative to the growth in messages (<= 1.0 means at most linear). The view's CPU time is printed
beside its wall time: on a shared machine it is the steadier figure. Aim: view <= 0.3 s at 100 000.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

USER = "user@contoso.onmicrosoft.com"
LINKS_PER_FILE = 20_000  # under ext4's 65 000 links per inode


def _message(i: int) -> bytes:
    from email.message import EmailMessage

    m = EmailMessage()
    m["From"] = "printer@contoso.onmicrosoft.com"
    m["To"] = USER
    m["Subject"] = f"Scanned document {i}"
    m["Date"] = "Fri, 27 Nov 2026 14:31:10 +0000"
    m.set_content("This is a scanned document sent from EPSON123456.")
    m.add_attachment(b"%PDF-1.3\n" + b"0" * 3000, maintype="application", subtype="pdf",
                     filename=f"scan{i:04d}.pdf")
    return m.as_bytes()


def _fill(box: Path, n: int) -> None:
    new = box / "new"
    for sub in ("new", "cur", "tmp"):
        (box / sub).mkdir(parents=True, exist_ok=True, mode=0o700)
    originals: list[Path] = []
    start = int(time.time()) - n
    for i in range(n):
        name = f"{start + i}.M{i % 1_000_000:06d}P1Q{i}.bench"
        if i % LINKS_PER_FILE == 0:
            src = box / f".orig{len(originals)}"
            src.write_bytes(_message(len(originals)))
            originals.append(src)
        os.link(originals[-1], new / name)
    for src in originals:
        src.unlink()


def _median_time(fn, runs: int, cpu: list[float] | None = None) -> float:
    out, used = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        out.append(time.perf_counter() - t0)
        used.append(time.process_time() - c0)
    if cpu is not None:
        cpu.append(statistics.median(used))
    return statistics.median(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10,1000,100000")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    sizes = [int(x) for x in args.sizes.split(",")]

    from cloud_sim.admin import TenantAdmin
    from cloud_sim.clock import TenantClock
    from cloud_sim.directory import Directory
    from cloud_sim.store import Store

    cloud_sim = Path(sys.executable).with_name("cloud-sim")
    rows: list[tuple[int, float, float, float, float]] = []
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="mailbox-bench-") as tmp:
            state = Path(tmp) / "tenant"
            state.mkdir(mode=0o700)
            store = Store(state / "tenant.sqlite3")
            try:
                clock = TenantClock(lambda: float(store.get("clock_offset", 0.0)),
                                    lambda v: store.put("clock_offset", float(v)))
                admin = TenantAdmin(Directory(store, clock, preset="prepared"), clock, state / "maildir")
                _fill(state / "maildir" / USER, n)

                def view() -> None:
                    admin.list_users()
                    boxes = admin.mail_summary()
                    assert boxes and boxes[0]["newest"], boxes
                    page = admin.mail_page(USER, 0, 50)
                    assert page["total"] == n and page["messages"][0]["attachments"]

                first = admin.mail_page(USER, 0, 1)["messages"][0]["path"]

                def open_row() -> None:
                    from email import policy
                    from email.parser import BytesParser

                    with open(first, "rb") as fh:
                        BytesParser(policy=policy.default).parse(fh)

                def cli() -> None:
                    r = subprocess.run([str(cloud_sim), "--state-dir", str(state), "mail", "list"],
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
                    if r.returncode or r.stdout.count(b"\n") != n:
                        raise RuntimeError(r.stderr.decode()[-500:])

                def listdir() -> None:
                    os.listdir(state / "maildir" / USER / "new")

                view()  # warm the page cache and imports
                cpu: list[float] = []
                t_view = _median_time(view, args.runs, cpu)
                t_open = _median_time(open_row, args.runs)
                t_cli = _median_time(cli, args.runs)
                t_ls = _median_time(listdir, args.runs)
            finally:
                store.close()
        rows.append((n, t_view, t_open, t_cli, t_ls))
        print(f"{n:>7} messages: view {t_view * 1000:8.1f} ms (CPU {cpu[0] * 1000:6.1f} ms)   open a row {t_open * 1000:6.2f} ms   "
              f"cloud-sim mail list {t_cli * 1000:8.1f} ms   os.listdir {t_ls * 1000:7.2f} ms", flush=True)
    print()
    for (n0, v0, _, c0, _), (n1, v1, _, c1, _) in zip(rows, rows[1:]):
        grow = n1 / n0
        print(f"{n0} -> {n1} messages (x{grow:g}): view x{v1 / v0:.1f} (growth/linear {v1 / v0 / grow:.3f}), "
              f"mail list x{c1 / c0:.1f} (growth/linear {c1 / c0 / grow:.3f})")
    n, v = rows[-1][0], rows[-1][1]
    print(f"view at {n} messages: {v:.3f} s (aim <= 0.3 s at 100 000)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
