"""One notification path: a surface that is not shown hears the device all the same, and a
worker that fails unexpectedly is said, never swallowed."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.widgets import Static

from device_model import Device
from panel_tui.screens.base import PanelScreen
from panel_tui.ui.workers import reported

from .conftest import make_app
from .helpers import screen_text
from .test_webconfig_support import wait_until


async def test_web_config_opened_before_a_language_switch_shows_the_new_language(device: Device) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("webconfig")
        await wait_until(pilot, lambda: "Product Status" in screen_text(app), "Web Config in English")
        await app.switch_mode("panel")
        device.update("basic", language="lv")  # as Basic Settings > Language does
        await pilot.pause()
        await app.switch_mode("webconfig")
        await wait_until(pilot, lambda: "Produkta statuss" in screen_text(app), "Web Config in Latvian")
        assert "Product Status" not in screen_text(app)


async def test_cloud_opened_before_a_language_switch_shows_the_new_language(device: Device) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.switch_mode("cloud")
        await wait_until(pilot, lambda: "Admin centre" in screen_text(app), "Cloud in English")
        await app.switch_mode("panel")
        device.update("basic", language="lv")
        await pilot.pause()
        await app.switch_mode("cloud")
        await wait_until(pilot, lambda: "Administrēšanas centrs" in screen_text(app), "Cloud in Latvian")


class _Failing(PanelScreen):
    """A panel screen whose worker fails the way a bug would."""

    def compose_body(self) -> ComposeResult:
        yield Static("working")

    def on_mount(self) -> None:
        self._fail()

    @work(exit_on_error=False)
    @reported
    async def _fail(self) -> None:
        raise RuntimeError("bug")


async def test_a_worker_that_fails_unexpectedly_is_said_on_screen(device: Device) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(_Failing())
        # (toasts are not in the screen's own render: read what the app notified, as other tests do)
        await wait_until(pilot, lambda: any("RuntimeError: bug" in str(n.message) and n.severity == "error"
                                            for n in app._notifications), "the failure said")
        assert app.is_running
