"""Small widgets of the Cloud surface."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox


class TickBox(Checkbox):
    """A checkbox that shows its state as ``[x]`` / ``[ ]``: readable with 16 colours or none.

    Textual's own checkbox draws the same glyph in both states and tells them apart by colour
    only, which a trainer's SSH terminal may not show.
    """

    @property
    def _button(self) -> Content:
        return Content("[x]" if self.value else "[ ]")
