"""Screens the person has left are freed: the panel's memory does not grow with every visit
(each Scan to Email job, each trip through Settings, used to keep its screens alive)."""

from __future__ import annotations

import gc

from textual.screen import Screen

from device_model import Device

from .conftest import make_app
from .test_webconfig_support import wait_until


def _alive(kind: type[Screen[object]]) -> int:
    gc.collect()
    return sum(1 for obj in gc.get_objects() if isinstance(obj, kind))


async def test_screens_left_are_freed(device: Device) -> None:
    from panel_tui.scan.screens import ScanMenuScreen
    from panel_tui.screens.menu import MenuScreen

    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(6):
            await pilot.press("enter", "enter")  # Settings > General Settings
            await pilot.pause()
            await pilot.press("f5")  # Home
            await pilot.pause()
            await pilot.press("left", "enter")  # Scan
            await pilot.pause()
            await pilot.press("f5")
            await pilot.pause()
        await pilot.pause()
        # the last screens left may wait for the next screen change; never one per visit
        assert _alive(MenuScreen) <= 2
        assert _alive(ScanMenuScreen) <= 1


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
