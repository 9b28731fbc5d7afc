"""General Settings > Scan Settings: Attached File Max Size, edited at the panel (error 314's limit)."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input

from device_model import Device, DeviceProfile
from panel_tui.screens.menu import MenuScreen
from panel_tui.screens.settings_forms import ScanSettingsScreen

from .conftest import make_app, set_oauth2
from .helpers import screen_text, static_text
from .test_webconfig_support import (
    ADMIN,
    complete_sign_in,
    linked_app,
    press_button,
    wait_until,
)


async def _open_scan_settings(pilot: object, app: object) -> None:
    await pilot.press("enter", "enter")  # Settings > General Settings
    await pilot.press("down", "down", "down", "down", "enter")  # Scan Settings
    await pilot.pause()


async def test_scan_settings_is_a_real_screen(device: Device) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_scan_settings(pilot, app)
        assert isinstance(app.screen, ScanSettingsScreen)
        text = screen_text(app)
        assert "General Settings > Scan Settings" in text
        assert "Attached File Max Size (MB)" in text
        assert app.screen.query_one("#field-attached_file_max_size_mb", Input).value == "10"


async def test_bad_max_size_shows_message_at_field_and_saves_nothing(device: Device) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_scan_settings(pilot, app)
        screen = app.screen
        field = screen.query_one("#field-attached_file_max_size_mb", Input)
        for bad, expected in (("0", "from 1 to 10"), ("11", "from 1 to 10"), ("abc", "")):
            field.value = bad
            await pilot.press("enter")
            assert app.screen is screen, bad
            error = static_text(app, "#error-attached_file_max_size_mb")
            assert error and not error.startswith("validation."), bad
            assert expected in error, (bad, error)
            assert device.settings.scan.attached_file_max_size_mb == 10
    assert Device(device.state_dir).settings.scan.attached_file_max_size_mb == 10


async def test_valid_max_size_persists(device: Device) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_scan_settings(pilot, app)
        field = app.screen.query_one("#field-attached_file_max_size_mb", Input)
        field.value = ""
        await pilot.press("1", "enter")
        assert isinstance(app.screen, MenuScreen)
    assert device.settings.scan.attached_file_max_size_mb == 1
    reopened = Device(device.state_dir, profile=DeviceProfile.default())
    assert reopened.settings.scan.attached_file_max_size_mb == 1


async def test_scan_settings_in_latvian(tmp_path: object) -> None:
    from .conftest import make_device

    device = make_device(tmp_path, lang="lv")
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_scan_settings(pilot, app)
        assert isinstance(app.screen, ScanSettingsScreen)
        assert "Pielikuma maksimālais izmērs (MB)" in screen_text(app)


async def test_panel_alone_reproduces_314(live_device: Device, tenant: Any) -> None:
    """Attached File Max Size 1 MB at Scan Settings, then Scan at 600 dpi: 314, nothing sent.

    Then the same page at 200 dpi fits and is delivered, and an Exchange limit below it set
    from the Cloud admin centre (F4) gives 314 again, this time from the server (552 SIZE).
    """
    import asyncio

    from textual.widgets import Select

    from panel_tui.cloud.admin_pane import AdminPane
    from panel_tui.scan.screens import ScanScreen

    from .test_webconfig_support import PRINTER

    device = live_device
    set_oauth2(device, PRINTER)
    app = linked_app(device, tenant)
    attempt = await asyncio.to_thread(device.email.begin_sign_in, "exchange_online")
    async with app.run_test(size=(80, 24)) as pilot:
        page = await complete_sign_in(tenant, attempt.user_code)
        assert page.kind == "done"
        assert await asyncio.to_thread(attempt.wait) == "signed_in"
        device.email.commit_sign_in(attempt)

        await _open_scan_settings(pilot, app)
        field = app.screen.query_one("#field-attached_file_max_size_mb", Input)
        field.value = ""
        await pilot.press("1", "enter")
        assert device.settings.scan.attached_file_max_size_mb == 1

        await app.push_screen(ScanScreen())
        scan = app.screen
        scan.query_one("#scan-to", Input).value = ADMIN
        scan.query_one("#scan-resolution", Select).value = 600
        await press_button(pilot, "#scan-start")
        await wait_until(pilot, lambda: scan.last_job is not None, "the job", timeout=60)
        assert (scan.last_job.status, scan.last_job.code) == ("error", 314), scan.last_job.reply
        assert "314" in static_text(app, "#scan-result")
        assert "Attached File Max Size" in device.t(scan.last_job.note)
        assert tenant.admin.messages(ADMIN) == []

        scan.last_job = None
        scan.query_one("#scan-resolution", Select).value = 200
        await press_button(pilot, "#scan-start")
        await wait_until(pilot, lambda: scan.last_job is not None, "the job", timeout=60)
        assert scan.last_job.status == "completed", scan.last_job.reply
        assert len(tenant.admin.messages(ADMIN)) == 1

        await pilot.press("f4")
        cloud = app.screen
        cloud.show_tab("admin")
        await pilot.pause()
        pane = cloud.query_one(AdminPane)
        await wait_until(pilot, lambda: pane._state.get("users"), "the tenant's state")
        pane.query_one("#adm-size-limit", Input).value = "1"
        pane.query_one("#adm-size-unit", Select).value = "kb"
        await press_button(pilot, "#adm-size-set")
        await wait_until(pilot, lambda: tenant.admin.state()["settings"]["message_size_limit"] == 1024, "the limit")

        await pilot.press("escape")  # back to the panel (Task: Esc at the top of Cloud)
        await pilot.pause()
        assert app.screen is scan
        scan.last_job = None
        await press_button(pilot, "#scan-start")
        await wait_until(pilot, lambda: scan.last_job is not None, "the job", timeout=60)
        assert (scan.last_job.status, scan.last_job.code) == ("error", 314), scan.last_job.reply
        assert "SIZE" in scan.last_job.reply or "552" in scan.last_job.reply
        assert len(tenant.admin.messages(ADMIN)) == 1


async def test_scan_screen_passes_resolution_and_pages(device: Device, monkeypatch: Any) -> None:
    """The Scan screen's Resolution and Pages reach the device's Scan to Email job."""
    from textual.widgets import Select

    from panel_tui.scan.screens import ScanScreen

    calls: list[tuple[str, int, int | None]] = []

    async def fake_scan(to: str, *, pages: int = 1, dpi: int | None = None) -> Any:
        calls.append((to, pages, dpi))
        return None

    monkeypatch.setattr(device.email, "scan_to_email", fake_scan)
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(ScanScreen())
        scan = app.screen
        assert "Resolution" in screen_text(app) and "Pages" in screen_text(app)
        scan.query_one("#scan-to", Input).value = "someone@example.com"
        scan.query_one("#scan-resolution", Select).value = 300
        scan.query_one("#scan-pages", Select).value = 3
        await press_button(pilot, "#scan-start")
        await pilot.pause()
        await app.workers.wait_for_complete()
    assert calls == [("someone@example.com", 3, 300)]
