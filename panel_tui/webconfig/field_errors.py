"""Messages under a Web Config page's fields: field ``#ID`` gets a ``#ID-error`` line below it.

One place for the pages that save a settings section with OK (Email Server > Basic, the Fax
Server's Email Server Settings, Email Notification, Additional Network): a refused save puts
each message under its field and moves the cursor to the first, as the printer's pages do.

A field's message line is made the first time the field has a message (right after the field's
row), not with the page: Basic alone has nine fields and seldom a message, and each widget
mounted costs ≈ 25 KiB. Once made, a line stays (empty and hidden when cleared).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from textual.dom import DOMNode
from textual.widgets import Static


def _message_line(page: DOMNode, widget_id: str) -> Static | None:
    """Field ``widget_id``'s message line, or None until it first had a message."""
    found = page.query(f"#{widget_id}-error")
    return found.first(Static) if found else None


def clear_field_errors(page: DOMNode, widget_ids: Iterable[str]) -> None:
    for widget_id in widget_ids:
        error = _message_line(page, widget_id)
        if error is not None:
            error.update("")
            error.remove_class("-shown")


def show_field_errors(page: DOMNode, messages: Mapping[str, str]) -> None:
    """``messages``: widget id -> text. Each under its field; the first field gets the cursor."""
    for widget_id, text in messages.items():
        error = _message_line(page, widget_id)
        if error is None:
            row = page.query_one(f"#{widget_id}").parent  # the field's row (label and field)
            assert row is not None and row.parent is not None
            error = Static(text, id=f"{widget_id}-error", classes="field-error -shown", markup=False)
            row.parent.mount(error, after=row)  # type: ignore[attr-defined]
            continue
        error.update(text)
        error.add_class("-shown")
    first = next(iter(messages), None)
    if first is not None:
        page.query_one(f"#{first}").focus()
