"""The one way a thread worker hands something to the UI."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVarTuple, Unpack

from textual.dom import DOMNode

Args = TypeVarTuple("Args")


def call_in_ui(node: DOMNode, callback: Callable[[Unpack[Args]], object], *args: Unpack[Args]) -> None:
    """Run ``callback(*args)`` on the app's loop, from a worker thread; waits until it ran.

    Quietly nothing once the app is shutting down (its loop no longer takes calls): what the
    thread found out then has nobody to be shown to.
    """
    try:
        node.app.call_from_thread(callback, *args)
    except RuntimeError:  # the app's loop has stopped
        pass
