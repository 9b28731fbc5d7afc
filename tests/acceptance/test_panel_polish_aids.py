"""Trainer aids a new trainer tripped on at 80×24: the key box over a page's last line, the
guided line lagging behind the sign-in, windows without a key line, Latvian guided text in
English words. Through the installed panel, as a person sees it."""

from __future__ import annotations

from tests.acceptance.conftest import Launch
from tests.acceptance.journeys import (
    WORDS,
    choose_oauth2,
    sign_in_with_microsoft,
    steps_8_to_11_sign_in_at_microsoft,
    web_config_basic_page,
)

TERM = "xterm-16color"


def test_guided_line_moves_on_when_the_sign_in_finishes(launch: Launch) -> None:
    """After Accept on Microsoft's page the device's sign-in ends by itself (its "signin"
    event): the line names OK at once, on F4, not only after F3."""
    w = WORDS["en"]
    t = launch("panel-tui", env={"PANEL_TUI_GUIDED": "1"}, term=TERM)
    t.wait_for("Next step: F3 Web Config")
    web_config_basic_page(t, w)
    choose_oauth2(t)
    t.press("tab")
    code = sign_in_with_microsoft(t)
    t.wait_for("Next step: Sign in with Microsoft")
    steps_8_to_11_sign_in_at_microsoft(t, w, code)  # ends on F4's "You have signed in"
    # at once (F4's page tells the device to ask now: tests/integration/test_device_email.py)
    t.wait_for("Next step: Back in Web Config (F3): press OK", timeout=10)
    assert w["signed_in_page"] in t.text(), t.text()  # still on F4

