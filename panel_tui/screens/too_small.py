"""The notice shown instead of the panel while the terminal is smaller than 80×24.

Every surface is laid out for 80×24; smaller, lines would be cut and buttons hidden. A plain
notice in the device's language says what is needed and what the terminal has now.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Static

from panel_tui.ui.host import follow_app, host, unfollow_app


class TooSmallScreen(ModalScreen[None]):
    """Covers everything; goes away by itself when the terminal is large enough."""

    #: the trainer's aids (guide line, key box) are not drawn over the notice (class_aids)
    HIDES_CLASS_AIDS = True

    DEFAULT_CSS = """
    TooSmallScreen { background: $background; align: center middle; }
    TooSmallScreen #too-small { width: auto; max-width: 100%; height: auto; text-style: bold; }
    """

    def compose(self) -> ComposeResult:
        yield Static(self._text(), id="too-small", markup=False)

    def on_mount(self) -> None:
        follow_app(self, language=self.refresh_text)

    def on_unmount(self) -> None:
        unfollow_app(self)

    def _text(self) -> str:
        panel = host(self)
        width, height = self.app.size
        x = "×" if panel.unicode_terminal else "x"
        return panel.t("panel.size.too_small", x=x, cols=width, rows=height)

    def refresh_text(self) -> None:
        for notice in self.query("#too-small").results(Static):  # none yet while composing
            notice.update(self._text())


def cover_if_too_small(app: App[None], *, too_small: bool) -> None:
    """Below 80×24 cover the surface with the notice (in the device's language) instead of a
    cut layout; take it away once the terminal is large enough again."""
    showing = isinstance(app.screen, TooSmallScreen)
    if too_small:
        if isinstance(app.screen, TooSmallScreen):
            app.screen.refresh_text()
        else:
            app.push_screen(TooSmallScreen())
    elif showing:
        app.pop_screen()
