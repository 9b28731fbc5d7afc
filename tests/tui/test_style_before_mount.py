"""A page change does not style widgets that are not mounted yet (`skip_style_updates_before_mount`).

Each panel page's lock icon is a Button, whose constructor changed its classes four times, each
matching the whole stylesheet against a widget that is styled again when mounted: ~8 % of a page
change's work before its first frame. The snapshots prove the pages look the same.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.css.stylesheet import Stylesheet

from device_model import Device
from panel_tui.widgets.status_bar import LockIcon

from .conftest import make_app


async def test_a_page_change_styles_no_widget_before_it_is_mounted(
    device: Device, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        styled_detached: list[str] = []
        real_apply = Stylesheet.apply

        def apply(self: Stylesheet, node: Any, *args: Any, **kwargs: Any) -> Any:
            if node._parent is None and node is not app:
                styled_detached.append(type(node).__name__)
            return real_apply(self, node, *args, **kwargs)

        monkeypatch.setattr(Stylesheet, "apply", apply)
        await pilot.press("enter")  # Home's Settings tile: the Settings menu opens
        await pilot.pause()
        assert app.screen.query_one(LockIcon).is_mounted
        assert styled_detached == []
        # mounted, the icon is styled as before: hidden while the lock is off, one line high
        icon = app.screen.query_one(LockIcon)
        assert icon.styles.height is not None and icon.styles.height.value == 1
        assert icon.has_class("-textual-compact")
