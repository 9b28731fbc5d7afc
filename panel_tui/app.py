"""PanelApp: the Textual app holding one Device and three surfaces (modes).

Only what the first frame needs is imported here; the other screens are imported when
opened (`panel_tui.screens.registry`), and issue 4's Web Config and Cloud surfaces are
imported lazily with a "not available yet" fallback.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Callable, Iterable
from importlib import import_module
from typing import TYPE_CHECKING, Any

from textual import events, on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.screen import Screen

from panel_tui.config import AppConfig
from panel_tui.icons import ASCII, UNICODE, Glyphs, glyphs_for
from panel_tui.messages import DeviceChanged
from panel_tui.terminal_caps import PANEL_16, is_16_colour, unicode_ok, use_ascii_borders

if TYPE_CHECKING:
    from device_model import Device

log = logging.getLogger(__name__)

SURFACES: dict[str, str] = {
    "webconfig": "panel_tui.webconfig.screens:WebConfigScreen",
    "cloud": "panel_tui.cloud.screens:CloudScreen",
}


def make_device(config: AppConfig) -> Device:
    """The Device for this config (its state dir; the session language if one was given)."""
    from device_model import Device, models

    model = getattr(config, "model", None)
    device = Device(config.state_dir, profile=models.for_state_dir(config.state_dir, model))
    if config.lang:
        set_device_language(device, config.lang)
    return device


def device_language(device: Any) -> str:
    """The language the device currently speaks."""
    lang = getattr(device, "language", None)
    if isinstance(lang, str):
        return lang
    return str(device.settings.basic.language)


def set_device_language(device: Any, lang: str) -> None:
    """Switch the device's language (persisted as Basic Settings > Language)."""
    setter = getattr(device, "set_language", None)
    if callable(setter):
        setter(lang)
    else:
        device.update("basic", language=lang)


def _load_surface(mode: str) -> Callable[[], Screen[Any]]:
    """A factory for a surface's base screen that falls back when the surface isn't built."""

    def factory() -> Screen[Any]:
        module_name, _, attr = SURFACES[mode].partition(":")
        try:
            cls = getattr(import_module(module_name), attr)
        except (ImportError, AttributeError) as exc:
            log.info("surface %s not available: %s", mode, exc)
            from panel_tui.screens.unavailable import SurfaceUnavailableScreen

            return SurfaceUnavailableScreen(mode)
        return cls()

    return factory


def _scenario_commands() -> Any:
    """The command palette's "Scenario: ..." provider, imported when the palette opens."""
    from panel_tui.cloud.scenario_runner import scenario_commands

    return scenario_commands()


#: The smallest terminal the surfaces are laid out for; below it a notice shows instead.
MIN_COLS, MIN_ROWS = 80, 24


def _home_screen() -> Screen[Any]:
    from panel_tui.screens.home import HomeScreen

    return HomeScreen()


class PanelApp(App[None]):
    """The printer's control panel, its Web Config and the simulated cloud, one device."""

    CSS_PATH = "app.tcss"
    TITLE = "panel-tui"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {_scenario_commands}
    MODES = {
        "panel": _home_screen,
        "webconfig": _load_surface("webconfig"),
        "cloud": _load_surface("cloud"),
    }
    DEFAULT_MODE = "panel"
    BINDINGS = [
        Binding("escape", "back", "Back", show=False),
        # Home is F5: a function key reaches the app from any field or list. Letters type into
        # fields, Ctrl+H arrives as Backspace and the Home key belongs to lists and fields.
        Binding("f5", "home", "Home", show=False, priority=True),
        Binding("f1", "help", "Help", show=False, priority=True),
        Binding("f2", "surface('panel')", "Panel", show=False, priority=True),
        Binding("f3", "surface('webconfig')", "Web Config", show=False, priority=True),
        Binding("f4", "surface('cloud')", "Cloud", show=False, priority=True),
    ]

    language: reactive[str] = reactive("en", init=False)

    def __init__(
        self,
        device: Device,
        config: AppConfig | None = None,
        *,
        tick: bool = True,
        cloud: bool = True,
        icons: str | None = None,
    ) -> None:
        """`tick=False` and `cloud=False` are for tests: no 1 s timer, no embedded tenant.

        `icons` is "unicode", "ascii" or "auto" (default: $PANEL_TUI_ICONS, else auto: ASCII
        when the terminal has only 16 colours or the locale's encoding is not UTF-8). Tests pin
        it so snapshots don't depend on $TERM or $LANG.
        """
        super().__init__()
        self.icons = icons or os.environ.get("PANEL_TUI_ICONS", "auto")
        #: the locale says the terminal expects UTF-8 (else: ASCII glyphs and borders)
        self.unicode_terminal = unicode_ok()
        self._undo_ascii_borders: Callable[[], None] | None = None
        self.register_theme(PANEL_16)
        self.device = device
        self.config = config or AppConfig(state_dir=device.state_dir)
        self.cloud_link: Any = None
        self._tick_enabled = tick
        self._cloud_enabled = cloud
        self._unsubscribe: Callable[[], None] | None = None
        #: device_model.notifications.NotificationDispatcher, running while the app is mounted
        self.notifications: Any = None
        self._device_loop: asyncio.AbstractEventLoop | None = None
        self._was_logged_in = False
        self._home_on_return = False
        #: `panel-tui --scenario ID`: applied once the cloud link is ready (panel_tui.cloud.scenario_runner)
        self.startup_scenario: str | None = None
        self.set_reactive(PanelApp.language, device_language(device))

    def get_css_variables(self) -> dict[str, str]:
        """The theme's variables, plus the panel's own with their default for other themes."""
        variables = super().get_css_variables()
        dark = self.current_theme.dark if self.current_theme is not None else True
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
        for name, value in defaults.items():
            variables.setdefault(name, value)
        return variables

    # -- helpers screens use -------------------------------------------------
    def t(self, key: Any, **params: Any) -> str:
        """A catalog text in the device's current language."""
        return self.device.t(key, **params)

    @property
    def glyphs(self) -> Glyphs:
        """Status glyphs for this terminal (see `icons`)."""
        if self.icons == "ascii":
            return ASCII
        if self.icons == "unicode":
            return UNICODE
        if not self.unicode_terminal:
            return ASCII
        return glyphs_for(self.console.color_system)

    # -- lifecycle ---------------------------------------------------------------
    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every toast is plain text, whatever the caller asked: toasts carry file names, server
        replies and scenario errors, and one ``[/]`` in them would stop the app (MarkupError)."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def _redraw_borders(self) -> None:
        for widget in self.screen.walk_children():
            widget.refresh()

    def on_mount(self) -> None:
        if is_16_colour(self.console.color_system) and not self.is_headless:
            # A real terminal with 16 colours: a theme of exactly those colours, readable on a
            # projector. (Headless test runs keep the default theme, whatever $TERM says.)
            self.theme = PANEL_16.name
        if self.icons == "ascii" or (self.icons == "auto" and not self.unicode_terminal):
            self._undo_ascii_borders = use_ascii_borders()
            # what was drawn before the switch (the first screen) is drawn again in ASCII
            self.call_after_refresh(self._redraw_borders)
        self._device_loop = asyncio.get_running_loop()
        self._was_logged_in = bool(self.device.admin.logged_in)
        self._unsubscribe = self.device.subscribe(self._on_device_event)
        # Email Notification: sends are scheduled on this loop, like every other email job here
        from device_model.notifications import NotificationDispatcher

        self.notifications = NotificationDispatcher(self.device, loop=self._device_loop).start()
        from device_model.device import problem_notices

        for problem in problem_notices(list(getattr(self.device, "startup_problems", ()))):
            # A corrupt state file was moved aside and replaced by defaults: say so once.
            self.notify(self.device.t(problem), severity="warning", timeout=10)
        if self._tick_enabled:
            self.set_interval(1.0, self.tick, name="device-tick")
        if self._cloud_enabled:
            # Issue 4: the embedded tenant (or --cloud URL) starts after the first frame.
            try:
                from panel_tui import cloud_link
            except ImportError:
                log.info("cloud link not available")
            else:
                cloud_link.attach(self)
        if self.startup_scenario:
            self._start_requested_scenario()

        self.call_after_refresh(self.check_size)

    # -- terminal size -------------------------------------------------------------
    def too_small(self) -> bool:
        width, height = self.size
        return width < MIN_COLS or height < MIN_ROWS

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self.check_size)

    def check_size(self) -> None:
        """Below 80×24 cover the surface with a notice (in the device's language) instead of a
        cut layout; take it away once the terminal is large enough again."""
        from panel_tui.screens.too_small import TooSmallScreen

        showing = isinstance(self.screen, TooSmallScreen)
        if self.too_small():
            if showing:
                self.screen.refresh_text()
            else:
                self.push_screen(TooSmallScreen())
        elif showing:
            self.pop_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While the notice shows, only quitting works: no surface or screen behind it changes.
        if action in ("help", "surface", "home", "back", "command_palette") and self.too_small():
            return False
        return super().check_action(action, parameters)

    def on_cloud_link_status(self, message: Any) -> None:
        """The cloud link changed state (posted by the link): start a --scenario once it is ready."""
        if self.startup_scenario:
            self._start_requested_scenario()

    def _start_requested_scenario(self) -> None:
        from panel_tui.cloud.scenario_runner import start_requested

        start_requested(self)

    def on_unmount(self) -> None:
        if self._undo_ascii_borders is not None:
            self._undo_ascii_borders()
            self._undo_ascii_borders = None
        if self.cloud_link is not None:
            from panel_tui import cloud_link

            cloud_link.detach(self)
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self.notifications is not None:
            self.notifications.stop()
            self.notifications = None

    def _on_device_event(self, event: Any) -> None:
        """Device callback, possibly from a worker thread: turn it into a Message on the loop.

        Off the loop we hand the message over with `call_soon_threadsafe` rather than
        `call_from_thread`: the device's thread must never wait for the UI (it may hold a
        device lock the UI is about to take, or the UI may be waiting for that thread).
        """
        message = DeviceChanged(getattr(event, "kind", str(event)), getattr(event, "detail", None))
        if threading.get_ident() == self._thread_id:
            self.post_message(message)
            return
        loop = self._device_loop
        if loop is None or loop.is_closed():
            return
        try:
            loop.call_soon_threadsafe(self.post_message, message)
        except RuntimeError:  # loop closed while shutting down
            pass

    @on(DeviceChanged)
    def _device_changed(self, message: DeviceChanged) -> None:
        if message.kind == "problem" and message.detail is not None:
            # a state file found bad while running (e.g. the token cache at a send): say so once
            self.notify(self.device.t(message.detail), severity="warning", timeout=10)
        lang = device_language(self.device)
        if lang != self.language:
            self.language = lang
        if message.kind != "jobs":  # a job's progress changes nothing the status bar shows
            self.refresh_status()
        for screen in self.screen_stack:
            handler = getattr(screen, "device_changed", None)
            if handler is not None:
                handler(message)

    def tick(self) -> None:
        """Once a second: the clock, and the admin session's Operation Time Out."""
        admin = self.device.admin
        admin.expire_if_idle()
        logged_in = bool(admin.logged_in)
        if self._was_logged_in and not logged_in:
            self.notify(self.t("panel.lock.timed_out"), timeout=4)
            self.panel_home()
        self._was_logged_in = logged_in
        self.refresh_status()

    def refresh_status(self) -> None:
        """Repaint status bars (clock, lock icon, network icon) on the visible screen."""
        from panel_tui.widgets.status_bar import StatusBar

        for bar in self.screen.query(StatusBar):
            bar.refresh_status()

    def note_login_change(self) -> None:
        """Screens call this after login/logout so the timeout watcher knows the state."""
        self._was_logged_in = bool(self.device.admin.logged_in)
        self.refresh_status()
        for screen in self.screen_stack:
            handler = getattr(screen, "lock_changed", None)
            if handler is not None:
                handler()

    async def on_event(self, event: events.Event) -> None:
        # Any key press is activity: it keeps the admin session alive (Operation Time Out),
        # unless the session has already run out.
        if isinstance(event, events.Key) and not event.is_forwarded:
            admin = self.device.admin
            admin.expire_if_idle()
            if admin.logged_in:
                admin.touch()
        await super().on_event(event)

    def watch_language(self, language: str) -> None:
        """Re-render every visible string in the new language, no restart needed."""
        self.refresh_bindings()
        for screen in list(self.screen_stack):
            relabel = getattr(screen, "language_changed", None)
            if relabel is not None:
                relabel()

    # -- actions -----------------------------------------------------------------
    def action_back(self) -> None:
        """Esc always means "back": close the top screen, or, at the top of Web Config or
        Cloud where there is nothing to go back to, return to the Panel (as F2 does).

        Modals and dialogs inside those surfaces are screens on the mode's stack (or bind Esc
        themselves), so they still close first.
        """
        if len(self.screen_stack) > 1:
            self.pop_screen()
        elif self.current_mode != "panel":
            self.action_surface("panel")

    def go_home(self) -> None:
        """Back to the Home screen of the panel surface."""
        if self.current_mode != "panel":
            self.switch_mode("panel")
        while len(self.screen_stack) > 1:
            self.pop_screen()
        if self.too_small():
            self.call_after_refresh(self.check_size)

    def panel_home(self) -> None:
        """Return the panel surface to Home without leaving the surface being shown:
        from another surface, the panel shows Home when the user comes back to it."""
        if self.current_mode == "panel":
            self.go_home()
        else:
            self._home_on_return = True

    def action_home(self) -> None:
        self.go_home()

    def action_surface(self, mode: str) -> None:
        if mode != self.current_mode:
            self.switch_mode(mode)
        if mode == "panel" and self._home_on_return:
            self._home_on_return = False
            self.go_home()

    def action_help(self) -> None:
        from panel_tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
            return
        default = "panel.help.generic" if self.current_mode == "panel" else f"panel.help.{self.current_mode}"
        key = getattr(self.screen, "HELP_KEY", default)
        self.push_screen(HelpScreen(key))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield SystemCommand(self.t("panel.command.panel"), self.t("panel.command.panel_help"),
                            lambda: self.action_surface("panel"))
        yield SystemCommand(self.t("panel.command.webconfig"), self.t("panel.command.webconfig_help"),
                            lambda: self.action_surface("webconfig"))
        yield SystemCommand(self.t("panel.command.cloud"), self.t("panel.command.cloud_help"),
                            lambda: self.action_surface("cloud"))
        yield SystemCommand(self.t("panel.command.home"), self.t("panel.command.home_help"), self.go_home)
        yield SystemCommand(self.t("panel.command.help"), self.t("panel.command.help_help"), self.action_help)
        yield SystemCommand(self.t("panel.command.quit"), self.t("panel.command.quit_help"), self.exit)
