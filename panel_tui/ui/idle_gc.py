"""What the panel has let go of is collected while the person is not typing.

Every Textual widget is part of a reference cycle (its styles point back at it), so a screen
left or a widget replaced is freed only by a full garbage collection, and CPython runs one only
after very many objects have been made since the last (a quarter of all it tracks). Screens left
(each Scan to Email job's, menus, dialogs) and replaced page contents piled up until then, and
the memory they held set the panel's high-water mark. A full collection takes 20-60 ms here: on
a key's path it would be a visible stall, so it runs in a pause of the keyboard, after keys
(which is when screens are left and contents replaced), at most once a second.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

#: seconds without a key before a collection may run: the next key of a burst comes sooner
QUIET = 0.12
#: seconds between two collections at least: a slow typist does not pay one per key
EVERY = 1.0
#: how often the app asks (seconds)
POLL = 0.04


class IdleCollector:
    """Knows when keys came and when the last collection ran; collects when both allow."""

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 collect: Callable[[], object] = gc.collect) -> None:
        self._clock = clock
        self._collect = collect
        self._last_key = self._last_run = clock()
        self._pending = False
        self.collections = 0

    def key(self) -> None:
        """A key arrived: what it did may have let go of a screen; not now, its repaint first."""
        self._last_key = self._clock()
        self._pending = True

    def quiet_for(self) -> float:
        """Seconds since the last key (since this collector was made, before any key)."""
        return self._clock() - self._last_key

    def screen_left(self) -> None:
        """A screen was removed (a key, a job's end, a dialog closing by itself)."""
        self._pending = True

    def poll(self) -> bool:
        """Collect if something may be garbage and the keyboard is quiet; True if it did."""
        now = self._clock()
        if not self._pending or now - self._last_key < QUIET or now - self._last_run < EVERY:
            return False
        self._pending = False
        self._collect()
        self._last_run = self._clock()
        self.collections += 1
        return True
