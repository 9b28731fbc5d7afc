"""The baseline for bench/startup.py: a bare Textual app.

Header + a 20-item OptionList + Footer, nothing else: no CSS of its own, no
imports beyond Textual. panel-tui's start-up, memory and key latency are
reported as ratios against this app.

Run it by hand with ``python bench/bare_app.py``; quit with ctrl+q.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, OptionList

ITEMS = [f"Menu item {n:02d}" for n in range(1, 21)]


class BareApp(App[None]):
    TITLE = "Bare Textual app"

    def compose(self) -> ComposeResult:
        yield Header()
        yield OptionList(*ITEMS)
        yield Footer()


if __name__ == "__main__":
    BareApp().run()
