"""What a new user tripped on at 80×24 with 16 colours: where the focus is in a panel form,
where to type in an empty field, the projector's key box, notices over Home's tiles, and the way
back to Web Config's left menu.

Only keys pressed and the screen read back (tests/acceptance/terminal.py); nothing from the app.
"""

from __future__ import annotations

from tests.acceptance.conftest import Launch
from tests.acceptance.terminal import Cell, Terminal


def _row_of(t: Terminal, needle: str) -> tuple[int, int]:
    for row, line in enumerate(t.text().splitlines()):
        col = line.find(needle)
        if col >= 0:
            return row, col
    raise AssertionError(f"{needle!r} is not on screen:\n{t.text()}")


def _look(cells: list[Cell]) -> set[tuple[str, str]]:
    """The colours as a person sees them: (letters, background), reverse video applied."""
    return {(c.bg, c.fg) if c.reverse else (c.fg, c.bg) for c in cells}


def _cells(t: Terminal, needle: str, width: int | None = None) -> list[Cell]:
    row, col = _row_of(t, needle)
    return t.cells(row)[col : col + (width or len(needle))]


def _open_lock_setting(t: Terminal) -> None:
    t.wait_for("Home", "Settings")
    t.press("enter")  # Settings (the current tile)
    t.wait_for("General Settings")
    t.press("enter")
    t.wait_for("System Administration")
    t.press("down", "down", "down", "down", "down", "enter")
    t.wait_for("Security Settings")
    t.press("enter")
    t.wait_for("Admin Settings")
    t.press("enter")
    t.wait_for("Lock Setting")
    t.press("down", "enter")
    t.wait_for("Save", "Cancel", "Off")


def test_lock_setting_focus_is_visible_on_every_stop_and_tab_has_no_blind_stop(launch: Launch) -> None:
    t = launch("panel-tui", term="xterm-16color")
    _open_lock_setting(t)
    select_focused = _look(_cells(t, "Off", 3))
    t.press("enter")  # open the list
    t.wait_for("On")
    t.press("up", "enter")  # On: the focus moves to Save by itself
    t.wait_until(lambda: _look(_cells(t, "On", 2)) != select_focused, "the list closes, Save has the focus")
    t.pump(0.3)
    field = _look(_cells(t, "On", 2))
    save, cancel = _look(_cells(t, "Save")), _look(_cells(t, "Cancel"))
    # Save, focused, looks like neither an unfocused field nor the unfocused Cancel
    assert save != field and save != cancel, (save, field, cancel, t.text())
    # and not by a shade of grey (black on white was the theme's reverse, and every field's look)
    greys = {"default", "black", "white", "brightwhite", "brightblack"}
    assert not {bg for _, bg in save} & greys, (save, t.text())
    # Tab: Cancel has it (and Save not); Tab: back on the list, no stop in between that shows nothing
    t.press("tab")
    t.wait_until(lambda: _look(_cells(t, "Cancel")) == save, "Cancel takes the focus colour")
    assert _look(_cells(t, "Save")) == cancel, t.text()
    t.press("tab")
    t.wait_until(lambda: _look(_cells(t, "On", 2)) == select_focused, "Tab from Cancel is back on the list")
