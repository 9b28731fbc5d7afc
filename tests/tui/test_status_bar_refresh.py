"""A job's events and the clock tick repaint only the status-bar parts whose text changed.

``Static.update`` asks Textual to lay the whole screen out again; the status bar was updated on
every device event (a Scan to Email fires several) and every tick, with the same texts.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Static

from device_model import Device
from panel_tui.widgets.status_bar import StatusBar

from .conftest import make_app


async def test_job_events_and_ticks_update_no_unchanged_status_bar_part(
    device: Device, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        bar = app.screen.query_one(StatusBar)
        updated: list[str] = []
        real = Static.update

        def spy(self: Static, *a: Any, **kw: Any) -> None:
            if self.parent is bar:
                updated.append(str(self.id))
            return real(self, *a, **kw)

        monkeypatch.setattr(Static, "update", spy)
        for _ in range(3):
            device.jobs.record("print", "status sheet")
        await pilot.pause()
        assert updated == []
        app.tick()
        app.tick()
        await pilot.pause()
        assert "net" not in updated and "device-name" not in updated
        assert updated.count("clock") <= 1  # only when the minute (or second) moved on
        device.update("network", device_name="EPSON-NEW")
        await pilot.pause()
        assert "device-name" in updated
        assert "EPSON-NEW" in str(bar.query_one("#device-name", Static).render())
