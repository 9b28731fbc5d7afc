"""The panel's status bar: network icon, admin lock icon and the device clock."""

from __future__ import annotations

from rich.cells import cell_len

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, Static

from panel_tui.ui.host import host


class LockIcon(Button):
    """The admin lock icon: selecting it logs in (locked) or out (unlocked).

    A button so that it is reachable by keyboard; it always shows a word beside the glyph.
    """

    DEFAULT_CSS = """
    LockIcon { height: 1; min-width: 4; border: none; padding: 0; margin: 0 1; }
    """

    class Selected(Message):
        """The user selected the lock icon."""

    def __init__(self) -> None:
        super().__init__("", id="lock-icon", compact=True)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Selected())

    def watch_has_focus(self, has_focus: bool) -> None:
        # (a watcher, not Focus/Blur handlers: at start-up the screen's auto-focus and Home's
        # own focus can leave a Blur unhandled, and the markers would stay)
        super().watch_has_focus(has_focus)
        bar = self.parent
        if isinstance(bar, StatusBar) and self.is_mounted:
            bar.refresh_status()


class StatusBar(Horizontal):
    """One line at the top of every panel screen."""

    DEFAULT_CSS = """
    StatusBar { height: 1; dock: top; background: $panel; }
    StatusBar > #net { width: auto; padding: 0 1; }
    StatusBar > #device-name { width: 1fr; color: $text-muted; }
    StatusBar > #device-name.-scenario { color: $text; text-style: bold; }
    StatusBar > #clock { width: auto; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        #: what each part shows now (see `_put`)
        self._shown: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="net", markup=False)
        yield Static(id="device-name", markup=False)
        yield LockIcon()
        yield Static(id="clock", markup=False)

    def on_mount(self) -> None:
        self.refresh_status()

    def refresh_status(self) -> None:
        """Re-read the device: cheap enough for the 1 s tick.

        The tick can reach a bar whose screen is still composing it (or tearing it down): its
        children are not there yet, and `on_mount` paints it once they are.
        """
        if not self.is_mounted or not self.query("#clock"):
            return
        app = host(self)
        device = app.device
        g = app.glyphs
        net = device.network_status()
        kind = net.connection
        if not net.connected:
            text = f"{g.offline} {app.t('panel.status.offline')}"
        elif kind == "wifi":
            text = f"{g.wifi} {app.t('panel.status.wifi')}"
        else:
            text = f"{g.wired} {app.t('panel.status.wired')}"
        self._put("#net", text)
        scenario = _scenario_setting_up(self.app)  # instead of the device name until it is set up
        name = self.query_one("#device-name", Static)
        name.set_class(scenario is not None, "-scenario")
        self._put("#device-name", app.t("panel.status.scenario", id=scenario) if scenario else str(net.device_name))
        lock = self.query_one(LockIcon)
        admin = device.admin
        lock.display = bool(admin.lock_active)
        locked, unlocked = f"{g.locked} {app.t('panel.lock.locked')}", f"{g.unlocked} {app.t('panel.lock.unlocked')}"
        # one width for both words (the longer): a lock that grows on login would push the clock
        # past the edge until the next layout ("2026.11.28 09:")
        width = max(cell_len(locked), cell_len(unlocked))
        if admin.logged_in:
            label = unlocked
            lock.set_class(True, "-unlocked")
            lock.tooltip = app.t("panel.lock.logout_hint")
        else:
            label = locked
            lock.set_class(False, "-unlocked")
            lock.tooltip = app.t("panel.lock.login_hint")
        # Focused, the icon wears the same markers as the current Home tile: not colour alone.
        # Unfocused, blanks hold their place, so the icon's width never changes.
        pad = " " * (width - cell_len(label))
        if lock.has_focus:
            lock.label = f"{g.cursor_left}{label}{g.cursor_right}{pad}"
        else:
            lock.label = f"{' ' * len(g.cursor_left)}{label}{' ' * len(g.cursor_right)}{pad}"
        self._put("#clock", device.format_datetime())

    def _put(self, selector: str, text: str) -> None:
        """Update a part only when its text changed: ``Static.update`` asks for a layout of
        the whole screen, and the bar is refreshed on every tick and device event."""
        if self._shown.get(selector) != text:
            self._shown[selector] = text
            self.query_one(selector, Static).update(text)


def _scenario_setting_up(app: object) -> str | None:
    """``scenario_runner.setting_up``, imported only once a scenario was asked for (the status
    bar is on the first frame, and most panels never run a scenario)."""
    if getattr(app, "scenario_runner", None) is None and not getattr(app, "startup_scenario", None):
        return None
    from panel_tui.scenario_runner import setting_up

    return setting_up(app)  # type: ignore[arg-type]
