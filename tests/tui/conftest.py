"""Fixtures for the panel's Pilot and snapshot tests: a fresh device in tmp_path, a frozen clock."""

from __future__ import annotations

from datetime import datetime, timezone
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from device_model import Device, DeviceProfile, FrozenClock
from panel_tui.app import PanelApp
from panel_tui.class_options import ClassOptions
from panel_tui.config import AppConfig

FROZEN_AT = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
SERIAL = DeviceProfile.default().serial_number


def make_device(state_dir: Path, *, lock: bool = False, lang: str = "en") -> Device:
    """A device with a frozen clock; Lock Setting and language set directly (no key presses)."""
    device = Device(state_dir, profile=DeviceProfile.default(), clock=FrozenClock(FROZEN_AT))
    if lock:
        device.update("admin", lock_setting=True)
    if lang != "en":
        device.update("basic", language=lang)
    return device


def make_oauth2_device(state_dir: Path, *, lang: str = "en", sender: str = "", hints: bool = False) -> Device:
    """A device set to OAuth2 with Exchange Online's server (guide steps 4-5 done, nobody
    signed in yet); ``hints``: Web Config's trainer hints on."""
    device = make_device(state_dir, lang=lang)
    set_oauth2(device, sender)
    if hints:
        device.update("basic", trainer_hints=True)
    return device


def set_oauth2(device: Device, sender: str = "") -> None:
    """Network > Email Server > Basic as guide steps 4-5 leave it: OAuth2, Exchange Online's
    server, ``sender`` as the From address (a device on the real clock too: ``live_device``)."""
    device.update("email_server", auth_method="oauth2", email_service="exchange_online", sender_address=sender,
                  smtp_server="smtp.office365.com", smtp_port=587, secure="starttls")


def make_app(device: Device) -> PanelApp:
    """The app without its 1 s timer (tests call `app.tick()`), without the embedded tenant,
    and with Unicode icons whatever $TERM says (snapshots must not depend on the terminal)."""
    return PanelApp(device, AppConfig(state_dir=device.state_dir), tick=False, cloud=False, icons="unicode",
                    class_options=ClassOptions())  # no $PANEL_TUI_* aids from the environment


@pytest.fixture
def device(tmp_path: Path) -> Device:
    return make_device(tmp_path / "state")


@pytest.fixture
def locked_device(tmp_path: Path) -> Device:
    return make_device(tmp_path / "state", lock=True)


@pytest.fixture
def tenant(tmp_path: Path) -> Iterator[Any]:
    from cloud_sim import start_tenant

    handle = start_tenant(tmp_path / "tenant", preset="prepared", device_code_interval=1)
    try:
        yield handle
    finally:
        handle.stop()


@pytest.fixture
def live_device(tmp_path: Path) -> Device:
    """A device on real time (tokens are checked against the tenant's real clock)."""
    return Device(tmp_path / "device", profile=DeviceProfile.default())
