"""Admin lock on the panel: padlock, keypad, wrong password, throttle, login, timeout, logout."""

from __future__ import annotations

from datetime import timedelta

from device_model import Device
from panel_tui.screens.home import HomeScreen
from panel_tui.screens.keypad import KeypadScreen
from panel_tui.screens.menu import MenuScreen

from .conftest import SERIAL, make_app
from .helpers import screen_text, static_text


async def test_lock_login_timeout_and_logout(locked_device: Device) -> None:
    device = locked_device
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        assert "🔒 Locked" in screen_text(app)
        await pilot.press("enter", "enter")  # Settings > General Settings
        text = screen_text(app)
        assert "Network Settings  🔒 locked" in text
        assert "Basic Settings  ›" in text

        await pilot.press("down", "down", "enter")  # Network Settings (locked)
        assert isinstance(app.screen, KeypadScreen)
        await pilot.press(*"wrong", "enter")
        assert isinstance(app.screen, KeypadScreen)
        assert "incorrect" in static_text(app, "#kp-message")

        await pilot.press(*SERIAL, "enter")
        assert isinstance(app.screen, MenuScreen) and app.screen.node.id == "network_settings"
        assert device.admin.logged_in
        assert "Unlocked" in screen_text(app)

        # Back on General Settings the padlocks are gone while logged in.
        await pilot.press("escape")
        assert "🔒 locked" not in screen_text(app)

        # Operation Time Out on the device clock: the next tick logs out and goes Home.
        device.clock.advance(timedelta(minutes=device.settings.basic.operation_timeout_minutes + 1))
        app.tick()
        await pilot.pause()
        assert not device.admin.logged_in
        assert isinstance(app.screen, HomeScreen)
        assert "Locked" in screen_text(app) and "Unlocked" not in screen_text(app)

        # The lock icon logs in, and selecting it again logs out.
        app.screen.query_one("#lock-icon").focus()
        await pilot.press("enter")
        assert isinstance(app.screen, KeypadScreen)
        await pilot.press(*SERIAL, "enter")
        assert isinstance(app.screen, HomeScreen)
        assert device.admin.logged_in and "Unlocked" in screen_text(app)
        await pilot.pause()
        # focus went back to the tiles: Enter would open a tile, Up reaches the icon again
        assert app.focused is app.screen.query_one("#tiles")
        await pilot.press("up", "enter")
        assert not device.admin.logged_in
        assert app.focused is app.screen.query_one("#tiles")
        assert "Unlocked" not in screen_text(app)


async def test_key_presses_keep_the_session_alive(locked_device: Device) -> None:
    device = locked_device
    device.admin.login(SERIAL)
    app = make_app(device)
    minutes = device.settings.basic.operation_timeout_minutes
    async with app.run_test(size=(80, 24)) as pilot:
        device.clock.advance(timedelta(minutes=minutes - 1))
        await pilot.press("left")
        device.clock.advance(timedelta(minutes=minutes - 1))
        app.tick()
        assert device.admin.logged_in


async def test_repeated_wrong_passwords_are_throttled(locked_device: Device) -> None:
    app = make_app(locked_device)
    async with app.run_test(size=(80, 24)) as pilot:
        app.screen.toggle_login()
        await pilot.pause()
        for _ in range(3):
            await pilot.press("x", "enter")
        message = static_text(app, "#kp-message")
        assert "Try again in" in message
        await pilot.press(*SERIAL, "enter")  # refused while throttled, even when right
        assert isinstance(app.screen, KeypadScreen)
        assert "Too many incorrect passwords" in static_text(app, "#kp-message")
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        assert not locked_device.admin.logged_in


async def test_timeout_in_another_surface_returns_the_panel_home_later(locked_device: Device) -> None:
    from panel_tui import menu_tree
    from panel_tui.screens.registry import open_node

    device = locked_device
    assert device.admin.login(SERIAL).ok
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        open_node(app, menu_tree.find("network_settings"))
        await pilot.pause()
        await pilot.press("f3")
        assert app.current_mode == "webconfig"
        device.clock.advance(timedelta(minutes=device.settings.basic.operation_timeout_minutes + 1))
        app.tick()
        await pilot.pause()
        assert app.current_mode == "webconfig"  # the admin's Web Config page stays put
        await pilot.press("f2")
        assert isinstance(app.screen, HomeScreen) and len(app.screen_stack) == 1
