"""An input field that keeps the keys typed while the next page is on its way.

A fast typist (or a paste) sends Enter and the next field's text in one burst. When Enter starts a
request (the next sign-in page comes from the tenant over HTTP), those keys would land in the field
of the page being left and be wiped when the new page clears it. :class:`TypeAheadInput` holds
them from the moment Enter is handled, in its own key order, and gives them to the next page's
field (:meth:`TypeAheadInput.release`), as a browser's next page would have received them.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input

#: Enter held among the typed keys: the next page is submitted too, once its text is in
ENTER = "\r"


class TypeAheadInput(Input):
    """An :class:`Input` whose Enter holds later keys until :meth:`release` (the next page)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        #: the keys typed since Enter, None when not waiting for a page
        self._held: list[str] | None = None

    @property
    def holding(self) -> bool:
        """Whether keys are being kept for the next page."""
        return self._held is not None

    def hold(self) -> None:
        """Keep the keys typed from now on for the next page (idempotent: a Next button pressed
        after Enter does not drop what was typed after the Enter)."""
        if self._held is None:
            self._held = []

    def release(self, *, keep: bool = True) -> None:
        """The next page is here: type the kept keys into it (``keep``) or drop them (a page
        without a field). An Enter among them submits that page and holds the rest again."""
        held, self._held = self._held or [], None
        if not keep:
            return
        for index, key in enumerate(held):
            if key == ENTER:
                self._held = held[index + 1 :]
                self.post_message(self.Submitted(self, self.value))
                return
            if key == "\b":
                Input.action_delete_left(self)
            elif self.selection.is_empty:
                self.insert_text_at_cursor(key)
            else:
                self.replace(key, *self.selection)

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            # Enter here, in the field's own key order: as a binding it would run only once the
            # key had bubbled up to the app, after the keys sent with it were typed into the field
            event.stop()
            event.prevent_default()
            await self.action_submit()
            return
        if self._held is not None and event.is_printable and event.character is not None:
            self._held.append(event.character)
            event.stop()
            event.prevent_default()
            return
        await super()._on_key(event)

    def _on_paste(self, event: events.Paste) -> None:
        if self._held is not None:
            self._held.extend(event.text.splitlines()[0] if event.text else "")
            event.stop()
            return
        super()._on_paste(event)

    async def action_submit(self) -> None:
        """Enter: keys typed after it wait for the page it asks for (an Enter typed while
        waiting is kept too: it submits the next page once its text is in)."""
        if self._held is not None:
            self._held.append(ENTER)
            return
        self.hold()
        await super().action_submit()

    def action_delete_left(self) -> None:
        """Backspace while waiting takes back the last kept key."""
        if self._held is not None:
            self._held.append("\b")
            return
        super().action_delete_left()
