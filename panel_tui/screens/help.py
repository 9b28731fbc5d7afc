"""F1: help for the current screen, from the catalog."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from panel_tui.widgets.chrome import KeyHints


class HelpScreen(ModalScreen[None]):
    """A modal with the help text of the screen below; Esc, F1 or Enter closes it."""

    BINDINGS = [Binding("escape,enter,q", "dismiss_help", show=False)]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 70; max-height: 20; height: auto; border: thick $primary; background: $surface;
        padding: 0 1;
    }
    HelpScreen #help-title { text-style: bold; }
    HelpScreen #help-keys { color: $text-muted; margin-top: 1; }
    HelpScreen #help-aids { color: $text-muted; margin-top: 1; }
    """

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key

    def compose(self) -> ComposeResult:
        t = self.app.t  # type: ignore[attr-defined]
        with VerticalScroll():
            yield Static(t("panel.help.title"), id="help-title", markup=False)
            yield Static(t(self.key), id="help-text", markup=False)
            yield Static(t("panel.help.keys"), id="help-keys", markup=False)
            yield Static(t("panel.help.class_aids"), id="help-aids", markup=False)
        # a window has a key line too: the bottom line is never blank (nor the key box's place)
        yield KeyHints(t("panel.hints.help_window"), id="hints")

    def action_dismiss_help(self) -> None:
        self.dismiss(None)


def toggle_help(app: App[None]) -> None:
    """F1: open the help of the screen shown, or close the help if it is shown."""
    if isinstance(app.screen, HelpScreen):
        app.pop_screen()
        return
    default = "panel.help.generic" if app.current_mode == "panel" else f"panel.help.{app.current_mode}"
    # every screen of the panel names its help text; Textual's own (the palette) do not
    key = getattr(app.screen, "HELP_KEY", default)
    app.push_screen(HelpScreen(key))
