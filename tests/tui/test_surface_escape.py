"""Esc means "back" on every surface: at the top of Web Config or Cloud it returns to the Panel
(as F2 does), while dialogs and help inside those surfaces still close first."""

from __future__ import annotations

from device_model import Device
from panel_tui.screens.help import HelpScreen
from panel_tui.screens.menu import MenuScreen
from panel_tui.webconfig.login import LoginModal

from .conftest import make_app


async def test_escape_at_top_of_web_config_returns_to_panel(device: Device) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        assert app.current_mode == "webconfig"
        await pilot.press("escape")
        await pilot.pause()
        assert app.current_mode == "panel"


async def test_escape_at_top_of_cloud_returns_to_panel_where_it_was(device: Device) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")  # Settings
        assert isinstance(app.screen, MenuScreen)
        menu = app.screen
        await pilot.press("f4")
        assert app.current_mode == "cloud"
        await pilot.press("escape")
        await pilot.pause()
        assert app.current_mode == "panel"
        assert app.screen is menu  # like F2: the panel as it was left, not Home


async def test_escape_closes_web_config_dialog_before_leaving(device: Device) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, LoginModal)
        await pilot.press("escape")
        await pilot.pause()
        assert app.current_mode == "webconfig"
        assert not isinstance(app.screen, LoginModal)
        await pilot.press("escape")
        await pilot.pause()
        assert app.current_mode == "panel"


async def test_escape_closes_cloud_help_before_leaving(device: Device) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.current_mode == "cloud"
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.current_mode == "panel"


async def test_escape_at_panel_home_stays_on_panel(device: Device) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        home = app.screen
        await pilot.press("escape")
        await pilot.pause()
        assert (app.current_mode, app.screen) == ("panel", home)
