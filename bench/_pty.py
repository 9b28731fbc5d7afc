"""A minimal pseudo-terminal driver for timing Textual apps (stdlib only, POSIX).

The harness plays the terminal: it owns the pty master, reads everything the app
writes (timestamping each read), answers Textual's one terminal query that changes
how it paints (DECRQM for synchronized output, mode 2026), and types keys.

Because it answers "synchronized output supported", Textual brackets every frame
it paints in ``ESC[?2026h`` … ``ESC[?2026l``; the arrival of ``ESC[?2026l`` is the
moment a frame is complete on the screen. If an app never brackets its frames the
driver falls back to "end of an output burst" (no byte for ``BURST_GAP`` seconds).
"""

from __future__ import annotations

import errno
import fcntl
import os
import pty
import re
import select
import signal
import struct
import termios
import time
from dataclasses import dataclass, field

SYNC_START = b"\x1b[?2026h"
SYNC_END = b"\x1b[?2026l"
SYNC_QUERY = b"\x1b[?2026$p"
SYNC_REPLY = b"\x1b[?2026;2$y"  # DECRPM: mode 2026 is known and currently reset

BURST_GAP = 0.005

KEYS = {
    "down": b"\x1b[B",
    "up": b"\x1b[A",
    "right": b"\x1b[C",
    "left": b"\x1b[D",
    "enter": b"\r",
    "escape": b"\x1b",
    "tab": b"\t",
    "space": b" ",
    "home": b"\x1b[H",
    "ctrl+q": b"\x11",
    "ctrl+c": b"\x03",
}

# CSI, OSC, DCS/APC/PM and two-byte escapes; what is left is the painted text.
_ESCAPES = re.compile(
    rb"\x1b\[[0-?]*[ -/]*[@-~]"
    rb"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
    rb"|\x1b[PX^_][^\x1b]*\x1b\\"
    rb"|\x1b[@-Z\\-_]"
    rb"|\x1b."
)


def strip_escapes(data: bytes) -> str:
    return _ESCAPES.sub(b"", data).decode("utf-8", "replace")


def key_bytes(name: str) -> bytes:
    if name in KEYS:
        return KEYS[name]
    if len(name) == 1:
        return name.encode()
    raise ValueError(f"unknown key {name!r}; known: {', '.join(sorted(KEYS))}")


class AppExited(Exception):
    """The app closed the terminal (exited or crashed) before we were done."""


@dataclass
class KeyTiming:
    first_frame: float | None  # seconds from key write to end of first frame after it
    settled: float | None  # seconds from key write to last byte before a quiet window
    cpu: float | None = None  # CPU seconds the app used (all threads), key write to settled


@dataclass
class PtyApp:
    """One app process running in its own 80×24 (by default) pseudo-terminal."""

    argv: list[str]
    env: dict[str, str]
    cwd: str | None = None
    rows: int = 24
    cols: int = 80
    pid: int = -1
    fd: int = -1
    t_spawn: float = 0.0
    buf: bytearray = field(default_factory=bytearray)
    eof: bool = False
    sync_seen: bool = False
    frame_ends: list[tuple[int, float]] = field(default_factory=list)  # (end offset, read time)
    last_read: float = 0.0
    startup_cpu: float | None = None  # CPU seconds used when the first frame was seen
    _scan: int = 0
    _exit_status: int | None = None
    _rusage: object | None = None

    # ---- process -----------------------------------------------------------------
    def spawn(self) -> None:
        winsize = struct.pack("HHHH", self.rows, self.cols, 0, 0)
        self.t_spawn = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # child: fd 0/1/2 are the slave, which is our controlling tty
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, winsize)
                if self.cwd:
                    os.chdir(self.cwd)
                os.execvpe(self.argv[0], self.argv, self.env)
            except BaseException as error:  # noqa: BLE001 - report and die, never return
                os.write(2, f"bench: cannot start {self.argv!r}: {error}\r\n".encode())
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd

    def vm_hwm_kib(self) -> int | None:
        """Peak resident set size so far, from /proc (Linux)."""
        try:
            with open(f"/proc/{self.pid}/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1])
        except OSError:
            return None
        return None

    def cpu_time(self) -> float | None:
        """CPU seconds used so far by the whole process, all threads (Linux, ns resolution)."""
        try:  # the process CPU-time clock of another pid: CPUCLOCK_SCHED, see clock_getcpuclockid(3)
            return time.clock_gettime((~self.pid << 3) | 2)
        except OSError:
            return None

    def alive(self) -> bool:
        if self._exit_status is not None:
            return False
        pid, status, rusage = os.wait4(self.pid, os.WNOHANG)
        if pid == 0:
            return True
        self._exit_status, self._rusage = status, rusage
        return False

    def finish(self, quit_key: bytes = KEYS["ctrl+q"], timeout: float = 3.0) -> int | None:
        """Quit politely, then by signal; reap; return the child's ru_maxrss in KiB."""
        if self.alive():
            try:
                os.write(self.fd, quit_key)
            except OSError:
                pass
            deadline = time.perf_counter() + timeout
            while self.alive() and time.perf_counter() < deadline:
                self.read(0.05)  # keep draining so the app never blocks on a full pty
            for sig in (signal.SIGTERM, signal.SIGKILL):
                if not self.alive():
                    break
                try:
                    os.kill(self.pid, sig)
                except ProcessLookupError:
                    break
                deadline = time.perf_counter() + 1.0
                while self.alive() and time.perf_counter() < deadline:
                    self.read(0.05)
            if self._exit_status is None:
                _, self._exit_status, self._rusage = os.wait4(self.pid, 0)
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
        return getattr(self._rusage, "ru_maxrss", None)

    @property
    def exit_code(self) -> int | None:
        if self._exit_status is None:
            return None
        return os.waitstatus_to_exitcode(self._exit_status)

    # ---- output ------------------------------------------------------------------
    def read(self, timeout: float) -> bool:
        """Read what is available within ``timeout``; True if anything came."""
        if self.eof:
            time.sleep(min(timeout, 0.01))
            return False
        ready, _, _ = select.select([self.fd], [], [], max(timeout, 0.0))
        if not ready:
            return False
        try:
            data = os.read(self.fd, 1 << 16)
        except OSError as error:
            if error.errno != errno.EIO:
                raise
            data = b""
        now = time.perf_counter()
        if not data:
            self.eof = True
            return False
        self.last_read = now
        self.buf += data
        self._process(now)
        return True

    def _process(self, now: float) -> None:
        start = max(0, self._scan - 16)
        window = bytes(self.buf[start:])
        pos = window.find(SYNC_QUERY)
        while pos != -1:
            if start + pos + len(SYNC_QUERY) > self._scan:  # new, not seen in the last read
                os.write(self.fd, SYNC_REPLY)
            pos = window.find(SYNC_QUERY, pos + 1)
        if not self.sync_seen and SYNC_START in window:
            self.sync_seen = True
        pos = window.find(SYNC_END)
        while pos != -1:
            end = start + pos + len(SYNC_END)
            if not self.frame_ends or end > self.frame_ends[-1][0]:
                self.frame_ends.append((end, now))
            pos = window.find(SYNC_END, pos + 1)
        self._scan = len(self.buf)

    def drain(self, quiet: float, limit: float = 2.0) -> float | None:
        """Read until no byte arrives for ``quiet`` s; time of the last byte, if any."""
        last = None
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline:
            if self.read(quiet):
                last = self.last_read
            elif self.eof or not self.read(0):
                break
        return last

    def wait_idle(self, window: float = 0.1, busy: float = 0.005, limit: float = 5.0) -> float | None:
        """Wait until the app uses under ``busy`` CPU seconds in ``window`` s (reading its output
        meanwhile); seconds from spawn to the start of that quiet window, None if never idle."""
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline and not self.eof:
            c0, t0 = self.cpu_time(), time.perf_counter()
            if c0 is None:
                return None
            while time.perf_counter() - t0 < window:
                self.read(window - (time.perf_counter() - t0))
            c1 = self.cpu_time()
            if c1 is not None and c1 - c0 < busy:
                return t0 - self.t_spawn
        return None

    def text(self, start: int = 0, end: int | None = None) -> str:
        return strip_escapes(bytes(self.buf[start:end]))

    # ---- measurements --------------------------------------------------------------
    def wait_first_frame(self, markers: list[str], timeout: float) -> float:
        """Seconds from spawn until a completed frame shows every marker."""
        deadline = self.t_spawn + timeout
        checked = 0  # frames already looked at
        while True:
            now = time.perf_counter()
            if now > deadline:
                raise TimeoutError(f"no frame showing {markers!r} within {timeout:.0f} s")
            if not self.read(deadline - now):
                if self.eof:
                    raise AppExited("the app closed its terminal before its first frame")
                continue
            if self.sync_seen:
                # the first bracketed frame after which the screen shows the markers
                for end, at in self.frame_ends[checked:]:
                    checked += 1
                    text = self.text(0, end)
                    if all(m in text for m in markers):
                        self.startup_cpu = self.cpu_time()
                        return at - self.t_spawn
            elif all(m in self.text() for m in markers):
                # unbracketed frames: the frame ends where the output burst ends
                while self.read(BURST_GAP):
                    pass
                self.startup_cpu = self.cpu_time()
                return self.last_read - self.t_spawn

    def press(self, key: bytes, timeout: float, quiet: float) -> KeyTiming:
        """Type a key; time the first completed frame and the settled screen.

        Call it with the output drained (after ``drain`` or a previous ``press``):
        it ends by reading until ``quiet`` seconds pass without a byte.
        """
        while self.read(0):  # whatever is already waiting (a clock tick, say) is not ours
            pass
        frames_before = len(self.frame_ends)
        mark = len(self.buf)
        cpu0 = self.cpu_time()
        t0 = time.perf_counter()
        os.write(self.fd, key)
        first = None
        deadline = t0 + timeout
        while first is None:
            now = time.perf_counter()
            if now > deadline or self.eof:
                return KeyTiming(None, None)
            if not self.read(deadline - now):
                continue
            if self.sync_seen:
                for end, at in self.frame_ends[frames_before:]:
                    # a frame already begun before the key (a timer's) is not the key's repaint
                    if self.buf.rfind(SYNC_START, 0, end) >= mark:
                        first = at - t0
                        break
            else:
                while self.read(BURST_GAP):
                    pass
                first = self.last_read - t0
        last = self.drain(quiet)
        settled = (last if last is not None else self.last_read) - t0
        cpu1 = self.cpu_time()
        cpu = (cpu1 - cpu0) if cpu0 is not None and cpu1 is not None else None
        return KeyTiming(first, max(settled, first), cpu)
