"""Home → Settings → … → Network Status and each status screen, by keyboard."""

from __future__ import annotations

from device_model import Device
from panel_tui.screens.home import HomeScreen
from panel_tui.screens.menu import MenuScreen
from panel_tui.screens.network_status import (
    EmailServerStatusScreen,
    PrintStatusSheetScreen,
    WifiDirectStatusScreen,
    WiredWifiStatusScreen,
)

from .conftest import make_app
from .helpers import screen_text


async def test_walk_to_each_network_status_screen(device: Device) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, HomeScreen)
        # Settings tile is focused on Home; Settings > General Settings > Network Settings.
        await pilot.press("enter", "enter", "down", "down", "enter")
        assert isinstance(app.screen, MenuScreen) and app.screen.node.id == "network_settings"
        await pilot.press("down", "down", "enter")  # Network Status
        assert app.screen.node.id == "network_status"
        text = screen_text(app)
        assert "Settings > General Settings > Network Settings > Network Status" in text
        for label in ("Wired LAN/Wi-Fi Status", "Wi-Fi Direct Status", "Email Server Status",
                      "Print Status Sheet"):
            assert label in text

        await pilot.press("enter")
        assert isinstance(app.screen, WiredWifiStatusScreen)
        text = screen_text(app)
        status = device.network_status()
        for expected in ("Wired LAN", status.ip, status.subnet_mask, status.gateway,
                         status.dns_primary, device.profile.mac_address):
            assert expected in text
        assert "192.168.1.37" in text

        await pilot.press("escape", "down", "enter")
        assert isinstance(app.screen, WifiDirectStatusScreen)
        assert "Wi-Fi Direct is not simulated." in screen_text(app)

        await pilot.press("escape", "down", "enter")
        assert isinstance(app.screen, EmailServerStatusScreen)
        text = screen_text(app)
        assert "Authentication Method" in text
        assert "SMTP Server Address" in text

        await pilot.press("escape", "down", "enter")
        assert isinstance(app.screen, PrintStatusSheetScreen)
        assert "Print the network status sheet?" in screen_text(app)
        await pilot.press("enter")  # Print
        await app.workers.wait_for_complete()
        await pilot.pause()
        sheet = app.screen
        assert sheet.state == "done", screen_text(app)
        assert sheet.result is not None and sheet.result.is_file()
        assert str(sheet.result.parent) in screen_text(app).replace("\n", "") or sheet.result.name in screen_text(app)
        assert device.jobs.log[0].kind == "print"


async def test_unbuilt_item_says_so(device: Device) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter", "down", "enter")  # Printer Settings
        text = screen_text(app)
        assert "Printer Settings" in text
        assert "not available in this emulator yet" in text
        await pilot.press("escape")
        assert isinstance(app.screen, MenuScreen)


async def test_home_key_and_help(device: Device) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter", "enter")  # Settings > General > Basic Settings
        assert isinstance(app.screen, MenuScreen) and app.screen.node.id == "basic_settings"
        await pilot.press("f1")
        assert "settings menu" in screen_text(app)
        await pilot.press("escape", "f5")
        assert isinstance(app.screen, HomeScreen)
        assert len(app.screen_stack) == 1


async def test_home_grid_arrow_keys(device: Device) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        grid = app.screen.query_one("#tiles")
        assert app.focused is grid and grid.current.tile_id == "settings"
        await pilot.press("left")
        assert grid.current.tile_id == "scan"
        await pilot.press("down")
        assert grid.current.tile_id == "job_status"
        await pilot.press("right")
        assert grid.current.tile_id == "webconfig"
        await pilot.press("up", "up")
        assert app.focused.id == "lock-icon" or not app.screen.query_one("#lock-icon").display


async def test_surfaces_switch_with_function_keys(device: Device) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        assert app.current_mode == "cloud"
        await pilot.press("f3")
        assert app.current_mode == "webconfig"
        await pilot.press("f2")
        assert app.current_mode == "panel"
        assert isinstance(app.screen, HomeScreen)


async def test_wifi_status_and_icon(device: Device) -> None:
    from panel_tui import menu_tree

    device.update("network", connection="wifi")
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(WiredWifiStatusScreen(menu_tree.find("wired_wifi_status")))
        await pilot.pause()
        text = screen_text(app)
        assert "≋ Wi-Fi" in text.splitlines()[0]
        assert "Wi-Fi: Connected" in text and device.profile.wifi_ssid in text


async def test_startup_problem_is_shown(tmp_path) -> None:
    from .conftest import make_device

    state = tmp_path / "state"
    make_device(state)
    (state / "settings.json").write_text("{ not json")
    device = make_device(state)
    assert device.startup_problems
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        shown = [n.message for n in app._notifications]
        assert shown and "settings.json" in shown[0]


async def test_network_connection_check(device: Device) -> None:
    from panel_tui import menu_tree
    from panel_tui.screens.registry import open_node

    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        open_node(app, menu_tree.find("connection_check"))
        await pilot.pause()
        await pilot.press("enter")
        assert "The network connection is OK. IP address: 192.168.1.37" in screen_text(app)
