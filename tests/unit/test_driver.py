"""The panel's terminal driver delivers a lone Escape once the escape delay has passed."""

from __future__ import annotations

import asyncio
import os
import queue
import selectors
import threading
from typing import Any

import pytest
from textual import events

from panel_tui.ui.driver import PanelDriver, escape_delay


class RecordingDriver(PanelDriver):
    """The panel's driver reading a pipe instead of the terminal, keeping the keys it parses."""

    def __init__(self, fileno: int) -> None:
        super().__init__(app=None)  # type: ignore[arg-type]  # nothing is posted to an app
        self.fileno = fileno
        self.keys: queue.Queue[str] = queue.Queue()

    def process_message(self, message: Any) -> None:
        if isinstance(message, events.Key):
            self.keys.put(message.key)


async def _made(fileno: int) -> RecordingDriver:
    return RecordingDriver(fileno)  # a Textual driver is made on a running loop


class HourLongIdle(selectors.SelectSelector):
    """A selector whose idle waits (Textual's 100 ms polls) last an hour: only a wait the driver
    chose for a pending ESC stays short."""

    def select(self, timeout: float | None = None) -> Any:
        idle = self.get_map() and (timeout is None or timeout >= 0.1)  # (not the last, after unregister)
        return super().select(3600 if idle else timeout)


@pytest.fixture
def reading(monkeypatch: pytest.MonkeyPatch):
    """A driver whose input thread reads a pipe and would otherwise wake once an hour."""
    monkeypatch.setenv("ESCDELAY", "5")
    monkeypatch.setattr(selectors, "SelectSelector", HourLongIdle)
    read_end, write_end = os.pipe()
    driver = asyncio.run(_made(read_end))
    thread = threading.Thread(target=driver.run_input_thread, daemon=True)
    thread.start()
    yield driver, write_end
    driver.exit_event.set()
    os.write(write_end, b"q")
    os.close(write_end)  # end of file: the thread's last read returns at once
    thread.join(timeout=5)
    os.close(read_end)


def test_a_lone_escape_arrives_without_waiting_for_the_next_read(reading) -> None:
    driver, write_end = reading
    os.write(write_end, b"\x1b")
    assert driver.keys.get(timeout=10) == "escape"


def test_an_arrow_is_still_one_key_not_an_escape(reading) -> None:
    driver, write_end = reading
    os.write(write_end, b"\x1b[B")
    assert driver.keys.get(timeout=10) == "down"
    os.write(write_end, b"\x1b")
    assert driver.keys.get(timeout=10) == "escape"


@pytest.mark.parametrize(("value", "seconds"), [("", 0.025), ("250", 0.25), ("0", 0.001), ("soon", 0.025)])
def test_escdelay_is_the_persons_or_25_ms(monkeypatch: pytest.MonkeyPatch, value: str, seconds: float) -> None:
    monkeypatch.setenv("ESCDELAY", value)
    assert escape_delay() == pytest.approx(seconds)


def _keys(driver: RecordingDriver, count: int) -> list[str]:
    return [driver.keys.get(timeout=10) for _ in range(count)]


@pytest.mark.parametrize(
    ("typed", "keys"),
    [
        (b"\x1b\r", ["escape", "enter"]),  # Back, then open: Textual alone read Enter only
        (b"\x1b\t", ["escape", "tab"]),  # (read as Shift+Tab)
        (b"\x1bq", ["escape", "q"]),  # (read as Alt+q)
        (b"\x1b\x1b[B", ["escape", "down"]),
        (b"\x1b[B\x1b\r\x1b[A", ["down", "escape", "enter", "up"]),
        ("\x1bā".encode(), ["escape", "ā"]),
    ],
)
def test_escape_and_the_next_key_in_one_read_are_two_keys(reading, typed: bytes, keys: list[str]) -> None:
    """Over ssh Esc and the key after it often come in one packet: both keys arrive, in order."""
    driver, write_end = reading
    os.write(write_end, typed)
    assert _keys(driver, len(keys)) == keys


def test_an_escape_whose_sequence_comes_in_the_next_read_is_still_one_key(reading) -> None:
    """An arrow's bytes split across two reads (a slow link) are still the arrow."""
    driver, write_end = reading
    os.write(write_end, b"\x1b")
    os.write(write_end, b"[B")  # before the escape delay: usually the same read, at worst the next
    os.write(write_end, b"\x1bO")
    os.write(write_end, b"P")  # F1 as SS3
    assert _keys(driver, 2) == ["down", "f1"]


def test_frames_get_the_gil_within_half_a_millisecond_while_in_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Textual's writer thread needs the GIL to send each frame; at Python's 5 ms switch
    interval a page's frame waited 2-7 ms behind the rest of the page change."""
    import sys

    from textual.drivers.linux_driver import LinuxDriver

    from panel_tui.ui.driver import SWITCH_INTERVAL

    monkeypatch.setattr(LinuxDriver, "start_application_mode", lambda self: None)
    monkeypatch.setattr(LinuxDriver, "stop_application_mode", lambda self: None)
    before = sys.getswitchinterval()
    driver = asyncio.run(_made(0))
    try:
        driver.start_application_mode()
        assert sys.getswitchinterval() == pytest.approx(SWITCH_INTERVAL) and SWITCH_INTERVAL <= 0.0005
    finally:
        driver.stop_application_mode()
    assert sys.getswitchinterval() == pytest.approx(before)


def test_what_waits_for_a_flush_runs_on_the_loop_after_the_writer_flushed() -> None:
    """`call_after_flush` (the garbage collector resumes once a key's frame is out)."""
    import io

    from textual.drivers._writer_thread import WriterThread

    async def scenario() -> list[str]:
        driver = RecordingDriver(0)
        sink = io.StringIO()
        driver._file._file = sink  # type: ignore[attr-defined]  # the terminal: a string
        events_seen: list[str] = []
        loop = asyncio.get_running_loop()
        done = loop.create_future()

        def after() -> None:
            events_seen.append(f"after flush: {sink.getvalue()!r}")
            done.set_result(None)

        driver.call_after_flush(after)
        writer = WriterThread(driver._file)  # as LinuxDriver makes it
        writer.start()
        writer.write("frame")
        await asyncio.wait_for(done, 5)
        writer.stop()
        return events_seen

    assert asyncio.run(scenario()) == ["after flush: 'frame'"]
