"""The embedded tenant's own process: how the panel starts it, hears that it serves, and stops it.

Why a process: the tenant stands in for Microsoft's cloud, which is not part of a printer, and
its imports (cryptography for its CA and signing keys, sqlite3, the HTTP and SMTP servers,
jinja2) took the panel's memory to 1.6x a bare Textual app before a walk began; in a child they
run on the other core while the panel paints, and the panel reaches the tenant exactly as
``--cloud URL --cloud-ca`` reaches one someone started.

Kept apart from :mod:`panel_tui.cloud_link` (which decides where the email service lives and
hands the device its profile) because this is plain process plumbing: ``python -m cloud_sim
serve --child``, its one ready line, its log, end of file on its stdin, signals.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - typing only
    from cloud_sim.jsontypes import JsonObject

log = logging.getLogger(__name__)

#: seconds the embedded tenant's process may take to say that it serves (Python, imports, keys)
CHILD_START_TIMEOUT = 60.0
#: seconds a quitting panel waits for the tenant's process to stop by itself, then signals it
CHILD_STOP_TIMEOUT = 5.0
#: the tenant process's stderr (its log), in the tenant's state dir; never the panel's terminal
CHILD_LOG = "cloud-sim.log"
#: ``config.tenant_options`` (``cloud_sim.start_tenant`` keywords) as ``cloud-sim serve`` options
CHILD_OPTIONS = {
    "device_code_interval": "--device-code-interval",
    "device_code_expires_in": "--device-code-expires-in",
    "port_http": "--port-http",
    "port_smtp": "--port-smtp",
    "bind": "--bind",
}


def spawn(tdir: Path, preset: str, tenant_options: Mapping[str, object]) -> subprocess.Popen[bytes]:
    """Start ``cloud-sim serve --child`` for the tenant state dir ``tdir``; returns at once.

    The child prints one ready line (no polling, see :func:`read_ready`); its stderr goes to
    ``STATE/tenant/cloud-sim.log``. It ends with the panel however the panel ends: it watches
    its stdin, whose write end only this process holds, and stops at end of file (``kill -9``
    of the panel included); :func:`stop` closes that pipe and waits. When this process holds
    the tenant dir's lock (the panel's ``claim_state_dir``), the child is handed that lock
    rather than fighting it; otherwise (tests) the child takes it.
    """
    from cloud_sim.state_dir import LOCK_FILE
    from cloud_sim.fsutil import StateLock

    argv = child_argv(tdir, preset, tenant_options)
    lock_fd = StateLock.held_fd(tdir / LOCK_FILE)
    if lock_fd is not None:
        argv += ["--lock-fd", str(lock_fd)]
    log_fd = os.open(tdir / CHILD_LOG, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
    try:
        return subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log_fd,
            pass_fds=() if lock_fd is None else (lock_fd,), cwd=tdir, env=child_env(),
            start_new_session=True,  # a terminal's signals (hang-up, Ctrl+C) are the panel's
        )
    finally:
        os.close(log_fd)


def child_argv(tdir: Path, preset: str, tenant_options: Mapping[str, object]) -> list[str]:
    """``cloud-sim serve`` for this config: the preset and the tests' tenant options."""
    argv = [sys.executable, "-P", "-m", "cloud_sim", "serve", "--state-dir", str(tdir),
            "--preset", preset, "--child"]
    options = dict(tenant_options)
    if options.pop("on_demand", True):
        # each server (and http.server, aiosmtpd, jinja2, ...) is built by its first
        # connection: the tenant is ready sooner and smaller until someone signs in
        argv.append("--on-demand")
    for key, flag in CHILD_OPTIONS.items():
        if key in options:
            argv += [flag, str(options.pop(key))]
    if options:
        raise ValueError(f"tenant options the tenant's process does not take: {', '.join(sorted(options))}")
    return argv


def stop(proc: subprocess.Popen[bytes]) -> None:
    """End the tenant's process: end of file on its stdin (it stops cleanly: run.json
    removed, servers closed), then SIGTERM and SIGKILL if it does not end in time."""
    try:
        if proc.stdin is not None:
            try:
                proc.stdin.close()
            except OSError:
                pass
        for how, wait in (("", CHILD_STOP_TIMEOUT), ("terminate", 2.0), ("kill", 5.0)):
            if how:
                log.warning("the tenant's process did not stop: %s", how)
                signal_quietly(proc, how)
            try:
                proc.wait(wait)
                break
            except subprocess.TimeoutExpired:
                continue
    finally:
        if proc.stdout is not None:
            proc.stdout.close()


def child_env() -> dict[str, str]:
    """The panel's environment, with the folder that holds ``cloud_sim`` first on the path
    (the child runs with ``-P``: its working directory, the tenant's state, is not on it)."""
    import cloud_sim  # light: its names are lazy

    env = dict(os.environ)
    root = str(Path(cloud_sim.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    return env


def read_ready(proc: subprocess.Popen[bytes], log_path: Path, timeout: float) -> JsonObject:
    """Wait for the tenant process's ready line (``cloud-sim-ready {json}``); its facts.

    Blocks on the pipe (no polling) up to ``timeout``. A process that ends or says something
    else first is a RuntimeError naming its exit status and the last line of its log.
    """
    import selectors
    import time

    from cloud_sim.state_dir import READY

    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    data = b""
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while b"\n" not in data:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                signal_quietly(proc, "kill")
                raise RuntimeError(f"the tenant's process did not start within {timeout:.0f} s")
            if not selector.select(remaining):
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                code = proc.wait()
                raise RuntimeError(f"the tenant's process ended ({code}) before serving: {last_line(log_path)}")
            data += chunk
    word, _, rest = data.partition(b"\n")[0].decode("utf-8", "replace").partition(" ")
    try:
        ready = json.loads(rest) if word == READY else None
    except ValueError:
        ready = None
    if not isinstance(ready, dict):
        raise RuntimeError(f"the tenant's process said {word[:80]!r}, not that it serves")
    return ready


def last_line(path: Path) -> str:
    """The last non-empty line of a log (why a process ended), or a dash."""
    try:
        with open(path, "rb") as fh:
            fh.seek(max(0, os.fstat(fh.fileno()).st_size - 4096))
            lines = [line for line in fh.read().decode("utf-8", "replace").splitlines() if line.strip()]
    except OSError:
        return "-"
    return lines[-1][:300] if lines else "-"


def signal_quietly(proc: subprocess.Popen[bytes], how: str) -> None:
    """``proc.terminate()`` or ``proc.kill()``, quiet if it has just ended."""
    try:
        getattr(proc, how)()
    except OSError:
        pass
