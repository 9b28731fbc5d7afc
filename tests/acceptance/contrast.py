"""A small contrast rule for what a person reads on the terminal: each text cell's foreground
against its background, as xterm draws the 16 ANSI colours (and hex for 256/true colour).

WCAG's contrast ratio on those RGB values; a projector washes colours out, so text needs at
least ``MIN_RATIO`` (high contrast: ``MIN_RATIO_HIGH``). ``default`` is the terminal's own
foreground (light grey) or background (black).
"""

from __future__ import annotations

from tests.acceptance.terminal import Cell, Terminal

#: xterm's palette for pyte's colour names
ANSI = {
    "black": "000000", "red": "cd0000", "green": "00cd00", "brown": "cdcd00", "blue": "0000ee",
    "magenta": "cd00cd", "cyan": "00cdcd", "white": "e5e5e5",
    "brightblack": "7f7f7f", "brightred": "ff0000", "brightgreen": "00ff00",
    "brightbrown": "ffff00", "brightblue": "5c5cff", "brightmagenta": "ff00ff",
    "brightcyan": "00ffff", "brightwhite": "ffffff",
}
DEFAULT_FG, DEFAULT_BG = "e5e5e5", "000000"
MIN_RATIO = 3.0
MIN_RATIO_HIGH = 4.5


def rgb(colour: str, default: str) -> tuple[int, int, int]:
    """A pyte colour (a name, ``default`` or 6 hex digits) as RGB."""
    if colour == "default":
        colour = default
    colour = ANSI.get(colour, colour)
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def luminance(colour: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(cell: Cell) -> float:
    """The cell's contrast ratio (1 to 21), reverse video taken into account."""
    fg, bg = rgb(cell.fg, DEFAULT_FG), rgb(cell.bg, DEFAULT_BG)
    if cell.reverse:
        fg, bg = bg, fg
    light, dark = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def low_contrast(t: Terminal, minimum: float = MIN_RATIO) -> list[str]:
    """Every run of hard-to-read letters on the screen: ``row: "text" fg/bg ratio``."""
    found: list[str] = []
    for row in range(t.rows):
        cells = t.cells(row)
        x = 0
        while x < len(cells):
            cell = cells[x]
            if not (cell.char.isalnum() and ratio(cell) < minimum):
                x += 1
                continue
            end = x
            while end + 1 < len(cells) and (cells[end + 1].fg, cells[end + 1].bg) == (cell.fg, cell.bg):
                end += 1
            text = "".join(c.char for c in cells[x:end + 1]).strip()
            rev = " rev" if cell.reverse else ""
            found.append(f"{row}: {text!r} {cell.fg}/{cell.bg}{rev} {ratio(cell):.1f}")
            x = end + 1
    return found
