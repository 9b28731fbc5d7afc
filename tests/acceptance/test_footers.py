"""At 80×24 every footer shows all its key hints, in English and Latvian (Latvian's longer words
dropped the last one: Home's F3 Web Config, F4's F2 panelis, Scan's F5 Sākums); the key box
(trainers' aid) never covers a hint of a full key line. With Ctrl+J/Ctrl+L spelled out as the
panel does, Latvian Scan leaves out F5 Sākums (as English Scan's list line does) and Latvian Web
Config Enter Atlasīt, on purpose: the lines below are what each keeps."""

from __future__ import annotations

import pytest

from tests.acceptance.conftest import Launch
from tests.acceptance.terminal import Terminal

#: the hints each footer must show, in full
HINTS = {
    "en": {
        "home": ["Enter Select", "F1 Help", "F3 Web Config", "F4 Cloud", "Ctrl+Q Quit"],
        "scan": ["Enter Start", "Tab Next", "Job Status", "Esc Back", "F5 Home", "F1 Help"],
        "web": ["Tab Next", "Tabs", "Enter Select", "Ctrl+L Log in", "Ctrl+O OK", "F2 Panel", "F4 Cloud"],
        "cloud": ["Tab Next", "Tabs", "Enter Select", "Space Tick", "F2 Panel", "F3 Web Config"],
    },
    "lv": {
        "home": ["Enter Atlasīt", "F1 Palīdzība", "F3 Web Config", "F4 Mākonis", "Ctrl+Q Iziet"],
        "scan": ["Enter Sākt", "Tab Tālāk", "Ctrl+J Darba statuss", "Esc Atpakaļ", "F1 Palīdzība"],
        "web": ["Tab Tālāk", "Cilnes", "Ctrl+L Pierakstīties", "Ctrl+O OK", "F2 Panelis", "F4 Mākonis"],
        "cloud": ["Tab Tālāk", "Shift+Tab/←→ Cilnes", "Enter Atlasīt", "F2 Panelis", "F3 Web Config"],
    },
}


def _all_shown(t: Terminal, hints: list[str], where: str) -> None:
    t.settle(0.3)
    line = t.screen.display[-1].rstrip()
    missing = [h for h in hints if h not in line]
    assert not missing, f"{where}: {missing} not on the key line {line!r}\n{t.text()}"


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_every_footer_shows_all_its_hints(launch: Launch, lang: str) -> None:
    hints = HINTS[lang]
    t = launch("panel-tui", "--lang", lang)
    t.wait_for(hints["home"][1])
    _all_shown(t, hints["home"], "Home")
    t.press("left", "enter")  # Scan
    t.wait_for("F5")
    t.settle(0.3)
    t.press("enter")  # Scan to Email: its form
    t.wait_for(hints["scan"][0])
    _all_shown(t, hints["scan"], "Scan")
    t.press("f3")
    t.wait_for(hints["web"][3])
    _all_shown(t, hints["web"], "Web Config")
    t.press("f4")
    t.wait_for(hints["cloud"][-1])
    _all_shown(t, hints["cloud"], "F4")


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_key_box_covers_no_hint(launch: Launch, lang: str) -> None:
    """Home's and F4's key lines are full: the box goes on the line above while it shows."""
    hints = HINTS[lang]
    t = launch("panel-tui", "--lang", lang, "--show-keys")
    t.wait_for(hints["home"][1])
    t.press("down", "up")
    t.wait_for({"en": "Down Up", "lv": "Lejup Augšup"}[lang])  # the key box names arrows in the panel's language
    _all_shown(t, hints["home"], "Home with the key box")
    t.press("f4")
    t.wait_for(hints["cloud"][-1], "F4")
    _all_shown(t, hints["cloud"], "F4 with the key box")


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_key_box_over_the_command_palette_covers_no_hint(launch: Launch, lang: str) -> None:
    """The command palette is drawn over the screen it was opened on, key line included: the
    box on it measured no hints of its own and covered that key line (Scan's "F1 Help" read
    "F1  Esc ×2 Ctrl+P"). It goes above the key line, as on the screen below, and shows."""
    hints = HINTS[lang]
    t = launch("panel-tui", "--lang", lang, "--theme", "high-contrast", "--show-keys", "--guided",
               term="xterm-16color")
    t.wait_for(hints["home"][1])
    t.press("left", "enter")  # Scan
    t.wait_for("F5")
    t.settle(0.3)
    t.press("enter")  # Scan to Email
    t.wait_for(hints["scan"][0])
    t.press("ctrl+j")  # Job Status, and back
    t.wait_for({"en": "Enter Details", "lv": "Enter"}[lang])
    t.settle(0.3)
    t.press("escape")
    t.wait_for(hints["scan"][0])
    t.press("ctrl+p")
    t.wait_for("Ctrl+P")
    _all_shown(t, hints["scan"], "Scan under the command palette")
    assert "Ctrl+P" in t.text()  # the keys are still shown: on a line of their own
