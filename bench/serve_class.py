"""A class over SSH: memory per student and key latency over SSH against a local panel.

Starts ``panel-tui serve ssh`` (free ports, a temporary class), connects N simulated students at
once with asyncssh (each in a PTY at 80x24, as ``ssh -t``), waits for each Home screen, then:

- memory: each student's panel process (RSS and PSS, from /proc), and the server with the class
  tenant shared by all (its RSS divided by N is each student's share);
- key latency: a Home move (Down/Up) typed → end of the frame painted after it, in one student's
  panel over SSH and in a local ``panel-tui`` on the same class tenant in a plain PTY, key by key
  interleaved so that the machine's load weighs on both alike.

Goals (issue: serve a class): ≤ 70 MiB per student, SSH key latency ≤ 1.3× local. It reports;
it does not judge (exit 0). Linux only (/proc).

    .venv/bin/python bench/serve_class.py [--students 5] [--keys 30]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncssh

BIN = Path(sys.executable).parent
ENC = os.environ.get("BENCH_SSH_CIPHER")
PASSWORD = "bench-class-pass"
SYNC_END = b"\x1b[?2026l"
SYNC_QUERY = b"\x1b[?2026$p"
SYNC_REPLY = b"\x1b[?2026;2$y"
DOWN, UP = b"\x1b[B", b"\x1b[A"
_ESC = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b.")


class Screen:
    """Bytes from one panel: answers the synchronized-output query, timestamps frame ends."""

    def __init__(self, reply) -> None:
        self.reply = reply
        self.data = bytearray()
        self.frames = 0
        self.frame_event = asyncio.Event()

    def feed(self, chunk: bytes) -> None:
        if SYNC_QUERY in chunk or (SYNC_QUERY in bytes(self.data[-16:]) + chunk):
            self.reply(SYNC_REPLY)
        self.data += chunk
        if len(self.data) > 1_000_000:
            del self.data[:500_000]
        if SYNC_END in chunk:
            self.frames += chunk.count(SYNC_END)
            self.frame_event.set()

    def text(self) -> str:
        return _ESC.sub(b"", bytes(self.data[-200_000:])).decode("utf-8", "replace")

    async def wait_text(self, needle: str, timeout: float) -> float:
        start = time.perf_counter()
        while needle not in self.text():
            if time.perf_counter() - start > timeout:
                raise TimeoutError(f"{needle!r} did not show")
            await asyncio.sleep(0.02)
        return time.perf_counter() - start

    async def key(self, write, key: bytes, timeout: float = 5.0) -> float | None:
        """Type ``key``; seconds until the next frame ends (None: no frame)."""
        await asyncio.sleep(0.05)  # idle before each key
        self.frame_event.clear()
        start = time.perf_counter()
        write(key)
        try:
            await asyncio.wait_for(self.frame_event.wait(), timeout)
        except asyncio.TimeoutError:
            return None
        return time.perf_counter() - start


class SshStudent:
    def __init__(self, name: str) -> None:
        self.name = name
        self.screen: Screen | None = None
        self.proc = None
        self.conn = None

    async def connect(self, port: int) -> None:
        self.conn = await asyncssh.connect("127.0.0.1", port, username=self.name, password=PASSWORD,
                                           known_hosts=None, client_keys=None, agent_path=None,
                                           **({"encryption_algs": [ENC]} if ENC else {}))
        self.proc = await self.conn.create_process(term_type="xterm-256color", term_size=(80, 24),
                                                   encoding=None)
        self.screen = Screen(self.proc.stdin.write)
        asyncio.get_running_loop().create_task(self._read())

    async def _read(self) -> None:
        while True:
            chunk = await self.proc.stdout.read(65536)
            if not chunk:
                return
            self.screen.feed(chunk)

    def write(self, data: bytes) -> None:
        self.proc.stdin.write(data)

    async def close(self) -> None:
        self.conn.close()
        await self.conn.wait_closed()


class LocalPanel:
    """A command in a plain PTY (``panel-tui``, or OpenSSH's ``ssh -tt``), driven from the same
    event loop."""

    def __init__(self, argv: list[str]) -> None:
        import fcntl
        import struct
        import termios

        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "LANG": "C.UTF-8"}
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                                     start_new_session=True)
        os.close(slave)
        os.set_blocking(master, False)
        self.master = master
        self.screen = Screen(self.write)
        asyncio.get_running_loop().add_reader(master, self._read)

    def _read(self) -> None:
        try:
            chunk = os.read(self.master, 65536)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:
            asyncio.get_running_loop().remove_reader(self.master)
            return
        self.screen.feed(chunk)

    def write(self, data: bytes) -> None:
        os.write(self.master, data)

    def close(self) -> None:
        try:
            self.write(b"\x11")
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        try:
            asyncio.get_running_loop().remove_reader(self.master)
        except Exception:
            pass
        os.close(self.master)


def proc_mem(pid: int) -> tuple[float, float]:
    """(RSS, PSS) of a process in MiB."""
    rss = pss = 0.0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) / 1024
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1]) / 1024
    except OSError:
        pass
    return rss, pss


def panel_pids(students_dir: Path) -> dict[str, int]:
    """Each student's panel pid, from the command lines in /proc."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        for i, arg in enumerate(argv[:-1]):
            if arg == b"--state-dir" and argv[i + 1].startswith(str(students_dir).encode()):
                found[Path(argv[i + 1].decode()).name] = int(entry.name)
    return found


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:7.1f} ms" if values else "      -"


async def run(args: argparse.Namespace) -> int:
    tmp = Path(tempfile.mkdtemp(prefix="bench-class-"))
    root = tmp / "class"
    import shutil

    openssh = shutil.which("ssh") if args.client == "openssh" else None
    key_file = tmp / "student_key"
    extra: list[str] = []
    if openssh:
        key = asyncssh.generate_private_key("ssh-ed25519")
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(key.export_private_key())
        (tmp / "authorized_keys").write_bytes(key.export_public_key())
        extra = ["--authorized-keys", str(tmp / "authorized_keys")]
    server = subprocess.Popen(
        [str(BIN / "panel-tui"), "serve", "ssh", "--state-dir", str(root), "--port", "0",
         "--tenant-port", "0", "--set-password", "--max-sessions", str(args.students + 1), *extra],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True)
    server.stdin.write(PASSWORD + "\n")
    server.stdin.close()
    port, url = 0, ""
    while not (port and url):
        line = server.stdout.readline()
        if not line:
            print(server.stderr.read(), file=sys.stderr)
            return 2
        if m := re.search(r"ssh -t -p (\d+)", line):
            port = int(m.group(1))
        if m := re.search(r"Sign-in page: (\S+)/devicelogin", line):
            url = m.group(1)
    students = [SshStudent(f"student{i:02d}") for i in range(args.students - (1 if openssh else 0))]
    local = None
    timed: LocalPanel | None = None
    try:
        t0 = time.perf_counter()
        await asyncio.gather(*(s.connect(port) for s in students))
        screens = [s.screen for s in students]
        if openssh:  # the timed student: OpenSSH, as a student's laptop runs it
            timed = LocalPanel([openssh, "-tt", "-i", str(key_file), "-p", str(port),
                                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                                "-o", "LogLevel=ERROR", "-o", "BatchMode=yes", "timed@127.0.0.1"])
            screens.append(timed.screen)
        homes = await asyncio.gather(*(s.wait_text("Job/Status", 120) for s in screens))
        all_home = time.perf_counter() - t0
        await asyncio.sleep(args.settle)
        pids = panel_pids(root / "students")
        mems = [proc_mem(pid) for name, pid in sorted(pids.items())]
        server_rss, server_pss = proc_mem(server.pid)

        local = LocalPanel([str(BIN / "panel-tui"), "--state-dir", str(tmp / "local"),
                            "--cloud", url, "--cloud-ca", str(root / "class-ca.pem")])
        await local.screen.wait_text("Job/Status", 60)
        await asyncio.sleep(args.settle)
        local_rss, local_pss = proc_mem(local.proc.pid)

        ssh_keys: list[float] = []
        local_keys: list[float] = []
        one: SshStudent | LocalPanel = timed if timed is not None else students[0]
        for n in range(args.keys + 2):
            key = DOWN if n % 2 == 0 else UP
            pair = [(one.screen, one.write, ssh_keys), (local.screen, local.write, local_keys)]
            for screen, write, out in pair if n % 2 == 0 else pair[::-1]:
                took = await screen.key(write, key)
                if took is not None and n >= 2:  # the first two warm the path up
                    out.append(took)
    finally:
        for s in students:
            try:
                await s.close()
            except Exception:
                pass
        if local is not None:
            local.close()
        if timed is not None:
            timed.close()
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)

    rss = [m[0] for m in mems]
    pss = [m[1] for m in mems]
    n = max(1, len(mems))
    client = "OpenSSH (ssh -tt)" if openssh else "asyncssh"
    print(f"students: {len(screens)} connected, all on Home in {all_home:.1f} s "
          f"(median {statistics.median(homes):.1f} s each)")
    print(f"panel per student:  RSS median {statistics.median(rss):6.1f} MiB, max {max(rss):6.1f} MiB; "
          f"PSS median {statistics.median(pss):6.1f} MiB")
    print(f"server + class tenant: RSS {server_rss:6.1f} MiB (÷{n} = {server_rss / n:5.1f} MiB each)")
    each = statistics.median(pss) + server_pss / n
    print(f"each student's share (panel PSS + server PSS ÷ N): {each:6.1f} MiB   goal ≤ 70 MiB")
    print(f"a local panel on the same tenant: RSS {local_rss:6.1f} MiB, PSS {local_pss:6.1f} MiB")
    print(f"key → frame, median of {len(ssh_keys)}: over SSH ({client}) {ms(ssh_keys)}, local {ms(local_keys)}", end="")
    if ssh_keys and local_keys:
        ratio = statistics.median(ssh_keys) / statistics.median(local_keys)
        print(f"   ratio {ratio:.2f}×   goal ≤ 1.3×")
    else:
        print()
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--students", type=int, default=5, help="simulated students at once (default 5)")
    p.add_argument("--keys", type=int, default=30, help="timed keys in each panel (default 30)")
    p.add_argument("--client", choices=("openssh", "asyncssh"), default="openssh",
                   help="the timed student's SSH client (default: OpenSSH when installed)")
    p.add_argument("--settle", type=float, default=2.0, help="seconds idle before measuring")
    args = p.parse_args(argv)
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
