"""Messages under a Web Config page's fields: each field ``#ID`` has a ``#ID-error`` line below.

One place for the pages that save a settings section with OK (Email Server > Basic, the Fax
Server's Email Server Settings, Email Notification): a refused save puts each message under its
field and moves the cursor to the first, as the printer's pages do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from textual.dom import DOMNode
from textual.widgets import Static


def clear_field_errors(page: DOMNode, widget_ids: Iterable[str]) -> None:
    for widget_id in widget_ids:
        error = page.query_one(f"#{widget_id}-error", Static)
        error.update("")
        error.remove_class("-shown")


def show_field_errors(page: DOMNode, messages: Mapping[str, str]) -> None:
    """``messages``: widget id -> text. Each under its field; the first field gets the cursor."""
    for widget_id, text in messages.items():
        error = page.query_one(f"#{widget_id}-error", Static)
        error.update(text)
        error.add_class("-shown")
    first = next(iter(messages), None)
    if first is not None:
        page.query_one(f"#{first}").focus()
