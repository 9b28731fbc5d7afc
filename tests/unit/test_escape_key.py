"""A lone Escape reaches the panel when the terminal driver's wait for the rest of a sequence
ends, not at the input thread's next 0.1 s poll (100-200 ms after the key with Textual's own)."""

from __future__ import annotations

import os
import pty
import threading
import time
import tty

import pytest
from textual import events

from device_model import Device, DeviceProfile
from panel_tui.app import PanelApp
from panel_tui.ui.input_driver import ESCAPE_DELAY_MS, POLL, apply_escape_delay, select_timeout


def test_the_input_thread_sleeps_only_until_the_escape_wait_ends() -> None:
    assert select_timeout(None, 5.0) == POLL
    assert select_timeout(5.025, 5.0) == pytest.approx(0.025)
    assert select_timeout(4.0, 5.0) == 0.0
    assert select_timeout(9.0, 5.0) == POLL


def test_escdelay_set_by_the_person_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    from textual import constants

    monkeypatch.setattr(constants, "ESCAPE_DELAY", 0.3)
    assert apply_escape_delay({"ESCDELAY": "300"}) == 0.3
    assert apply_escape_delay({}) == ESCAPE_DELAY_MS / 1000


@pytest.mark.skipif(os.name != "posix", reason="the Linux/macOS driver")
async def test_escape_typed_in_a_terminal_arrives_within_its_wait(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from textual import constants

    monkeypatch.setattr(constants, "ESCAPE_DELAY", constants.ESCAPE_DELAY)  # restored after
    monkeypatch.delenv("ESCDELAY", raising=False)
    app = PanelApp(Device(tmp_path, profile=DeviceProfile.default()), tick=False, cloud=False)
    driver = app.get_driver_class()(app)  # the driver a real terminal gets
    master, slave = pty.openpty()
    tty.setraw(slave)  # as the driver leaves a terminal: bytes as typed, not lines
    arrived: list[tuple[str, float]] = []
    driver.fileno = slave
    driver.process_message = lambda m: arrived.append((m.key, time.perf_counter())) if isinstance(m, events.Key) else None  # type: ignore[method-assign]
    thread = threading.Thread(target=driver.run_input_thread, daemon=True)
    thread.start()
    try:
        time.sleep(0.15)  # the thread sits in its select (the loop is not needed: blocking is fine)
        delays = []
        for _ in range(3):
            arrived.clear()
            sent = time.perf_counter()
            os.write(master, b"\x1b")
            deadline = sent + 1.0
            while not arrived and time.perf_counter() < deadline:
                time.sleep(0.002)
            assert arrived and arrived[0][0] == "escape", arrived
            delays.append(arrived[0][1] - sent)
            time.sleep(0.05)
        # Textual's own driver: never under 0.1 s (its poll), often near 0.2 s
        assert min(delays) < 0.08, delays
    finally:
        driver.exit_event.set()
        thread.join(1)
        os.close(master)
        os.close(slave)
