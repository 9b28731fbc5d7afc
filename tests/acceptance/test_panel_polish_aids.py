"""Trainer aids a new trainer tripped on at 80×24: the key box over a page's last line, the
guided line lagging behind the sign-in, windows without a key line, Latvian guided text in
English words. Through the installed panel, as a person sees it."""

from __future__ import annotations

import pytest

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
    t.press("f3")  # in Web Config the line names only what is left there
    t.wait_for("Next step: Press OK (Ctrl+O) to save the sign-in")



def _footer(t) -> str:  # type: ignore[no-untyped-def]
    return t.text().splitlines()[-1]


def _open(t, *keys: str) -> None:  # type: ignore[no-untyped-def]
    """Press keys that open the next menu screen; wait until its path line shows, as a person
    looks before pressing on (under load a key sent earlier lands on the screen before)."""
    before = t.text().splitlines()[1]
    t.press(*keys)
    t.wait_until(lambda: t.text().splitlines()[1] != before, f"the screen after {keys}")


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_windows_have_a_key_line(launch: Launch, lang: str) -> None:
    """Help, Job Details and the password window left the bottom line blank: each names its
    keys there, as every screen does."""
    close, cancel = ("Close", "Esc Cancel") if lang == "en" else ("Aizvērt", "Esc Atcelt")
    t = launch("panel-tui", "--lang", lang, term=TERM)
    t.wait_for("Web Config (F3)")
    t.press("f1")
    t.wait_until(lambda: close in _footer(t) and "Esc" in _footer(t), "Help's key line")
    t.press("escape")
    t.wait_until(lambda: close not in _footer(t), "Help closed")
    t.press("left", "enter", "enter")  # Scan > Email
    t.wait_for("To" if lang == "en" else "Kam")
    t.type("name@example.com")
    t.press("enter")
    t.wait_for("Not set" if lang == "en" else "Neiestatīts")
    t.press("ctrl+j")
    t.wait_for("Scan to Email" if lang == "en" else "Skenēt uz e-pastu")
    t.press("enter")  # the job's details
    t.wait_for("name@example.com", "Enter")
    t.wait_until(lambda: close in _footer(t) and "F1" in _footer(t), "Job Details' key line")
    t.press("escape")
    t.wait_until(lambda: close not in _footer(t), "Job Details closed")
    # the password window (Web Config's F3 login is Web Config's own; the panel's is the lock's)
    t.press("f5")
    t.wait_for("Job/Status" if lang == "en" else "Darba statuss")
    # Settings (top right) > General Settings > System Administration > Security Settings >
    # Admin Settings > Lock Setting, each screen seen (its path line changes) before going on
    for keys in (("down", "right", "up", "enter"), ("enter",), ("down",) * 5 + ("enter",), ("enter",),
                 ("enter",), ("down", "enter")):
        _open(t, *keys)
    on = "On" if lang == "en" else "Ieslēgts"
    t.press("enter", "up", "enter")  # Lock Setting: On
    t.wait_until(lambda: on in t.line(" ▼"), "Lock Setting On")
    t.press("ctrl+s")  # Save: the password
    t.wait_until(lambda: cancel in _footer(t) and "Enter OK" in _footer(t), "the password window's key line")


@pytest.mark.parametrize("guided", [False, True])
def test_key_box_sits_on_the_key_line_beside_the_hints(launch: Launch, guided: bool) -> None:
    """The key box sat on the line above the key hints, over a page's last line (or the
    guide's line); it goes on the key line, in the room the hints leave, hiding none of them."""
    args = ["--show-keys", "--guided"] if guided else ["--show-keys"]
    t = launch("panel-tui", *args, term=TERM)
    t.wait_for("Web Config (F3)")
    t.press("left", "enter")  # Scan: its destinations
    t.wait_for("Email")
    t.press("enter")
    t.wait_for("To", "Start")
    # the keys so far shown, then faded (they did not fit beside the hints: they were on the
    # line above). Waiting only for "gone" passed on the form's first frame, before its box was
    # drawn: Tab then joined the old keys, above the key line (CI failed so, once)
    t.wait_for("Enter ×2")
    t.wait_until(lambda: _footer(t).rstrip().endswith("F1 Help") and "Enter ×2" not in t.text(), "the keys so far faded")
    above = t.text().splitlines()[-2]
    t.press("tab")  # Resolution: the key line says what Enter does there (opens the list)
    hints = " Enter Open the list  Ctrl+S Start  Tab Next  Esc Back  F1 Help"
    t.wait_until(lambda: _footer(t).rstrip().endswith("Tab"), "the key box on the key line")
    footer = _footer(t)
    assert footer[: len(hints)] == hints, t.text()  # every key hint still there
    assert t.text().splitlines()[-2] == above, t.text()  # the line above untouched


def test_latvian_guided_line_names_the_buttons_as_the_latvian_pages_show_them(launch: Launch) -> None:
    """The sign-in step said "Accept" while F4's Latvian page has "Pieņemt": the line uses the
    words of the screens (Web Config's labels that stay English on Latvian pages stay so)."""
    w = WORDS["lv"]
    t = launch("panel-tui", "--lang", "lv", env={"PANEL_TUI_GUIDED": "1"}, term=TERM)
    t.wait_for("Nākamā darbība: F3 Web Config")
    web_config_basic_page(t, w)
    choose_oauth2(t)
    t.press("tab")
    sign_in_with_microsoft(t)  # Web Config's button, English on the Latvian page too
    t.wait_for("Nākamā darbība: Sign in with Microsoft")
    line = t.line("Nākamā darbība")
    button = line.rsplit(",", 1)[-1].strip()
    t.press("f4")
    t.wait_for(w["enter_code"])
    t.press("enter")
    t.wait_for(w["account_page"])
    t.type("admin@contoso.onmicrosoft.com")
    t.press("enter")
    t.wait_for(w["password_page"])
    t.type("Contoso-Admin-2025")
    t.press("enter")
    screen = t.wait_for(w["permissions"], "Atcelt")
    buttons = next(row for row in screen.splitlines() if row.split()[-1:] == ["Atcelt"])
    assert button in buttons.split(), (button, screen)
