"""How workers hand results to the UI, and how an unexpected failure reaches the person.

Blocking work (msal, the tenant's pages, files) runs in thread workers; async work (SMTP) in
async workers. A failure a worker expects (a tenant that does not answer) is handled where it
is shown. Anything else is a bug: ``@reported`` (under ``@work``) hands it to the app's one
place for it, ``PanelHost.worker_failed``, which logs it and says it; then the worker ends as
failed. Workers the app runs itself reach the same place through ``Worker.StateChanged``.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar, TypeVarTuple, Unpack, cast

from textual.dom import DOMNode

from panel_tui.ui.host import host

Args = TypeVarTuple("Args")
P = ParamSpec("P")
R = TypeVar("R")


def call_in_ui(node: DOMNode, callback: Callable[[Unpack[Args]], object], *args: Unpack[Args]) -> None:
    """Run ``callback(*args)`` on the app's loop, from a worker thread; waits until it ran.

    Quietly nothing once the app is shutting down (its loop no longer takes calls): what the
    thread found out then has nobody to be shown to.
    """
    try:
        node.app.call_from_thread(callback, *args)
    except RuntimeError:  # the app's loop has stopped
        pass


def reported(method: Callable[P, R]) -> Callable[P, R]:
    """A worker method whose unexpected failure is said by the app (apply under ``@work``).

    The first argument is the widget or screen running the worker; thread workers hand the
    failure over with :func:`call_in_ui`.
    """
    if inspect.iscoroutinefunction(method):

        @functools.wraps(method)
        async def run_async(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return await cast(Callable[P, Awaitable[R]], method)(*args, **kwargs)
            except Exception as exc:  # said by the app, then raised on: never hidden
                node = cast(DOMNode, args[0])
                host(node).worker_failed(exc)
                raise

        return cast(Callable[P, R], run_async)

    @functools.wraps(method)
    def run_in_thread(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except Exception as exc:  # said by the app, then raised on: never hidden
            node = cast(DOMNode, args[0])
            call_in_ui(node, host(node).worker_failed, exc)
            raise

    return run_in_thread
