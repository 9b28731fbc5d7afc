"""Status glyphs with a plain-text fallback for 16-colour / non-Unicode terminals.

The lock and network icons always carry a word too, so meaning never rests on colour alone.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Glyphs:
    locked: str
    unlocked: str
    padlock: str
    wired: str
    wifi: str
    offline: str
    submenu: str
    #: around the current Home tile and the focused lock icon
    cursor_left: str
    cursor_right: str
    #: where breadcrumbs drop leading parts
    ellipsis: str
    #: the chosen and the other choices of a one-of list (Language)
    chosen: str = "● "
    not_chosen: str = "○ "
    #: before the command palette's input (Textual's own is an emoji, a box on a 16-colour console)
    search: str = "🔎"


UNICODE = Glyphs(locked="🔒", unlocked="🔓", padlock="🔒", wired="⇄", wifi="≋", offline="×", submenu="›",
                  cursor_left="▶ ", cursor_right=" ◀", ellipsis="…")
ASCII = Glyphs(locked="[#]", unlocked="[ ]", padlock="[#]", wired="<=>", wifi="(~)", offline="(x)", submenu=">",
                cursor_left="> ", cursor_right=" <", ellipsis="...",
                chosen="(*) ", not_chosen="( ) ", search=">")


def glyphs_for(color_system: str | None) -> Glyphs:
    """Plain ASCII when the terminal has only the 16 standard colours (or none)."""
    return ASCII if color_system in (None, "standard", "windows") else UNICODE


def choose_glyphs(icons: str, *, unicode_terminal: bool, color_system: str | None) -> Glyphs:
    """The glyphs for `--icons` ("ascii", "unicode" or "auto": ASCII unless the locale says
    UTF-8, then by the colour system)."""
    if icons == "ascii":
        return ASCII
    if icons == "unicode":
        return UNICODE
    if not unicode_terminal:
        return ASCII
    return glyphs_for(color_system)
