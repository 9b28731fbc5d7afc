"""The device clock: offset, advance, persistence of the offset, fixed clocks for snapshots."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from device_model import Clock, Device, FrozenClock


def test_clock_is_aware_and_advances() -> None:
    clock = Clock()
    before = clock.now()
    assert before.tzinfo is not None
    clock.advance(timedelta(days=91))
    assert clock.now() - before >= timedelta(days=91)


def test_fixed_clock_is_deterministic() -> None:
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    clock = Clock(fixed=at)
    assert clock.now() == at == clock.now()
    clock.advance(timedelta(minutes=5))
    assert clock.now() == at + timedelta(minutes=5)
    assert FrozenClock().now() == FrozenClock.DEFAULT
    assert Clock(fixed=datetime(2026, 1, 1)).now().tzinfo is not None  # naive means UTC


def test_device_persists_clock_offset(tmp_path: Path) -> None:
    dev = Device(tmp_path)
    dev.clock.advance(timedelta(days=3))
    dev2 = Device(tmp_path)
    assert abs(dev2.clock.offset - timedelta(days=3)) < timedelta(seconds=1)


def test_given_clock_is_not_overridden_or_persisted(tmp_path: Path) -> None:
    clock = FrozenClock()
    dev = Device(tmp_path, clock=clock)
    clock.advance(timedelta(hours=1))
    assert dev.clock.now() == FrozenClock.DEFAULT + timedelta(hours=1)
    assert not (tmp_path / "clock.json").exists()


def test_clock_event_and_formatting(tmp_path: Path) -> None:
    dev = Device(tmp_path, clock=FrozenClock())
    events = []
    dev.subscribe(events.append)
    dev.clock.advance(timedelta(minutes=1))
    assert [e.kind for e in events] == ["clock"]
    assert dev.format_datetime() == "2026.03.02 09:31"
    dev.update("basic", date_format="dd.mm.yyyy", time_format="12h", time_difference_minutes="120")
    assert dev.format_datetime() == "02.03.2026 11:31 AM"
    assert dev.local_now().utcoffset() == timedelta(hours=2)
