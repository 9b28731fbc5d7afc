"""The device clock: real time plus an offset that scenarios can advance.

Admin Operation Time Out, login throttling, job timestamps and token staleness are all measured
on this clock, so a trainer (or a test) can "wait 91 days" by advancing it instead of waiting.
The Device persists the offset so that time travel survives a restart. For snapshots and tests a
fixed clock (``Clock(fixed=datetime)`` or :class:`FrozenClock`) makes the shown time stable.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from typing import Callable


class Clock:
    """``now()`` is ``real UTC time + offset`` (or ``fixed + offset`` when fixed)."""

    def __init__(
        self,
        offset: timedelta = timedelta(0),
        *,
        fixed: datetime | None = None,
    ) -> None:
        if fixed is not None and fixed.tzinfo is None:
            fixed = fixed.replace(tzinfo=timezone.utc)
        self._fixed = fixed
        self._offset = offset
        self._lock = threading.Lock()
        self._listeners: list[Callable[[timedelta], None]] = []

    @property
    def fixed(self) -> datetime | None:
        """The frozen base time, or None for a running clock."""
        return self._fixed

    @property
    def offset(self) -> timedelta:
        """How far the device clock is ahead of the base (real or fixed) time."""
        with self._lock:
            return self._offset

    def now(self) -> datetime:
        """The device time as an aware UTC datetime."""
        with self._lock:
            base = self._fixed if self._fixed is not None else datetime.now(timezone.utc)
            return base + self._offset

    def advance(self, delta: timedelta) -> None:
        """Move the device clock forward (or back, with a negative delta)."""
        with self._lock:
            self._offset += delta
            offset = self._offset
        for cb in list(self._listeners):
            cb(offset)

    def set_offset(self, offset: timedelta) -> None:
        """Set the offset absolutely (used when the Device restores it from disk)."""
        with self._lock:
            self._offset = offset
        for cb in list(self._listeners):
            cb(offset)

    def on_change(self, callback: Callable[[timedelta], None]) -> Callable[[], None]:
        """Call ``callback(offset)`` after each change; returns an unsubscribe function."""
        self._listeners.append(callback)

        def unsubscribe() -> None:
            if callback in self._listeners:
                self._listeners.remove(callback)

        return unsubscribe


class FrozenClock(Clock):
    """A clock stopped at ``at`` (default 2026-03-02 09:30 UTC) that moves only by ``advance``."""

    DEFAULT = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)

    def __init__(self, at: datetime | None = None) -> None:
        super().__init__(fixed=at or self.DEFAULT)
