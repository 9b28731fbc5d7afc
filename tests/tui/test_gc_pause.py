"""A page change's first frame does not wait out a garbage collection (`panel_tui.ui.gc_pause`).

Collections set off while a page is built ran before its first frame: 1-4 ms on most page
changes and 25-45 ms for a full collection late in a walk (``bench/walk.py``). They now run
right after that frame; none is skipped.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from device_model import Device
from panel_tui.ui import gc_pause

from .conftest import make_app


@pytest.fixture
def eager_gc() -> Iterator[None]:
    """A collector that collects the young generation at every 50th allocation: any page
    change sets it off many times."""
    was_enabled = gc.isenabled()
    thresholds = gc.get_threshold()
    gc.enable()
    gc.set_threshold(50, 10, 10)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        if not was_enabled:
            gc.disable()


async def test_no_collection_between_a_key_and_its_frame(device: Device, eager_gc: None) -> None:
    app = make_app(device)
    events: list[str] = []

    def heard(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            events.append("gc")

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        real_display = app._display

        def display(screen: Any, renderable: Any) -> None:
            if renderable is not None:
                events.append("frame")
            real_display(screen, renderable)

        app._display = display  # type: ignore[method-assign]
        gc.callbacks.append(heard)
        try:
            events.append("key")
            await pilot.press("enter")  # Home's Settings tile: the Settings menu opens
            await pilot.pause()
            assert "General Settings" in str(app.screen.query_one("#menu").render_line(0).text)
            for _ in range(3):
                await pilot.pause()
        finally:
            gc.callbacks.remove(heard)
            del app._display
    assert "frame" in events
    first_frame = events.index("frame")
    assert "gc" not in events[:first_frame], events[: first_frame + 1]
    assert "gc" in events[first_frame:]  # what was due is collected once the frame is out
    assert gc.isenabled()


async def test_in_a_terminal_the_collector_resumes_once_the_frame_is_flushed(
    device: Device, eager_gc: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A collection holds the GIL that Textual's writer thread needs to send the frame: resumed
    as the frame is queued, it delayed the frame by its own length (30-45 ms for a full one)."""
    monkeypatch.setattr(gc_pause, "RESUME_AFTER", 60.0)  # the fallback stays out of the way
    app = make_app(device)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        waiting: list[Any] = []
        enabled_at_frames: list[bool] = []
        real_display = app._display

        def display(screen: Any, renderable: Any) -> None:
            real_display(screen, renderable)
            if renderable is not None:
                enabled_at_frames.append(gc.isenabled())

        app._driver.call_after_flush = waiting.append  # type: ignore[union-attr]  # as PanelDriver's
        app._display = display  # type: ignore[method-assign]
        try:
            await pilot.press("enter")
            await pilot.pause()
            assert enabled_at_frames and not enabled_at_frames[0]  # the frame written, not flushed
            assert not gc.isenabled() and waiting
            for callback in waiting:  # the writer thread flushed
                callback()
            assert gc.isenabled()
        finally:
            del app._display
            del app._driver.call_after_flush  # type: ignore[union-attr]
            app._gc_pause.resume()
