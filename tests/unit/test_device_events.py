"""Device events, the email hook, restore defaults, and translation through the device."""

from __future__ import annotations

from pathlib import Path

from device_model import Device, FrozenClock


def test_subscribe_unsubscribe_and_broken_subscriber(tmp_path: Path) -> None:
    dev = Device(tmp_path, clock=FrozenClock())
    seen = []

    def broken(event) -> None:
        raise RuntimeError("surface bug")

    dev.subscribe(broken)
    unsubscribe = dev.subscribe(seen.append)
    dev.update("basic", language="lv")  # must not raise despite the broken subscriber
    assert [(e.kind, e.detail) for e in seen] == [("settings", "basic")]
    unsubscribe()
    dev.update("basic", language="en")
    assert len(seen) == 1
    dev.emit("signin", {"event": "x"})  # parts of the device may fire events too


def test_language_switch_without_restart(tmp_path: Path) -> None:
    dev = Device(tmp_path, clock=FrozenClock())
    assert dev.t("device.job.status.completed") == "Completed"
    dev.update("basic", language="lv")
    assert dev.t("device.job.status.completed") == "Pabeigts"
    assert dev.t("no.such.key") == "no.such.key"
    assert dev.languages()[:2] == ["en", "lv"]


def test_email_hook_can_be_installed(tmp_path: Path) -> None:
    dev = Device(tmp_path, clock=FrozenClock())
    sentinel = object()
    dev.email = sentinel
    assert dev.email is sentinel


def test_restore_default_settings(tmp_path: Path) -> None:
    dev = Device(tmp_path, clock=FrozenClock())
    dev.update("network", device_name="CHANGED")
    dev.admin.change_password(dev.profile.serial_number, "Changed#Pass1")
    dev.admin.set_lock(True)
    dev.admin.login("Changed#Pass1")
    dev.restore_default_settings()
    assert dev.settings.network.device_name == dev.profile.default_device_name
    assert not dev.settings.admin.lock_setting and not dev.admin.logged_in
    assert dev.admin.login(dev.profile.serial_number).ok
    again = Device(tmp_path, clock=FrozenClock())
    assert again.settings == dev.settings
