"""F2, F3 and F4 are drawn as soon as the surface is ready, not held back 50 ms.

Textual's ``switch_mode`` calls ``delay_update()`` ("to mask a brief transition"): every frame
waited 50 ms, and a surface switch took ~60 ms from key to frame in a terminal against ~10 ms
of work (``bench/walk.py``). The surface left is no longer drawn and the one shown is drawn
whole, so there is no transition to mask (tests/acceptance/test_surface_switching.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App

from device_model import Device

from .conftest import make_app


async def test_surface_switches_do_not_hold_frames_back(device: Device, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        held: list[float] = []
        real = App.delay_update

        def delay_update(self: App[Any], delay: float = 0.05) -> None:
            held.append(delay)
            real(self, delay)

        monkeypatch.setattr(App, "delay_update", delay_update)
        for key, screen in (("f3", "WebConfigScreen"), ("f2", "HomeScreen"), ("f4", "CloudScreen"), ("f2", "HomeScreen")):
            await pilot.press(key)
            await pilot.pause()
            assert type(app.screen).__name__ == screen
            assert app._batch_count == 0
        assert held == []
        app.delay_update(0.01)  # asked for elsewhere, it still holds frames back
        assert held == [0.01]
