"""F1: help for the current screen, from the catalog."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from panel_tui.widgets.chrome import KeyHints, update_key_line


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
        text = t(self.key)
        with VerticalScroll():
            yield Static(t("panel.help.title"), id="help-title", markup=False)
            if _names_its_keys(text, t("panel.help.keys_label")):
                # Web Config's and F4's help end with their own "Keys:" paragraph: the keys that
                # work everywhere join it (two "Keys:" paragraphs in a row read as a mistake)
                yield Static(f"{text.rstrip()} {t('panel.help.keys_everywhere')}", id="help-text", markup=False)
            else:
                yield Static(text, id="help-text", markup=False)
                yield Static(t("panel.help.keys"), id="help-keys", markup=False)
            yield Static(t("panel.help.class_aids"), id="help-aids", markup=False)
        # a window has a key line too: the bottom line is never blank (nor the key box's place)
        yield KeyHints(t("panel.hints.help_window"), id="hints")

    def on_mount(self) -> None:
        self.call_after_refresh(self._name_scroll_keys)

    def on_resize(self) -> None:
        self.call_after_refresh(self._name_scroll_keys)

    def _name_scroll_keys(self) -> None:
        """Name the scroll keys on the key line while the text is longer than the box (a
        scrollbar alone did not tell a trial user that ↓ and PgDn show the rest)."""
        t = self.app.t  # type: ignore[attr-defined]
        scrolls = self.query_one(VerticalScroll).max_scroll_y > 0
        key = "panel.hints.help_window_scroll" if scrolls else "panel.hints.help_window"
        update_key_line(self.query_one("#hints", KeyHints), t(key))

    def action_dismiss_help(self) -> None:
        self.dismiss(None)


def _names_its_keys(text: str, label: str) -> bool:
    """Whether a help text has its own keys paragraph (a line that starts "Keys:")."""
    return any(line.startswith(label) for line in text.splitlines())


def toggle_help(app: App[None]) -> None:
    """F1: open the help of the screen shown, or close the help if it is shown."""
    if isinstance(app.screen, HelpScreen):
        app.pop_screen()
        return
    default = "panel.help.generic" if app.current_mode == "panel" else f"panel.help.{app.current_mode}"
    # every screen of the panel names its help text; Textual's own (the palette) do not
    key = getattr(app.screen, "HELP_KEY", default)
    app.push_screen(HelpScreen(key))
