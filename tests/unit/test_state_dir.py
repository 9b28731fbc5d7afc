"""One owner per state dir (flock) and a factory reset that a kill cannot leave half done."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from device_model import Device, reset, storage


def test_a_second_lock_is_refused_naming_the_holder(tmp_path: Path) -> None:
    first = storage.StateLock(tmp_path / "panel-tui.lock").acquire("panel-tui --state-dir X")
    with pytest.raises(storage.StateDirBusy) as busy:
        storage.StateLock(tmp_path / "panel-tui.lock").acquire("panel-tui-script")
    assert busy.value.pid == os.getpid() and busy.value.command == "panel-tui --state-dir X"
    assert f"pid {os.getpid()} (panel-tui --state-dir X)" in str(busy.value)
    first.release()
    storage.StateLock(tmp_path / "panel-tui.lock").acquire("again").release()


def test_the_tenants_copy_of_the_lock_agrees(tmp_path: Path) -> None:
    from cloud_sim.fsutil import StateDirBusy, StateLock

    held = storage.StateLock(tmp_path / "cloud-sim.lock").acquire("panel-tui")
    with pytest.raises(StateDirBusy):
        StateLock(tmp_path / "cloud-sim.lock").acquire("cloud-sim")
    held.release()


def test_an_inherited_lock_is_shared_not_fought(tmp_path: Path) -> None:
    """The panel hands its tenant lock to the tenant's process (cloud-sim serve --lock-fd):
    the child adopts it without waiting, the record still names the panel, and the lock holds
    until both have let go."""
    import subprocess
    import sys

    from cloud_sim.fsutil import StateDirBusy, StateLock

    path = tmp_path / "cloud-sim.lock"
    panel = StateLock(path).acquire("panel-tui --state-dir X")
    fd = StateLock.held_fd(path)
    assert fd is not None
    child = subprocess.run(
        [sys.executable, "-c", "import sys; from cloud_sim.fsutil import StateLock; "
         "StateLock.adopt(sys.argv[1], int(sys.argv[2])).release(); print('adopted')", str(path), str(fd)],
        pass_fds=(fd,), capture_output=True, text=True, timeout=30)
    assert child.stdout.strip() == "adopted", child.stderr
    with pytest.raises(StateDirBusy) as busy:  # the child's release left the panel's lock and record
        StateLock(path).acquire("cloud-sim")
    assert busy.value.pid == os.getpid() and busy.value.command == "panel-tui --state-dir X"
    with pytest.raises(OSError):
        StateLock.adopt(path, os.open(tmp_path, os.O_RDONLY))  # not the lock file: refused
    panel.release()
    assert StateLock.held_fd(path) is None


def test_a_tenant_lock_whose_holder_died_is_waited_for(tmp_path: Path) -> None:
    """After a kill -9 of a panel, its tenant's process keeps the lock for a moment while it
    stops: the next start waits for it, but a living holder is refused at once."""
    import subprocess
    import sys
    import time

    from panel_tui.state_claim import _take_tenant_lock
    from cloud_sim.fsutil import StateDirBusy

    path = tmp_path / "cloud-sim.lock"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, json, os, sys, time; fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT); "
         "fcntl.flock(fd, fcntl.LOCK_EX); os.write(fd, json.dumps({'pid': int(sys.argv[2]), 'command': 'panel-tui'}).encode()); "
         "print('held', flush=True); time.sleep(float(sys.argv[3]))", str(path), dead.stdout.strip(), "0.5"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        start = time.monotonic()
        _take_tenant_lock(path, "panel-tui again").release()
        assert 0.1 < time.monotonic() - start < 5
    finally:
        holder.wait(10)

    live = storage.StateLock(path).acquire("panel-tui --state-dir X")  # this process: alive
    start = time.monotonic()
    with pytest.raises(StateDirBusy):
        _take_tenant_lock(path, "panel-tui again")
    assert time.monotonic() - start < 1
    live.release()


def _used_device(path: Path) -> Device:
    dev = Device(path)
    dev.update("admin", lock_setting=True)
    dev.jobs.record("print", "Network Status Sheet")
    (path / "email").mkdir(exist_ok=True)
    (path / "email" / "signin.json").write_text("{}")
    (path / "config.toml").write_text('lang = "lv"\n')
    (path / "prints").mkdir(exist_ok=True)
    return dev


def test_factory_reset_of_a_state_dir(tmp_path: Path) -> None:
    _used_device(tmp_path)
    (tmp_path / "tenant").mkdir()
    (tmp_path / "tenant" / "tenant.sqlite3").write_text("x")
    reset.factory_reset(tmp_path)
    dev = Device(tmp_path)
    assert dev.settings.admin.lock_setting is False and _jobs(dev) == []
    assert not (tmp_path / "email").exists() and not (tmp_path / reset.MARKER).exists()
    assert (tmp_path / "config.toml").exists() and (tmp_path / "prints").is_dir()
    assert (tmp_path / "tenant" / "tenant.sqlite3").exists()  # only when asked
    reset.factory_reset(tmp_path, tenant=True)
    assert not (tmp_path / "tenant").exists()


def test_a_reset_cut_short_is_finished_by_the_next_start(tmp_path: Path) -> None:
    _used_device(tmp_path)
    reset.begin(tmp_path)
    (tmp_path / "settings.json").unlink()  # killed right after the first file went
    dev = Device(tmp_path)
    assert dev.settings.admin.lock_setting is False
    assert _jobs(dev) == []
    assert not (tmp_path / "email").exists() and not (tmp_path / reset.MARKER).exists()


def test_device_factory_reset_clears_settings_password_signin_and_jobs(tmp_path: Path) -> None:
    dev = _used_device(tmp_path)
    dev.admin.login(dev.profile.default_admin_password)
    dev.factory_reset()
    assert dev.settings.admin.lock_setting is False and not dev.admin.logged_in
    assert not (tmp_path / "email" / "signin.json").exists()
    assert _jobs(dev) == []
    assert not (tmp_path / reset.MARKER).exists()
    again = Device(tmp_path)
    assert again.settings.admin.lock_setting is False and _jobs(again) == []


def _jobs(dev: Device) -> list[object]:
    return list(dev.jobs.log)


def test_the_fax_server_and_pas_are_the_devices_own_until_a_factory_reset(tmp_path: Path) -> None:
    """The Fax Server's client and Print Admin Serverless are made once per device, and a
    factory reset drops them with their sign-ins, so the next use starts from the factory."""
    from device_model.fax import fax_server_client
    from device_model.pas import pas_for

    dev = Device(tmp_path)
    fax, pas = fax_server_client(dev), pas_for(dev)
    assert fax_server_client(dev) is fax is dev.fax_server_email and pas_for(dev) is pas is dev.pas
    pas.set_sender_mode("device")
    dev.factory_reset()
    assert fax_server_client(dev) is not fax and pas_for(dev) is not pas
    assert pas_for(dev).sender_mode == "user"
