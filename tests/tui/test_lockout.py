"""The admin password's lock-out in both dialogs: one wording, a wait that counts down, a
password typed during the wait said to be not checked (and kept), an empty one asked for."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

import device_model.admin as admin_module
from device_model import Device
from panel_tui.app import PanelApp
from panel_tui.screens.keypad import KeypadScreen
from panel_tui.webconfig.login import LoginModal

from .conftest import SERIAL, make_app
from .helpers import static_text
from .test_webconfig_support import wait_until

START = datetime(2026, 1, 1, 12, 0, 0, tzinfo=admin_module.timezone.utc)


class RealTime:
    """Stands in for the real clock the throttle runs on; moved by hand."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: int) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def real_time(monkeypatch: pytest.MonkeyPatch) -> RealTime:
    fake = RealTime()
    monkeypatch.setattr(admin_module, "throttle_now", fake)
    return fake


async def _text_becomes(pilot: Pilot[None], app: PanelApp, selector: str, needle: str) -> str:
    await wait_until(pilot, lambda: needle in static_text(app, selector), f"{needle!r} in {selector}")
    return static_text(app, selector)


async def _three_wrong_passwords(pilot: Pilot[None], app: PanelApp) -> None:
    """Home's lock icon, then three wrong passwords: the lock-out starts."""
    app.screen.toggle_login()
    await pilot.pause()
    for _ in range(3):
        await pilot.press("x", "enter")


async def _web_config_three_wrong_passwords(pilot: Pilot[None], app: PanelApp) -> None:
    """Web Config's log-in (Ctrl+L), then three wrong passwords: the lock-out starts."""
    await app.switch_mode("webconfig")
    await pilot.press("ctrl+l")
    await pilot.pause()
    for _ in range(3):
        await pilot.press("x", "enter")
        await pilot.pause(0.2)  # each answer comes from a worker thread


async def test_panel_keypad_counts_down_and_says_why_the_right_password_was_refused(
    locked_device: Device, real_time: RealTime
) -> None:
    app = make_app(locked_device)
    async with app.run_test(size=(80, 24)) as pilot:
        await _three_wrong_passwords(pilot, app)
        assert "Too many incorrect passwords. Try again in 30 seconds." in static_text(app, "#kp-message")
        real_time.advance(5)  # the dialog's line follows the wait, with no key pressed
        await _text_becomes(pilot, app, "#kp-message", "Try again in 25 seconds.")
        await pilot.press(*SERIAL, "enter")  # right, but during the wait
        assert isinstance(app.screen, KeypadScreen)
        message = static_text(app, "#kp-message")
        assert "The password was not checked." in message and "Try again in 25 seconds." in message
        assert app.screen.query_one("#kp-input", Input).value == SERIAL, "kept for later"
        real_time.advance(25)
        await _text_becomes(pilot, app, "#kp-message", "You can try the password again now.")
        screen = app.screen
        assert isinstance(screen, KeypadScreen) and not screen._countdown.running, "the timer stops"
        await pilot.press("enter")
        assert locked_device.admin.logged_in


async def test_panel_keypad_empty_password_asks_for_it(locked_device: Device, real_time: RealTime) -> None:
    app = make_app(locked_device)
    async with app.run_test(size=(80, 24)) as pilot:
        app.screen.toggle_login()
        await pilot.pause()
        for _ in range(4):
            await pilot.press("enter")
        assert static_text(app, "#kp-message") == "Enter the administrator password."
        assert locked_device.admin.failures == 0 and locked_device.admin.retry_after() == 0


async def test_panel_keypad_latvian_counts_in_latvian(locked_device: Device, real_time: RealTime) -> None:
    locked_device.update("basic", language="lv")
    app = make_app(locked_device)
    async with app.run_test(size=(80, 24)) as pilot:
        await _three_wrong_passwords(pilot, app)
        assert "Mēģiniet vēlreiz pēc 30 sekundēm." in static_text(app, "#kp-message")
        real_time.advance(29)
        await _text_becomes(pilot, app, "#kp-message", "pēc 1 sekundes.")


async def test_web_config_log_in_says_the_lockout_as_the_panel_and_counts_down(
    device: Device, real_time: RealTime
) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await _web_config_three_wrong_passwords(pilot, app)
        text = await _text_becomes(pilot, app, "#login-message", "Try again in 30 seconds.")
        assert "Too many incorrect passwords. Try again in 30 seconds." in text
        real_time.advance(10)
        await _text_becomes(pilot, app, "#login-message", "Try again in 20 seconds.")
        await pilot.press(*SERIAL, "enter")
        text = await _text_becomes(pilot, app, "#login-message", "The password was not checked.")
        assert app.screen.query_one("#login-password", Input).value == SERIAL
        real_time.advance(20)
        await _text_becomes(pilot, app, "#login-message", "You can try the password again now.")
        app.screen.query_one("#login-password", Input).value = ""
        await pilot.press("enter")
        await _text_becomes(pilot, app, "#login-message", "Enter the administrator password.")


async def test_a_try_during_the_wait_is_replaced_by_the_next_and_a_reopened_dialog_counts_down(
    device: Device, real_time: RealTime
) -> None:
    """A person who retypes during the wait got each try added to the last (6, 12, 18 dots): the
    right password sent after the wait was then wrong, and the wait began again. And Web Config's
    log-in reopened during the wait showed no wait until a password was sent."""
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await _web_config_three_wrong_passwords(pilot, app)
        await _text_becomes(pilot, app, "#login-message", "Try again in 30 seconds.")
        await pilot.press("a", "b", "enter")
        await _text_becomes(pilot, app, "#login-message", "The password was not checked.")
        await pilot.press(*SERIAL)
        assert app.screen.query_one("#login-password", Input).value == SERIAL  # not "ab" + SERIAL
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+l")
        text = await _text_becomes(pilot, app, "#login-message", "Try again in")
        assert "Too many incorrect passwords." in text
        real_time.advance(30)
        await _text_becomes(pilot, app, "#login-message", "You can try the password again now.")
        await pilot.press(*SERIAL, "enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, LoginModal), "logged in after the wait")
