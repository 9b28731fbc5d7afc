"""Textual 8.2.8's per-widget allocations the panel trims (panel_tui/ui/textual_fixes.py) still
behave as Textual's: timers stop with their widget, disabled messages stay out, messages keep
their order, type selectors match. And the memory they held is not made for every widget."""

from __future__ import annotations

import collections
import gc
import sys
import weakref

from textual import events
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.message import Message
from rich.style import Style
from textual.widgets import Input, Static

from panel_tui.ui import textual_fixes


class Ping(Message):
    def __init__(self, n: int) -> None:
        super().__init__()
        self.n = n


class Counter(Static):
    def __init__(self) -> None:
        super().__init__("0")
        self.ticks = 0
        self.pings: list[int] = []
        self.keys = 0

    def on_mount(self) -> None:
        self.set_interval(0.01, self._tick)

    def _tick(self) -> None:
        self.ticks += 1

    def on_ping(self, message: Ping) -> None:
        self.pings.append(message.n)

    def on_key(self, event: events.Key) -> None:
        self.keys += 1


class Box(App[None]):
    CSS = "Static { width: 7; }"

    def compose(self) -> ComposeResult:
        yield Vertical(*[Static(f"row {i}") for i in range(40)], id="rows")
        yield Counter()


async def test_trimmed_widgets_behave_as_textuals() -> None:
    for fix in (textual_fixes.lazy_strip_caches, textual_fixes.lazy_timer_sets,
                textual_fixes.shared_node_sets, textual_fixes.short_message_queues,
                textual_fixes.short_event_waiters, textual_fixes.compact_widget_dicts,
                textual_fixes.slim_component_nodes):
        fix()
    app = Box()
    async with app.run_test(size=(80, 24)) as pilot:
        counter = app.query_one(Counter)
        await pilot.pause(0.1)
        assert counter.ticks > 0, "a widget's timer runs"
        for n in range(30):
            counter.post_message(Ping(n))
        await pilot.pause()
        assert counter.pings == list(range(30)), "messages in the order posted"
        counter.disable_messages(events.Key)
        counter.post_message(events.Key("a", "a"))
        await pilot.pause()
        assert counter.keys == 0, "a disabled message stays out"
        counter.enable_messages(events.Key)
        counter.post_message(events.Key("a", "a"))
        await pilot.pause()
        assert counter.keys == 1
        rows = list(app.query_one("#rows").children)
        assert all(row.size.width == 7 for row in rows), "the type selector Static still matches"
        assert rows[0]._css_types is rows[1]._css_types
        assert all(sys.getsizeof(vars(row)) < 2048 for row in rows), "Textual alone: ~3.3 KiB each"
        rows[0].border_title = "Title"
        await pilot.pause()
        assert (rows[0].border_title, rows[1].border_title) == ("Title", None), "a constant set is the widget's"
        assert rows[0].id is None and app.query_one("#rows").id == "rows"
        def alive(kind: type) -> int:
            gc.collect()
            return sum(1 for obj in gc.get_objects() if type(obj) is kind)

        before = alive(weakref.WeakSet)
        await app.query_one("#rows").mount_all([Static(f"more {i}") for i in range(40)])
        await pilot.pause()
        assert alive(weakref.WeakSet) - before < 5, "Textual alone: one per widget"

        before = alive(collections.deque)
        await app.query_one("#rows").mount_all([Static(f"again {i}") for i in range(40)])
        await pilot.pause()
        assert alive(collections.deque) - before < 5, "Textual alone: two per widget (its events' waiters)"
        mounted = Static("late")
        await app.query_one("#rows").mount(mounted)
        assert mounted.is_mounted and mounted._mounted_event.is_set(), "a widget's mount is awaited"
        fields = [Input("typed"), Input(placeholder="empty")]
        await app.query_one("#rows").mount_all(fields)
        await pilot.pause()
        a, b = (field._component_styles["input--placeholder"].node for field in fields)
        assert a is not b and a._nodes is b._nodes, "Textual alone: a child list per component node"
        assert fields[1].get_component_rich_style("input--placeholder") == Style.parse("#737373 on #1e1e1e"), (
            "a component class still has its styles")
        await counter.remove()
        ticks = counter.ticks
        await pilot.pause(0.1)
        assert counter.ticks == ticks, "its timer stopped with it"
