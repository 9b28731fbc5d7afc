"""The baseline for bench/startup.py: a bare Textual app.

Header + a 20-item OptionList + Footer, nothing else: no CSS of its own, no
imports beyond Textual. panel-tui's start-up, memory and key latency are
reported as ratios against this app.

Run it by hand with ``python bench/bare_app.py``; quit with ctrl+q.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList

ITEMS = [f"Menu item {n:02d}" for n in range(1, 21)]


class Page(Screen[None]):
    """A page as Textual makes one (bench/walk.py times its push and pop): a sub-menu."""

    BINDINGS = [("x", "app.pop_screen", "Back")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield OptionList(*(f"Page item {n:02d}" for n in range(1, 8)))
        yield Footer()


class BareApp(App[None]):
    TITLE = "Bare Textual app"

    def compose(self) -> ComposeResult:
        yield Header()
        yield OptionList(*ITEMS)
        yield Footer()

    def on_option_list_option_selected(self) -> None:
        """Enter opens a page: nothing is built until then, as in any Textual app."""
        if not isinstance(self.screen, Page):
            self.push_screen(Page())


if __name__ == "__main__":
    BareApp().run()
