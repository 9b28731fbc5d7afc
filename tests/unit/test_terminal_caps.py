"""What the terminal can show: the locale's encoding decides Unicode or ASCII."""

from __future__ import annotations

import pytest

from panel_tui.terminal_caps import is_16_colour, unicode_ok, use_ascii_borders


@pytest.mark.parametrize(
    ("env", "ok"),
    [
        ({}, True),
        ({"LANG": "C.UTF-8"}, True),
        ({"LANG": "lv_LV.utf8"}, True),
        ({"LANG": "en_US.UTF-8@euro"}, True),
        ({"LANG": "C"}, False),
        ({"LANG": "POSIX"}, False),
        ({"LANG": "en_US.ISO-8859-1"}, False),
        ({"LANG": "lv_LV.ISO-8859-13"}, False),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "C"}, False),  # LC_ALL wins
        ({"LANG": "C", "LC_CTYPE": "C.UTF-8"}, True),  # LC_CTYPE before LANG
    ],
)
def test_unicode_follows_the_locale(env: dict[str, str], ok: bool) -> None:
    assert unicode_ok(env) is ok


def test_16_colours() -> None:
    assert is_16_colour("standard") and is_16_colour(None)
    assert not is_16_colour("256") and not is_16_colour("truecolor")


def test_ascii_borders_are_undone() -> None:
    from textual import _border

    before = _border.BORDER_CHARS["round"]
    undo = use_ascii_borders()
    assert _border.BORDER_CHARS["round"] == _border.BORDER_CHARS["ascii"]
    undo()
    assert _border.BORDER_CHARS["round"] == before
