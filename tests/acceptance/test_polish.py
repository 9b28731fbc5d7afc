"""What a new user stumbled on at 80×24 with a 16-colour terminal, mostly in Latvian: key hints
that promise the wrong thing or lose a key off the edge, labels that run into the next column,
a drop-down list that reads as the values of the fields below it.

Each journey presses keys and reads the screen through the installed console script, as a
person does.
"""

from __future__ import annotations

import re

import pytest

from tests.acceptance.conftest import Launch
from tests.acceptance.journeys import PRINTER_PASSWORD
from tests.acceptance.terminal import Terminal

TERM = "xterm-16color"

#: Web Config's key line before and after Log in: the Ctrl+L key says what it does now
LOGIN_KEY = {
    "en": ("Ctrl+L Log in", "Ctrl+L Log out"),
    "lv": ("Ctrl+L Pierakstīties", "Ctrl+L Izrakstīties"),
}


def _footer(t: Terminal) -> str:
    """The last line of the screen, where every surface lists its keys."""
    return t.text().splitlines()[-1] if t.text() else ""


def _web_config_logged_in(t: Terminal, lang: str) -> None:
    """F3, Ctrl+L, the password: the serial number the status page shows, as on a printer."""
    t.press("f3")
    screen = t.wait_for("Produkta statuss" if lang == "lv" else "Product Status", "X")
    serial = re.search(r"(?:Sērijas numurs|Serial Number)\s+(X[0-9A-Z]{9})", screen)
    t.press("ctrl+l")
    t.wait_for("Administratora pierakstīšanās" if lang == "lv" else "Administrator Login")
    t.type(serial.group(1) if serial else PRINTER_PASSWORD)
    t.press("enter")
    t.wait_for("Izrakstīties" if lang == "lv" else "Log out")


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_web_config_key_line_says_log_out_once_logged_in(launch: Launch, lang: str) -> None:
    before, after = LOGIN_KEY[lang]
    t = launch("panel-tui", "--lang", lang, term=TERM)
    t.wait_for("Web Config (F3)")
    t.press("f3")
    t.wait_for(before)
    assert after not in _footer(t), t.text()
    _web_config_logged_in(t, lang)
    t.wait_for(after)
    assert before not in _footer(t), t.text()
    # every key of the line is still there, none runs off the right edge
    footer = _footer(t)
    assert "Ctrl+O OK" in footer and "F4" in footer, t.text()
    t.press("ctrl+l")  # log out (asked first, Log out under the cursor): the line says log in again
    t.wait_for("Izrakstīties no Web Config?" if lang == "lv" else "Log out of Web Config?")
    t.press("enter")
    t.wait_for(before)


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_home_key_line_keeps_quit_and_every_surface_key(launch: Launch, lang: str) -> None:
    t = launch("panel-tui", "--lang", lang, term=TERM)
    screen = t.wait_for("Web Config (F3)")  # the F3 key is on its tile
    footer = _footer(t)
    quit_key = "Ctrl+Q Iziet" if lang == "lv" else "Ctrl+Q Quit"
    assert footer.rstrip().endswith(quit_key), screen
    assert "F1 " in footer and "F4 " in footer, screen
    t.press("ctrl+q")
    assert t.wait_exit() == 0


def test_latvian_key_lines_name_the_keys_the_screen_needs(launch: Launch) -> None:
    """Scan > Email (Tab to its other fields) and F4 Cloud (F3 back to Web Config, as the
    guide's step 12 needs) kept every key when their Latvian line was written short."""
    t = launch("panel-tui", "--lang", "lv", term=TERM)
    t.wait_for("Sākums")
    t.press("left", "enter")  # Scan
    t.wait_for("E-pasts")
    t.press("enter")
    t.wait_for("Kam")
    footer = _footer(t)
    assert "Tab " in footer and "Ctrl+J Darba statuss" in footer, t.text()  # Ctrl+J as the English line says
    t.press("f4")
    t.wait_for("Ievadiet kodu")
    footer = _footer(t)
    assert "F3 Web Config" in footer and "Tab Tālāk" in footer, t.text()  # Enter ticks a box as Space does


def test_latvian_web_config_labels_keep_their_own_column(launch: Launch) -> None:
    """The left menu's longest items ("  Savienojuma pārbaude", "Print Admin Serverless") end
    before its line instead of running into it, and Additional Network's status rows line up
    with its field below (one label column per page)."""
    t = launch("panel-tui", "--lang", "lv", "--model", "am-c4000", term=TERM)
    t.wait_for("Web Config (F3)")
    _web_config_logged_in(t, "lv")
    t.press("right", "right", "right", "right")  # Status > Drukāšana > Skenēšana > Fax > Network
    t.wait_for("Savienojuma pārbaude", "Papildu tīkls")
    assert "Savienojuma pārbaude │" in t.line("Savienojuma pārbaude"), t.text()
    t.press("down", "down", "down", "down")  # Basic > ... > Papildu tīkls (shown at once)
    t.wait_for("E-pasta tīkls", "IP adrese")
    ip, field = t.line("IP adrese"), t.line("E-pasta tīkls")
    assert ip.index("10.") == field.index("Standarta"), t.text()
    t.press("right", "right", "right")  # Tīkla drošība > Produkta drošība > Ierīces pārvaldība
    t.wait_for("Print Admin Serverless")
    assert "Print Admin Serverless │" in t.line("Print Admin Serverless"), t.text()


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_open_authentication_method_list_reads_as_a_list_not_as_field_values(launch: Launch, lang: str) -> None:
    """The open list of Authentication Method sat on the page's own background in the value
    column: "SMTP servera porta numurs  POP pirms SMTP" read as that field's value. It is a
    framed box in the field colour, its choices inside the frame."""
    t = launch("panel-tui", "--lang", lang, term=TERM)
    t.wait_for("Web Config (F3)")
    _web_config_logged_in(t, lang)
    t.press("right", "right", "right")
    t.wait_for("Email Server > Basic", "Authentication Method")
    t.press("enter", "enter")  # into the page, open the list
    pop = "POP pirms SMTP" if lang == "lv" else "POP before SMTP"
    screen = t.wait_for(pop)
    assert re.search(rf"│ {pop} +│", screen), screen
    assert "╭" in screen and "╰" in screen, screen
    row = next(i for i, line in enumerate(screen.splitlines()) if pop in line)
    cells = t.cells(row)
    col = "".join(c.char for c in cells).index(pop)
    label = cells[2]  # the page's own background, beside the label column
    assert cells[col].bg != label.bg, "the list has a background of its own"
    t.press("down", "down", "down", "enter")  # OAuth2, as the guide's step 4
    t.wait_for("Microsoft Exchange Online", "Sign In")


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_a_panel_window_hides_what_is_behind_it(launch: Launch, lang: str) -> None:
    """F1 Help over Home (and Job Details over the job table) left the screen behind visible
    beside the window's edges, so words were cut to pieces ("Veid█ … █ltāts", "Sken█"); the
    window's screen is opaque, as Web Config's windows are."""
    t = launch("panel-tui", "--lang", lang, term=TERM)
    t.wait_for("Web Config (F3)")
    t.press("f1")
    screen = t.wait_for("Palīdzība" if lang == "lv" else "Help", "F1")
    rows = [line for line in screen.splitlines() if "█" in line]
    assert rows, screen
    for line in rows:
        left, _, rest = line.partition("█")
        right = rest.rpartition("█")[2]
        assert not left.strip() and not right.strip(), screen
