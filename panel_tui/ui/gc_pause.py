"""Python's cyclic garbage collector waits while a key's repaint is being made.

A page change allocates thousands of objects (a screen, its widgets, their styles and lines),
enough to set off a collection or two on the way to the first frame: 1-4 ms of young
generations on most page changes, and now and then a full collection, 25-45 ms once Web Config,
F4 and msal have added their objects to the heap (``bench/walk.py``: the slowest page changes
of a walk were a Tab on F4 and Enter on Scan, each waiting out a full collection). Textual's
own frame does not need those collections to happen first.

So a key pauses the collector and the first frame after it resumes it, once that frame is out
(in a terminal: once Textual's writer thread has flushed it, `PanelApp._display`; a collection
holds the GIL that thread needs): what was to be collected is collected right after that
frame, before a person can press the next key. Nothing
is collected less: the same counts set off the same collections, later by one frame. A key
that paints nothing resumes it after `RESUME_AFTER` seconds at most. Reference counting frees
what it always frees, pause or not.

The collector is one per process: while another part of the program has switched it off
(``gc.disable()``: tests, a profiler), a key leaves it as it found it.
"""

from __future__ import annotations

import asyncio
import gc

#: seconds a key may hold the collector paused without a frame (a key that repaints nothing)
RESUME_AFTER = 0.25


class GcPause:
    """One app's pause of the collector: from a key until the next frame written."""

    def __init__(self) -> None:
        self._paused = False
        self._fallback: asyncio.TimerHandle | None = None

    @property
    def paused(self) -> bool:
        """Whether a key has the collector paused now."""
        return self._paused

    def key(self) -> None:
        """A key arrived: pause the collector (unless it is off already) until the next frame."""
        if self._paused or not gc.isenabled():
            return
        gc.disable()
        self._paused = True
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop: nothing would ever resume it, so do not pause
            self.resume()
            return
        self._fallback = loop.call_later(RESUME_AFTER, self.resume)

    def resume(self) -> None:
        """A frame was written (or the fallback ran out): collect again as usual."""
        if not self._paused:
            return
        self._paused = False
        if self._fallback is not None:
            self._fallback.cancel()
            self._fallback = None
        gc.enable()
