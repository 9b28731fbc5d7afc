"""Editable settings: validation at the field, nothing saved on error, saved values persist."""

from __future__ import annotations

from pathlib import Path

import pytest

from textual.widgets import Input, Select

from device_model import Device, DeviceProfile
from panel_tui import menu_tree
from panel_tui.screens.menu import MenuScreen
from panel_tui.screens.settings_forms import DeviceNameScreen, EmailServerSettingsScreen, TcpIpScreen

from .conftest import make_app
from .helpers import screen_text, static_text


async def test_bad_tcpip_input_shows_field_messages_and_saves_nothing(device: Device) -> None:
    before = device.settings.network
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(TcpIpScreen(menu_tree.find("tcpip")))
        screen = app.screen
        screen.query_one("#field-dhcp", Select).value = False
        await pilot.pause()
        screen.query_one("#field-ip", Input).value = "999.1.1.1"
        screen.query_one("#field-subnet_mask", Input).value = "255.0.255.0"
        await pilot.press("ctrl+s")
        assert app.screen is screen  # still open
        ip_error = static_text(app, "#error-ip")
        mask_error = static_text(app, "#error-subnet_mask")
        assert ip_error and "error-ip" not in ip_error
        assert mask_error
        assert not ip_error.startswith("validation.")
        assert device.settings.network == before
        assert Device(device.state_dir).settings.network == before


async def test_bad_email_server_port_and_sender(device: Device) -> None:
    before = device.settings.email_server
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(EmailServerSettingsScreen(menu_tree.find("server_settings")))
        screen = app.screen
        screen.query_one("#field-smtp_port", Input).value = "70000"
        screen.query_one("#field-sender_address", Input).value = "a:b@example.com"
        await pilot.press("ctrl+s")
        assert static_text(app, "#error-smtp_port")
        assert static_text(app, "#error-sender_address")
        assert device.settings.email_server == before


async def test_valid_device_name_persists_across_restart(device: Device) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter", "down", "down", "enter")  # Network Settings
        await pilot.press("end", "enter")  # Advanced
        await pilot.press("enter")  # Device Name
        assert isinstance(app.screen, DeviceNameScreen)
        field = app.screen.query_one("#field-device_name", Input)
        assert app.focused is field
        field.value = ""
        await pilot.press(*"PRINTER-7", "enter")
        assert isinstance(app.screen, MenuScreen)
    assert device.settings.network.device_name == "PRINTER-7"
    reopened = Device(device.state_dir, profile=DeviceProfile.default())
    assert reopened.settings.network.device_name == "PRINTER-7"


async def test_language_switch_relabels_live(device: Device) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter", "enter")  # Basic Settings
        await pilot.press("down", "enter")  # Language
        assert "Settings > General Settings > Basic Settings > Language" in screen_text(app)
        await pilot.press("down", "enter")  # Latviešu
        assert app.language == "lv"
        assert device.settings.basic.language == "lv"
        await pilot.pause()
        assert "Iestatījumi > Vispārīgie iestatījumi > Pamatiestatījumi > Valoda/Language" in screen_text(app)
        await pilot.press("escape")
        text = screen_text(app)
        assert "Datuma/laika iestatījumi" in text and "Darbības noildze" in text
        await pilot.press("f5")
        text = screen_text(app)
        assert "Iestatījumi" in text and "Darba statuss" in text and "Skenēt" in text


async def test_lock_setting_turns_the_lock_on_with_the_password(device: Device, tmp_path: Path) -> None:
    from .conftest import SERIAL

    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        from panel_tui.screens.admin_settings import LockSettingScreen
        from panel_tui.screens.keypad import KeypadScreen

        form = LockSettingScreen(menu_tree.find("lock_setting"))
        await app.push_screen(form)
        app.screen.query_one("#field-lock_setting", Select).value = True
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, KeypadScreen) and not device.admin.lock_setting
        app.screen.query_one("#kp-input", Input).value = SERIAL
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert device.admin.lock_active and device.admin.logged_in
        assert form not in app.screen_stack  # Save went back to where the form was opened from
        assert "Unlocked" in screen_text(app)


async def test_lock_setting_on_while_logged_in_says_the_lock_is_on_without_asking_again(device: Device) -> None:
    """Logged in as administrator, the password was given at the login (as on the printer): On
    and Save lock at once, say so as after the password, and go back to the menu."""
    from panel_tui.screens.admin_settings import LockSettingScreen
    from panel_tui.screens.keypad import KeypadScreen

    from .conftest import SERIAL

    assert device.admin.login(SERIAL).ok
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        form = LockSettingScreen(menu_tree.find("lock_setting"))
        await app.push_screen(form)
        app.screen.query_one("#field-lock_setting", Select).value = True
        await pilot.press("ctrl+s")
        for _ in range(3):
            await pilot.pause()
        assert not isinstance(app.screen, KeypadScreen)
        assert device.admin.lock_active and device.admin.logged_in
        assert form not in app.screen_stack
        assert any("The lock is on" in str(n.message) for n in app._notifications)


async def test_lock_setting_without_a_registered_password_registers_one_first(tmp_path: Path) -> None:
    """A model whose factory password does not count as registered: On asks for a new one
    (twice), which then logs the administrator in and turns the lock on."""
    import dataclasses

    from device_model import FrozenClock
    from panel_tui.screens.admin_settings import LockSettingScreen, RegisterPasswordScreen

    from .conftest import FROZEN_AT

    profile = dataclasses.replace(DeviceProfile.default(), default_password_registered=False)
    device = Device(tmp_path / "state", profile=profile, clock=FrozenClock(FROZEN_AT))
    assert not device.admin.password_registered
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        form = LockSettingScreen(menu_tree.find("lock_setting"))
        await app.push_screen(form)
        app.screen.query_one("#field-lock_setting", Select).value = True
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, RegisterPasswordScreen) and not device.admin.lock_setting
        app.screen.query_one("#field-new_password", Input).value = "Printer-2026"
        app.screen.query_one("#field-confirm_password", Input).value = "Printer-2026"
        await pilot.press("ctrl+s")
        for _ in range(3):
            await pilot.pause()
        assert device.admin.password_registered and device.admin.lock_active and device.admin.logged_in
        assert form not in app.screen_stack


async def test_every_menu_item_opens_a_screen(locked_device: Device) -> None:
    """No dead keys: every leaf opens its screen or the "not available yet" screen."""
    from panel_tui.screens.registry import open_node
    from panel_tui.screens.unavailable import NotAvailableScreen

    from .conftest import SERIAL

    assert locked_device.admin.login(SERIAL).ok
    app = make_app(locked_device)
    async with app.run_test(size=(80, 24)) as pilot:
        for node in menu_tree.walk():
            open_node(app, node)
            await pilot.pause()
            screen = app.screen
            label = locked_device.t(node.label_key)
            assert label in screen_text(app), node.id
            if node.screen is None and not node.children:
                assert isinstance(screen, NotAvailableScreen)
            app.pop_screen()
            await pilot.pause()


async def test_change_admin_password(locked_device: Device) -> None:
    from panel_tui.screens.admin_settings import ChangePasswordScreen

    from .conftest import SERIAL

    assert locked_device.admin.login(SERIAL).ok
    app = make_app(locked_device)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(ChangePasswordScreen(menu_tree.find("admin_password_change")))
        screen = app.screen
        screen.query_one("#field-old_password", Input).value = SERIAL
        screen.query_one("#field-new_password", Input).value = "short"
        screen.query_one("#field-confirm_password", Input).value = "short"
        await pilot.press("ctrl+s")
        assert static_text(app, "#error-new_password")
        screen.query_one("#field-new_password", Input).value = "Printer-2026"
        screen.query_one("#field-confirm_password", Input).value = "Printer-2027"
        await pilot.press("ctrl+s")
        assert "do not match" in static_text(app, "#error-confirm_password")
        screen.query_one("#field-confirm_password", Input).value = "Printer-2026"
        await pilot.press("ctrl+s")
        assert app.screen is not screen
    locked_device.admin.logout()
    assert locked_device.admin.login("Printer-2026").ok


@pytest.mark.parametrize("lang", ["en", "lv"])
@pytest.mark.parametrize(("screen_cls", "node"), [
    ("panel_tui.screens.basic_settings:DateTimeScreen", "date_time_settings"),
    ("panel_tui.screens.settings_forms:EmailServerSettingsScreen", "server_settings"),
    ("panel_tui.screens.settings_forms:TcpIpScreen", "tcpip"),
])
async def test_every_form_label_stands_apart_from_its_value(tmp_path: Path, lang: str, screen_cls: str, node: str) -> None:
    """80×24: "Time Difference (minutes from UTC)0" read as one word; a label never touches its value."""
    from importlib import import_module

    from textual.widgets import Label

    from .conftest import make_device

    module, _, name = screen_cls.partition(":")
    app = make_app(make_device(tmp_path / "state", lang=lang))
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(getattr(import_module(module), name)(menu_tree.find(node)))
        await pilot.pause()
        lines = screen_text(app).splitlines()
        for label in app.screen.query(".form-row Label").results(Label):
            if not label.region:  # a field hidden for the current values
                continue
            text = str(label.render())
            row = lines[label.region.y]
            start = row.index(text, label.region.x)
            assert row[start + len(text)] == " ", f"{text!r} runs into its value: {row!r}"


async def test_up_down_move_between_form_fields_without_opening_a_list(device: Device) -> None:
    """Down on a closed Select moves to the next field (like Tab); Up comes back; Enter opens."""
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(TcpIpScreen(menu_tree.find("tcpip")))
        await pilot.pause()
        screen = app.screen
        first = screen.focused
        assert first is not None
        await pilot.press("down")
        await pilot.pause()
        second = screen.focused
        assert second is not None and second is not first
        assert not (isinstance(first, Select) and first.expanded)
        await pilot.press("up")
        await pilot.pause()
        assert screen.focused is first
        await pilot.press("tab")
        await pilot.pause()
        assert screen.focused is second
