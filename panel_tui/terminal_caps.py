"""What the terminal can show: 16 colours or more, UTF-8 or only ASCII.

Two things follow from it, app-wide: with only the 16 standard colours the app uses a theme made
of exactly those colours, chosen so that text and focus stay readable (at least 4.5:1 on xterm's
default palette) once the terminal maps them to its own; and when the locale's encoding is not
UTF-8 (LANG=C, POSIX, ISO-8859-x) every glyph and border is drawn in plain ASCII, because the
terminal would otherwise show mojibake or escapes instead of boxes.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

from textual.theme import Theme

#: The 16-colour theme. Every colour is one of the VGA/xterm standard 16 (as Rich rounds to
#: them), so nothing lands on an unlucky neighbour: the cursor is bright white on blue (9:1 on
#: xterm's palette, where the default theme's blue became cyan under white text, 2:1).
PANEL_16 = Theme(
    name="panel-16",
    # bright blue: as a border on black 4.4:1 on xterm's palette (blue was 1.4:1, unseen), and
    # white text on it 4.75:1 (dialog titles)
    primary="#5555FF",
    secondary="#00AAAA",
    accent="#AA5500",
    warning="#FFFF55",
    error="#FF5555",
    success="#55FF55",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#000000",
    boost="#000000",
    dark=True,
    variables={
        "text": "#FFFFFF",
        "text-muted": "#AAAAAA",
        "text-disabled": "#555555",
        "text-primary": "#55FFFF",
        "text-secondary": "#55FFFF",
        "text-accent": "#FFFF55",
        "text-warning": "#FFFF55",
        "text-error": "#FF5555",
        "text-success": "#55FF55",
        "foreground-muted": "#AAAAAA",
        "block-cursor-foreground": "#FFFFFF",
        "block-cursor-background": "#0000AA",
        "block-cursor-text-style": "bold",
        "block-cursor-blurred-foreground": "#FFFFFF",
        "block-cursor-blurred-background": "#000000",
        "block-cursor-blurred-text-style": "underline",
        "block-hover-background": "#000000",
        "border": "#55FFFF",
        "border-blurred": "#AAAAAA",
        "input-cursor-foreground": "#000000",
        "input-cursor-background": "#FFFFFF",
        "input-cursor-text-style": "none",
        "input-selection-background": "#0000AA",
        "input-selection-foreground": "#FFFFFF",
        # (the panel's own: a text field is a light grey box with black text; focused it turns
        # cyan (10:1 on black, so it shows on any dialog), not a 5% tint nobody sees; its
        # placeholder is blue, 4.7:1 on cyan, 7:1 on grey; selected text white on blue)
        "panel-field": "#AAAAAA",
        "panel-field-foreground": "#000000",
        "panel-field-placeholder": "#0000AA",
        "panel-field-focus": "#00AAAA",
        "panel-field-focus-foreground": "#000000",
        "panel-field-focus-placeholder": "#0000AA",
        # tile borders: grey on black, 9:1 (the default theme's shade of the panel was black)
        "panel-tile-border": "#AAAAAA",
        "button-foreground": "#FFFFFF",
        "button-color-foreground": "#FFFFFF",
        "button-focus-text-style": "bold reverse",
        "footer-foreground": "#FFFFFF",
        "footer-background": "#000000",
        "footer-key-foreground": "#FFFF55",
        "footer-description-foreground": "#FFFFFF",
        "scrollbar": "#AAAAAA",
        "scrollbar-hover": "#FFFFFF",
        "scrollbar-active": "#FFFFFF",
        "scrollbar-background": "#000000",
        "scrollbar-background-hover": "#000000",
        "scrollbar-background-active": "#000000",
        "link-color": "#55FFFF",
        "link-background-hover": "#0000AA",
        "link-color-hover": "#FFFFFF",
    },
)


def is_16_colour(color_system: str | None) -> bool:
    """Only the 16 standard colours (or none): the terminal maps colours to its own palette."""
    return color_system in (None, "standard", "windows")


def locale_encoding(environ: Mapping[str, str] | None = None) -> str:
    """The character set the terminal was told to expect, from LC_ALL, LC_CTYPE or LANG.

    Read from the environment (what the terminal and the shell agreed on), not from Python's
    own stream encoding: Python switches itself to UTF-8 under LANG=C, the terminal does not.
    "" when nothing is set.
    """
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_CTYPE", "LANG"):
        value = env.get(name, "")
        if value:
            return value
    return ""


def unicode_ok(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the locale's encoding is UTF-8 (an unset locale counts as UTF-8: modern default)."""
    value = locale_encoding(environ)
    if not value:
        return True
    if value in ("C", "POSIX"):
        return False
    _, _, codeset = value.partition(".")
    codeset = codeset.partition("@")[0].lower().replace("-", "").replace("_", "")
    return codeset in ("utf8",)


def use_ascii_borders() -> Callable[[], None]:
    """Draw every border and scrollbar in ASCII (non-UTF-8 terminals); returns the undo.

    Textual keeps its box characters in module tables (Textual 8.2, pinned in
    constraints.txt); pointing every border type at the ascii set is the one place that covers
    all surfaces, including toasts and dialogs. The tables are process-wide, so the app undoes
    this when it ends (tests run many apps in one process).
    """
    from textual import _border
    from textual.scrollbar import ScrollBarRender

    saved_chars = dict(_border.BORDER_CHARS)
    saved_locations = dict(_border.BORDER_LOCATIONS)
    saved_bars = (ScrollBarRender.VERTICAL_BARS, ScrollBarRender.HORIZONTAL_BARS)

    def undo() -> None:
        _border.BORDER_CHARS.update(saved_chars)
        _border.BORDER_LOCATIONS.update(saved_locations)
        ScrollBarRender.VERTICAL_BARS, ScrollBarRender.HORIZONTAL_BARS = saved_bars
        _border.get_box.cache_clear()

    ascii_box = _border.BORDER_CHARS["ascii"]
    ascii_locations = _border.BORDER_LOCATIONS["ascii"]
    for kind in list(_border.BORDER_CHARS):
        if kind in ("", "none", "hidden", "blank"):
            continue
        _border.BORDER_CHARS[kind] = ascii_box
        _border.BORDER_LOCATIONS[kind] = ascii_locations
    ScrollBarRender.VERTICAL_BARS = [" "] * 8
    ScrollBarRender.HORIZONTAL_BARS = [" "] * 8
    _border.get_box.cache_clear()
    return undo


def panel_variables(variables: dict[str, str], *, dark: bool) -> dict[str, str]:
    """The panel's own CSS variables (fields, focus, tiles) for a theme that does not set them."""
    if dark:
        # 256 colours: a grey box (text 8:1 on it); focused, a blue one (white text 5.8:1,
        # 3:1 against the screen, so it shows on dialogs too)
        defaults = {
            "panel-field": "#3a3a3a",
            "panel-field-foreground": variables.get("foreground", "#dadada"),
            "panel-field-placeholder": "#a8a8a8",
            "panel-field-focus": "#005fd7",
            "panel-field-focus-foreground": "#ffffff",
            "panel-field-focus-placeholder": "#e4e4e4",
        }
    else:
        defaults = {
            "panel-field": variables.get("boost", "transparent"),
            "panel-field-foreground": variables.get("foreground", "black"),
            "panel-field-placeholder": variables.get("text-muted", "grey"),
            "panel-field-focus": variables.get("block-cursor-background", "blue"),
            "panel-field-focus-foreground": variables.get("block-cursor-foreground", "white"),
            "panel-field-focus-placeholder": variables.get("block-cursor-foreground", "white"),
        }
    defaults["panel-tile-border"] = variables.get("panel-lighten-2", "grey")
    return defaults
