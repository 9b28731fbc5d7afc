"""Keys typed faster than a page opens reach the page they were typed for.

Textual hands each key to the focused widget as soon as it is read. A key that opens a page
(Enter on a menu item) does so a few messages later: the list posts "selected", the screen
pushes the next page, which composes and takes the focus. Keys read in between went to the
page being left (a second "Down Down" moved the old list's cursor) or to the new page before it
had a focused widget (a second Enter was lost). A person typing from memory, a trainer over
SSH, tmux's send-keys and a script all send such bursts.

:class:`KeyGate` lets a key through at once when the previous key's work is done, as it almost
always is for a person; a key that arrives while it is still going on waits, in order, until the
app, the shown screen and the focused widget with its parents have no message left to handle
and neither the screen nor the focus changed meanwhile. Nothing is dropped: a gate that cannot
settle (a page that keeps posting) lets the key through after ``SETTLE_MAX`` seconds.

Work that goes on outside those message queues (a page built in another part of the screen,
which takes the focus once built; a sign-in page on its way over HTTP) holds the keys with
:func:`hold_keys`: from that moment every key waits for it, the next one typed included, at most
its ``max_wait``; an ``eager`` hold (a page over HTTP) holds even a key typed once the keys
before it are done.

Relies on Textual's ``MessagePump.call_later`` and ``message_queue_size`` (Textual is pinned).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from textual import events

if TYPE_CHECKING:
    from textual.app import App
    from textual.message_pump import MessagePump

#: seconds a waiting key waits at most for the previous key's work
SETTLE_MAX = 1.0
#: rounds of "handle what is queued" before a page change counts as done
ROUNDS_MAX = 50


class KeyGate:
    """Serialises keys for one app: each waits for the work of the one before."""

    def __init__(self, app: App[object], deliver: Callable[[events.Key], Awaitable[None]]) -> None:
        self.app = app
        #: hands a key to the app (Textual's own key handling)
        self._deliver = deliver
        self._waiting: deque[events.Key] = deque()
        #: the work of the last key let through, until it is done
        self._settling: asyncio.Task[None] | None = None
        self._releasing: asyncio.Task[None] | None = None
        #: work the next key waits for besides the queues (`hold_keys`), each with the loop
        #: time after which keys go on without it, and whether it holds a key typed when no
        #: other key's work goes on (``eager``)
        self._holds: list[tuple[asyncio.Future[Any], float, bool]] = []

    def hold(self, until: Awaitable[object], max_wait: float = SETTLE_MAX, *, eager: bool = False) -> None:
        """The keys after the current one wait for ``until`` as well, at most ``max_wait``
        seconds from now (a page coming over the network takes longer than ``SETTLE_MAX``; a
        key is never kept for ever). ``eager``: the first key typed after it waits too, even
        when it comes once the current key's work is done (a page over HTTP: F4, then Enter a
        moment later); otherwise only keys typed while that work goes on wait."""
        deadline = asyncio.get_running_loop().time() + max_wait
        self._holds = self._pending_holds()
        self._holds.append((asyncio.ensure_future(until), deadline, eager))

    def _pending_holds(self, *, eager_only: bool = False) -> list[tuple[asyncio.Future[Any], float, bool]]:
        """The holds not yet done and not yet past their deadline (only the eager ones)."""
        now = asyncio.get_running_loop().time()
        return [(h, d, e) for h, d, e in self._holds if not h.done() and d > now and (e or not eager_only)]

    def discard_waiting(self) -> int:
        """Drop the keys still waiting (typed ahead for a page that did not come: a refused
        code or account page came back instead, and a password typed ahead must not land in
        its clear-text field). How many were dropped."""
        dropped = len(self._waiting)
        self._waiting.clear()
        return dropped

    @property
    def busy(self) -> bool:
        """Whether the last key's work is still going on, something holds the keys, or keys
        are waiting: a key typed now waits its turn."""
        if self._waiting or (self._settling is not None and not self._settling.done()):
            return True
        return bool(self._holds) and bool(self._pending_holds(eager_only=True))

    async def key(self, event: events.Key) -> None:
        """A key read from the terminal: through now, or after the keys before it."""
        if self.busy:
            self._waiting.append(event)
            if self._releasing is None or self._releasing.done():
                self._releasing = asyncio.create_task(self._release())
            return
        await self._through(event)

    async def _through(self, event: events.Key) -> None:
        await self._deliver(event)
        self._settling = asyncio.create_task(self._settle())

    async def _release(self) -> None:
        while self._waiting:
            if self._settling is not None:
                await self._settling
            if await self._wait_holds():
                # what was held for (a page, its focus) has just happened: its messages first
                self._settling = asyncio.create_task(self._settle())
                continue
            event = self._waiting.popleft()
            await self._through(event)

    async def _wait_holds(self) -> bool:
        """Until every pending hold is done or past its deadline; whether there was any."""
        pending = self._pending_holds(eager_only=True)
        if not pending:
            return False
        loop = asyncio.get_running_loop()
        timeout = max(d for _, d, _ in pending) - loop.time()
        await asyncio.wait([h for h, _, _ in pending], timeout=max(timeout, 0.0))
        # past a hold's deadline: it no longer holds (the next `_pending_holds` drops it)
        return True

    async def _settle(self) -> None:
        """Until the app, the shown screen and the focus chain have handled everything,
        twice in a row with the same screen and focus."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SETTLE_MAX
        for _ in range(ROUNDS_MAX):
            try:
                screen = self.app.screen
            except Exception:  # no screen (starting or ending): nothing to wait for
                return
            focused = screen.focused
            pumps: list[MessagePump] = [self.app, screen]
            if focused is not None:
                pumps.extend(focused.ancestors_with_self)
            await _drain(pumps, max(deadline - loop.time(), 0.0))
            held = [h for h, _, _ in self._pending_holds()]
            if held:
                await asyncio.wait(held, timeout=max(deadline - loop.time(), 0.0))
            if loop.time() >= deadline:
                return
            try:
                same = self.app.screen is screen and screen.focused is focused
            except Exception:
                return
            if same and not any(p.message_queue_size for p in pumps) and not self._pending_holds():
                return


def discard_typed_ahead(node: MessagePump) -> None:
    """Drop the keys waiting in the key gate of the app ``node`` belongs to (if it has one)."""
    gate = getattr(getattr(node, "app", None), "key_gate", None)
    if isinstance(gate, KeyGate):
        gate.discard_waiting()


def hold_keys(node: MessagePump, until: Awaitable[object], max_wait: float = SETTLE_MAX, *,
              eager: bool = False) -> None:
    """Keys typed from now on wait for ``until`` (a page being built that will take the focus),
    at most ``max_wait`` seconds, in the app ``node`` belongs to, if it has a key gate
    (``app.key_gate``)."""
    gate = getattr(getattr(node, "app", None), "key_gate", None)
    if isinstance(gate, KeyGate):
        gate.hold(until, max_wait, eager=eager)


async def _drain(pumps: list[MessagePump], timeout: float) -> None:
    """Until each pump has handled what was queued to it before this call."""
    loop = asyncio.get_running_loop()
    waits: list[asyncio.Future[None]] = []
    for pump in dict.fromkeys(pumps):  # each once, in order
        done: asyncio.Future[None] = loop.create_future()
        if pump.call_later(_resolve, done):
            waits.append(done)
    if waits:
        await asyncio.wait(waits, timeout=timeout)


def _resolve(done: asyncio.Future[None]) -> None:
    if not done.done():
        done.set_result(None)
