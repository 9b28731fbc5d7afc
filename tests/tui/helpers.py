"""Small helpers for the panel's Pilot tests."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import App
from textual.errors import NoWidget
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Static


def screen_text(app: App[object]) -> str:
    """Everything the current screen shows, as plain text (what a user reads).

    Built from Textual's public API only: each widget of the screen where the screen placed it
    (``Screen.find_widget``: region, clip and painting order), drawn with its own
    ``render_lines``, later paint over earlier, as the screen composes them. It reads what the
    widgets would paint now and changes nothing: ``App.export_screenshot`` is no substitute,
    as its full render takes the screen's pending updates, so a test that polls it can keep a
    table from ever repainting its new column widths.
    """
    screen = app.screen
    area = screen.size.region
    rows: list[list[str]] = [[" "] * area.width for _ in range(area.height)]
    placed = []
    for widget in _painted(screen):
        try:
            where = screen.find_widget(widget)
        except NoWidget:  # not laid out on the screen (hidden, or not mounted yet)
            continue
        placed.append((where.order, widget, where.region, where.clip))
    placed.sort(key=lambda item: item[0])
    for _order, widget, region, clip in placed:
        _paint(rows, widget, region, region.intersection(clip).intersection(area))
    return "\n".join("".join(row) for row in rows)


def _painted(screen: Widget) -> list[Widget]:
    """The screen, its widgets, and the scroll bars they show (not children in the DOM)."""
    out: list[Widget] = []
    for widget in (screen, *screen.query("*")):
        out.append(widget)
        if widget.show_vertical_scrollbar:
            out.append(widget.vertical_scrollbar)
        if widget.show_horizontal_scrollbar:
            out.append(widget.horizontal_scrollbar)
        if widget.show_vertical_scrollbar and widget.show_horizontal_scrollbar:
            out.append(widget.scrollbar_corner)
    return out


def _paint(rows: list[list[str]], widget: Widget, region: Region, visible: Region) -> None:
    """Put the visible part of ``widget``'s render into ``rows`` (a wide character takes two
    cells: the second holds "", so each row joins back to what the terminal shows)."""
    if not visible.width or not visible.height:
        return
    crop = Region(visible.x - region.x, visible.y - region.y, visible.width, visible.height)
    for y, strip in zip(visible.line_range, widget.render_lines(crop)):
        x, end = visible.x, visible.right
        for char in strip.text:
            width = cell_len(char)
            if x + width > end:
                break
            rows[y][x] = char
            for extra in range(1, width):
                rows[y][x + extra] = ""
            x += width


def static_text(app: App[object], selector: str) -> str:
    """The text of one Static on the current screen."""
    return str(app.screen.query_one(selector, Static).render())
