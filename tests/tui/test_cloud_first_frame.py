"""The first F4 draws the Cloud surface before it asks the tenant for the code page.

The code page comes over HTTP from a thread (imports, TLS, the request): started while the
surface was being built, that thread took turns at the interpreter with the build and the
first F4's frame came ~18 ms later than its own work (``bench/walk.py``: 85 ms from the key
to the frame for 66 ms of the panel's CPU). Keys typed meanwhile still wait for the page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from panel_tui.cloud.signin_pane import SignInPane

from .conftest import make_app, make_device
from .test_cloud_snapshots import _ready_link


async def test_first_f4_is_drawn_before_the_code_page_is_asked_for(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(make_device(tmp_path / "state"))
    app.cloud_link = _ready_link(app.device, app.config)
    frames: list[str] = []
    asked_after: list[list[str]] = []
    monkeypatch.setattr(SignInPane, "_run_step", lambda self, step: asked_after.append(list(frames)))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        real_display = app._display

        def display(screen: Any, renderable: Any) -> None:
            if renderable is not None:
                frames.append(type(screen).__name__)
            real_display(screen, renderable)

        app._display = display  # type: ignore[method-assign]
        await pilot.press("f4")
        await pilot.pause()
        await pilot.pause()
        assert type(app.screen).__name__ == "CloudScreen"
        assert len(asked_after) == 1, "the code page is asked for once"
        assert "CloudScreen" in asked_after[0], f"asked for before F4's first frame (frames then: {asked_after[0]})"
        pane = app.screen.query_one(SignInPane)
        # keys typed right after F4 wait for the page on its way (the key gate holds them)
        assert pane._page_coming is not None and not pane._page_coming.done()
