"""The panel surface as a person meets it at 80×24: keys, the lock icon, the password entry,
Scan's destinations, small terminals, 16 colours and non-UTF-8 locales.

Only keys pressed and the screen read back (tests/acceptance/terminal.py); nothing from the app.
"""

from __future__ import annotations

import pytest

from tests.acceptance.conftest import Launch
from tests.acceptance.contrast import ratio as contrast
from tests.acceptance.journeys import open_lock_setting  # WCAG, xterm's palette
from tests.acceptance.terminal import Cell, Terminal

PASSWORD = "X4ZB012345"  # README, Default accounts


def cells_of(t: Terminal, needle: str) -> list[Cell]:
    """The cells of the first occurrence of `needle` on screen."""
    for row, line in enumerate(t.text().splitlines()):
        col = line.find(needle)
        if col >= 0:
            return t.cells(row)[col : col + len(needle)]
    raise AssertionError(f"{needle!r} is not on screen:\n{t.text()}")


def assert_readable(t: Terminal, needle: str, minimum: float = 4.5) -> None:
    worst = min(contrast(c) for c in cells_of(t, needle) if c.char.strip())
    cell = cells_of(t, needle)[0]
    assert worst >= minimum, (needle, worst, cell, t.text())


def turn_lock_on(t: Terminal) -> None:
    """Settings > General Settings > System Administration > … > Lock Setting: On, save, the
    password it asks for; then Home and log out at the lock icon: Home, locked, the tiles'
    cursor where it was."""
    open_lock_setting(t)
    t.press("enter")  # open the choices
    t.press("up", "enter")  # On
    t.press("ctrl+s")
    t.wait_for("Administrator Password")
    t.type(PASSWORD)
    t.press("enter")
    t.wait_for("Unlocked")  # back in Admin Settings, logged in
    t.press("f5")
    t.wait_for("Job/Status")
    t.press("down", "right", "up", "up", "enter")  # over the top right tile to the lock icon: log out
    t.wait_for("Logged out")
    t.wait_gone("Unlocked")  # Locked, in whichever glyphs the terminal has
    t.wait_gone("Lock Setting")


# -- 4: the lock icon -------------------------------------------------------------------------------
def test_login_from_the_lock_icon_puts_focus_back_on_the_tiles(launch: Launch) -> None:
    t = launch("panel-tui", term="xterm-16color")
    turn_lock_on(t)
    t.press("up")  # from the top row of tiles to the lock icon
    t.wait_for("> [#] Locked <")
    t.press("enter")
    t.wait_for("Administrator Password")
    t.type(PASSWORD)
    t.press("enter")
    t.wait_for("Unlocked")
    t.wait_gone("Administrator Password")
    t.wait_gone("> [ ] Unlocked <", timeout=5)  # the icon no longer has focus
    t.wait_for("> Settings <")
    t.press("enter")  # opens the current tile, does not log out
    t.wait_for("General Settings")
    assert "Unlocked" in t.text()


def test_the_focused_lock_icon_is_unmistakable_in_16_colours(launch: Launch) -> None:
    t = launch("panel-tui", term="xterm-16color")
    turn_lock_on(t)
    before = cells_of(t, "Locked")[0]
    t.press("up")
    t.wait_for("> [#] Locked <")
    t.settle()
    after = cells_of(t, "Locked")[0]
    assert (after.fg, after.bg, after.reverse) != (before.fg, before.bg, before.reverse)
    assert_readable(t, "[#] Locked")
    # its background differs from the status bar around it
    bar = t.cells(0)[2]
    bg = after.fg if after.reverse else after.bg
    assert bg != (bar.fg if bar.reverse else bar.bg)


# -- 5: keys that work everywhere -------------------------------------------------------------------
def test_f5_goes_home_from_a_field_and_a_menu_and_h_is_a_letter(launch: Launch) -> None:
    t = launch("panel-tui")
    t.wait_for("Settings")
    t.press("enter")  # Settings
    t.wait_for("General Settings")  # a key pressed while a menu opens is lost
    t.press("enter")  # General Settings
    t.wait_for("Basic Settings")
    t.press("f5")
    t.wait_for("Job/Status")
    t.wait_gone("Basic Settings")
    # Scan > Email: h is typed into To, F5 still goes Home
    t.press("left", "enter")
    t.wait_for("Email")
    t.press("enter")
    t.wait_for("To")
    t.type("hh@example.com")
    assert "hh@example.com" in t.text()
    t.press("f5")
    t.wait_for("Job/Status")
    t.wait_gone("hh@example.com")


def test_f5_starts_home_on_settings_so_written_keys_lead_to_the_same_tile(launch: Launch) -> None:
    """The README's "F5 Home, ← Scan" opens Scan whatever tile was opened before."""
    t = launch("panel-tui", "--lang", "lv")
    t.wait_for("Iestatījumi")
    t.press("down", "left", "enter")  # Settings → Web Config → Job/Status, opened
    t.wait_for("Aktīvie")
    t.press("escape")
    t.wait_gone("Aktīvie")
    t.press("enter")  # Escape back keeps the tile the person came from
    t.wait_for("Aktīvie")
    t.press("f5")
    t.wait_gone("Aktīvie")
    t.press("left", "enter")
    t.wait_for("E-pasts", "Tīkla mape")  # Scan's destinations, not Job/Status again


def test_help_and_hints_promise_only_keys_that_work(launch: Launch) -> None:
    t = launch("panel-tui")
    t.wait_for("Settings")
    t.press("enter")
    t.wait_for("General Settings")
    screen = t.wait_for("F5 Home")
    assert " h Home" not in screen
    t.press("f1")
    help_text = t.wait_for("F5 goes Home")
    assert "Ctrl+H" not in help_text and " h " not in help_text.replace("\n", " ")


# -- 11: the administrator password has letters -----------------------------------------------------
def test_admin_password_entry_is_a_text_field_that_takes_the_serial(launch: Launch) -> None:
    t = launch("panel-tui")
    turn_lock_on(t)
    t.press("up", "enter")
    screen = t.wait_for("Administrator Password")
    assert "letters" in screen.lower()
    # no numeric pad: a digits-only keypad would suggest the password were a PIN
    assert not any(line.split() == ["1", "2", "3"] for line in screen.splitlines())
    t.type(PASSWORD)
    assert "*" * len(PASSWORD) in t.text() or "•" * len(PASSWORD) in t.text()
    t.press("enter")
    t.wait_for("Unlocked")


# -- 12: 16 colours and non-UTF-8 terminals ---------------------------------------------------------
def test_the_cursor_row_of_a_menu_is_readable_in_16_colours(launch: Launch) -> None:
    t = launch("panel-tui", term="xterm-16color")
    t.wait_for("> Settings <")  # the markers come with the focus, a moment after the tiles
    assert_readable(t, "> Settings <")  # the focused tile
    t.press("enter")
    t.wait_for("General Settings")
    t.press("enter")
    t.wait_for("Basic Settings")
    t.settle()
    assert_readable(t, "Basic Settings")  # the highlighted item
    assert_readable(t, "Printer Settings")  # an ordinary item


@pytest.mark.parametrize("locale", ["C", "POSIX", "en_US.ISO-8859-1"])
def test_a_non_utf8_locale_gets_plain_ascii(launch: Launch, locale: str) -> None:
    t = launch("panel-tui", lang=locale)
    t.wait_for("Settings", "Job/Status")
    t.settle()
    screens = [t.text()]
    t.press("enter")
    t.wait_for("General Settings")  # a key pressed while Settings still opens is lost
    t.press("enter")
    t.wait_for("Basic Settings")
    screens.append(t.settle())
    for screen in screens:
        odd = sorted({ch for ch in screen if not (32 <= ord(ch) < 127 or ch == "\n")})
        assert not odd, (odd, screen)
        assert "\\u" not in screen, screen
    assert "+---" in screens[0] or "+-" in screens[0]  # the tiles keep their boxes, in ASCII


def test_explicit_unicode_icons_win_over_the_locale(launch: Launch) -> None:
    t = launch("panel-tui", env={"PANEL_TUI_ICONS": "unicode"})
    t.wait_for("Settings")
    assert "⇄" in t.wait_for("Wired LAN")


# -- 16: Scan lists its destinations; To offers the last address ------------------------------------
@pytest.mark.parametrize(
    ("lang", "labels", "not_emulated"),
    [
        ("en", ["Email", "Network Folder/FTP", "Cloud", "Memory Device", "Computer"], "not emulated"),
        ("lv", ["E-pasts", "Tīkla mape/FTP", "Mākonis", "Atmiņas ierīce", "Dators"], "netiek emulēts"),
    ],
)
def test_scan_lists_destinations_and_the_others_say_they_are_not_emulated(
    launch: Launch, lang: str, labels: list[str], not_emulated: str
) -> None:
    t = launch("panel-tui", "--lang", lang)
    t.wait_for("Job/Status" if lang == "en" else "Darba statuss")
    t.press("left", "enter")  # the Scan tile
    screen = t.wait_for(*labels)
    assert screen.index(labels[0]) < screen.index(labels[1])
    for steps, label in enumerate(labels[1:], start=1):
        t.press(*(["down"] * steps), "enter")
        t.wait_for(not_emulated, label)
        t.press("escape")
        t.wait_for(*labels)
        t.press(*(["up"] * steps))
    t.press("enter")
    t.wait_for("To" if lang == "en" else "Kam")


def test_scan_to_offers_the_last_address_after_a_restart(launch: Launch) -> None:
    t = launch("panel-tui")
    t.wait_for("Job/Status")
    t.press("left", "enter", "enter")  # Scan > Email
    t.wait_for("To")
    t.type("someone@contoso.onmicrosoft.com")
    t.press("enter")
    t.wait_for("Job Status")  # the job runs (its outcome does not matter here)
    t.press("ctrl+q")
    assert t.wait_exit() == 0

    again = launch("panel-tui")  # the same state dir
    again.wait_for("Job/Status")
    again.press("left", "enter", "enter")
    again.wait_for("someone@contoso.onmicrosoft.com")
    # the offered address is selected: typing replaces it
    again.type("other@contoso.onmicrosoft.com")
    screen = again.text()
    assert "other@contoso.onmicrosoft.com" in screen and "someone@" not in screen


# -- 7: below 80×24 ------------------------------------------------------------------------------
def _resize(t: Terminal, cols: int, rows: int) -> None:
    """The person drags the window: the pty and the emulated screen change size."""
    t.child.setwinsize(rows, cols)
    t.screen.resize(rows, cols)
    t.cols, t.rows = cols, rows


@pytest.mark.parametrize(
    ("lang", "notice"),
    [("en", "needs a terminal of at least 80×24"), ("lv", "vajadzīgs vismaz 80×24")],
)
def test_a_small_terminal_gets_a_notice_in_the_users_language(launch: Launch, lang: str, notice: str) -> None:
    t = launch("panel-tui", "--lang", lang, cols=60, rows=20)
    screen = t.wait_for(notice, "60×20")
    assert "╭" not in screen  # no half-drawn tiles behind it
    t.press("f5", "f3", "enter")  # nothing behind the notice moves
    t.wait_for(notice)
    _resize(t, 80, 24)
    t.wait_gone(notice)
    t.wait_for("Job/Status" if lang == "en" else "Darba statuss")
    _resize(t, 80, 20)
    t.wait_for(notice, "80×20")
    t.press("ctrl+q")
    assert t.wait_exit() == 0


def test_at_80x24_every_panel_line_fits(launch: Launch) -> None:
    t = launch("panel-tui", "--lang", "lv")
    screen = t.wait_for("Darba statuss")
    t.settle()
    for line in screen.splitlines():
        assert len(line) <= 80
    assert "vajadzīgs vismaz" not in screen


def test_the_focused_text_field_stands_out_in_16_colours(launch: Launch) -> None:
    t = launch("panel-tui", term="xterm-16color")
    t.wait_for("Job/Status")
    t.press("left", "enter", "enter")  # Scan > Email: To has focus
    t.wait_for("Document")
    t.type("me@example.com")
    t.settle()
    field = cells_of(t, "me@example.com")
    assert min(contrast(c) for c in field) >= 4.5
    row = next(r for r, line in enumerate(t.text().splitlines()) if "me@example.com" in line)
    blank = t.cells(row)[60]  # the rest of the field, beyond the text
    label = cells_of(t, "Document")[0]
    assert (blank.bg, blank.reverse) != (label.bg, label.reverse), "the focused field looks like the screen"
