"""Trainer aids on the panel itself, for a projector: the keys just pressed in a corner, the
guide's next step in a line above the footer, and a high-contrast theme.

The aids are widgets mounted into whichever screen is shown (Textual draws only the current
screen), never focusable: they take no key and move no focus. The key box sits on the toast
layer (over the screen, not in its layout) at the right end of the key line, the screen's last
line, in the room the key hints leave there; where they leave less than ``KEY_ROOM_MIN`` cells
(a full key line: Home, Cloud) it goes on the line above instead (and above the guide line), so
it never hides a hint, on a row of its own: a blank row is then kept in the screen's layout for
it (``KeyRow``), so it covers no content either. It goes after ``KEY_FADE`` seconds. A key
pressed again reads ``Right ×3``, so an audience can count; letters typed in a row read as one
word (a password's as one ``*`` each, or their count); the guide line is
docked above the footer (the screen's last line stays its key hints) and takes a line of the
screen while guided mode is on.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.app import App, ScreenStackError
from textual.containers import Container
from textual.screen import Screen, SystemModalScreen
from textual.theme import Theme
from textual.timer import Timer
from textual.widgets import Input, Static

from panel_tui.class_options import ClassOptions
from panel_tui.guided import GuideProgress, step_message
from panel_tui.messages import DeviceChanged
from panel_tui.terminal_caps import PANEL_16, is_16_colour

if TYPE_CHECKING:
    from collections.abc import Callable

    from device_model import Device

#: seconds the key box stays after the last key
KEY_FADE = 3.0
#: keys the box shows at most (the newest last)
KEY_COUNT = 6
#: cells the box needs beside the key hints to stay on the key line (" Enter ", the newest keys
#: that fit); with less (a full key line: Home, Cloud) it goes on the line above, hiding no hint
KEY_ROOM_MIN = 7

#: The high-contrast theme: only black, white and bright yellow (the 16-colour palette's own,
#: so a projector shows it the same), every text bold through ``App.-high-contrast``. A terminal
#: cannot make its letters larger: "large" here means bold and stronger contrast, nothing more.
HIGH_CONTRAST = Theme(
    name="high-contrast",
    primary="#FFFF55",
    secondary="#FFFFFF",
    accent="#FFFF55",
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
        **(PANEL_16.variables or {}),
        "text-muted": "#FFFFFF",
        # a field's placeholder, on the field's white or yellow: black (it was dark blue)
        "panel-field-placeholder": "#000000",
        "panel-field-focus-placeholder": "#000000",
        "foreground-muted": "#FFFFFF",
        "text-primary": "#FFFF55",
        "text-secondary": "#FFFFFF",
        "border": "#FFFF55",
        "border-blurred": "#FFFFFF",
        "block-cursor-foreground": "#000000",
        "block-cursor-background": "#FFFF55",
        "block-cursor-blurred-foreground": "#000000",
        "block-cursor-blurred-background": "#FFFFFF",
        "panel-tile-border": "#FFFFFF",
        "panel-field": "#FFFFFF",
        "panel-field-focus": "#FFFF55",
        "footer-key-foreground": "#FFFF55",
        # a coloured button (yellow, green, red here) says its word in black
        "button-color-foreground": "#000000",
        "link-color": "#FFFF55",
    },
)

#: keys that read in the panel's language (the catalog's ``panel.keyname.*``): the arrows and
#: Space; the others are named as on the key caps (Enter, Esc, Tab), in every language
_SAID_KEYS = ("up", "down", "left", "right", "space")
#: how a key reads in the box (Textual's names are for programs)
_KEY_NAMES = {
    "up": "Up", "down": "Down", "left": "Left", "right": "Right", "enter": "Enter",
    "escape": "Esc", "tab": "Tab", "shift+tab": "Shift+Tab", "space": "Space",
    "backspace": "Backspace", "delete": "Del", "home": "Home", "end": "End",
    "pageup": "PgUp", "pagedown": "PgDn",
}


def key_label(event: events.Key, secret: bool, t: Callable[[str], str] | None = None) -> str:
    """``ctrl+l`` -> ``Ctrl+L``; a typed character as itself, or ``*`` in a password field; an
    arrow or Space in the panel's language when ``t`` (the catalog) is given."""
    if event.is_printable and event.character and event.key != "space":
        return "*" if secret else event.character
    if t is not None and event.key in _SAID_KEYS:
        return t(f"panel.keyname.{event.key}")
    if event.key in _KEY_NAMES:
        return _KEY_NAMES[event.key]
    parts = event.key.split("+")
    return "+".join(p.upper() if len(p) <= 3 and p[:1] == "f" or len(p) == 1 else p.capitalize()
                    for p in parts)


def _showing_through(screen: Screen[object]) -> list[Screen[object]]:
    """``screen`` and the screens below it whose last line shows through it: the command palette
    (and any see-through window) is drawn over the screen it was opened on, key line included."""
    stack = list(screen.app.screen_stack)
    shown = [screen]
    index = stack.index(screen) if screen in stack else 0
    while index > 0 and shown[-1].styles.background.a < 1:
        index -= 1
        shown.append(stack[index])
    return shown


def key_line_room(screen: Screen[object]) -> int:
    """Cells at the right end of the screen's key line (its last line) for the key box: the
    width less the key hints shown there and a blank between (the whole width when there are
    none). Hints of a screen below that show through count too: the box on the command palette
    measured none and covered the key line under it ("F1 Help" read "F1  Esc ×2 Ctrl+P")."""
    width = screen.size.width or screen.app.size.width
    used = 0
    for shown in _showing_through(screen):
        for hints in shown.query(".key-hints, KeyHints"):
            if not hints.display or not isinstance(hints, Static):
                continue
            content = hints.content
            text = content.plain if isinstance(content, Text) else str(content)
            used = max(used, cell_len(text.rstrip()) + hints.styles.padding.left)
    return max(width - used - 1, 0) if used else width


#: a screen's class while its key box is above its key line for keys that did not fit beside
#: the hints (it stays there until the keys fade)
_KEYS_ABOVE = "-keys-above"

#: a password's typed keys show one mask each up to this many, then their count ("* ×14")
MASKS_MAX = 12
#: a run of typed letters shows at most its last this many (an address would fill the box)
TYPED_MAX = 20


class KeyLog:
    """The keys shown in the box, newest last, each as a person counts them: a key pressed
    again in a row is one entry with a count (``Right ×3``: three boxes of "Right" do not fit,
    and only the newest was shown); letters typed in a row are one word."""

    def __init__(self, times: str = "×", ellipsis: str = "…") -> None:
        #: [label, count, typed, secret] per entry
        self._entries: deque[list[object]] = deque(maxlen=KEY_COUNT)
        self.times = times
        self.ellipsis = ellipsis

    def __bool__(self) -> bool:
        return bool(self._entries)

    def clear(self) -> None:
        self._entries.clear()

    def add(self, label: str, *, typed: bool = False, secret: bool = False) -> None:
        last = self._entries[-1] if self._entries else None
        if last is not None and typed and last[2] and last[3] == secret:
            last[0] = str(last[0]) + label
        elif last is not None and not typed and not last[2] and last[0] == label:
            last[1] = int(last[1]) + 1  # type: ignore[call-overload]
        else:
            self._entries.append([label, 1, typed, secret])

    def texts(self) -> list[str]:
        """The entries as the box shows them."""
        out: list[str] = []
        for label, count, typed, secret in self._entries:
            text = str(label)
            if typed and secret and len(text) > MASKS_MAX:
                text = f"* {self.times}{len(text)}"
            elif typed and len(text) > TYPED_MAX:
                text = self.ellipsis + text[-(TYPED_MAX - len(self.ellipsis)):]
            elif not typed and int(count) > 1:  # type: ignore[call-overload]
                text = f"{text} {self.times}{count}"
            out.append(text)
        return out


def fit_keys(keys: list[str], room: int) -> str:
    """The newest keys that fit ``room`` cells in the box (its padding included): the older
    ones give way, the newest is always shown."""
    shown: list[str] = []
    width = 2  # the box's padding
    for key in reversed(keys):
        need = cell_len(key) + (1 if shown else 0)
        if shown and width + need > room:
            break
        shown.insert(0, key)
        width += need
    return " ".join(shown)


class KeyBox(Static):
    """The last keys, plain text, in the bottom-right corner."""

    DEFAULT_CSS = """
    KeyBox {
        visibility: visible;
        width: auto;
        height: 1;
        padding: 0 1;
        background: $foreground;
        color: $background;
        text-style: bold;
        display: none;
    }
    KeyBox.-tight { padding: 0; }
    """
    can_focus = False


class KeyRow(Static):
    """A blank row kept in the screen's layout, above the key line (and the guide line), where
    the key box goes when the key line has no room for it: the box then covers no content."""

    DEFAULT_CSS = """
    KeyRow {
        dock: bottom;
        width: 1fr;
        height: 1;
        visibility: hidden;
    }
    """
    can_focus = False


class AidsRack(Container):
    """The toast layer's strip over the screen's bottom lines that holds the key box."""

    DEFAULT_CSS = """
    AidsRack {
        layer: _toastrack;
        dock: bottom;
        width: 1fr;
        height: auto;
        align: right bottom;
        visibility: hidden;
    }
    """
    can_focus = False


class GuideLine(Static):
    """Guided mode: the guide's next step, above the footer."""

    DEFAULT_CSS = """
    GuideLine {
        dock: bottom;
        margin-bottom: 1;  /* docked widgets overlap: the screen's key hints keep the last line */
        width: 1fr;
        height: 1;
        padding: 0 1;
        background: $accent;
        color: $background;
        text-style: bold;
    }
    """
    can_focus = False


class ClassAids:
    """The app's aids: which are on, the keys pressed, the guide's progress."""

    def __init__(self, app: App[None], options: ClassOptions, device: Device) -> None:
        self.app = app
        self.device = device
        self.options = options
        opts = options
        self.show_keys = opts.show_keys
        self.guided = opts.guided
        unicode = bool(getattr(app, "unicode_terminal", True))
        self.keys = KeyLog("×" if unicode else "x", "…" if unicode else "...")
        self.progress: GuideProgress | None = None
        self._fade: Timer | None = None

    def start(self) -> None:
        """On the app's mount: the theme, then the aids on every screen shown from now on."""
        self.app.register_theme(HIGH_CONTRAST)
        if self.options.theme == HIGH_CONTRAST.name:
            self.set_high_contrast(True)
        self.app.screen_change_signal.subscribe(self.app, lambda _screen: self._place_now_and_after())
        self.app.call_after_refresh(self.place)

    def _place_now_and_after(self) -> None:
        """A new screen: place the aids now and again once it is drawn, when its key hints are
        there to measure (placed before them, the box took the whole key line, over "F1 Help")."""
        self.place()
        self.app.call_after_refresh(self.place)

    # -- toggles (the command palette) ------------------------------------------------------
    def set_high_contrast(self, on: bool) -> None:
        self.app.set_class(on, "-high-contrast")
        if on:
            self.app.theme = HIGH_CONTRAST.name
        elif self.app.theme == HIGH_CONTRAST.name:
            real_16 = is_16_colour(self.app.console.color_system) and not self.app.is_headless
            self.app.theme = PANEL_16.name if real_16 else "textual-dark"

    def toggle_keys(self) -> None:
        self.show_keys = not self.show_keys
        self.keys.clear()
        self.place()

    def toggle_guided(self) -> None:
        self.guided = not self.guided
        self.place()

    # -- the widgets on the shown screen ----------------------------------------------------
    def place(self) -> None:
        """Mount (or remove) the aids on the current screen, and bring them up to date."""
        try:
            screen: Screen[object] = self.app.screen
        except ScreenStackError:  # no screen yet, or none any more (the app is ending)
            return
        if isinstance(screen, SystemModalScreen) and not self.show_keys:
            return
        if getattr(screen, "HIDES_CLASS_AIDS", False):
            # the "too small" notice: the guide line and the key box were drawn under it, cut
            # off; they come back on the screen below once the notice goes (a screen change)
            for aid in [*screen.query_children(AidsRack), *screen.query_children(GuideLine),
                        *screen.query_children(KeyRow)]:
                aid.remove()
            return
        racks = list(screen.query_children(AidsRack))
        if self.show_keys and not racks:
            box = KeyBox(" ".join(self.keys.texts()), markup=False)
            box.display = bool(self.keys)
            rack = AidsRack(box)
            rack.set_class(self.guided, "-guided")
            screen.mount(rack)
        elif not self.show_keys:
            for rack in racks:
                rack.remove()
        for rack in racks:
            rack.set_class(self.guided, "-guided")
        room = key_line_room(screen)
        # a full key line, or keys that do not fit what it leaves: the box goes on the line
        # above (showing only the newest key there hid the Down ×3 that picks OAuth2), and
        # stays there until the keys fade, so the content does not jump at every key
        shown = self.show_keys and bool(self.keys)
        wide = cell_len(" ".join(self.keys.texts())) + 2 > room
        above = room < KEY_ROOM_MIN or (shown and (wide or screen.has_class(_KEYS_ABOVE)))
        # over a see-through screen (the command palette) the key line is the one below it, and
        # every line above is the palette's list (drawn over every layer): the box stays beside
        # that key line's hints, with the newest keys that fit there, or none
        beside_below = len(_showing_through(screen)) > 1
        if beside_below:
            above = False
        screen.set_class(shown and above, _KEYS_ABOVE)
        if above:
            room = screen.size.width or self.app.size.width
        for rack in screen.query_children(AidsRack):
            rack.styles.margin = (0, 0, (1 + int(self.guided)) if above else 0, 0)
        self._keep_key_row(screen, self.show_keys and above)
        text = fit_keys(self.keys.texts(), room)
        if beside_below and cell_len(text) + 2 > room:
            text = ""  # not even the newest key fits: it would cover a hint
        for box in screen.query(KeyBox):
            box.update(text)
            box.display = bool(text)
            # a key longer than the room left: no padding, so it covers as little as it can
            box.set_class(cell_len(text) + 2 > room, "-tight")
        lines = list(screen.query_children(GuideLine))
        # every screen but the command palette: a dialog hides the screen below it
        want_line = self.guided and not isinstance(screen, SystemModalScreen)
        if want_line and not lines:
            if self.progress is None:
                self.progress = GuideProgress.of(self.device)
            line = GuideLine(self._guide_text(), markup=False)
            screen.mount(line)
        elif not want_line:
            for line in lines:
                line.remove()
        else:
            for line in lines:
                line.update(self._guide_text())

    def _keep_key_row(self, screen: Screen[object], wanted: bool) -> None:
        """The key box's own row above the key line (and the guide line), kept while the keys
        are shown, pressed or not: the screen's content does not jump at every key."""
        rows = list(screen.query_children(KeyRow))
        if wanted and not rows:
            rows = [KeyRow()]
            screen.mount(rows[0])
        elif not wanted:
            for row in rows:
                row.remove()
            return
        for row in rows:
            row.styles.margin = (0, 0, 1 + int(self.guided), 0)

    def _guide_text(self) -> str:
        step = self.progress.next_step if self.progress is not None else None
        if step is None:
            return self.device.t("panel.guided.done")
        surface = str(getattr(self.app, "current_mode", "panel"))
        return self.device.t("panel.guided.next", step=self.device.t(step_message(step, surface)))

    # -- what the app hears -----------------------------------------------------------------
    def key(self, event: events.Key) -> None:
        """A key for the app: shown in the box (the key goes on to its widget as before)."""
        if not self.show_keys:
            return
        focused = self.app.focused
        secret = isinstance(focused, Input) and focused.password
        typed = bool(event.is_printable and event.character and event.key != "space")
        self.keys.add(key_label(event, secret, self.device.t), typed=typed, secret=secret)
        self.app.call_after_refresh(self._show_keys)

    def _show_keys(self) -> None:
        self.place()
        if self._fade is not None:
            self._fade.stop()
        self._fade = self.app.set_timer(KEY_FADE, self._hide_keys)

    def _hide_keys(self) -> None:
        self.keys.clear()
        self.place()

    def heard(self, message: DeviceChanged) -> None:
        """A device event: the guide may have moved on."""
        if not self.guided:
            return
        if self.progress is None:
            self.progress = GuideProgress.of(self.device)
        changed = self.progress.hear(message.kind, message.detail)
        if message.kind == "jobs":
            self.progress.note_jobs(self.device)
        if changed:
            self.place()
