"""What a new-user trial tripped on in the panel's screens (keys, lock-out, help, small screens).

Each journey is a keyboard user's, at 80×24, through the installed console script.
"""

from __future__ import annotations

import pytest

from tests.acceptance.conftest import Launch
from tests.acceptance.terminal import Terminal

#: the words each language uses (key-line fragments and messages)
WORDS = {
    "en": {"scan": "Scan", "resolution": "Resolution", "enter_start": "Enter Start",
           "open_list": "Enter Open the list", "ctrl_s": "Ctrl+S Start", "sending": "Job 1"},
    "lv": {"scan": "Skenēt", "resolution": "Izšķirtspēja", "enter_start": "Enter Sākt",
           "open_list": "Enter Atvērt sarakstu", "ctrl_s": "^S Sākt", "sending": "Darbs 1"},
}


def _key_line(t: Terminal) -> str:
    return t.screen.display[-1].rstrip()


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_scan_email_key_line_names_what_enter_does_and_ctrl_s_starts(launch: Launch, lang: str) -> None:
    """Scan > Email: on Resolution the key line says Enter opens the list (it does) and names
    Ctrl+S, which starts the scan from there; back in To it says Enter Start again."""
    w = WORDS[lang]
    t = launch("panel-tui", "--lang", lang)
    t.wait_for(w["scan"])
    t.press("left", "enter")
    t.wait_for("F5")
    t.settle(0.3)
    t.press("enter")
    t.wait_for(w["enter_start"])
    t.type("someone@example.com")
    t.press("tab")  # Resolution
    t.wait_until(lambda: w["open_list"] in _key_line(t), "the key line names the list", timeout=5)
    line = _key_line(t)
    assert w["enter_start"] not in line and w["ctrl_s"] in line, line
    t.press("shift+tab")  # back in To
    t.wait_until(lambda: w["enter_start"] in _key_line(t), "Enter Start again in To", timeout=5)
    t.press("tab")
    t.wait_for(w["open_list"])
    t.press("ctrl+s")
    t.wait_for(w["sending"])
