"""The notice shown instead of the panel while the terminal is smaller than 80×24.

Every surface is laid out for 80×24; smaller, lines would be cut and buttons hidden. A plain
notice in the device's language says what is needed and what the terminal has now.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.screen import ModalScreen
from textual.widgets import Static


class TooSmallScreen(ModalScreen[None]):
    """Covers everything; goes away by itself when the terminal is large enough."""

    DEFAULT_CSS = """
    TooSmallScreen { background: $background; align: center middle; }
    TooSmallScreen #too-small { width: auto; max-width: 100%; height: auto; text-style: bold; }
    """

    def compose(self) -> ComposeResult:
        yield Static(self._text(), id="too-small", markup=False)

    def _text(self) -> str:
        app = self.app
        width, height = app.size
        x = "×" if getattr(app, "unicode_terminal", True) else "x"
        return app.t("panel.size.too_small", x=x, cols=width, rows=height)  # type: ignore[attr-defined]

    def refresh_text(self) -> None:
        for notice in self.query("#too-small").results(Static):  # none yet while composing
            notice.update(self._text())

    def language_changed(self) -> None:
        self.refresh_text()
