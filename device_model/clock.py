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

#: How far the device clock may be moved from real time either way. Why a bound: a date past
#: year 9999 cannot be represented, so an unbounded offset (a typo in ``advance``, a hand-edited
#: clock.json) would make every ``now()`` raise, and with it every start.
MAX_OFFSET = timedelta(days=100 * 366)


class ClockRangeError(ValueError):
    """A clock change would move the device clock further than :data:`MAX_OFFSET` from real time."""


def check_offset(offset: timedelta) -> timedelta:
    """``offset`` itself when within :data:`MAX_OFFSET`, else :class:`ClockRangeError`."""
    if abs(offset) > MAX_OFFSET:
        raise ClockRangeError(f"the device clock can move at most {MAX_OFFSET.days} days from real time")
    return offset


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
        """Move the device clock forward (or back, with a negative delta).

        Raises :class:`ClockRangeError` (nothing changes) beyond :data:`MAX_OFFSET`.
        """
        with self._lock:
            try:
                new = self._offset + delta
            except OverflowError:
                raise ClockRangeError("the device clock cannot move that far") from None
            self._offset = check_offset(new)
            offset = self._offset
        for cb in list(self._listeners):
            cb(offset)

    def set_offset(self, offset: timedelta) -> None:
        """Set the offset absolutely (used when the Device restores it from disk)."""
        check_offset(offset)
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
