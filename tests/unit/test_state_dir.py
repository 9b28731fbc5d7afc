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
