"""A class server in a subprocess and students who connect to it with asyncssh (no system ssh).

``ClassServerProcess`` runs the installed ``panel-tui serve ssh`` on free ports and reads its
join line; ``Student`` is one SSH client in a PTY whose screen is read through pyte, as a
person's terminal would show it.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import asyncssh
import pyte

BIN = Path(sys.executable).parent
PASSWORD = "class-pass-42"
KEYS = {"f1": b"\x1bOP", "f3": b"\x1bOR", "f4": b"\x1bOS", "escape": b"\x1b", "enter": b"\r",
        "down": b"\x1b[B", "up": b"\x1b[A", "left": b"\x1b[D", "right": b"\x1b[C",
        "shift+tab": b"\x1b[Z", "ctrl+c": b"\x03", "ctrl+q": b"\x11", "tab": b"\t"}
STEP = float(os.environ.get("ACCEPTANCE_STEP_TIMEOUT", "30"))


class ClassServerProcess:
    """``panel-tui serve ssh`` on free ports, with the class password set from stdin."""

    def __init__(self, root: Path, *extra: str) -> None:
        self.root = root
        self.proc = subprocess.Popen(
            [str(BIN / "panel-tui"), "serve", "ssh", "--state-dir", str(root), "--port", "0",
             "--tenant-port", "0", "--set-password", *extra],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            start_new_session=True)
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(PASSWORD + "\n")
        self.proc.stdin.close()
        self.lines: list[str] = []
        deadline = time.monotonic() + STEP
        self.port = 0
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise AssertionError(f"serve ended: {self.proc.stderr.read() if self.proc.stderr else ''}")
            self.lines.append(line)
            m = re.search(r"ssh -t -p (\d+)", line)
            if m:
                self.port = int(m.group(1))
            if "Ctrl+C stops" in line:
                break
        assert self.port, self.lines

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                return self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                return self.proc.wait()
        return self.proc.returncode


class Student:
    """One SSH connection with a PTY; the screen as pyte renders it."""

    def __init__(self, conn: Any, proc: Any, cols: int, rows: int) -> None:
        self.conn = conn
        self.proc = proc
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.stderr = b""
        self._reader = asyncio.get_running_loop().create_task(self._read())

    @classmethod
    async def connect(cls, port: int, name: str, *, password: str = PASSWORD, cols: int = 80,
                      rows: int = 24, command: str | None = None) -> "Student":
        conn = await asyncssh.connect("127.0.0.1", port, username=name, password=password,
                                      known_hosts=None, client_keys=None, agent_path=None)
        proc = await conn.create_process(command, term_type="xterm-256color",
                                         term_size=(cols, rows), encoding=None)
        return cls(conn, proc, cols, rows)

    async def _read(self) -> None:
        while True:
            try:
                data = await self.proc.stdout.read(65536)
            except (asyncssh.Error, OSError):
                return
            if not data:
                return
            self.stream.feed(data)

    def text(self) -> str:
        return "\n".join(self.screen.display)

    async def wait_for(self, *needles: str, timeout: float = STEP) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.text()
            if all(n in text for n in needles):
                return text
            await asyncio.sleep(0.05)
        raise AssertionError(f"{needles} not on screen:\n{self.text()}")

    async def press(self, *keys: str) -> None:
        for key in keys:
            self.proc.stdin.write(KEYS.get(key, key.encode()))
            await asyncio.sleep(0.15)

    async def resize(self, cols: int, rows: int) -> None:
        self.screen.resize(rows, cols)
        self.proc.change_terminal_size(cols, rows)

    async def wait_exit(self, timeout: float = STEP) -> int | None:
        await asyncio.wait_for(self.proc.wait_closed(), timeout)
        self.stderr = await self.proc.stderr.read()
        return self.proc.exit_status

    async def close(self) -> None:
        self.conn.close()
        await self.conn.wait_closed()
        self._reader.cancel()


def panels_of(state_dir: Path) -> list[int]:
    """Pids of processes whose command line names ``state_dir`` (a student's panel)."""
    needle = str(state_dir).encode()
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            status = (entry / "status").read_text()
        except OSError:
            continue
        if needle in cmdline and "State:\tZ" not in status:
            pids.append(int(entry.name))
    return pids


async def wait_no_panel(state_dir: Path, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while panels_of(state_dir):
        if time.monotonic() > deadline:
            raise AssertionError(f"a panel still runs on {state_dir}: {panels_of(state_dir)}")
        await asyncio.sleep(0.1)
