"""Screens the person has left are freed: the panel's memory does not grow with every visit
(each Scan to Email job, each trip through Settings, used to keep its screens alive)."""

from __future__ import annotations

import gc
from collections import Counter

from textual.pilot import Pilot
from textual.screen import Screen

from device_model import Device

from .conftest import make_app
from .helpers import screen_text
from .test_webconfig_support import wait_until


def _alive(kind: type[Screen[object]]) -> int:
    gc.collect()
    return sum(1 for obj in gc.get_objects() if isinstance(obj, kind))


def _live_screens() -> Counter[str]:
    gc.collect()
    return Counter(type(obj).__name__ for obj in gc.get_objects() if isinstance(obj, Screen))


async def _settings_and_scan_trip(pilot: Pilot[None]) -> None:
    await pilot.press("enter", "enter")  # Settings > General Settings
    await pilot.pause()
    await pilot.press("f5")  # Home
    await pilot.pause()
    await pilot.press("left", "enter")  # Scan
    await pilot.pause()
    await pilot.press("f5")
    await pilot.pause()


async def test_screens_left_are_freed(device: Device) -> None:
    from panel_tui.scan.screens import ScanMenuScreen
    from panel_tui.screens.menu import MenuScreen

    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settings_and_scan_trip(pilot)
        after_one = _live_screens()
        for _ in range(5):
            await _settings_and_scan_trip(pilot)
        await pilot.pause()
        # a screen left is released when it unmounts: never one more per visit
        assert _live_screens() == after_one
        assert _alive(MenuScreen) == 0
        assert _alive(ScanMenuScreen) == 0


async def test_a_screen_left_is_freed_without_waiting_for_another_screen(device: Device) -> None:
    from panel_tui.screens.menu import MenuScreen

    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter")  # Settings > General Settings
        await pilot.pause()
        assert _alive(MenuScreen) == 2
        await pilot.press("escape")
        await pilot.pause()
        await pilot.pause()
        assert _alive(MenuScreen) == 1  # General Settings went when it was closed
        await pilot.press("escape")
        await pilot.pause()
        await pilot.pause()
        assert _alive(MenuScreen) == 0


async def test_language_switches_reach_the_shown_screen_and_screens_opened_later(device: Device) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter")  # Settings > General Settings
        await wait_until(pilot, lambda: "Basic Settings" in screen_text(app), "General Settings in English")
        device.update("basic", language="lv")  # as Basic Settings > Language does
        await wait_until(pilot, lambda: "Pamatiestatījumi" in screen_text(app), "the shown menu in Latvian")
        await pilot.press("enter")  # Basic Settings: a screen opened after the switch
        await wait_until(pilot, lambda: "Datuma/laika iestatījumi" in screen_text(app), "Basic Settings in Latvian")
        device.update("basic", language="en")
        await wait_until(pilot, lambda: "Date/Time Settings" in screen_text(app), "the shown menu in English again")
        await pilot.press("escape")  # General Settings, hidden during the switch
        await wait_until(pilot, lambda: "Basic Settings" in screen_text(app), "General Settings in English")
        assert "Pamatiestatījumi" not in screen_text(app)
        await pilot.press("enter")  # the relabelled menu still takes keys
        await wait_until(pilot, lambda: "Date/Time Settings" in screen_text(app), "Basic Settings again")


async def test_web_config_builds_only_the_pages_opened(device: Device) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        pages = app.screen.query_one("#wc-pages")
        assert [page.id for page in pages.children] == ["page-product-status"]
        await pilot.press("right", "right", "right")  # Status > Print > Scan/Copy > Network: Basic
        await pilot.pause()
        assert {page.id for page in pages.children} <= {
            "page-product-status", "page-not-emulated", "page-login-required"}


async def test_cloud_builds_a_tab_when_first_opened_and_enter_goes_into_it(device: Device) -> None:
    from textual.widgets import Checkbox, Tabs

    from panel_tui.cloud.admin_pane import AdminPane
    from panel_tui.cloud.mail_pane import MailPane
    from panel_tui.cloud.scenarios_pane import ScenariosPane

    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        await pilot.pause()
        cloud = app.screen
        assert not cloud.query(AdminPane) and not cloud.query(MailPane) and not cloud.query(ScenariosPane)
        # the surface's own tenant first: what Enter does before it is ready is another test's
        await wait_until(pilot, lambda: app.cloud_link is not None and app.cloud_link.state == "ready", "the tenant")
        # and the sign-in page it opens (its field takes the cursor when the page arrives)
        await wait_until(pilot, lambda: getattr(app.focused, "id", None) == "ms-input", "the sign-in page")
        await pilot.pause()
        cloud.query_one(Tabs).focus()  # the tab bar (Shift+Tab from the page)
        await pilot.pause()
        await pilot.press("right", "enter")  # Admin centre, and into it at once
        await wait_until(pilot, lambda: isinstance(app.focused, Checkbox), "the focus in the Admin centre")
        assert cloud.query(AdminPane) and not cloud.query(MailPane)
        assert isinstance(app.focused, Checkbox) and app.focused.id == "adm-security-defaults"


async def test_widgets_left_leave_no_renders_behind(device: Device) -> None:
    """Screen after screen (Scan to Email, a refused address, Job Status, Home), the render
    caches of the widgets left go with them: Textual kept up to 1 024 of them alive through a
    cache keyed on each widget's StylesCache (Textualize/textual#6665), ~0.5 MiB per job."""
    from textual._styles_cache import StylesCache
    from textual.widget import Widget

    def alive(kind: type) -> int:
        gc.collect()
        return sum(1 for obj in gc.get_objects() if isinstance(obj, kind))

    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(6):
            await pilot.press("left", "enter", "enter")  # Home > Scan > Email
            await pilot.pause()
            await pilot.press(*"not-an-address", "enter")
            await pilot.pause()
            await pilot.press("ctrl+j")  # Job Status
            await pilot.pause()
            await pilot.press("f5")
            await pilot.pause()
        await pilot.pause()
        widgets = alive(Widget)
        # each live widget has its StylesCache (two for a few); never those of the 6 trips' ~150
        assert alive(StylesCache) <= 2 * widgets, (alive(StylesCache), widgets)


async def test_lines_drawn_make_their_small_caches_only_when_used(device: Device) -> None:
    """Each line Textual draws (a ``Strip``) made seven small caches with it, almost all never
    used: ~13 600 of them, ~2 MiB, at the end of the guide walk. They are made when first used
    (panel_tui/ui/textual_fixes.py), and a line cropped twice still gives the cached line."""
    from rich.segment import Segment
    from textual.cache import FIFOCache
    from textual.strip import Strip

    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")  # Web Config drawn, then the panel again
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        gc.collect()
        strips = sum(1 for obj in gc.get_objects() if type(obj) is Strip)
        caches = sum(1 for obj in gc.get_objects() if type(obj) is FIFOCache)
        assert strips > 50
        assert caches < strips, (caches, strips)  # Textual 8.2.8 alone: seven per line
        line = Strip([Segment("Email Server Status")])
        assert line.crop(0, 5) is line.crop(0, 5)
        assert line.crop(0, 5).text == "Email"


async def test_keys_and_screens_left_reach_the_idle_collector(device: Device) -> None:
    """The panel tells its idle collector about each key and each screen it removes: Esc
    closing Settings leaves garbage that the next pause of the keyboard collects."""
    from panel_tui.ui.idle_gc import EVERY, QUIET, IdleCollector

    now = [0.0]
    collected: list[float] = []
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        app.idle_gc = IdleCollector(clock=lambda: now[0], collect=lambda: collected.append(now[0]))
        now[0] += EVERY
        assert not app.idle_gc.poll()
        await pilot.press("enter")  # Settings
        await pilot.pause()
        await pilot.press("escape")  # and closed: a screen removed
        await pilot.pause()
        assert not app.idle_gc.poll(), "not within QUIET of the key"
        now[0] += QUIET
        assert app.idle_gc.poll() and collected == [now[0]]
