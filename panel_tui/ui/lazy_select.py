"""A compact ``Select`` that is one widget until it is opened.

Textual's ``Select`` is six widgets: the value row (a container holding a label and two
arrows) and the list of choices, an ``OptionList`` built with all its options up front. A
Web Config page or an F4 tab holds several, and most are never opened: each cost ~200 KiB,
a fifth of what the whole guide walk keeps above a bare Textual app. Here the value row draws
its label and arrow itself, and the list is mounted the first time the person opens it.

It is a ``Select`` for everything else: ``value``, ``Select.Changed``, ``set_options``,
``query_one(..., Select)``, the keys (Enter, Space, Up, Down open it) and the app's CSS rules
for ``Select`` and ``SelectCurrent``. It relies on ``Select``'s private hooks
(``_setup_options_renderables``, ``_watch_value``, ``_watch_expanded``, ``_watch_prompt``),
which is why Textual is pinned.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, Generic

from rich.text import Text
from textual.content import Content
from textual.css.query import NoMatches
from textual.widgets import Select
from textual.widgets._select import NoSelection, SelectCurrent, SelectOverlay, SelectType

from panel_tui.ui.keygate import hold_keys

if TYPE_CHECKING:
    from rich.console import RenderableType
    from textual.app import ComposeResult


class ValueRow(SelectCurrent):
    """``SelectCurrent`` without its three children: the label and the arrow are drawn here."""

    DEFAULT_CSS = """
    ValueRow {
        height: 1;
    }
    """

    def compose(self) -> ComposeResult:
        return iter(())

    def update(self, label: RenderableType | NoSelection) -> None:
        self.label = label
        self.has_value = not isinstance(label, NoSelection)
        self.refresh()

    def _watch_has_value(self, has_value: bool) -> None:
        super()._watch_has_value(has_value)
        self.refresh()

    def render(self) -> Content:
        """The label, cut to fit, then " ▼" (" ▲" while the list is open) at the right."""
        label = self.label
        if isinstance(label, NoSelection):
            text, placeholder = self.placeholder, True
        else:
            text = label.plain if isinstance(label, Text) else str(label)
            placeholder = False
        parent = self.parent
        expanded = isinstance(parent, Select) and parent.expanded
        width = max(0, self.content_size.width - 2)
        shown = Content(text.replace("\n", " ")).truncate(width, ellipsis=True, pad=True)
        if placeholder:
            shown = shown.stylize("dim")
        return shown + Content(" ▲" if expanded else " ▼")


class PickingOverlay(SelectOverlay):
    """The list of choices; a pick holds the keys typed after it until the form has taken it.

    A pick travels through three messages (the list's, the ``Select``'s, ``Select.Changed`` to
    the form), and a form may show other rows for it (Email Server > Basic: OAuth2 shows Email
    service and Sign In). A Tab typed in the same burst (over SSH, ``tmux send-keys``) could be
    handled before those rows were shown and skip them (2 of 8 bursts over SSH)."""

    def action_select(self) -> None:
        select = self.parent
        if isinstance(select, LazySelect):
            select.hold_keys_for_pick()
        super().action_select()


class LazySelect(Select[SelectType], Generic[SelectType]):
    """A compact ``Select`` whose list of choices is built when it is first opened."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("compact", True)
        super().__init__(*args, **kwargs)
        self._picked: asyncio.Future[None] | None = None

    def compose(self) -> ComposeResult:
        yield ValueRow(self.prompt)

    def _overlay(self) -> SelectOverlay | None:
        return next((c for c in self.children if isinstance(c, SelectOverlay)), None)

    async def _ensure_overlay(self) -> SelectOverlay:
        """The list of choices, mounted now if this is the first time it is needed."""
        overlay = self._overlay()
        if overlay is None:
            overlay = PickingOverlay(type_to_search=self._type_to_search)
            overlay.compact = self.compact  # set once: data_bind binds only while composing
            await self.mount(overlay)
            super()._setup_options_renderables()
            index = self._index_of(self.value)
            if index is not None:
                overlay.highlighted = index
        return overlay

    def hold_keys_for_pick(self) -> None:
        """Keys typed from now on wait until the value picked has reached the form and the
        screen has been drawn with it (`PickingOverlay`)."""
        picked: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._picked = picked
        hold_keys(self, picked)
        # a pick of the value already chosen changes nothing: let the keys go after a frame
        self.call_after_refresh(self._release_pick, picked, refreshes=2)

    def _release_pick(self, picked: asyncio.Future[None], refreshes: int = 1) -> None:
        if refreshes > 1:
            self.call_after_refresh(self._release_pick, picked, refreshes - 1)
        elif not picked.done():
            picked.set_result(None)

    def _index_of(self, value: object) -> int | None:
        return next((i for i, (_, v) in enumerate(self._options) if v == value), None)

    def _setup_options_renderables(self) -> None:
        if self._overlay() is not None:
            super()._setup_options_renderables()

    def _watch_value(self, value: SelectType | NoSelection) -> None:
        """``Select``'s, except that the list (if built yet) is only told what to highlight."""
        self._value = value
        try:
            row = self.query_one(SelectCurrent)
        except NoMatches:
            return
        if value == self.NULL:
            row.update(self.NULL)
        else:
            index = self._index_of(value)
            if index is not None:
                overlay = self._overlay()
                if overlay is not None:
                    overlay.highlighted = index
                row.update(self._options[index][0])
        self.post_message(self.Changed(self, value))
        picked, self._picked = self._picked, None
        if picked is not None and not picked.done():
            # after the form has handled Changed (it bubbles up first) and drawn what it shows
            self.call_after_refresh(self._release_pick, picked, refreshes=2)

    def _watch_expanded(self, expanded: bool) -> None:
        if expanded and self._overlay() is None:
            self.call_later(self._expand_when_built)
            return
        super()._watch_expanded(expanded)
        self.query_one(ValueRow).refresh()

    async def _expand_when_built(self) -> None:
        await self._ensure_overlay()
        if self.expanded:
            super()._watch_expanded(True)
            self.query_one(ValueRow).refresh()

    async def action_show_overlay(self) -> None:
        await self._ensure_overlay()
        super().action_show_overlay()

    def _watch_prompt(self, prompt: str) -> None:
        if not self.is_mounted:
            return
        if self._overlay() is not None:
            super()._watch_prompt(prompt)
            return
        row = self.query_one(ValueRow)
        row.placeholder = prompt
        if self._allow_blank and self.value == self.NULL:
            row.update(self.NULL)
