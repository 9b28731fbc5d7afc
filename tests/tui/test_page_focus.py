"""A page's list has the focus from the page's first frame, and the lock icon never has it meanwhile.

Textual's auto-focus ("*") gave the status bar's lock icon the focus as each page mounted, and the
page's on_mount moved it to its list: a focus and a blur (each restyling the icon and refreshing
the bar) on every page change, and a first frame showing the list without its focus.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import OptionList

from device_model import Device
from panel_tui.widgets.status_bar import LockIcon

from .conftest import make_app


async def test_the_menu_is_focused_in_its_first_frame_and_the_lock_icon_never(device: Device) -> None:
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        focused_at_frames: list[Any] = []
        real_display = app._display

        def display(screen: Any, renderable: Any) -> None:
            if renderable is not None:
                focused_at_frames.append(screen.focused)
            real_display(screen, renderable)

        app._display = display  # type: ignore[method-assign]
        lock_focused: list[bool] = []
        real_watch = LockIcon.watch_has_focus

        def watch(self: LockIcon, has_focus: bool) -> None:
            lock_focused.append(has_focus)
            real_watch(self, has_focus)

        LockIcon.watch_has_focus = watch  # type: ignore[method-assign]
        try:
            for _ in range(2):  # Settings, then General Settings
                focused_at_frames.clear()
                await pilot.press("enter")
                await pilot.pause()
                menu = app.screen.query_one("#menu", OptionList)
                assert focused_at_frames and focused_at_frames[0] is menu
        finally:
            LockIcon.watch_has_focus = real_watch  # type: ignore[method-assign]
            del app._display
        assert lock_focused == []
