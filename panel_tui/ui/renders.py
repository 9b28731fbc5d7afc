"""Lines drawn for what the person no longer sees are let go, and drawn again when shown.

Textual keeps, for every widget, each line it last drew, and each line keeps the pieces cut or
restyled from it (Textual 8.2.8: seven small caches per line): about 5 KiB a line. A surface
left (Web Config behind F4, F4 behind the panel) or a page or tab switched away from kept all of
it: ~1.3 MiB for the Cloud surface alone after the walk. Those lines are only needed again when
shown again, and drawing them again is what a repaint does anyway.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widget import Widget


def drop_renders(root: Widget) -> None:
    """Forget the lines ``root`` and every widget in it last drew (``refresh()`` clears them;
    a widget not shown draws nothing until it is shown again)."""
    root.refresh()
    for widget in root.walk_children(Widget):
        widget.refresh()


def drop_renders_when_left(screen: Screen[object]) -> None:
    """For a screen's ``on_screen_suspend``: its lines go when another surface (mode) is shown,
    not while a dialog sits on top of it (the dialog may show it around its edges)."""
    if screen.is_attached and screen not in screen.app.screen_stack:
        drop_renders(screen)
