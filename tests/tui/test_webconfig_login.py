"""Web Config's Log in dialog while the password is being checked: keys typed then are kept.

The check runs off the event loop and may take a while (scrypt on a changed password, a busy
machine). Here it waits on an event the test sets, so the keys surely arrive while it runs.
"""

from __future__ import annotations

import threading

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from device_model import Device
from device_model.admin import LoginResult
from panel_tui.app import PanelApp
from panel_tui.webconfig.screens import WebConfigScreen

from .conftest import SERIAL, make_app
from .test_webconfig_support import wait_until


def _slow_checks(monkeypatch: pytest.MonkeyPatch, device: Device) -> threading.Event:
    """Every password check waits for the returned event (set it to let the check answer)."""
    answer = threading.Event()
    verify = device.admin.verify

    def slow_verify(password: str) -> LoginResult:
        answer.wait(10)
        return verify(password)

    monkeypatch.setattr(device.admin, "verify", slow_verify)
    return answer


async def _open_log_in(app: PanelApp, pilot: Pilot[None]) -> WebConfigScreen:
    """F3 Web Config, Ctrl+L: the Log in dialog open over it; the Web Config screen."""
    await app.switch_mode("webconfig")
    screen = app.screen
    assert isinstance(screen, WebConfigScreen)
    await pilot.press("ctrl+l")
    return screen


async def test_keys_typed_while_a_wrong_password_is_checked_become_the_fields_text(
    device: Device, monkeypatch: pytest.MonkeyPatch
) -> None:
    answer = _slow_checks(monkeypatch, device)
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_log_in(app, pilot)
        await pilot.press(*"wrong-pw", "enter", *SERIAL[:4])  # typed before the verdict
        field = app.screen.query_one("#login-password", Input)
        assert field.value == "wrong-pw", "the password being checked stays as sent"
        answer.set()
        message = app.screen.query_one("#login-message")
        await wait_until(pilot, lambda: message.display and message.region.height > 0, "the wrong-password message")
        assert "incorrect" in str(message.render())
        assert field.value == SERIAL[:4], "the keys typed after Enter are the field's text now"
        await pilot.press(*SERIAL[4:], "enter")
        await wait_until(pilot, lambda: screen.logged_in, "login with the rest typed")


async def test_enter_typed_ahead_tries_the_next_password_once_the_first_is_refused(
    device: Device, monkeypatch: pytest.MonkeyPatch
) -> None:
    answer = _slow_checks(monkeypatch, device)
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_log_in(app, pilot)
        await pilot.press(*"wrong-pw", "enter", *SERIAL, "enter")
        answer.set()
        await wait_until(pilot, lambda: screen.logged_in, "login with the password typed ahead")


async def test_a_wrong_password_with_nothing_typed_after_it_empties_the_field(
    device: Device,
) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_log_in(app, pilot)
        await pilot.press(*"wrong-pw", "enter")
        message = app.screen.query_one("#login-message")
        await wait_until(pilot, lambda: message.display and message.region.height > 0, "the wrong-password message")
        assert app.screen.query_one("#login-password", Input).value == ""
