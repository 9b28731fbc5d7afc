"""Web Config > Device Management > Email Notification with the keyboard (no tenant needed).

Without an email server every notification ends as an error job, which is what these tests look
for: that the page saves what it shows and that sends happen as notification jobs.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, OptionList

from device_model import Device
from panel_tui.ui.widgets import TickBox
from panel_tui.webconfig.notifications import EmailNotificationPage
from panel_tui.webconfig.screens import WebConfigScreen

from .conftest import make_app
from .helpers import screen_text, static_text
from .test_webconfig_support import log_in_webconfig, press_button, wait_until


async def _open(app: Any, pilot: Any) -> WebConfigScreen:
    await app.switch_mode("webconfig")
    screen = app.screen
    assert isinstance(screen, WebConfigScreen)
    screen.open_page("device_management", "email_notification")
    await pilot.pause()
    return screen


async def _type(pilot: Any, selector: str, text: str) -> None:
    widget = pilot.app.screen.query_one(selector, Input)
    widget.focus()
    widget.value = ""
    await pilot.press(*text)


async def _tick(pilot: Any, selector: str) -> None:
    pilot.app.screen.query_one(selector, TickBox).focus()
    await pilot.press("space")


async def test_page_needs_login_and_is_in_the_menu(device: Device) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(app, pilot)
        nav = screen.query_one("#wc-nav", OptionList)
        assert nav.get_option("email_notification") is not None
        for _ in range(100):  # the page is built a moment after the address changes
            text = screen_text(app)
            if "Log in as administrator" in text:
                break
            await pilot.pause(0.02)
        assert "DVM_EMAILNOTIFICATION" in text
        assert "Log in as administrator" in text
        await log_in_webconfig(pilot, app)
        assert "Email Address 1" in screen_text(app)
        assert screen.query_one(EmailNotificationPage).display


async def test_ok_shows_messages_at_fields_then_saves(device: Device) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(app, pilot)
        await log_in_webconfig(pilot, app)
        await _type(pilot, "#en-address-1", "ops(at)contoso.com")
        await _tick(pilot, "#en-job-error-1")
        await _tick(pilot, "#en-status-sheet-2")  # ticked for a slot without an address
        await press_button(pilot, "#en-ok")
        assert static_text(app, "#en-address-1-error") == "These characters are not allowed: ( )"
        assert static_text(app, "#en-address-2-error") == "This field is required."
        assert "not valid" in static_text(app, "#en-result")
        assert device.settings.notifications.address_1 == ""  # nothing saved

        await _type(pilot, "#en-address-1", "ops@contoso.com")
        await _type(pilot, "#en-address-2", "boss@contoso.com")
        await pilot.press("ctrl+o")  # OK from anywhere on the page
        await wait_until(pilot, lambda: device.settings.notifications.address_2 == "boss@contoso.com", "saving")
        ns = device.settings.notifications
        assert ns.recipients("job_error") == ["ops@contoso.com"]
        assert ns.recipients("status_sheet") == ["boss@contoso.com"]
        assert static_text(app, "#en-address-1-error") == ""
        assert static_text(app, "#en-result") == "Setup complete."


async def test_saved_settings_are_shown_and_events_send_notification_jobs(device: Device) -> None:
    device.update("notifications", address_3="ops@contoso.com", settings_changed_3=True)
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(app, pilot)
        await log_in_webconfig(pilot, app)
        page = screen.query_one(EmailNotificationPage)
        assert screen.query_one("#en-address-3", Input).value == "ops@contoso.com"
        assert screen.query_one("#en-settings-changed-3", TickBox).value
        assert page.values()["settings_changed_3"] is True
        # the app's dispatcher: a network settings change becomes a notification job
        device.update("network", device_name="EPSON-FRONT-DESK")
        await wait_until(pilot, lambda: any(j.kind == "notification" for j in device.jobs.log), "the notification")
        job = next(j for j in device.jobs.log if j.kind == "notification")
        assert job.destination == "ops@contoso.com"
        assert job.status == "error"  # no email server in this test: and no notification about it
        await pilot.pause()
        assert [j.kind for j in device.jobs.log].count("notification") == 1


async def test_send_test_notification(device: Device) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(app, pilot)
        await log_in_webconfig(pilot, app)
        await press_button(pilot, "#en-test")
        assert "valid email address" in static_text(app, "#en-test-result")
        await _type(pilot, "#en-address-4", "desk@contoso.com")
        await press_button(pilot, "#en-test")
        # no email server on this device: the job ends "Not set" (not a DNS error)
        await wait_until(pilot, lambda: "Not set" in static_text(app, "#en-test-result"), "the test result")
        job = device.jobs.log[0]
        assert (job.kind, job.destination) == ("notification", "desk@contoso.com")
        assert device.settings.notifications.address_4 == ""  # the test does not save
