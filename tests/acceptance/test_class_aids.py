"""Trainer aids on a projector: the keys just pressed in a corner (gone after a few seconds,
taking no key), guided mode's next step above the footer moving on as the device does things,
and the high-contrast theme. Through the installed panel at 80×24, as a person sees it."""

from __future__ import annotations

import pytest

from tests.acceptance.conftest import Launch
from tests.acceptance.journeys import WORDS, choose_oauth2, sign_in_with_microsoft, web_config_basic_page
from tests.acceptance.terminal import row_of


def test_key_box_shows_the_last_keys_hides_passwords_and_fades(launch: Launch) -> None:
    t = launch("panel-tui", env={"PANEL_TUI_SHOW_KEYS": "1"}, term="xterm-16color")
    t.wait_for("Home")
    t.press("f3")
    t.wait_for("Log in")
    t.press("ctrl+l")
    t.wait_for("Current password")
    t.wait_for("F3 Ctrl+L")
    row = t.line("F3 Ctrl+L")
    assert row.endswith("F3 Ctrl+L") and len(row) >= 78, t.text()  # the bottom-right corner
    t.type("secret")
    t.wait_for("F3 Ctrl+L ******")  # one mask per key typed (a count for long ones), the password hidden
    assert "secret" not in t.text()
    t.press("escape")  # the key reached the dialog: the box took nothing
    t.wait_gone("Current password")
    t.wait_gone("F3 Ctrl+L", timeout=8)  # faded (the key line itself says "Ctrl+L Log in")


def test_guided_mode_follows_the_device(launch: Launch) -> None:
    """The line names the next step, and moves on when the device does it (Web Config's log-in,
    a sign-in code shown), in Latvian."""
    w = WORDS["lv"]
    t = launch("panel-tui", "--lang", "lv", env={"PANEL_TUI_GUIDED": "1"})
    t.wait_for("Nākamā darbība: F3 Web Config, Ctrl+L: pierakstieties kā administrators")
    web_config_basic_page(t, w)
    t.wait_for("Nākamā darbība: Network > Email Server > Basic: OAuth2, tad Sign In")
    choose_oauth2(t)
    t.press("tab")
    sign_in_with_microsoft(t)
    t.wait_for("Nākamā darbība: Sign in with Microsoft: F4, ievadiet kodu")


@pytest.mark.parametrize("lang, on_panel, in_web_config", [
    ("en", "Next step: F3 Web Config, Ctrl+L: log in as administrator", "Next step: Ctrl+L: log in as administrator"),
    ("lv", "Nākamā darbība: F3 Web Config, Ctrl+L: pierakstieties kā administrators",
     "Nākamā darbība: Ctrl+L: pierakstieties kā administrators"),
])
def test_guided_line_in_web_config_names_only_what_is_left(
    launch: Launch, lang: str, on_panel: str, in_web_config: str
) -> None:
    """Already in Web Config, the line still said "F3 Web Config, Ctrl+L: ...": there it names
    only Ctrl+L; back on the panel, F3 again."""
    t = launch("panel-tui", "--lang", lang, env={"PANEL_TUI_GUIDED": "1"}, term="xterm-16color")
    t.wait_for(on_panel)
    t.press("f3")
    t.wait_for(in_web_config)
    assert "F3" not in t.line(in_web_config), t.text()
    t.press("f2")
    t.wait_for(on_panel)


def test_high_contrast_theme_is_bold_black_white_yellow(launch: Launch) -> None:
    """Every letter bold (the status bar and the footer too) and only black, bright white and
    bright yellow on the 16-colour Home screen (the default has grey and blue)."""
    t = launch("panel-tui", env={"PANEL_TUI_THEME": "high-contrast"}, term="xterm-16color")
    t.wait_for("Home", "Job/Status", "F1")
    for row in range(24):
        cells = [c for c in t.cells(row) if c.char.strip()]
        colours = {c.fg for c in cells} | {c.bg for c in cells}
        assert colours <= {"black", "brightwhite", "brightbrown"}, (row, colours, t.text())
        if cells and cells[0].char.isalpha():  # a line of text, not a tile's border
            assert all(c.bold for c in cells if c.char.isalpha()), (row, t.text())


def test_the_aids_are_command_line_options_too(launch: Launch) -> None:
    """`panel-tui --show-keys --theme high-contrast` (a trainer on their own laptop, no serve)."""
    t = launch("panel-tui", "--show-keys", "--theme", "high-contrast", term="xterm-16color")
    t.wait_for("Home", "Job/Status")
    t.press("down")
    t.wait_until(lambda: any(line.rstrip().endswith(("Down", "↓")) for line in t.text().splitlines()[-6:]),
                 "the key box shows the Down key in the bottom-right corner")
    row = next(r for r in range(24) if "Home" in t.text().splitlines()[r])
    colours = {c.bg for c in t.cells(row) if c.char.strip()}
    assert colours <= {"black", "brightwhite", "brightbrown"}, (colours, t.text())


def test_high_contrast_placeholders_stay_black_white_yellow(launch: Launch) -> None:
    """F4's code field showed its placeholder "Code" dark blue on yellow (trial 4): black, bright
    white and bright yellow only, as the README says of the theme."""
    t = launch("panel-tui", env={"PANEL_TUI_THEME": "high-contrast"}, term="xterm-16color")
    t.wait_for("Home", "Job/Status", "F1")
    t.press("f4")
    t.wait_for("Enter code", "Next")
    row, col = row_of(t, "Code")
    cells = t.cells(row)[col : col + 4]
    assert {c.fg for c in cells} | {c.bg for c in cells} <= {"black", "brightwhite", "brightbrown"}, (cells, t.text())
