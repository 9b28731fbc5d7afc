"""The forms' drop-downs (``LazySelect``): one widget until opened, a ``Select`` once opened.

What a person sees must not change: the value and the arrow on one row, Enter (or Space, Up,
Down) opens the list with the value highlighted, Enter picks, Esc closes; a long value is cut
with "…" rather than wrapped; an empty drop-down shows its prompt.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Select
from textual.widgets._select import SelectOverlay

from panel_tui.ui.lazy_select import LazySelect

CHOICES = [("Off", "off"), ("SMTP-AUTH", "smtp_auth"), ("OAuth2", "oauth2")]


class Form(App[None]):
    def __init__(self, *selects: Select[str]) -> None:
        super().__init__()
        self.selects = selects
        self.changes: list[object] = []

    def compose(self) -> ComposeResult:
        yield from self.selects

    def on_select_changed(self, event: Select.Changed) -> None:
        self.changes.append(event.value)


def _text_row(app: App[None], y: int) -> str:
    """Row ``y`` of the screen as a person reads it."""
    return app.screen._compositor.render_strips()[y].text.rstrip()


async def test_closed_it_is_one_widget_and_reads_like_a_select() -> None:
    app = Form(LazySelect(CHOICES, value="smtp_auth", allow_blank=False, id="method"))
    async with app.run_test(size=(40, 6)) as pilot:
        await pilot.pause()
        select = app.query_one("#method", Select)
        assert len(list(select.walk_children())) == 1  # the value row only: no list until opened
        row = _text_row(app, 0)
        assert row.startswith("SMTP-AUTH") and row.endswith("▼")
        assert select.value == "smtp_auth"


async def test_enter_opens_the_list_on_the_value_and_enter_picks() -> None:
    app = Form(LazySelect(CHOICES, value="smtp_auth", allow_blank=False, id="method"))
    async with app.run_test(size=(40, 8)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        select = app.query_one("#method", Select)
        assert select.expanded
        overlay = select.query_one(SelectOverlay)
        assert overlay.has_focus and overlay.highlighted == 1  # on SMTP-AUTH, the value
        assert "▲" in _text_row(app, 0)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert not select.expanded and select.has_focus
        assert select.value == "oauth2" and app.changes[-1] == "oauth2"
        assert _text_row(app, 0).startswith("OAuth2")
        # opened again: the list is the one already built, on the new value
        await pilot.press("space")
        await pilot.pause()
        assert len(select.query(SelectOverlay)) == 1 and select.query_one(SelectOverlay).highlighted == 2
        await pilot.press("escape")
        await pilot.pause()
        assert not select.expanded and select.value == "oauth2"


async def test_a_value_set_before_opening_is_the_one_highlighted() -> None:
    app = Form(LazySelect(CHOICES, value="off", allow_blank=False, id="method"))
    async with app.run_test(size=(40, 8)) as pilot:
        await pilot.pause()
        select = app.query_one("#method", Select)
        select.value = "oauth2"  # as a page's load_settings does
        await pilot.pause()
        assert _text_row(app, 0).startswith("OAuth2") and app.changes[-1] == "oauth2"
        await pilot.press("enter")
        await pilot.pause()
        assert select.query_one(SelectOverlay).highlighted == 2


async def test_a_long_value_is_cut_and_an_empty_one_shows_the_prompt() -> None:
    long = LazySelect([("Microsoft Exchange Online (Microsoft 365)", "x")], value="x", allow_blank=False,
                      id="long")
    empty = LazySelect([], allow_blank=True, prompt="Pick a mailbox", id="empty")
    app = Form(long, empty)
    async with app.run_test(size=(20, 6)) as pilot:
        await pilot.pause()
        first, second = _text_row(app, 0), _text_row(app, 1)
        assert "…" in first and first.endswith("▼") and len(first) <= 20
        assert second.startswith("Pick a mailbox")
        empty.set_options([("user@contoso.com", "user")])
        empty.value = "user"
        await pilot.pause()
        assert _text_row(app, 1).startswith("user@contoso.com")
