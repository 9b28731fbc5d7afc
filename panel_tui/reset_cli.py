"""``panel-tui reset``: factory state from the shell (the panel's Restore Default Settings, and
with ``--tenant`` the embedded simulated tenant too), refused while the state dir is in use."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from panel_tui.cli import EXIT_USAGE, has_terminal
from panel_tui.config import TENANT_PRESETS, ConfigError, default_state_dir, read_config_file
from panel_tui.state_claim import StateDirProblem, claim_state_dir


def build_reset_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="panel-tui reset",
        description="Restore factory state: settings, admin password, email sign-in and job log "
        "(as the panel's Settings > General Settings > System Administration > Restore Default "
        "Settings), and with --tenant the embedded simulated tenant too.",
        epilog="Kept: config.toml and printed sheets. Refused while a panel or a script uses the "
        "state dir. Exit status: 0 done, 2 refused or not possible.",
    )
    p.add_argument("--state-dir", type=Path, metavar="DIR", help="the state dir (as for panel-tui)")
    p.add_argument("--tenant", action="store_true", help="also reset the embedded simulated tenant")
    p.add_argument("--tenant-preset", choices=TENANT_PRESETS,
                   help="the reset tenant's preset (implies --tenant; default: config.toml's, else prepared)")
    p.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")
    return p


def reset_main(argv: Sequence[str]) -> int:
    """``panel-tui reset``: see :func:`build_reset_parser`."""
    args = build_reset_parser().parse_args(list(argv))
    state_dir = (args.state_dir or default_state_dir()).expanduser()
    tenant = bool(args.tenant or args.tenant_preset)
    if not state_dir.exists() and not tenant:
        print(f"panel-tui reset: {state_dir}: nothing to reset (no state there)")
        return 0
    try:
        preset = args.tenant_preset or read_config_file(state_dir).get("tenant_preset") or "prepared"
        locks = claim_state_dir(state_dir, tenant=tenant)
    except (ConfigError, StateDirProblem) as exc:
        print(f"panel-tui reset: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        what = "settings, admin password, email sign-in and job log"
        if tenant:
            what += f", and the simulated tenant (as {preset!r})"
        if not args.yes:
            if not has_terminal():
                print(f"panel-tui reset: this erases {what} in {state_dir}; add --yes to confirm",
                      file=sys.stderr)
                return EXIT_USAGE
            print(f"This erases in {state_dir}:\n  {what}.")
            try:
                answer = input("Restore factory state? [y/N] ")
            except EOFError:
                answer = ""
            if answer.strip().lower() not in ("y", "yes", "j", "jā", "ja"):
                print("panel-tui reset: nothing changed")
                return EXIT_USAGE
        from device_model import reset

        try:
            reset.factory_reset(state_dir, tenant=tenant)
            if tenant:
                new_tenant(state_dir / reset.TENANT_DIR, preset)
        except OSError as exc:
            print(f"panel-tui reset: cannot reset {state_dir}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_USAGE
        print(f"panel-tui reset: {state_dir}: factory state restored ({what})")
        return 0
    finally:
        for lock in locks:
            lock.release()


def new_tenant(tdir: Path, preset: str) -> None:
    """Create the reset tenant now, so its preset holds whatever the next start is asked for."""
    from cloud_sim.clock import TenantClock
    from cloud_sim.directory import Directory
    from cloud_sim.fsutil import ensure_private_dir
    from cloud_sim.store import Store

    ensure_private_dir(tdir)
    store = Store(tdir / "tenant.sqlite3")
    try:
        clock = TenantClock(lambda: float(store.get("clock_offset", 0.0)),
                            lambda v: store.put("clock_offset", float(v)))
        Directory(store, clock, preset=preset)
    finally:
        store.close()
