"""F3 and F4 switch surfaces at once, and keys typed right after go to the surface shown:
a person presses F3 and starts typing without waiting for a repaint."""

from __future__ import annotations

import pytest

from tests.acceptance import journeys as j
from tests.acceptance.conftest import Launch


def test_keys_typed_right_after_f3_go_to_web_config(launch: Launch) -> None:
    panel = launch("panel-tui")
    panel.wait_for("Home", "Settings")
    panel.press("f3", "ctrl+l", pause=0)  # Log in, before Web Config has been drawn
    panel.wait_for("Administrator Login")
    panel.type("X4ZB012345", pause=0)
    panel.press("enter")
    panel.wait_for("Log out")


def test_escape_right_after_f4_returns_to_the_panel_and_stays(launch: Launch) -> None:
    panel = launch("panel-tui")
    panel.wait_for("Home", "Settings")
    panel.press("enter")  # Settings
    panel.wait_for("General Settings")
    panel.press("f4", "escape", pause=0)  # a change of mind before the Cloud surface is drawn
    panel.settle(0.5)
    panel.wait_for("General Settings")
    panel.press("f3", "f4", "f2", pause=0)
    panel.settle(0.5)
    panel.wait_for("General Settings")


def test_arrows_right_after_f3_walk_web_configs_tabs(launch: Launch) -> None:
    panel = launch("panel-tui")
    panel.wait_for("Home", "Settings")
    panel.press("f3", "right", "right", "right", pause=0)  # Status > Print > Scan/Copy > Network
    panel.wait_for("NWS_EMAIL_BASIC", "Log in as administrator")
    panel.press("escape")
    panel.wait_for("Home", "Settings")


@pytest.mark.parametrize("left_on", ["tab bar", "mailbox list"])
def test_after_a_sign_in_starts_in_web_config_f4_puts_the_cursor_in_the_code_field(launch: Launch, left_on: str) -> None:
    """The Cloud surface was left on its tab bar (Mailboxes); Sign in with Microsoft in Web
    Config; F4 opens the sign-in pages with the code in the field and the cursor in it: Enter
    goes on at once (it used to land on the tab bar, where Enter only enters the tab)."""
    w = j.WORDS["en"]
    panel = launch("panel-tui")
    panel.wait_for(w["home"], "Settings")
    panel.press("f4")
    panel.wait_for(w["enter_code"])
    panel.press("shift+tab", "right", "right")  # the tab bar: Admin centre > Mailboxes
    panel.wait_for("Mailbox", "Received")
    if left_on == "mailbox list":
        panel.press("tab", "tab")
    code = j.steps_2_to_7_start_the_sign_in(panel, w)
    panel.press("f4", "enter", pause=0)
    panel.wait_for(w["account_page"])
    assert code


def test_first_f4_after_sign_in_with_microsoft_has_the_cursor_in_the_code_field(launch: Launch) -> None:
    w = j.WORDS["en"]
    panel = launch("panel-tui")
    panel.wait_for(w["home"], "Settings")
    code = j.steps_2_to_7_start_the_sign_in(panel, w)
    panel.press("f4")
    panel.wait_for(w["enter_code"], code)
    panel.press("enter", pause=0)  # Next, with the code Web Config is waiting for
    panel.wait_for(w["account_page"])


def test_the_tab_bar_keeps_the_cursor_while_the_first_sign_in_page_loads(launch: Launch) -> None:
    """F4, Shift+Tab, → at once: the Admin centre opens (the code page arriving meanwhile
    used to pull the cursor back into its field, where → only moved the text cursor)."""
    panel = launch("panel-tui")
    panel.wait_for("Home", "Settings")
    panel.settle(1.0)  # the tenant is up
    panel.press("f4", "shift+tab", "right", pause=0)
    panel.wait_for("Security defaults")
