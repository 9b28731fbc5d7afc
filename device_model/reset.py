"""Back to factory: the device's state files (and, when asked, the embedded tenant) removed.

A reset touches several files; a kill (or power cut) halfway must never leave a state dir the
next start cannot use, nor a half-reset device (say, factory settings but the old admin password).
So a reset is journalled: first ``reset.json`` is written atomically, then each piece is removed,
then the journal goes. Every start (:class:`~device_model.device.Device`, the scenario tools)
calls :func:`finish_pending` first, which completes an interrupted reset. Each step is idempotent,
and a missing file always means "factory value", so replaying a reset is always safe.

Kept, on purpose: ``config.toml`` (the user's options, not the device's), ``prints/`` (paper
that came out of the printer), the lock file, and the device clock unless the tenant is reset
with it (their clocks move together).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path

from . import storage

log = logging.getLogger(__name__)

MARKER = "reset.json"
#: files whose absence means "factory": settings, admin password, job log
DEVICE_FILES = ("settings.json", "admin.json", "joblog.json", "joblog.journal", "pas.json")
#: directories likewise: the email client's sign-in and token cache, the Fax Server's and each
#: Print Admin Serverless user's, and the imported CA certificates (the model, model.json, stays:
#: it is the hardware)
DEVICE_DIRS = ("email", "fax_server", "pas", "ca_certificates")
#: the embedded tenant's state dir inside the device's (as the panel and the scenario tools keep it)
TENANT_DIR = "tenant"


def begin(state_dir: Path, *, tenant: bool = False) -> None:
    """Write the journal: from here on, a reset interrupted at any point is finished by the next start."""
    storage.atomic_write_json(Path(state_dir) / MARKER, {"tenant": bool(tenant)})


def pending(state_dir: Path) -> dict[str, bool] | None:
    """The journal of an unfinished reset, or None."""
    path = Path(state_dir) / MARKER
    try:
        raw = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        raw = {}  # written atomically, so this is not ours half-written; still a reset was asked
    return {"tenant": bool(raw.get("tenant")) if isinstance(raw, dict) else False}


def factory_reset(state_dir: Path, *, tenant: bool = False) -> None:
    """Reset the device in ``state_dir`` (not running) to factory; the embedded tenant too if asked."""
    state_dir = Path(state_dir)
    begin(state_dir, tenant=tenant)
    finish_pending(state_dir)


def finish_pending(state_dir: Path) -> bool:
    """Complete a reset that was begun (see the module docstring); True if there was one."""
    state_dir = Path(state_dir)
    job = pending(state_dir)
    if job is None:
        return False
    for name in DEVICE_FILES + (("clock.json",) if job["tenant"] else ()):
        _unlink(state_dir / name)
    for name in DEVICE_DIRS:
        shutil.rmtree(state_dir / name, ignore_errors=True)
    if job["tenant"]:
        remove_tenant(state_dir / TENANT_DIR)
    storage._fsync_dir(state_dir)
    done(state_dir)
    log.info("factory reset of %s finished%s", state_dir, " (with the tenant)" if job["tenant"] else "")
    return True


def done(state_dir: Path) -> None:
    """Remove the journal: the reset is complete."""
    _unlink(Path(state_dir) / MARKER)
    storage._fsync_dir(Path(state_dir))


def remove_tenant(path: Path) -> None:
    """Remove a tenant's state dir; first renamed away, so it is either whole or gone."""
    path = Path(path)
    trash = path.with_name(f".{path.name}.removing")
    if path.exists():
        if trash.exists():
            shutil.rmtree(trash, ignore_errors=True)
        os.replace(path, trash)
        storage._fsync_dir(path.parent)
    shutil.rmtree(trash, ignore_errors=True)


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass
