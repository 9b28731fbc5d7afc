"""Every word on the screen can be read from the back of a classroom: on a 16-colour terminal, in
the panel's own colours and in the high-contrast theme, no letter is drawn in a colour close to
its background (Web Config's title bar was white on yellow, a list's highlighted line white on
white, the Cloud's other tabs dark grey on black).

Colours are judged as xterm draws the 16 ANSI colours, with WCAG's contrast ratio: 4.5 is what
WCAG asks of body text. Lines and box corners are decoration and are not judged.
"""

from __future__ import annotations

import pytest

from .conftest import Launch
from .terminal import Terminal

#: xterm's default palette (what pyte's colour names stand for); "default" is a dark terminal's
XTERM = {
    "black": "000000", "red": "cd0000", "green": "00cd00", "brown": "cdcd00", "blue": "0000ee",
    "magenta": "cd00cd", "cyan": "00cdcd", "white": "e5e5e5", "brightblack": "7f7f7f",
    "brightred": "ff0000", "brightgreen": "00ff00", "brightbrown": "ffff00", "brightblue": "5c5cff",
    "brightmagenta": "ff00ff", "brightcyan": "00ffff", "brightwhite": "ffffff",
}
DEFAULT_FG, DEFAULT_BG = "e5e5e5", "000000"
MIN_RATIO = 4.5


def _hex(colour: str, default: str) -> str:
    if colour == "default":
        return default
    return XTERM.get(colour, colour)


def _luminance(hex_colour: str) -> float:
    def channel(part: str) -> float:
        c = int(part, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(hex_colour[i:i + 2]) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg: str, bg: str) -> float:
    light, dark = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def faint_letters(t: Terminal) -> list[str]:
    """Each screen row with letters drawn below MIN_RATIO: the row, the letters, the colours."""
    found: list[str] = []
    lines = t.text().splitlines()
    for row in range(t.rows):
        faint: dict[tuple[str, str], str] = {}
        for cell in t.cells(row):
            if not cell.char.isalnum():
                continue
            fg, bg = (cell.bg, cell.fg) if cell.reverse else (cell.fg, cell.bg)
            fg_hex, bg_hex = _hex(fg, DEFAULT_FG), _hex(bg, DEFAULT_BG)
            if contrast(fg_hex, bg_hex) < MIN_RATIO:
                faint[(fg, bg)] = faint.get((fg, bg), "") + cell.char
        for (fg, bg), letters in faint.items():
            line = lines[row].strip() if row < len(lines) else ""
            found.append(f"row {row} {letters!r}: {fg} on {bg} (ratio {contrast(_hex(fg, DEFAULT_FG), _hex(bg, DEFAULT_BG)):.1f}) in {line!r}")
    return found


@pytest.mark.parametrize("theme", ["high-contrast", "panel"])
def test_every_word_is_readable_at_16_colours(launch: Launch, theme: str) -> None:
    """Home, Web Config (its status page, the login window), and each Cloud tab with the tab bar
    focused, so that each tab's list shows its highlighted line unfocused."""
    args = ("--theme", "high-contrast") if theme == "high-contrast" else ()
    t = launch("panel-tui", *args, term="xterm-16color")
    seen: dict[str, list[str]] = {}
    t.wait_for("Home", "Job/Status")
    seen["Home"] = faint_letters(t)
    t.press("f3")
    t.wait_for("Product Status", "Serial Number")
    seen["Web Config"] = faint_letters(t)
    t.press("ctrl+l")
    t.wait_for("Administrator Login", "Cancel")
    seen["Web Config login"] = faint_letters(t)
    t.press("escape")
    t.wait_gone("Administrator Login")
    t.press("f4")
    t.wait_for("Sign-in pages", "Enter code")
    seen["Cloud sign-in"] = faint_letters(t)
    t.press("shift+tab")  # to the tab bar
    for tab, shows in (("Admin centre", "Security defaults"), ("Mailboxes", "Refresh"), ("Scenarios", "Apply")):
        t.press("right")
        t.wait_for(shows)
        t.pump(0.3)
        seen[f"Cloud {tab}"] = faint_letters(t)
    problems = {where: rows for where, rows in seen.items() if rows}
    assert not problems, "\n".join(f"{where}:\n  " + "\n  ".join(rows) for where, rows in problems.items())
