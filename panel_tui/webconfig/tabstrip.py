"""Web Config's top tabs as a strip that wraps onto a second line instead of running off the edge.

Textual's ``Tabs`` is one line that scrolls: at 80 columns Epson's eight tabs ("Status" ...
"Device Management") do not fit, and the strip ended at "Device M" with the rest out of sight.
A person must see every tab to find Network (guide step 3), so this strip wraps, never scrolls.
The active tab is in reverse video (structure without colour, 16-colour terminals).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget


@dataclass
class _Placed:
    tab_id: str
    line: int
    start: int
    end: int


def layout_tabs(labels: list[tuple[str, str]], width: int) -> list[_Placed]:
    """Place each " label " on lines of ``width`` cells, one space between tabs."""
    placed: list[_Placed] = []
    line, x = 0, 0
    for tab_id, label in labels:
        cell = len(label) + 2
        if x > 0 and x + cell > width:
            line, x = line + 1, 0
        placed.append(_Placed(tab_id, line, x, x + cell))
        x += cell + 1
    return placed


class TabStrip(Widget, can_focus=True):
    """The tabs of Web Config; Left/Right (or a click) activates another one."""

    #: the active tab while the strip has the focus: the cursor colours of lists and fields
    #: (reverse video plus an underline, as before, looked the same as without the focus)
    COMPONENT_CLASSES = {"tabstrip--focused"}
    DEFAULT_CSS = """
    TabStrip {
        height: auto;
        width: 1fr;
        border-bottom: solid $primary;
    }
    TabStrip > .tabstrip--focused {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    """
    BINDINGS = [
        Binding("left", "move(-1)", "Previous tab", show=False),
        Binding("right", "move(1)", "Next tab", show=False),
    ]

    active: reactive[str] = reactive("", layout=True)

    class Activated(Message):
        """A tab was chosen by the person (not when set by code)."""

        def __init__(self, strip: "TabStrip", tab_id: str) -> None:
            super().__init__()
            self.strip = strip
            self.tab_id = tab_id

        @property
        def control(self) -> "TabStrip":
            return self.strip

    def __init__(self, labels: list[tuple[str, str]], active: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._labels = list(labels)
        self.set_reactive(TabStrip.active, active)

    @property
    def tab_ids(self) -> list[str]:
        return [tab_id for tab_id, _ in self._labels]

    def _placed(self, width: int | None = None) -> list[_Placed]:
        return layout_tabs(self._labels, max(1, width or self.content_size.width or 80))

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        placed = self._placed(width)
        return (placed[-1].line + 1) if placed else 1

    def render(self) -> Text:
        placed = self._placed()
        lines = (placed[-1].line + 1) if placed else 1
        texts = [Text() for _ in range(lines)]
        labels = dict(self._labels)
        for p in placed:
            text = texts[p.line]
            if text.cell_len < p.start:
                text.append(" " * (p.start - text.cell_len))
            style: str | Style = "reverse bold" if p.tab_id == self.active else ""
            if p.tab_id == self.active and self.has_focus:
                style = self.get_component_rich_style("tabstrip--focused")
            text.append(f" {labels[p.tab_id]} ", style=style)
        return Text("\n").join(texts)

    def action_move(self, step: int) -> None:
        ids = self.tab_ids
        if not ids:
            return
        index = ids.index(self.active) if self.active in ids else 0
        self.choose(ids[(index + step) % len(ids)])

    def choose(self, tab_id: str) -> None:
        """Activate ``tab_id`` as the person's choice (posts ``Activated``)."""
        self.active = tab_id
        self.post_message(self.Activated(self, tab_id))

    def on_click(self, event: events.Click) -> None:
        for p in self._placed():
            if p.line == event.y and p.start <= event.x < p.end:
                self.choose(p.tab_id)
                return

    def _on_focus(self, event: events.Focus) -> None:
        self.refresh()

    def _on_blur(self, event: events.Blur) -> None:
        self.refresh()
