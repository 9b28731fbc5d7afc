"""Device models from the command line: `panel-tui models` lists them, `--model` picks one, the
state dir keeps it, and a model's features decide what Web Config shows."""

from __future__ import annotations

import pytest

from tests.acceptance.conftest import Launch


def test_models_listed_chosen_and_kept(launch: Launch) -> None:
    listing = launch("panel-tui", "models")
    listing.wait_for("wf-c5890", "(default)", "am-c4000", "wf-c879r", "Fax Server email")
    assert listing.wait_exit() == 0

    panel = launch("panel-tui", "--model", "am-c4000")
    panel.wait_for("Web Config (F3)")
    panel.press("f3")
    screen = panel.wait_for("EPSON AM-C4000 Series", "X7QA020406")
    assert " Fax " in screen  # a fax model has Web Config's Fax tab
    panel.press("ctrl+q")
    assert panel.wait_exit() == 0

    again = launch("panel-tui")  # the same state dir, no --model: the same printer
    again.wait_for("Web Config (F3)")
    again.press("f3")
    again.wait_for("EPSON AM-C4000 Series")
    again.press("ctrl+q")
    assert again.wait_exit() == 0


def test_default_model_has_no_fax_tab(launch: Launch) -> None:
    panel = launch("panel-tui")
    panel.wait_for("Web Config (F3)")
    panel.press("f3")
    screen = panel.wait_for("EPSON WF-C5890 Series", "Network Security")
    assert " Fax " not in screen
    panel.press("ctrl+q")
    assert panel.wait_exit() == 0


def test_unknown_model_is_refused_with_the_ids(launch: Launch) -> None:
    panel = launch("panel-tui", "--model", "lx-9000")
    panel.wait_for("unknown model 'lx-9000'", "wf-c5890")
    assert panel.wait_exit() == 2


def test_oauth2_is_refused_on_the_additional_network(launch: Launch) -> None:
    """Guide p. 5 as a trainer shows it: a model with an additional network, OAuth2 on the Email
    Server, then Network > Additional Network: choosing it for email is refused with the note."""
    panel = launch("panel-tui", "--model", "wf-c879r")
    panel.wait_for("Web Config (F3)")
    panel.press("f3")
    panel.wait_for("EPSON WF-C879R Series", "Log in")
    panel.press("ctrl+l")
    panel.type("X3HC087900")
    panel.press("enter")
    panel.wait_for("Log out")
    panel.press("right", "right", "right", "right")  # Print, Scan/Copy, Fax (a fax MFP), Network
    panel.wait_for("Additional Network", "Authentication Method")  # the model's extra page
    panel.press("enter", "enter", "down", "down", "down", "enter")  # Basic: OAuth2
    panel.wait_for("Microsoft Exchange Online")
    panel.press("ctrl+o")
    panel.wait_for("Setup complete")
    panel.press("shift+tab")  # back to the left menu
    panel.press("down", "down", "down", "down", "enter")
    panel.wait_for("10.20.30.41", "The additional network does not")
    panel.press("enter", "down", "enter")  # Network used for email: Additional network
    panel.press("ctrl+o")
    panel.wait_for("OAuth2 cannot be used")
    panel.press("ctrl+q")
    assert panel.wait_exit() == 0


SCANNER_WORDS = {
    "en": {"status_tab": "Scanner Status", "printer_tab": "Printer Status", "scan_tab": "Scan",
           "scan_copy": "Scan/Copy"},
    "lv": {"status_tab": "Skenera statuss", "printer_tab": "Printera statuss", "scan_tab": "Skenēšana",
           "scan_copy": "Skenēšana/kopēšana"},
}


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_a_scanner_names_its_tabs_as_a_scanner(launch: Launch, lang: str) -> None:
    """The DS-C490 does not print or copy: Job/Status's second tab said "Printer Status" and Web
    Config kept a "Scan/Copy" tab. They say Scanner Status and Scan (unverified words: the
    panel's own), in the place the printers have them."""
    w = SCANNER_WORDS[lang]
    panel = launch("panel-tui", "--model", "ds-c490", "--lang", lang)
    panel.wait_for("Web Config (F3)")
    panel.press("ctrl+j")
    screen = panel.wait_for(w["status_tab"])
    assert w["printer_tab"] not in screen, screen
    panel.press("f3")
    screen = panel.wait_for("EPSON DS-C490 Series")
    tabs = screen.splitlines()[2].split()
    assert tabs[:3] == ["Status" if lang == "en" else "Statuss", w["scan_tab"], "Network"], screen
    assert w["scan_copy"] not in screen, screen
    panel.press("ctrl+q")
    assert panel.wait_exit() == 0, panel.text()
