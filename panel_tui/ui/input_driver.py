"""The terminal driver: Textual's own, with Escape delivered when its wait ends, not up to 0.1 s later.

A lone ESC byte may be the Escape key or the start of a key's escape sequence (an arrow, F5),
so Textual's parser waits ``ESCAPE_DELAY`` for more bytes before it decides. Textual 8.2.8's
Linux driver checks that wait only when its ``select(0.1)`` returns, so a lone Escape reached
the app 100-200 ms after it was typed (the walk's slowest keys after the first F3/F4: Escape
back from the status pages, 105-110 ms, of which the app used under 10). Here the input thread
wakes when the parser's wait ends, and the wait itself is the panel's ``ESCAPE_DELAY_MS``
unless ``$ESCDELAY`` (the ncurses convention, which Textual also reads) says otherwise.

A terminal's key sequences arrive in one write (over SSH, in one packet), so a short wait still
tells an arrow from Escape; tmux waits 10 ms by default for the same reason. Terminals with the
kitty keyboard protocol (which Textual turns on) send Escape unambiguously and never wait.
"""

from __future__ import annotations

import os
import selectors
from codecs import getincrementaldecoder

from textual import constants
from textual._loop import loop_last
from textual._parser import ParseError
from textual._time import get_time
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver

#: How long a lone ESC byte waits for the rest of a sequence before it is the Escape key.
ESCAPE_DELAY_MS = 25

#: Textual's own poll interval, kept when nothing waits (it also notices the exit event).
POLL = 0.1


def apply_escape_delay(environ: dict[str, str] | os._Environ[str] = os.environ) -> float:
    """The panel's Escape wait, unless ``$ESCDELAY`` is set (then Textual's reading of it stays).

    Textual reads the variable once at import and the parser looks the constant up on every
    Escape, so setting it here works whenever it is called. Returns the wait in seconds.
    """
    if not environ.get("ESCDELAY"):
        constants.ESCAPE_DELAY = ESCAPE_DELAY_MS / 1000  # type: ignore[misc]
    return constants.ESCAPE_DELAY


def select_timeout(deadline: float | None, now: float) -> float:
    """How long the input thread may sleep: until the parser's wait ends, at most `POLL`."""
    if deadline is None:
        return POLL
    return min(POLL, max(0.0, deadline - now))


class PanelDriver(LinuxDriver):
    """`LinuxDriver` whose input thread wakes when the parser's Escape wait ends."""

    def run_input_thread(self) -> None:
        """Textual 8.2.8's loop, except for the select timeout (`select_timeout`)."""
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        fileno = self.fileno
        EVENT_READ = selectors.EVENT_READ  # noqa: N806 - as in Textual's loop
        parser = XTermParser(self._debug)
        feed = parser.feed
        tick = parser.tick
        decode = getincrementaldecoder("utf-8")().decode
        read = os.read

        def process_selector_events(
            selector_events: list[tuple[selectors.SelectorKey, int]], final: bool = False
        ) -> None:
            for last, (_selector_key, mask) in loop_last(selector_events):
                if mask & EVENT_READ:
                    unicode_data = decode(read(fileno, 1024 * 4), final=final and last)
                    if not unicode_data:
                        break  # stdin is a pipe that ended
                    for event in feed(unicode_data):
                        self.process_message(event)
            for event in tick():
                self.process_message(event)

        def timeout() -> float:
            return select_timeout(getattr(parser, "_timeout_time", None), get_time())

        try:
            while not self.exit_event.is_set():
                process_selector_events(selector.select(timeout()))
            selector.unregister(self.fileno)
            process_selector_events(selector.select(POLL), final=True)
        finally:
            selector.close()
            try:
                for _event in feed(""):
                    pass
            except (EOFError, ParseError):
                pass
