"""Where the focus is, as a person sees it at 80×24: arrows move between a form's fields, the
focused field and button stand out, and every field and border shows, also with 16 colours.

Only keys pressed and the screen read back (tests/acceptance/terminal.py); nothing from the app.
"""

from __future__ import annotations

import pytest

from tests.acceptance.conftest import Launch
from tests.acceptance.terminal import Cell, Terminal, row_of
from tests.acceptance.contrast import DEFAULT_BG, luminance, rgb
from tests.acceptance.contrast import ratio as contrast

TERMS = ["xterm-256color", "xterm-16color"]


def _field(t: Terminal, label: str, column: int = 16, width: int = 10) -> list[Cell]:
    """The cells of the field to the right of `label` (Scan's fields start at column 16)."""
    row, _ = row_of(t, label)
    return t.cells(row)[column : column + width]


def _bg(cells: list[Cell]) -> str:
    return cells[-1].bg if not cells[-1].reverse else cells[-1].fg


def _bg_contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(rgb(a, DEFAULT_BG)), luminance(rgb(b, DEFAULT_BG))), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _open_scan_email(t: Terminal) -> None:
    t.wait_for("Home", "Scan")
    t.press("left", "enter", "enter")
    t.wait_for("Resolution", "Start")


@pytest.mark.parametrize("term", TERMS)
def test_scan_email_up_down_move_between_fields_and_never_send(launch: Launch, term: str) -> None:
    t = launch("panel-tui", term=term)
    _open_scan_email(t)
    blank = t.cells(row_of(t, "Document")[0])[0].bg  # the screen's own background
    t.type("someone@example.com")
    t.wait_for("someone@example.com")
    # read once the typed text is drawn, so To surely has the focus: the form's first frame can
    # come before the focus does (CI read To's unfocused colour there, once, under load)
    to_focused = _bg(_field(t, "To", width=30))
    # the focused To is a box of its own, its text readable on it
    assert to_focused != blank, t.text()
    assert min(contrast(c) for c in _field(t, "To", width=19)) >= 4.5
    # Down: To -> Resolution (the field turns the focus colour), To loses it
    t.press("down")
    t.wait_until(
        lambda: _bg(_field(t, "Resolution", width=8)) != blank and _bg(_field(t, "To", width=30)) != to_focused,
        "Resolution takes the focus colour and To loses it",
    )
    # Down Down: Pages, Start. Up Up: back on Resolution; Enter opens its list, sends nothing
    t.press("down", "down", "up", "up", "enter")
    t.wait_for("300 dpi", "600 dpi")
    assert "Sending" not in t.text() and "Completed" not in t.text(), t.text()


@pytest.mark.parametrize("term", TERMS)
def test_scan_start_looks_focused_only_when_it_is(launch: Launch, term: str) -> None:
    t = launch("panel-tui", term=term)
    _open_scan_email(t)
    row, col = row_of(t, "Start")
    start, jobs_col = t.cells(row)[col : col + 5], row_of(t, "Job Status")[1]
    jobs = t.cells(row)[jobs_col : jobs_col + 10]
    # unfocused, Start looks like Job Status (no focus colour of its own)
    assert {(c.fg, c.bg, c.reverse) for c in start} == {(c.fg, c.bg, c.reverse) for c in jobs[:5]}, t.text()
    t.press("down", "down", "down")  # To -> Resolution -> Pages -> Start
    looks = lambda: [(c.fg, c.bg, c.reverse) for c in t.cells(row)[col : col + 5]]  # noqa: E731
    t.wait_until(lambda: looks() != [(c.fg, c.bg, c.reverse) for c in start], "Start takes the focus colour")
    focused = t.cells(row)[col : col + 5]
    assert min(contrast(c) for c in focused) >= 4.5


def test_16_colour_home_tile_borders_and_fields_are_visible(launch: Launch) -> None:
    t = launch("panel-tui", term="xterm-16color")
    t.wait_for("Home", "Scan")
    row, _ = row_of(t, "╭")
    for cell in t.cells(row):
        if cell.char in "╭─╮":
            assert _bg_contrast(cell.fg, cell.bg) >= 3.0, (cell, t.text())
    _open_scan_email(t)
    t.press("down")  # To loses focus: still a visible field
    t.wait_until(lambda: _bg(_field(t, "Resolution", width=8)) != _bg(_field(t, "To", width=30)), "focus moves on")
    blank = t.cells(row_of(t, "Document")[0])[0].bg
    assert _bg_contrast(_bg(_field(t, "To", width=30)), blank) >= 3.0, t.text()


@pytest.mark.parametrize("term", TERMS)
def test_webconfig_login_password_is_a_visible_field_and_ok_not_always_blue(launch: Launch, term: str) -> None:
    t = launch("panel-tui", term=term)
    t.wait_for("Home", "Scan")
    t.press("f3")
    t.wait_for("https://")
    t.press("ctrl+l")
    t.wait_for("Administrator Login", "OK", "Cancel")
    t.pump(0.3)
    label_row, label_col = row_of(t, "Current password")
    dialog_bg = t.cells(label_row)[label_col].bg
    field = t.cells(label_row + 1)[label_col : label_col + 30]
    # the focused password field stands out from the dialog (a box a person sees)
    assert _bg_contrast(_bg(field), dialog_bg) >= 2.5, (field[-1], dialog_bg, t.text())
    # OK, unfocused, looks like Cancel
    row, ok_col = row_of(t, " OK ")
    cancel_col = row_of(t, "Cancel")[1]
    ok = t.cells(row)[ok_col + 1 : ok_col + 3]
    cancel = t.cells(row)[cancel_col : cancel_col + 2]
    assert [(c.fg, c.bg, c.reverse) for c in ok] == [(c.fg, c.bg, c.reverse) for c in cancel], t.text()
