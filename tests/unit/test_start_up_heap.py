"""The panel's start-up objects are kept out of later garbage collections (after the first frame)."""

from __future__ import annotations

import gc

from panel_tui.app import freeze_start_up_heap


class _Node:
    def __init__(self) -> None:
        self.me = self  # a cycle, as widgets and their parents make


def test_objects_alive_at_the_first_frame_are_not_walked_again() -> None:
    kept = _Node()
    try:
        frozen = freeze_start_up_heap()
        assert frozen > 0
        assert not any(o is kept for o in gc.get_objects())  # no longer in any generation
        later = _Node()
        assert any(o is later for o in gc.get_objects())  # objects made afterwards are collected as before
    finally:
        gc.unfreeze()
