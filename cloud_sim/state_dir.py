"""One tenant's state dir: who owns it, whether a tenant serves from it, and changing it.

A state dir has one owner at a time: ``cloud-sim serve`` (and the panel's embedded tenant, and a
class's tenant) holds an ``fcntl.flock`` on ``STATE_DIR/cloud-sim.lock`` for its life. An admin
operation goes to the tenant that serves from the dir (``run.json`` names it, its admin API over
HTTPS) or, when none does, straight to the dir's store under the same lock for its moment.
Kept apart from :mod:`cloud_sim.cli` (the command line's words) because the panel and the class
server use the same ownership and the same admin path without any command line.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from cloud_sim.faults import FAULT_OPS, FAULT_READ_ONLY
from cloud_sim.jsontypes import JsonObject
from cloud_sim.operations import READ_ONLY, JsonValue

if TYPE_CHECKING:  # pragma: no cover - typing only
    from cloud_sim.fsutil import StateLock

#: read-only admin operations: they never take the state dir's lock (see LOCK_FILE)
READ_ONLY_OPS = READ_ONLY | FAULT_READ_ONLY
#: the lock file that makes one process the owner of a tenant's state dir (fcntl.flock, held
#: while serving; the panel's embedded tenant takes the same one)
LOCK_FILE = "cloud-sim.lock"
#: the first word of the line ``serve --child`` prints once it serves (the panel reads it
#: without importing the CLI)
READY = "cloud-sim-ready"


def claim(state_dir: Path) -> StateLock:
    """Own the tenant's state dir for this process's life; ValueError (one line) if it cannot be."""
    from cloud_sim.fsutil import StateDirBusy, StateLock, command_line

    if state_dir.exists() and not state_dir.is_dir():
        raise ValueError(f"cannot use the state dir {state_dir}: it is not a directory")
    try:
        state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not os.access(state_dir, os.W_OK | os.X_OK):
            raise PermissionError(f"{state_dir} is not writable")
        return StateLock(state_dir / LOCK_FILE).acquire(command_line())
    except StateDirBusy as exc:
        raise ValueError(f"{exc}; stop it first, or use another --state-dir") from None
    except OSError as exc:
        raise ValueError(f"cannot use the state dir {state_dir}: {exc.strerror or exc}") from None


def running(state_dir: Path) -> JsonObject | None:
    run = state_dir / "run.json"
    try:
        info = json.loads(run.read_text())
    except (OSError, ValueError):
        return None
    try:
        os.kill(int(info["pid"]), 0)
    except (OSError, KeyError, ValueError):
        return None
    return {k: v for k, v in info.items() if k != "admin_secret"} | {"_secret": info.get(
        "admin_secret", "")}


def call_admin(state_dir: Path, op: str, payload: JsonObject) -> JsonValue:
    """Run ``op`` on the running tenant (HTTPS admin API), or offline on its state dir."""
    info = running(state_dir)
    if info is None and op in FAULT_OPS:
        raise ValueError(f"no tenant is running for {state_dir}: network faults are switched on a running "
                         "tenant (which keeps them for its next start)")
    if info is None:
        if op in READ_ONLY_OPS:
            return offline(state_dir, op, payload)
        lock = claim(state_dir) if (state_dir / "tenant.sqlite3").exists() else None
        try:
            return offline(state_dir, op, payload)
        finally:
            if lock is not None:
                lock.release()
    import ssl
    import urllib.error
    import urllib.request

    ctx = ssl.create_default_context(cafile=info["ca_cert_path"])
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                         urllib.request.HTTPSHandler(context=ctx))
    req = urllib.request.Request(
        f"{info['base_url']}/_sim/admin/{op}", data=json.dumps(payload).encode(),
        headers={"Authorization": f"Bearer {info['_secret']}",
                 "Content-Type": "application/json"}, method="POST")
    try:
        with opener.open(req, timeout=30) as resp:
            return json.loads(resp.read())
    except urllib.error.HTTPError as err:
        try:
            body = json.loads(err.read())
            raise ValueError(body.get("error_description") or body) from None
        except (ValueError, TypeError) as exc:
            raise ValueError(str(exc)) from None


def offline(state_dir: Path, op: str, payload: JsonObject) -> JsonValue:
    from cloud_sim.admin import TenantAdmin
    from cloud_sim.clock import TenantClock
    from cloud_sim.directory import Directory
    from cloud_sim.store import Store

    if not (state_dir / "tenant.sqlite3").exists():
        raise ValueError(f"no tenant in {state_dir} (start one with: cloud-sim --state-dir "
                         f"{state_dir})")
    store = Store(state_dir / "tenant.sqlite3")
    try:
        clock = TenantClock(lambda: float(store.get("clock_offset", 0.0)),
                            lambda v: store.put("clock_offset", float(v)))
        admin = TenantAdmin(Directory(store, clock), clock, state_dir / "maildir")
        return admin.dispatch(op, payload)
    finally:
        store.close()
