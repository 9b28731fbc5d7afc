"""The tenant clock: real time plus a persisted offset (time travel for scenarios)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Callable


#: the latest tenant time (the year 9000): dates stay printable and token times stay in range
_LATEST = dt.datetime(9000, 1, 1, tzinfo=dt.timezone.utc).timestamp()


class TenantClock:
    """Reads and advances the tenant's notion of now.

    The offset lives in the store so that a tenant advanced by 91 days stays there after a
    restart. Token lifetimes, refresh-token inactivity and device-code expiry all use this
    clock; only the id_token uses wall time, because msal checks it against ``time.time()``.
    """

    def __init__(self, get_offset: Callable[[], float], set_offset: Callable[[float], None]):
        self._get_stored = get_offset
        self._set = set_offset
        #: the offset, read from the store once: every token check and SMTP AUTH reads the
        #: clock, and one process owns a tenant's store (its lock), so only :meth:`advance`
        #: changes it
        self._offset: float | None = None

    def _get(self) -> float:
        offset = self._offset
        if offset is None:
            offset = self._offset = float(self._get_stored())
        return offset

    def timestamp(self) -> float:
        return time.time() + self._get()

    def now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.timestamp(), dt.timezone.utc)

    def offset(self) -> dt.timedelta:
        return dt.timedelta(seconds=self._get())

    def advance(self, delta: dt.timedelta) -> dt.datetime:
        if delta.total_seconds() < 0:
            raise ValueError("the tenant clock only moves forward")
        if self.timestamp() + delta.total_seconds() > _LATEST:
            # a later offset would break every date the tenant prints, now and after restarts
            raise ValueError("the tenant clock cannot go past the year 9000")
        offset = self._get() + delta.total_seconds()
        self._set(offset)
        self._offset = offset
        return self.now()


def parse_duration(text: str) -> dt.timedelta:
    """``91d``, ``2h``, ``30m``, ``45s``, ``1d12h`` -> timedelta (for the CLI and admin API)."""
    import re

    text = text.strip().lower()
    parts = re.findall(r"(\d+(?:\.\d+)?)\s*([dhms])", text)
    if not parts or "".join(a + b for a, b in parts) != text.replace(" ", ""):
        raise ValueError(f"not a duration: {text!r} (use e.g. 91d, 2h, 30m, 45s)")
    unit = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}
    total = dt.timedelta()
    try:
        for num, u in parts:
            total += dt.timedelta(**{unit[u]: float(num)})
    except OverflowError:  # beyond timedelta's ~2.7 million years
        raise ValueError(f"not a duration: {text!r} (too long)") from None
    return total
