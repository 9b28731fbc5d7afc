"""Textual messages the panel posts; device events become these on the event loop."""

from __future__ import annotations

from typing import Any

from textual.message import Message


class DeviceChanged(Message):
    """A `DeviceEvent` from the device model, marshalled onto the event loop.

    Bursts of the same kind and detail (a job feed, sign-in polling) collapse into one
    (toolong's `can_replace`), so a busy device cannot flood the panel.
    """

    def __init__(self, kind: str, detail: Any = None) -> None:
        super().__init__()
        self.kind = kind
        self.detail = detail

    def can_replace(self, message: Message) -> bool:
        return (
            isinstance(message, DeviceChanged)
            and message.kind == self.kind
            and message.detail == self.detail
        )
