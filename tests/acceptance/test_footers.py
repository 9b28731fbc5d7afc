"""The key line at the bottom names every key it promises, whole, at 80 columns, in Latvian as in
English: a Latvian footer longer than the line lost its last hints (Scan's "F5 Sākums", the
Cloud's "F2 panelis": the way back)."""

from __future__ import annotations

import pytest

from .conftest import Launch

#: per language: the screen's words to wait for, then the hints its last line must show
SCAN = {"en": (("Scan > Email", "Start"), ("Ctrl+J Job Status", "F5 Home", "F1 Help")),
        "lv": (("Sākt",), ("^J Darba statuss", "F5 Sākums", "F1 Palīdzība"))}
CLOUD = {"en": (("Enter code",), ("Shift+Tab ←→ tabs", "F2 panel", "F3 Web Config")),
         "lv": (("Ievadiet kodu",), ("Shift+Tab ←→ cilnes", "F2 panelis", "F3 Web Config"))}
HOME = {"en": ("Job/Status", ("F1 Help", "F4 Cloud", "Ctrl+Q Quit")),
        "lv": ("Darba statuss", ("F1 Palīdzība", "F4 Mākonis", "Ctrl+Q Iziet"))}


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_home_scan_and_cloud_footers_show_all_their_keys(launch: Launch, lang: str) -> None:
    t = launch("panel-tui", "--lang", lang, term="xterm-16color")
    shows, hints = HOME[lang]
    t.wait_for(shows)
    last = t.text().splitlines()[-1]
    assert all(h in last for h in hints), last
    t.press("left", "enter", "enter")  # Home > Scan > Email
    shows, hints = SCAN[lang]
    t.wait_for(*shows, *hints)
    last = t.text().splitlines()[-1]
    assert all(h in last for h in hints), last
    t.press("f4")
    shows, hints = CLOUD[lang]
    t.wait_for(*shows)
    last = t.text().splitlines()[-1]
    assert all(h in last for h in hints), last
