"""Keys from a student reach their panel whole and in order, even when the panel's terminal
cannot take them all at once (a long paste into a busy panel)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from panel_tui.serve.ssh import ClassServer, ServeOptions, StudentSession


async def test_a_paste_larger_than_the_terminal_buffer_arrives_whole(tmp_path: Path) -> None:
    session = StudentSession(ClassServer(ServeOptions(root=tmp_path)), "ann")
    read_end, write_end = os.pipe()  # stands for the PTY: a buffer of 64 KiB
    os.set_blocking(write_end, False)
    os.set_blocking(read_end, False)
    session.master = write_end
    paste = bytes(range(256)) * 1024  # 256 KiB
    session.data_received(paste[:100_000], None)
    session.data_received(paste[100_000:], None)  # more, while the first part still waits
    received = bytearray()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    while len(received) < len(paste) and loop.time() < deadline:
        await asyncio.sleep(0.01)
        try:
            received += os.read(read_end, 1 << 20)
        except BlockingIOError:
            pass
    loop.remove_writer(write_end)
    os.close(read_end)
    os.close(write_end)
    assert len(received) == len(paste)
    assert bytes(received) == paste, "the keys arrived out of order"
