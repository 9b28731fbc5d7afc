"""Small helpers for the panel's Pilot tests."""

from __future__ import annotations

from typing import Any

from textual.widgets import Static


def screen_text(app: Any) -> str:
    """Everything the current screen shows, as plain text (what a user reads).

    The one place tests read the screen's render. Textual's public `export_screenshot` is no
    substitute: its full render consumes the compositor's pending updates, so a test that polls
    it can keep a table from ever repainting its new column widths.
    """
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(seg.text for seg in strip) for strip in strips)


def static_text(app: Any, selector: str) -> str:
    """The text of one Static on the current screen."""
    return str(app.screen.query_one(selector, Static).render())
