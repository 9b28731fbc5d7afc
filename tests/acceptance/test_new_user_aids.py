"""What a new user tripped on at 80×24 with 16 colours: where the focus is in a panel form,
where to type in an empty field, the projector's key box, notices over Home's tiles, and the way
back to Web Config's left menu.

Only keys pressed and the screen read back (tests/acceptance/terminal.py); nothing from the app.
"""

from __future__ import annotations

import pytest

from tests.acceptance.conftest import Launch
from tests.acceptance.journeys import (
    WORDS,
    choose_oauth2,
    open_lock_setting,
    sign_in_with_microsoft,
    web_config_basic_page,
)
from tests.acceptance.terminal import Cell, Terminal, row_of


def _look(cells: list[Cell]) -> set[tuple[str, str]]:
    """The colours as a person sees them: (letters, background), reverse video applied."""
    return {(c.bg, c.fg) if c.reverse else (c.fg, c.bg) for c in cells}


def _cells(t: Terminal, needle: str, width: int | None = None) -> list[Cell]:
    row, col = row_of(t, needle)
    return t.cells(row)[col : col + (width or len(needle))]


def _open_lock_setting(t: Terminal) -> None:
    open_lock_setting(t)
    t.wait_for("Off")


def test_lock_setting_focus_is_visible_on_every_stop_and_tab_has_no_blind_stop(launch: Launch) -> None:
    t = launch("panel-tui", term="xterm-16color")
    _open_lock_setting(t)
    select_focused = _look(_cells(t, "Off", 3))
    t.press("enter")  # open the list
    t.wait_for("On")
    t.press("up", "enter")  # On: the cursor stays on the field, as in every form
    t.wait_until(lambda: "╭" not in t.text() and _look(_cells(t, "On", 2)) == select_focused,
                 "the list closes, the field keeps the focus")
    t.press("tab")  # Save
    t.wait_until(lambda: _look(_cells(t, "On", 2)) != select_focused, "Save has the focus")
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


def test_webconfig_escape_from_a_page_goes_back_to_the_left_menu(launch: Launch) -> None:
    from tests.acceptance.journeys import WORDS, _menu_has_cursor, web_config_basic_page

    t = launch("panel-tui")
    t.wait_for("Home", "Scan")
    web_config_basic_page(t, WORDS["en"])  # the cursor on Authentication Method, in the page
    t.press("tab", "tab")  # deeper into the page
    t.settle(0.2)
    assert not _menu_has_cursor(t), t.text()
    t.press("escape")  # one key back to the menu, not the Panel
    t.wait_until(lambda: _menu_has_cursor(t), "the left menu has the cursor")
    t.press("down", "enter")  # Basic -> Connection Test, into the page
    t.wait_for("Connection Test", "Start")
    t.wait_until(lambda: not _menu_has_cursor(t), "the cursor is in the page")
    t.press("escape")
    t.wait_until(lambda: _menu_has_cursor(t), "Esc: the left menu again")
    t.press("escape")  # from the menu: the Panel, as before
    t.wait_for("Home", "Job/Status")


def _underlined(t: Terminal, label: str, below: bool = False) -> int:
    """How many cells right of `label` (or on the line below it) are underlined: an empty
    field's line, what shows where to type whatever the colours."""
    row, col = row_of(t, label)
    if below:
        return sum(c.underline for c in t.cells(row + 1)[col:])
    return sum(c.underline for c in t.cells(row)[col + len(label):])

def _lock_on(t: Terminal, lang: str) -> None:
    """From a fresh Home: Lock Setting On, Save, the administrator password; until the
    notice that the lock is on shows."""
    if lang == "en":
        open_lock_setting(t)
    else:
        t.wait_for("Sākums", "Iestatījumi")
        t.press("enter")
        t.wait_for("Vispārīgie iestatījumi")
        t.press("enter")
        t.wait_for("Sistēmas administrēšana")
        t.press("down", "down", "down", "down", "down", "enter")
        t.wait_for("Drošības iestatījumi")
        t.press("enter")
        t.wait_for("Administratora iestatījumi")
        t.press("enter")
        t.wait_for("Bloķēšanas iestatījums")
        t.press("down", "enter")
        t.wait_for("Saglabāt")
    t.press("enter", "up", "enter")  # On; the cursor stays on the field
    t.pump(0.3)
    t.press("tab", "enter")  # Save: the password first
    t.wait_for("Password" if lang == "en" else "Administratora parole")
    t.type("X4ZB012345")
    t.press("enter")
    t.wait_for("The lock is on" if lang == "en" else "Bloķēšana ir ieslēgta")



@pytest.mark.parametrize("args", [
    ("--theme", "high-contrast"),
    (),
], ids=["high-contrast", "plain"])
@pytest.mark.parametrize("term", ["xterm-16color", "xterm-256color"])
def test_empty_pas_fields_show_where_to_type(launch: Launch, term: str, args: tuple[str, ...]) -> None:
    t = launch("panel-tui", "--model", "am-c4000", *args, term=term)
    t.wait_for("Home", "Print Admin Serverless")
    t.press("left", "down", "down", "enter")  # Settings -> Scan -> Job/Status -> Print Admin Serverless
    t.wait_for("User ID", "Password", "Card number")
    t.pump(0.3)
    # (User ID has the focus: its colour and the cursor show it)
    for label in ("Password", "Card number"):
        assert _underlined(t, label) >= 20, (label, t.text())
    t.press("tab")
    t.wait_until(lambda: _underlined(t, "User ID") >= 20, "User ID, left empty, keeps its line")


def test_empty_webconfig_login_and_fax_forward_to_show_where_to_type(launch: Launch) -> None:
    t = launch("panel-tui", "--model", "am-c4000", term="xterm-16color")
    t.wait_for("Home", "Scan")
    t.press("f3")
    t.wait_for("https://", "Product Status")
    t.press("ctrl+l")
    t.wait_for("Administrator Login", "Current password")
    t.press("tab")  # to OK: the empty password field keeps its line
    t.wait_until(lambda: _underlined(t, "Current password", below=True) >= 20, "the field's line shows")
    t.press("shift+tab")
    t.type("X7QA020406")  # this model's serial number
    t.press("enter")
    t.wait_for("Log out")
    t.press("right", "right", "right")  # Status > Print > Scan/Copy > Fax
    t.wait_for("Forward To")
    t.pump(0.3)
    assert _underlined(t, "Forward To") >= 20, t.text()


AIDS = ("--show-keys", "--guided", "--theme", "high-contrast")


def _box_row(t: Terminal, needle: str) -> int:
    """The row the key box shows `needle` on (the box's last occurrence on screen)."""
    rows = [row for row, line in enumerate(t.text().splitlines()) if needle in line]
    assert rows, t.text()
    return rows[-1]


def test_key_box_has_a_row_of_its_own_and_counts_repeats_in_web_config(launch: Launch) -> None:
    t = launch("panel-tui", *AIDS, "--lang", "lv", term="xterm-16color")
    t.wait_for("Sākums")
    t.press("f3")
    t.wait_for("https://", "Produkta statuss")
    t.press("right", "right", "right")  # Status > Print > Scan/Copy > Network
    t.wait_for("Pa labi ×3")  # the arrow named in the panel's language
    row = _box_row(t, "Pa labi ×3")
    line = t.text().splitlines()[row]
    # the box's row holds nothing but the box (not the page's column, not a page's line)
    assert not line[: line.index("Pa labi ×3")].replace("F3", "").strip(), (row, t.text())
    assert row < t.rows - 2, "the guide line and the key line keep their rows"
    # the password: one mask per key typed, or their count
    t.press("ctrl+l")
    t.wait_for("Administratora pierakstīšanās")
    t.type("X4ZB012345")
    t.wait_for(r"\*{10}|\*? ?[×x] ?10", regex=True)


def test_notices_after_lock_and_log_out_leave_home_tiles_visible(launch: Launch) -> None:
    t = launch("panel-tui", "--lang", "lv", term="xterm-16color")
    _lock_on(t, "lv")
    t.press("f5")
    t.wait_for("Sākums", "Atbloķēts")
    t.press("up", "up", "enter")  # the lock icon: log out
    t.wait_for("Administrators ir izrakstījies")
    t.pump(0.3)
    screen = t.text()
    # one notice at a time (the newest), and every tile's name whole
    assert "Bloķēšana ir ieslēgta" not in screen, screen
    for tile in ("Skenēt", "Iestatījumi", "Darba statuss", "Web Config (F3)"):
        assert tile in screen, (tile, screen)


@pytest.mark.parametrize("term", ["xterm-16color", "xterm-256color"])
def test_webconfig_tabs_show_when_they_have_the_focus(launch: Launch, term: str) -> None:
    t = launch("panel-tui", term=term)
    t.wait_for("Home", "Scan")
    t.press("f3")
    t.wait_for("https://", "Product Status")
    t.pump(0.3)
    blurred = _look(_cells(t, " Status "))  # the active tab, the left menu has the focus
    t.press("shift+tab")  # the menu -> the tabs
    t.wait_until(lambda: _look(_cells(t, " Status ")) != blurred, "the tabs take the focus colour")
    focused = _look(_cells(t, " Status "))
    greys = {"default", "black", "white", "brightwhite", "brightblack"}
    assert {bg for _, bg in focused} - greys, (focused, t.text())


@pytest.mark.parametrize("lang, last_words", [
    ("en", "Operation Time Out."),
    ("lv", "darbības noildze."),
])
def test_the_lock_notice_is_shown_whole(launch: Launch, lang: str, last_words: str) -> None:
    """The notice after Lock Setting On ends with its last words, in every language: the
    English one lost its last line (a notice sized for a line wider than it is drawn)."""
    t = launch("panel-tui", *(("--lang", "lv") if lang == "lv" else ()), term="xterm-16color")
    _lock_on(t, lang)
    t.pump(0.3)
    words = " ".join(" ".join(line.split("▌")[-1].split()) for line in t.text().splitlines() if "▌" in line)
    assert last_words in words, t.text()


@pytest.mark.parametrize("term", ["xterm-16color", "xterm-256color"])
def test_webconfig_marks_the_row_with_the_cursor(launch: Launch, term: str) -> None:
    """In Web Config the field with the cursor shows in its label (reversed), whatever the
    palette: on 16 colours the focused field's background differed from the others only as
    white from bright white, and a person typed into a field that did not have the cursor."""
    from tests.acceptance.journeys import WORDS, web_config_basic_page

    t = launch("panel-tui", term=term)
    t.wait_for("Home", "Scan")
    web_config_basic_page(t, WORDS["en"])

    def marked() -> list[str]:
        rows = []
        for row in range(3, t.rows - 1):
            cells = t.cells(row)[24:50]
            label = "".join(c.char for c in cells if c.reverse).strip()
            if label:
                rows.append(label)
        return rows

    t.wait_until(lambda: marked() == ["Authentication Method"], "Authentication Method marked")
    t.press("tab")
    t.wait_until(lambda: marked() == ["Sender's Email Address"], "the mark follows Tab")
    t.press("tab")
    t.wait_until(lambda: marked() == ["SMTP Server Address"], "and again")


@pytest.mark.parametrize("lang, hints", [
    ("en", "Enter Start  Tab Next  Ctrl+J Job Status  Esc Back  F5 Home  F1 Help"),
    ("lv", None),
])
def test_key_box_never_covers_the_key_hints_after_a_page_change(launch: Launch, lang: str, hints: str | None) -> None:
    """--show-keys: on the page a key opened, the box finds its place from that page's hints
    (it was placed from the page before, or before the hints were there, and covered "F1 Help")."""
    t = launch("panel-tui", "--show-keys", *(("--lang", "lv") if lang == "lv" else ()), term="xterm-16color")
    t.wait_for("Home" if lang == "en" else "Sākums")
    t.press("left", "enter")  # Scan
    t.wait_for("Email" if lang == "en" else "E-pasts")
    t.press("enter")  # Scan > Email
    t.wait_for("@")
    t.pump(0.5)
    last = t.text().splitlines()[-1]
    if hints is None:  # Latvian: the hints end with F1's help, whole
        assert last.rstrip().endswith("F1 Palīdzība") or "F1 Palīdzība " in last, t.text()
    else:
        assert hints in last, t.text()
    assert "Enter ×2" in t.text(), t.text()  # the box is shown, on a row of its own


def test_keys_that_do_not_fit_beside_the_hints_go_above_whole(launch: Launch) -> None:
    """English Web Config leaves ~8 cells beside its hints: the box showed only the newest key
    ("Enter"), so a class never saw the "Down ×3" that picks OAuth2. Keys that do not fit go
    on the row above, all of them."""
    t = launch("panel-tui", "--show-keys", term="xterm-16color")
    t.wait_for("Home")
    t.press("f3")
    t.wait_for("https://", "Product Status")
    t.press("right", "right", "right")  # Status > Print > Scan/Copy > Network
    t.press("down", "down")
    screen = t.wait_for("Right ×3 Down ×2")
    assert "F4 Cloud" in screen.splitlines()[-1], screen  # every hint still on the key line


def test_home_shows_one_cursor_when_the_lock_icon_has_it(launch: Launch) -> None:
    """Up from the tiles to the lock icon: the icon gets the markers and the tile keeps none
    (two pairs of markers read as two cursors); back down, the tile has them again."""
    t = launch("panel-tui", term="xterm-16color")
    _lock_on(t, "en")
    t.press("f5")
    t.wait_for("Home", "Unlocked")
    settings_tile = lambda: t.line("Settings")  # noqa: E731
    assert ">" in settings_tile() or "▶" in settings_tile(), t.text()
    t.press("up", "up")
    t.wait_until(lambda: ">" in t.line("Unlocked") or "▶" in t.line("Unlocked"), "the icon has the cursor")
    t.wait_until(lambda: ">" not in settings_tile() and "▶" not in settings_tile(), "the tile's markers gone")
    t.press("down")
    t.wait_until(lambda: ">" in settings_tile() or "▶" in settings_tile(), "the tile has the cursor again")


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_key_box_moves_when_a_dialogs_key_line_grows(launch: Launch, lang: str) -> None:
    """The Sign In window's key line grows when its code arrives ("c copy the code  u copy the
    URL"): keys shown beside the short line went above it, not over its last words (in Latvian
    the box covered "u kopēt URL  Esc aizvērt")."""
    w = WORDS[lang]
    t = launch("panel-tui", "--show-keys", *(("--lang", "lv") if lang == "lv" else ()), term="xterm-16color")
    t.wait_for(w["home"])
    web_config_basic_page(t, w)
    t.pump(3.5)  # the login's keys fade: the next ones fit beside the Sign In window's first line
    choose_oauth2(t)
    t.press("tab")
    sign_in_with_microsoft(t)
    close = "Esc Aizvērt" if lang == "lv" else "Esc Close"
    t.wait_until(lambda: t.text().splitlines()[-1].rstrip().endswith(close),
                 f"the Sign In window's key line whole, ending in {close!r}")
    assert "Enter" in "\n".join(t.text().splitlines()[:-1]), t.text()  # the keys, above it
