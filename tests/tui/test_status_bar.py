"""The status bar under the 1 s tick while a screen is still composing it."""

from __future__ import annotations


from device_model import Device
from panel_tui.widgets.status_bar import StatusBar
from tests.tui.conftest import make_app


async def test_a_tick_on_a_bar_without_its_children_does_not_crash(device: Device) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        bar = app.screen.query_one(StatusBar)
        await bar.remove_children()  # as between a screen mounting the bar and composing it
        bar.refresh_status()  # the tick: before the fix, NoMatches ended the app
        app.refresh_status()
        await pilot.pause()
        assert app.is_running
