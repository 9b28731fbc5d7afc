"""Every text a person must read has strong contrast, on a projector too: the high-contrast theme
in 16 and 256 colours and the normal theme in 16, walked over Home, Settings, Scan, Web Config
(its status page, the log-in dialog, a page with the menu's cursor on it) and F4's tabs (Sign-in
pages, Admin centre, Mailboxes, Scenarios). Through the installed panel, read cell by cell."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.acceptance.conftest import Launch
from tests.acceptance.contrast import MIN_RATIO, MIN_RATIO_HIGH, low_contrast
from tests.acceptance.journeys import PRINTER_PASSWORD
from tests.acceptance.terminal import Terminal


def _walk(t: Terminal, minimum: float) -> list[str]:
    found: list[str] = []

    def look(where: str) -> None:
        t.settle(0.3)
        found.extend(f"{where} {f}" for f in low_contrast(t, minimum))

    t.wait_for("Home", "Job/Status")
    look("Home")
    t.press("enter")  # Settings
    t.wait_for("General Settings")
    look("Settings")
    t.press("f5")
    t.wait_for("Job/Status")
    t.press("left", "enter")  # Scan
    t.wait_for("Email")
    look("Scan")
    t.press("f3")
    t.wait_for("https://")
    look("Web Config")
    t.press("ctrl+l")
    t.wait_for("Current password")
    look("Web Config log-in")
    t.settle(0.3)
    t.type(PRINTER_PASSWORD)
    t.press("enter")
    t.wait_gone("Current password")
    t.press("right", "right", "right")  # Network
    t.wait_for("Email Server > Basic")
    look("Web Config Network")
    t.press("shift+tab")
    look("Web Config menu")
    t.press("f4")
    t.wait_for("Sign-in pages", "Enter code")
    look("F4 Sign-in pages")
    t.press("shift+tab", "right")
    t.wait_for("Microsoft Entra ID")
    look("F4 Admin centre")
    t.press("right")
    t.settle(1.0)
    look("F4 Mailboxes")
    t.press("right")
    t.settle(1.0)
    look("F4 Scenarios")
    return found


@pytest.mark.parametrize("term", ["xterm-16color", "xterm-256color"])
def test_high_contrast_text_is_readable_everywhere(launch: Launch, term: str) -> None:
    t = launch("panel-tui", env={"PANEL_TUI_THEME": "high-contrast"}, term=term)
    found = _walk(t, MIN_RATIO_HIGH)
    assert not found, "\n".join(found)


def test_normal_theme_text_is_readable_in_16_colours(launch: Launch) -> None:
    t = launch("panel-tui", term="xterm-16color")
    found = _walk(t, MIN_RATIO)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_the_trainers_table_is_readable_in_16_colours(launch: Launch, tmp_path: Path, lang: str) -> None:
    """`panel-tui serve trainer` at 16 colours: its title and the highlighted student were bold
    bright white on cyan (about 2:1 on xterm's palette); the README promises 4.5:1, as the
    panel's own 16-colour theme keeps (its cursor is bright white on blue)."""
    import json

    root = tmp_path / "class"
    for name in ("ann", "liga"):
        (root / "students" / name).mkdir(parents=True)
    (root / "sessions.json").write_text(json.dumps({"sessions": [{"name": "ann", "since": 0, "pid": None}]}))
    t = launch("panel-tui", "serve", "trainer", "--state-dir", str(root), "--lang", lang,
               term="xterm-16color")
    t.wait_for("ann", "liga")
    t.settle(0.5)
    found = low_contrast(t, MIN_RATIO_HIGH)
    t.press("down")  # the highlight on the second student, the first one plain
    t.settle(0.5)
    found += low_contrast(t, MIN_RATIO_HIGH)
    t.press("a")  # the push window
    t.wait_for("91")
    t.settle(0.3)
    found += low_contrast(t, MIN_RATIO_HIGH)
    assert not found, "\n".join(found)
