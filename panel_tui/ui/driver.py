"""The terminal driver: Textual's Linux driver, with an Escape key that arrives when it is pressed.

Escape is the panel's Back key, pressed more than any key but the arrows. A terminal sends it as
a lone ESC byte, which is also how every arrow and function key begins, so a reader must wait a
moment for more bytes before it can call it Escape (curses's ``ESCDELAY``; Textual reads the
same variable, 100 ms by default). Textual 8.2.8's input thread only looks at that wait between
its ``select`` calls, and those time out every 100 ms: a lone ESC was delivered 100-200 ms after
the key, the slowest key of the whole guide walk (``bench/walk.py``), and felt as a lag on every
Back.

This driver waits exactly the escape delay after a lone ESC, and uses 25 ms as that delay unless
``ESCDELAY`` says otherwise (vim, kakoune and most curses programs wait 25 ms or less: the bytes
of one key are written together, by a local terminal and over ssh alike).

And Escape followed by another key in the same read is two keys. Over ssh, Esc and the key
typed after it often arrive in one packet, and Textual reads ESC + a key as that key with Alt
(ESC Enter as Enter, ESC Tab as Shift+Tab, ESC q as Alt+q): the Back was lost and the next
key did something else. The panel binds no Alt keys, so an ESC that does not begin an escape
sequence (CSI ``ESC [``, SS3 ``ESC O``, OSC, DCS and the other string introducers) is Escape.
"""

from __future__ import annotations

import asyncio
import os
import selectors
import sys
import threading
from codecs import getincrementaldecoder
from collections.abc import Callable
from typing import Any, TextIO

from textual import constants, events
from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver

#: s; the interpreter's thread switch interval while the panel runs in a terminal (Python's
#: default is 5 ms). Textual writes each frame from its own thread, which needs the GIL to take
#: the frame from its queue and again after each write; while the loop goes on with the rest of
#: a page change (mounting, callbacks), each of those waited up to the 5 ms the loop may hold the
#: GIL: a page's frame reached the terminal 2-7 ms after it was made, ~0.5 ms at this interval
#: (measured with ``bench/walk.py``'s terminal and a hook timing the writer's flushes). A thread
#: that waits for nothing costs nothing: the loop gives the GIL up only when another asks for it.
SWITCH_INTERVAL = 0.0005
#: ms; the panel's default when the person has not set ``ESCDELAY`` themselves
DEFAULT_ESCDELAY_MS = 25
IDLE_WAIT = 0.1  # s; as Textual: how often the input thread checks that the app is still running
#: what may follow ESC at the start of an escape sequence (CSI, SS3, OSC, DCS, APC, PM, SOS, ST)
SEQUENCE_INTRODUCERS = frozenset("[O]P_^X\\")
ESCAPE = "\x1b"


def split_escapes(data: str) -> tuple[list[str | None], bool]:
    """``data`` cut where an ESC stands for the Escape key: text for the parser and ``None`` for
    each Escape, and whether ``data`` ends in an ESC whose meaning the next byte decides."""
    pieces: list[str | None] = []
    start = 0
    at = data.find(ESCAPE)
    while at != -1:
        if at + 1 == len(data):  # the next read (or the escape delay) decides
            if at > start:
                pieces.append(data[start:at])
            return pieces, True
        if data[at + 1] not in SEQUENCE_INTRODUCERS:  # Escape, then whatever follows
            if at > start:
                pieces.append(data[start:at])
            pieces.append(None)
            start = at + 1
        at = data.find(ESCAPE, at + 1)
    if start < len(data):
        pieces.append(data[start:])
    return pieces, False


def escape_delay() -> float:
    """Seconds to wait after a lone ESC: ``ESCDELAY`` (ms) if set, else the panel's 25 ms."""
    raw = os.environ.get("ESCDELAY", "")
    try:
        ms = int(raw) if raw else DEFAULT_ESCDELAY_MS
    except ValueError:
        ms = DEFAULT_ESCDELAY_MS
    return max(ms, 1) / 1000


class _FlushNotifyingFile:
    """The terminal as the writer thread sees it: each flush (a frame, or frames, written)
    runs what waits for it (`PanelDriver.call_after_flush`). Everything else is the file's."""

    def __init__(self, file: TextIO, flushed: Callable[[], None]) -> None:
        self._file = file
        self._flushed = flushed

    def flush(self) -> None:
        self._file.flush()
        self._flushed()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)


class PanelDriver(LinuxDriver):
    """Textual's ``LinuxDriver`` whose input thread wakes when a lone ESC's wait ends, whose
    frames reach the terminal without waiting for the GIL (`SWITCH_INTERVAL`), and which can
    say when what was written has been flushed (`call_after_flush`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._after_flush: list[tuple[asyncio.AbstractEventLoop, Callable[[], None]]] = []
        self._after_flush_lock = threading.Lock()
        self._file = _FlushNotifyingFile(self._file, self._flushed)  # type: ignore[assignment]
        self._switch_interval_before: float | None = None

    def start_application_mode(self) -> None:
        self._switch_interval_before = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL)
        super().start_application_mode()

    def stop_application_mode(self) -> None:
        super().stop_application_mode()
        if self._switch_interval_before is not None:
            sys.setswitchinterval(self._switch_interval_before)
            self._switch_interval_before = None

    def call_after_flush(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` on the calling thread's event loop once the writer thread has next
        flushed the terminal: after a frame written now has reached it."""
        loop = asyncio.get_running_loop()
        with self._after_flush_lock:
            self._after_flush.append((loop, callback))

    def _flushed(self) -> None:
        """In the writer thread, after a flush."""
        if not self._after_flush:
            return
        with self._after_flush_lock:
            waiting, self._after_flush = self._after_flush, []
        for loop, callback in waiting:
            try:
                loop.call_soon_threadsafe(callback)
            except RuntimeError:  # the loop has closed: nothing left to run it for
                pass

    def run_input_thread(self) -> None:
        """Textual's loop (``LinuxDriver.run_input_thread``, 8.2.8), with one change: after a
        read that ends in ESC, the next ``select`` waits the escape delay, not 100 ms, so the
        parser's timeout is checked as it expires."""
        # the parser reads the delay from Textual's constants each time it waits for more bytes
        constants.ESCAPE_DELAY = escape_delay()  # type: ignore[misc]
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        fileno = self.fileno
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode
        escape_wait = constants.ESCAPE_DELAY + 0.001
        pending_escape = False

        held = False  # an ESC read last, not given to the parser yet: the next byte decides

        def escape_key() -> None:
            self.process_message(events.Key("escape", ESCAPE))

        def process(events_ready: list[tuple[selectors.SelectorKey, int]], final: bool = False) -> bool:
            """Feed what was read to the parser; returns whether it ended in a lone ESC."""
            nonlocal held
            read = False
            for index, (_key, mask) in enumerate(events_ready):
                if mask & selectors.EVENT_READ:
                    data = decode(os.read(fileno, 1024 * 4), final=final and index == len(events_ready) - 1)
                    if not data:
                        break  # stdin is a pipe that ended
                    read = True
                    pieces, ends_in_escape = split_escapes((ESCAPE if held else "") + data)
                    held = ends_in_escape
                    for piece in pieces:
                        if piece is None:
                            escape_key()
                            continue
                        for event in parser.feed(piece):
                            self.process_message(event)
            if held and (not read or final):  # the escape delay passed with nothing after it
                held = False
                escape_key()
            for event in parser.tick():
                self.process_message(event)
            return held

        try:
            while not self.exit_event.is_set():
                # an empty select still runs the parser's clock: that is when a lone ESC is Escape
                pending_escape = process(selector.select(escape_wait if pending_escape else IDLE_WAIT))
            selector.unregister(self.fileno)
            process(selector.select(IDLE_WAIT), final=True)
        finally:
            selector.close()
            try:
                for _event in parser.feed(""):
                    pass
            except (EOFError, ParseError):
                pass
