"""A person at a terminal: run an installed console script in a pseudo-terminal, read the screen
through a terminal emulator, press keys.

Why pexpect + pyte rather than tmux: both are pip packages pinned in constraints.txt, so the
harness works on any fresh machine the README's test command runs on (tmux is a system package
that CI machines need not have); pyte gives the screen as a grid of cells with their colours,
which the 16-colour checks need; pexpect gives the child its own session and controlling
terminal, exactly as a shell in a terminal window would.

Nothing here imports the app: what a test knows is what a person sees.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pexpect
import pyte

#: Where `pip install -e .` put the console scripts (the same venv as the running pytest).
BIN = Path(sys.executable).parent

#: How long a step may take before the test fails with the screen dumped. Generous, because
#: CI runs two workers on two cores and the tenant starts in the background.
STEP_TIMEOUT = float(os.environ.get("ACCEPTANCE_STEP_TIMEOUT", "30"))

#: The bytes a terminal sends for a named key (xterm, normal cursor mode, as Textual expects).
KEYS: dict[str, bytes] = {
    "up": b"\x1b[A",
    "down": b"\x1b[B",
    "right": b"\x1b[C",
    "left": b"\x1b[D",
    "home": b"\x1b[H",
    "end": b"\x1b[F",
    "enter": b"\r",
    "escape": b"\x1b",
    "tab": b"\t",
    "shift+tab": b"\x1b[Z",
    "space": b" ",
    "backspace": b"\x7f",
    "delete": b"\x1b[3~",
    "pageup": b"\x1b[5~",
    "pagedown": b"\x1b[6~",
    "f1": b"\x1bOP",
    "f2": b"\x1bOQ",
    "f3": b"\x1bOR",
    "f4": b"\x1bOS",
    "f5": b"\x1b[15~",
}


def key_bytes(name: str) -> bytes:
    """The bytes for a key name: a name above, `ctrl+x`, or one printable character."""
    if name in KEYS:
        return KEYS[name]
    if name.startswith("ctrl+") and len(name) == 6:
        return bytes([ord(name[-1].lower()) & 0x1F])
    if len(name) == 1:
        return name.encode()
    raise ValueError(f"unknown key {name!r}")


class ScreenTimeout(AssertionError):
    """What the test waited for never showed; the message holds the screen as it was."""


@dataclass
class Cell:
    char: str
    fg: str
    bg: str
    reverse: bool
    bold: bool
    underline: bool = False


class Terminal:
    """One program in an 80×24 pseudo-terminal, seen through a VT100 emulator."""

    #: how long a read waits when there is nothing to wait for (seconds)
    IDLE_READ = 0.01

    def __init__(
        self,
        argv: Iterable[str],
        *,
        env: Mapping[str, str],
        cols: int = 80,
        rows: int = 24,
        cwd: Path | None = None,
    ) -> None:
        argv = list(argv)
        self.cols, self.rows = cols, rows
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.child = pexpect.spawn(
            argv[0], argv[1:], env=dict(env), dimensions=(rows, cols), cwd=str(cwd) if cwd else None
        )
        self.output = bytearray()
        self.exitstatus: int | None = None

    # -- reading -----------------------------------------------------------------
    def pump(self, seconds: float = 0.0) -> None:
        """Read what the program wrote (for up to `seconds`), feeding the emulator."""
        deadline = time.monotonic() + seconds
        while not self.child.closed:  # after wait_exit() the screen stays readable
            remaining = max(0.0, deadline - time.monotonic())
            try:
                data = self.child.read_nonblocking(65536, timeout=min(remaining, 0.05) or self.IDLE_READ)
            except pexpect.TIMEOUT:
                data = b""
            except pexpect.EOF:
                self._reap()
                return
            if data:
                self._received(data)
                continue
            if time.monotonic() >= deadline:
                return

    def _received(self, data: bytes) -> None:
        """What the program wrote, into the record and the emulator (a bench times it here)."""
        self.output += data
        self.stream.feed(data)

    def text(self) -> str:
        """The screen as a person reads it: 24 lines of 80 characters."""
        self.pump()
        return "\n".join(line.rstrip() for line in self.screen.display)

    def line(self, needle: str) -> str:
        """The first screen line that holds `needle` ("" when none does)."""
        for line in self.text().splitlines():
            if needle in line:
                return line
        return ""

    def cells(self, row: int) -> list[Cell]:
        """One row's cells with their colours (pyte names: "default", "red", "brightwhite"…)."""
        self.pump()
        buf = self.screen.buffer[row]
        return [
            Cell(c.data, c.fg, c.bg, c.reverse, c.bold, c.underscore) for c in (buf[x] for x in range(self.cols))
        ]

    def wait_for(self, *needles: str, timeout: float | None = None, regex: bool = False) -> str:
        """Wait until the screen shows every needle; return the screen. Fails with the screen."""
        timeout = STEP_TIMEOUT if timeout is None else timeout
        deadline = time.monotonic() + timeout
        while True:
            self.pump(0.05)
            screen = "\n".join(line.rstrip() for line in self.screen.display)
            if all((re.search(n, screen) if regex else n in screen) for n in needles):
                return screen
            if time.monotonic() > deadline or not self.child.isalive() and self._drained():
                raise ScreenTimeout(self._report(f"waited {timeout:.0f}s for {needles!r}", screen))

    def wait_gone(self, needle: str, timeout: float | None = None) -> str:
        """Wait until the screen no longer shows `needle`."""
        timeout = STEP_TIMEOUT if timeout is None else timeout
        deadline = time.monotonic() + timeout
        while True:
            self.pump(0.05)
            screen = "\n".join(line.rstrip() for line in self.screen.display)
            if needle not in screen:
                return screen
            if time.monotonic() > deadline:
                raise ScreenTimeout(self._report(f"waited {timeout:.0f}s for {needle!r} to go", screen))

    def wait_until(self, condition: Callable[[], object], what: str, timeout: float | None = None) -> str:
        """Wait until `condition()` holds on the screen (colours, cells); fail with the screen.

        A repaint under load can come later than any fixed pause, so checks on colours poll.
        """
        timeout = STEP_TIMEOUT if timeout is None else timeout
        deadline = time.monotonic() + timeout
        while True:
            self.pump(0.05)
            if condition():
                return self.text()
            if time.monotonic() > deadline:
                raise ScreenTimeout(self._report(f"waited {timeout:.0f}s until {what}", self.text()))

    def settle(self, quiet: float = 0.3, timeout: float = 10.0) -> str:
        """Wait until the program has written nothing for `quiet` seconds (a repaint is done)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            before = len(self.output)
            self.pump(quiet)
            if len(self.output) == before:
                break
        return self.text()

    # -- typing ------------------------------------------------------------------
    def press(self, *keys: str, pause: float = 0.15) -> None:
        """Press keys one after another, as a person would, letting each repaint."""
        for key in keys:
            self.child.send(key_bytes(key))
            # Esc alone is only known to be Esc after the terminal's escape delay.
            self.pump(pause + (0.1 if key == "escape" else 0.0))

    def burst(self, *keys: str) -> None:
        """Send keys in one write, as tmux's send-keys, a script or a fast typist over SSH does:
        the program reads them all at once, before it has done anything with the first."""
        self.child.send(b"".join(key_bytes(key) for key in keys))
        self.pump(0.1)

    def type(self, text: str, pause: float = 0.02) -> None:
        """Type text character by character."""
        for ch in text:
            self.child.send(ch.encode())
            self.pump(pause)
        self.pump(0.1)

    # -- ending ------------------------------------------------------------------
    def wait_exit(self, timeout: float | None = None) -> int:
        """Wait for the program to end; its exit status (fails with the screen if it does not)."""
        timeout = STEP_TIMEOUT if timeout is None else timeout
        deadline = time.monotonic() + timeout
        while self.exitstatus is None:
            self.pump(0.05)
            if self.exitstatus is None and not self.child.isalive():
                self._reap()
            if time.monotonic() > deadline:
                raise ScreenTimeout(self._report("the program did not exit", self.text()))
        return self.exitstatus

    def close(self) -> None:
        """Make sure nothing is left running (a hung app is killed, never orphaned)."""
        if self.child.isalive():
            self.child.terminate(force=True)
        self._reap()

    def _drained(self) -> bool:
        if self.child.closed:
            return True
        try:
            data = self.child.read_nonblocking(65536, timeout=0)
        except (pexpect.TIMEOUT, pexpect.EOF):
            return True
        self.output += data
        self.stream.feed(data)
        return False

    def _reap(self) -> None:
        if self.exitstatus is not None:
            return
        try:
            self.child.close(force=True)
        except Exception:  # noqa: BLE001 - already gone
            pass
        status = self.child.exitstatus
        self.exitstatus = status if status is not None else 128 + (self.child.signalstatus or 0)

    def _report(self, what: str, screen: str) -> str:
        alive = "running" if self.child.isalive() else f"exited {self.child.exitstatus}"
        border = "+" + "-" * self.cols + "+"
        body = "\n".join(f"|{line:<{self.cols}}|" for line in screen.splitlines())
        tail = bytes(self.output[-600:]).decode("utf-8", "replace")
        return f"{what} (program {alive}); the screen:\n{border}\n{body}\n{border}\nlast output: {tail!r}"


def row_of(t: Terminal, needle: str) -> tuple[int, int]:
    """Row and column where ``needle`` first shows on the screen (fails with the screen)."""
    for row, line in enumerate(t.text().splitlines()):
        col = line.find(needle)
        if col >= 0:
            return row, col
    raise AssertionError(f"{needle!r} is not on screen:\n{t.text()}")
