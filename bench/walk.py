"""The whole guide walk, typed into panel-tui in a real 80×24 terminal, against the bare app.

Usage: ``.venv/bin/python bench/walk.py [--scans 10] [--bare-keys 40] [--tail]``

panel-tui starts on a fresh state dir and HOME (its first frame is timed: the first-run start),
then a person's walk of the vendor guide is typed into it, step by step, each step waiting for
what a person waits for (the steps of ``tests/acceptance/journeys.py``): read the IP; F3 Web
Config, log in, Email Server > Basic, OAuth2, Sign In, Sign in with Microsoft; F4 the sign-in
pages (code, account, password, consent); F3 Signed in, OK; Connection Test; F2 Email Server
Status and Print Status Sheet; ``--scans`` Scan to Email jobs (F5 Home > Scan > Email, To,
Start, until "Completed"); F4 Mailboxes until it lists them all. The bare app
(``bench/bare_app.py``: Header + 20-item OptionList + Footer) is started the same way (fresh
HOME, first frame timed) and typed Down/Up keys into, doing nothing else.

Printed, panel-tui / bare, all from this one run:

* **peak RSS**: ``VmHWM`` of each app's process just before it quits (goal <= 1.6x over the
  walk); then panel-tui's embedded tenant's own process (its child, found through
  ``/proc/PID/task/*/children``) and the sum of the two peaks, each against the bare app
  (information: the goal is the panel process's);
* **first frame**: spawn to the first completed frame showing the home screen, fresh state
  (goal <= 1.3x);
* **key -> repaint**: for every key typed during the walk, the time from writing it to the end
  of the first frame that began after it (keys that repaint nothing within 1 s are not counted),
  median and p95, against the bare app's OptionList Down/Up (goal <= 1.2x), and the tail: how
  many keys took over 1.2x the bare app's p95, and how many over 50 ms;
* **the same keys split in two**: keys that stayed on their page against the bare app's moves,
  and keys that opened another page (its title rows, or half the screen, changed) against the
  bare app's own page changes (Enter pushes a Textual screen with a 7-item OptionList, ``x`` pops
  it; the bare app's peak RSS is read before these); and the bare app's page change against its
  move: what a page change costs in Textual itself;
* **the slowest 10 keys**, each with the step of the walk that typed it;
* **Enter -> "Completed"**: for each Scan to Email, from the Start key to the frame that shows
  the job completed (the send to the simulated Exchange included), in milliseconds.

The harness answers Textual's synchronized-output query, as ``bench/startup.py`` does, so each
frame ends with ``CSI ?2026l``. On a busy machine wall-clock ratios move; run it again before
acting on one figure.
"""

from __future__ import annotations

import argparse
import inspect
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.acceptance import journeys as j  # noqa: E402  (the steps a person takes)
from tests.acceptance.terminal import Terminal, key_bytes  # noqa: E402

SYNC_START = b"\x1b[?2026h"
SYNC_END = b"\x1b[?2026l"
SYNC_QUERY = b"\x1b[?2026$p"
SYNC_REPLY = b"\x1b[?2026;2$y"


class TimedTerminal(Terminal):
    """The acceptance tests' terminal, plus frame timing: every key's repaint is timed."""

    IDLE_READ = 0.005

    def __init__(self, *a, **kw) -> None:
        self.t_spawn = time.perf_counter()
        super().__init__(*a, **kw)
        self.child.delaybeforesend = None  # pexpect sleeps 50 ms before each send by default
        self.frames: list[tuple[int, float]] = []  # (end offset in output, time read)
        self.key_times: list[float] = []
        #: (latency, key, step) of every key repainted: the step is the walk's function typing it
        self.key_log: list[tuple[float, str, str]] = []
        #: per key of key_log: did it change the page (half the rows or more, once settled)?
        self.page_changes: list[bool] = []
        self._scanned = 0

    def _received(self, data: bytes) -> None:
        """Each read is timestamped and scanned for frame ends before the emulator is fed
        (pyte's time is the harness's, not the app's)."""
        now = time.perf_counter()
        self.output += data
        self._scan(now)
        self.stream.feed(data)

    def _scan(self, now: float) -> None:
        start = max(0, self._scanned - 16)
        window = bytes(self.output[start:])
        pos = window.find(SYNC_QUERY)
        while pos != -1:
            if start + pos + len(SYNC_QUERY) > self._scanned:
                self.child.send(SYNC_REPLY)
            pos = window.find(SYNC_QUERY, pos + 1)
        pos = window.find(SYNC_END)
        while pos != -1:
            end = start + pos + len(SYNC_END)
            if not self.frames or end > self.frames[-1][0]:
                self.frames.append((end, now))
            pos = window.find(SYNC_END, pos + 1)
        self._scanned = len(self.output)

    def pid_rss_peak_kib(self, pid: int | None = None) -> int | None:
        """``VmHWM`` (peak resident set) of the app's process, or of ``pid``."""
        try:
            with open(f"/proc/{self.child.pid if pid is None else pid}/status") as fh:
                for line in fh:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1])
        except OSError:
            return None
        return None

    def tenant_pids(self) -> list[int]:
        """The app's child processes running the simulated tenant (panel-tui's embedded tenant
        runs in its own process: ``python -m cloud_sim serve --child``)."""
        found = []
        try:
            for task in os.listdir(f"/proc/{self.child.pid}/task"):
                with open(f"/proc/{self.child.pid}/task/{task}/children") as fh:
                    found += [int(p) for p in fh.read().split()]
        except OSError:
            pass
        out = []
        for pid in found:
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as fh:
                    if b"cloud_sim" in fh.read():
                        out.append(pid)
            except OSError:
                continue
        return out

    def first_frame(self, *markers: str, timeout: float = 60) -> float:
        """Seconds from spawn to the end of the first frame after which the screen shows markers."""
        at = self._first_frame_showing(markers, 0, timeout)
        return at - self.t_spawn

    def _first_frame_showing(self, markers: tuple[str, ...], since: int, timeout: float) -> float:
        """Read time of the first completed frame, ending after output offset ``since``, after
        which the screen shows every marker. The emulator is fed as output arrives (a frame is
        one atomic write, so the screen after a read is the last frame's)."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            self.pump(0.005)
            if self.frames and self.frames[-1][0] > since:
                screen = "\n".join(self.screen.display)
                if all(m in screen for m in markers):
                    return self.frames[-1][1]
        raise TimeoutError(f"no frame showing {markers!r}")

    def timed_key(self, key: str, timeout: float = 1.0) -> float | None:
        """Write one key; seconds to the end of the first frame that began after it."""
        self.pump(0)
        mark, frames_before = len(self.output), len(self.frames)
        data = key_bytes(key)
        t0 = time.perf_counter()
        os.write(self.child.child_fd, data)
        deadline = t0 + timeout
        while time.perf_counter() < deadline:
            self.pump(0.005)
            for end, at in self.frames[frames_before:]:
                if self.output.rfind(SYNC_START, 0, end) >= mark:
                    return at - t0
        return None

    def _record(self, latency: float | None, key: str, before: list[str]) -> None:
        if latency is None:
            return
        self.key_times.append(latency)
        step = next((f.function for f in inspect.stack()[2:6] if f.function not in ("press", "type")), "?")
        self.key_log.append((latency, key, step))
        self.page_changes.append(_page_changed(before, self.screen.display))

    def press(self, *keys: str, pause: float = 0.15) -> None:
        for key in keys:
            before = list(self.screen.display)
            latency = self.timed_key(key)
            self.pump(pause + (0.1 if key == "escape" else 0.0))
            self._record(latency, key, before)

    def type(self, text: str, pause: float = 0.02) -> None:
        for ch in text:
            before = list(self.screen.display)
            latency = self.timed_key(ch, timeout=0.5)
            self.pump(pause)
            self._record(latency, repr(ch), before)
        self.pump(0.1)

    def wait_frame_showing(self, needle: str, since: int, timeout: float = 60) -> float:
        """Time (perf_counter) of the first frame, after output offset ``since``, showing needle."""
        return self._first_frame_showing((needle,), since, timeout)


#: a key that rewrites this many of the 24 rows (once the screen settled) changed the page
PAGE_CHANGE_ROWS = 12


def _page_changed(before: list[str], after: list[str]) -> bool:
    """Did a key open another page? Its title rows changed (the panel's breadcrumbs on row 1,
    Web Config's address on row 0; row 0's last 20 columns are the panel's clock), or half the
    rows did (the bare app's pages, F2/F3/F4 surfaces)."""
    if before[:2] and (before[0][:60] != after[0][:60] or before[1] != after[1]):
        return True
    return sum(1 for a, b in zip(before, after) if a != b) >= PAGE_CHANGE_ROWS


def _env(home: Path) -> dict[str, str]:
    env = {
        "HOME": str(home), "PATH": f"{Path(sys.executable).parent}{os.pathsep}/usr/bin:/bin",
        "TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
        "XDG_STATE_HOME": str(home / ".local" / "state"), "XDG_CONFIG_HOME": str(home / ".config"),
        "COLUMNS": "80", "LINES": "24",
    }
    # a measuring hook for the apps (a sitecustomize.py dumping sys.modules, RSS per step...):
    # BENCH_WALK_PYTHONPATH=/dir puts /dir on their path; unset, the apps run as installed
    if os.environ.get("BENCH_WALK_PYTHONPATH"):
        env["PYTHONPATH"] = os.environ["BENCH_WALK_PYTHONPATH"]
    home.mkdir(parents=True, exist_ok=True)
    return env


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def scan_to_email_timed(t: TimedTerminal, w: dict[str, str]) -> float:
    """F5 Home > Scan > Email, To, Start; seconds from Start to the frame saying Completed."""
    t.press("f5")
    t.wait_for(w["home"])
    t.press("left", "enter")
    t.wait_for(w["scan_email"])
    t.press("enter")
    t.wait_for(w["to"])
    t.type(j.RECIPIENT)
    mark = len(t.output)
    t0 = time.perf_counter()
    os.write(t.child.child_fd, key_bytes("enter"))  # Start
    done = t.wait_frame_showing(w["completed"], mark)
    t.pump(0.15)
    return done - t0


def walk(tmp: Path, scans: int) -> dict[str, object]:
    w = j.WORDS["en"]
    home = tmp / "panel-home"
    t = TimedTerminal([str(Path(sys.executable).parent / "panel-tui"), "--state-dir", str(tmp / "panel-state")],
                      env=_env(home), cwd=home)
    try:
        first = t.first_frame("Settings")
        t.settle(0.3)
        ip = j.step_1_read_the_ip(t, w)
        code = j.steps_2_to_7_start_the_sign_in(t, w, ip)
        j.steps_8_to_11_sign_in_at_microsoft(t, w, code)
        j.step_12_send_it_to_the_printer(t, w)
        j.connection_test(t, w)
        j.check_status_on_the_panel(t, w)
        completed = [scan_to_email_timed(t, w) for _ in range(scans)]
        t.press("f4")
        t.press("shift+tab", "right", "right")
        t.wait_for(f"{scans} message", w["subject"], ".pdf")
        t.settle(0.3)
        rss = t.pid_rss_peak_kib()
        tenant = [t.pid_rss_peak_kib(pid) or 0 for pid in t.tenant_pids()]
        return {"first": first, "rss": rss, "tenant_rss": sum(tenant), "tenants": len(tenant),
                "keys": list(t.key_times), "completed": completed, "page_changes": list(t.page_changes),
                "slowest": sorted(t.key_log, reverse=True)[:10], "all": list(t.key_log)}
    finally:
        t.press("ctrl+q")
        t.close()


def bare(tmp: Path, keys: int) -> dict[str, object]:
    home = tmp / "bare-home"
    t = TimedTerminal([sys.executable, str(ROOT / "bench" / "bare_app.py")], env=_env(home), cwd=ROOT)
    try:
        first = t.first_frame("Menu item 01", "Menu item 20")
        t.settle(0.3)
        times: list[float] = []
        for i in range(keys):
            latency = t.timed_key("down" if i % 2 == 0 else "up")
            if latency is not None:
                times.append(latency)
            t.pump(0.1)
        rss = t.pid_rss_peak_kib()  # before its pages: the baseline is the app doing nothing
        pages: list[float] = []
        for _ in range(keys // 2):  # Textual's own page change: Enter pushes a screen, x pops it
            for key, marker in (("enter", "Page item 07"), ("x", "Menu item 20")):
                latency = t.timed_key(key)
                if latency is not None:
                    pages.append(latency)
                t.wait_for(marker)
                t.pump(0.1)
        return {"first": first, "rss": rss, "keys": times, "pages": pages}
    finally:
        t.press("ctrl+q")
        t.close()


def warm(tmp: Path) -> None:
    """One unmeasured start of each app: bytecode and file caches, as after an install."""
    for name, argv, marker in (
        ("panel", [str(Path(sys.executable).parent / "panel-tui"), "--state-dir", str(tmp / "warm-state")], "Settings"),
        ("bare", [sys.executable, str(ROOT / "bench" / "bare_app.py")], "Menu item 20"),
    ):
        home = tmp / f"warm-{name}"
        t = TimedTerminal(argv, env=_env(home), cwd=ROOT)
        try:
            t.first_frame(marker)
            t.settle(0.3)
        finally:
            t.press("ctrl+q")
            t.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scans", type=int, default=10)
    ap.add_argument("--bare-keys", type=int, default=40)
    ap.add_argument("--tail", action="store_true",
                    help="also list every key over 1.2x the bare p95, grouped by key and step")
    args = ap.parse_args(argv)
    load0 = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="walk-bench-") as tmp_name:
        tmp = Path(tmp_name)
        warm(tmp)
        b = bare(tmp, args.bare_keys)
        p = walk(tmp, args.scans)
    load1 = os.getloadavg()[0]
    pk, bk = p["keys"], b["keys"]
    print(f"panel-tui walk: {len(pk)} keys repainted, {args.scans} Scan to Email jobs; bare app: {len(bk)} keys")
    print(f"{'figure':<32} {'panel-tui':>8} {'bare':>10} {'ratio':>7}  goal")
    tenant_rss = p["tenant_rss"]
    rows = [
        ("peak RSS, panel (MiB)", p["rss"] / 1024, b["rss"] / 1024, "<= 1.6"),
        ("peak RSS, tenant (MiB)", tenant_rss / 1024, b["rss"] / 1024, "(info)"),
        ("peak RSS, panel+tenant (MiB)", (p["rss"] + tenant_rss) / 1024, b["rss"] / 1024, "(info)"),
        # one start each: the goal's measure is startup.py --fresh-state --runs 9 (a median)
        ("first frame, fresh, 1 start (ms)", p["first"] * 1000, b["first"] * 1000, "(info; goal: startup.py)"),
        ("key -> repaint median (ms)", statistics.median(pk) * 1000, statistics.median(bk) * 1000, "<= 1.2"),
        ("key -> repaint p95 (ms)", _pct(pk, 0.95) * 1000, _pct(bk, 0.95) * 1000, "(info)"),
    ]
    for name, pv, bv, goal in rows:
        print(f"{name:<32} {pv:>8.1f} {bv:>10.1f} {pv / bv:>7.2f}  {goal}")
    in_page = [x for x, page in zip(pk, p["page_changes"]) if not page]
    changes = [x for x, page in zip(pk, p["page_changes"]) if page]
    bp = b["pages"]
    print(f"  split: {len(in_page)} keys within a page vs the bare OptionList's moves; {len(changes)} keys that "
          f"opened another page (its title rows or half the rows changed) vs the bare app's own page changes "
          f"(push a screen with an OptionList, pop it: {len(bp)})")
    for name, pv, bv in (
        ("  within a page, median", statistics.median(in_page), statistics.median(bk)),
        ("  within a page, p95", _pct(in_page, 0.95), _pct(bk, 0.95)),
        ("  page changes, median", statistics.median(changes), statistics.median(bp)),
        ("  page changes, p95", _pct(changes, 0.95), _pct(bp, 0.95)),
        ("  bare: page change / move, median", statistics.median(bp), statistics.median(bk)),
        ("  bare: page change / move, p95", _pct(bp, 0.95), _pct(bk, 0.95)),
    ):
        print(f"{name:<36} {pv * 1000:>6.1f} {bv * 1000:>10.1f} {pv / bv:>7.2f}")
    bare_p95 = _pct(bk, 0.95)
    over_p95 = sum(1 for x in pk if x > 1.2 * bare_p95)
    over_50 = sum(1 for x in pk if x > 0.050)
    print(f"  the tail: {over_p95} of {len(pk)} keys over 1.2x the bare p95 ({1.2 * bare_p95 * 1000:.1f} ms), "
          f"{over_50} over 50 ms (a person notices ~50-100 ms)")
    print(f"  panel: the panel-tui process alone; tenant: its embedded tenant's own process "
          f"({p['tenants']} found{'' if p['tenants'] else ': PANEL_TUI_TENANT_IN_PROCESS=1, or it failed'}); "
          "panel+tenant: the sum of the two peaks (an upper bound of the tree's; the status sheet's "
          "short-lived fpdf2 process is not counted)")
    c = p["completed"]
    print(f"Enter -> Completed (Scan to Email, ms): median {statistics.median(c) * 1000:.0f}, "
          f"p95 {_pct(c, 0.95) * 1000:.0f}, all: {', '.join(f'{x * 1000:.0f}' for x in c)}")
    print("slowest keys of the walk (ms, key, step):")
    for latency, key, step in p["slowest"]:
        print(f"  {latency * 1000:7.1f}  {key:<10} {step}")
    if args.tail:
        print("the tail, grouped (count, key, step: ms each):")
        groups: dict[tuple[str, str], list[float]] = {}
        for (latency, key, step), page in zip(p["all"], p["page_changes"]):
            if latency > 1.2 * bare_p95:
                groups.setdefault((key, f"{step}{' (page change)' if page else ''}"), []).append(latency)
        for (key, step), times in sorted(groups.items(), key=lambda kv: -len(kv[1])):
            print(f"  {len(times):3d}  {key:<10} {step}: {', '.join(f'{x * 1000:.0f}' for x in times)}")
    print(f"load average: {load0:.2f} before, {load1:.2f} after (2 cores: over ~1.5 the wall-clock rows are noisy)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
