"""Snapshots at 80x24 (frozen device clock, default profile, fresh state dir).

Update with `pytest tests/tui/test_snapshots.py --snapshot-update` and review the SVGs.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from panel_tui import menu_tree
from panel_tui.screens.job_status import JobStatusScreen
from panel_tui.screens.menu import MenuScreen
from panel_tui.screens.network_status import WiredWifiStatusScreen

from .conftest import SERIAL, make_app, make_device

REPLY = "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant."


def test_home_locked(snap_compare, tmp_path: Path) -> None:
    app = make_app(make_device(tmp_path / "state", lock=True))
    assert snap_compare(app, terminal_size=(80, 24))


def test_home_unlocked(snap_compare, tmp_path: Path) -> None:
    device = make_device(tmp_path / "state", lock=True)
    assert device.admin.login(SERIAL).ok
    assert snap_compare(make_app(device), terminal_size=(80, 24))


def test_network_status_menu(snap_compare, tmp_path: Path) -> None:
    app = make_app(make_device(tmp_path / "state"))

    async def open_menu(pilot: Pilot) -> None:
        await pilot.app.push_screen(MenuScreen(menu_tree.find("network_status")))

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_menu)


def test_wired_wifi_status(snap_compare, tmp_path: Path) -> None:
    app = make_app(make_device(tmp_path / "state"))

    async def open_status(pilot: Pilot) -> None:
        await pilot.app.push_screen(WiredWifiStatusScreen(menu_tree.find("wired_wifi_status")))

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_status)


def test_job_status(snap_compare, tmp_path: Path) -> None:
    device = make_device(tmp_path / "state")
    device.jobs.record("print", "Status Sheet")
    device.jobs.record("scan_to_email", "printer@contoso.onmicrosoft.com", status="error", code=312, reply=REPLY)
    device.jobs.record("scan_to_email", "sales@contoso.com", status="canceled")
    app = make_app(device)

    async def open_jobs(pilot: Pilot) -> None:
        await pilot.app.push_screen(JobStatusScreen())

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_jobs)
