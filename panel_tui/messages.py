"""Textual messages the panel posts; device events become these on the event loop."""

from __future__ import annotations

import asyncio

from textual.message import Message
from textual.message_pump import MessagePump


class DeviceChanged(Message):
    """A `DeviceEvent` from the device model, marshalled onto the event loop.

    Bursts of the same kind and detail (a job feed, sign-in polling) collapse into one
    (toolong's `can_replace`), so a busy device cannot flood the panel.
    """

    def __init__(self, kind: str, detail: object = None) -> None:
        super().__init__()
        self.kind = kind
        self.detail = detail

    def can_replace(self, message: Message) -> bool:
        return (
            isinstance(message, DeviceChanged)
            and message.kind == self.kind
            and message.detail == self.detail
        )


def post_from_any_thread(target: MessagePump, loop: asyncio.AbstractEventLoop | None, message: Message) -> None:
    """Post ``message`` to ``target`` (running on ``loop``) from whatever thread this is.

    Off the loop the message is handed over with ``call_soon_threadsafe`` rather than
    ``call_from_thread``: the device's thread must never wait for the UI (it may hold a device
    lock the UI is about to take, or the UI may be waiting for that thread).
    """
    try:
        on_loop = loop is not None and asyncio.get_running_loop() is loop
    except RuntimeError:  # no loop runs in this thread
        on_loop = False
    if on_loop:
        target.post_message(message)
        return
    if loop is None or loop.is_closed():
        return
    try:
        loop.call_soon_threadsafe(target.post_message, message)
    except RuntimeError:  # the loop closed while shutting down
        pass
