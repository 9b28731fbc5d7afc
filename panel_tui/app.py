"""PanelApp: the Textual app holding one Device and three surfaces (modes).

Only what the first frame needs is imported here; the other screens are imported when
opened (`panel_tui.screens.registry`), Web Config and Cloud when first shown (`panel_tui.surfaces`).

State reaches screens one way: the device's events become `DeviceChanged` messages on the
app's loop, and the app publishes each on `device_events` (a Textual `Signal`) to every screen
that subscribed, shown or not; the device's language is the app's reactive `language`, and each
switch is published on `language_events`. Screens subscribe with `follow_app` and unsubscribe
when unmounted (`unfollow_app`). Screens see the app as `panel_tui.ui.host.PanelHost` and never import this module.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING, Any, Literal, overload

from textual import events, on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.screen import Screen, ScreenResultCallbackType, ScreenResultType
from textual.signal import Signal
from textual.worker import Worker, WorkerState

from panel_tui.class_aids import ClassAids
from panel_tui.class_options import ClassOptions
from panel_tui.config import AppConfig
from panel_tui.icons import Glyphs, choose_glyphs
from panel_tui.messages import DeviceChanged, post_from_any_thread
from panel_tui.surfaces import SURFACES, scenario_commands
from panel_tui.terminal_caps import PANEL_16, is_16_colour, panel_variables, unicode_ok, use_ascii_borders
from panel_tui.ui.gc_pause import GcPause
from panel_tui.ui.css_speedups import rule_sets_hashed_by_identity_in_c
from panel_tui.ui.idle_gc import POLL, IdleCollector
from panel_tui.ui.keygate import KeyGate
from panel_tui.ui.textual_fixes import (
    compact_widget_dicts,
    lazy_strip_caches,
    lazy_timer_sets,
    mark_new_screen_styled,
    parse_css_once,
    release_dead_widgets_render_caches,
    restyle_resumed_screens_only_when_stale,
    shared_node_sets,
    short_event_waiters,
    short_message_queues,
    skip_style_updates_before_mount,
    slim_component_nodes,
)

if TYPE_CHECKING:
    from textual.widget import AwaitMount

    from device_model import Device, DeviceEvent
    from device_model.i18n import Msg
    from device_model.notifications import NotificationDispatcher
    from panel_tui.cloud_link import CloudLink, CloudLinkStatus
    from panel_tui.menu_tree import MenuNode
    from panel_tui.scenario_runner import ScenarioRunner
    from textual.driver import Driver
    from textual.theme import Theme

log = logging.getLogger(__name__)

#: seconds an exit waits at most for a screen built ahead to finish mounting (`PanelApp.exit`)
CLOSE_WAIT = 3.0


def _still_mounting(screen: Screen[Any]) -> bool:
    """``screen`` or a node of it has not finished mounting."""
    return screen.is_running and any(not node.is_mounted for node in screen.walk_children(with_self=True))


def freeze_start_up_heap() -> int:
    """After the first frame: keep the objects made so far out of every later garbage collection.

    Imports, the theme, the stylesheet and Home live as long as the panel, yet each full
    collection walked all ~57 000 of them again; full collections come every few hundred
    widgets made, so they landed on keys (the first F4, a letter typed in Scan's To field:
    100-285 ms each in the walk). Young objects are collected first (cheap), so little garbage
    is frozen with them; objects that die later are freed as before. Returns how many are frozen.
    """
    import gc

    gc.collect(1)
    gc.freeze()
    return gc.get_freeze_count()


#: The smallest terminal the surfaces are laid out for; below it a notice shows instead.
MIN_COLS, MIN_ROWS = 80, 24


class PanelApp(App[None]):
    """The printer's control panel, its Web Config and the simulated cloud, one device."""

    CSS_PATH = "app.tcss"
    TITLE = "panel-tui"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {scenario_commands}
    MODES = dict(SURFACES)
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
        # Ctrl+C quits with status 130, as the README promises and a shell user expects
        # (Textual's own Ctrl+C only told, in English and with its markup tags showing, to press
        # Ctrl+Q). Priority: a focused field's "copy" would take it first. Over SSH it ends that
        # student's panel only (each session is its own process); the class server goes on.
        Binding("ctrl+c", "interrupt", show=False, priority=True, system=True),
    ]

    language: reactive[str] = reactive("en", init=False)

    def __init__(self, device: Device, config: AppConfig | None = None, *, tick: bool = True,
                 cloud: bool = True, icons: str | None = None,
                 class_options: ClassOptions | None = None) -> None:
        """`tick=False` and `cloud=False` are for tests: no 1 s timer, no embedded tenant.

        `icons` is "unicode", "ascii" or "auto" (default: $PANEL_TUI_ICONS, else auto: ASCII
        when the terminal has only 16 colours or the locale's encoding is not UTF-8). Tests pin
        it so snapshots don't depend on $TERM or $LANG. `class_options` default: $PANEL_TUI_*.
        """
        super().__init__()
        release_dead_widgets_render_caches()
        lazy_strip_caches()
        lazy_timer_sets()
        shared_node_sets()
        short_message_queues()
        short_event_waiters()
        slim_component_nodes()
        compact_widget_dicts()  # after shared_node_sets: its empty set is one of the constants
        skip_style_updates_before_mount()
        restyle_resumed_screens_only_when_stale()
        rule_sets_hashed_by_identity_in_c()
        parse_css_once(self)
        self.icons = icons or os.environ.get("PANEL_TUI_ICONS", "auto")
        #: the locale says the terminal expects UTF-8 (else: ASCII glyphs and borders)
        self.unicode_terminal = unicode_ok()
        self._undo_ascii_borders: Callable[[], None] | None = None
        self.register_theme(PANEL_16)
        self.device = device
        self.config = config or AppConfig(state_dir=device.state_dir)
        self.cloud_link: CloudLink | None = None
        self.class_options = class_options or ClassOptions.from_environ()
        #: the trainer aids: key box, guided mode, high-contrast theme (panel_tui.class_aids)
        self.aids = ClassAids(self, self.class_options, device)
        #: keys typed faster than a page opens wait for it (panel_tui.ui.keygate)
        self._key_gate = KeyGate(self, self._key_through)
        #: the garbage collector waits from a key to the frame it repaints (panel_tui.ui.gc_pause)
        self._gc_pause = GcPause()
        #: what the panel let go of is collected in the keyboard's pauses (panel_tui.ui.idle_gc)
        self.idle_gc = IdleCollector()
        #: the app's one scenario runner (`panel_tui.scenario_runner.runner_for`)
        self.scenario_runner: ScenarioRunner | None = None
        #: a Cloud surface created now opens on this tab (the command palette's "Scenario: ...")
        self.cloud_first_tab: str | None = None
        #: every device event, on the loop, to every screen that subscribed (shown or not)
        self.device_events: Signal[DeviceChanged] = Signal(self, "device-events")
        #: the cloud link's state changes (`CloudLinkStatus`), to the screens that subscribed
        self.link_events: Signal[CloudLinkStatus] = Signal(self, "link-events")
        #: the new language after each switch, to the screens that subscribed (`follow_app`)
        self.language_events: Signal[str] = Signal(self, "language-events")
        self._tick_enabled = tick
        self._cloud_enabled = cloud
        self._unsubscribe: Callable[[], None] | None = None
        #: Email Notification's sender, running while the app is mounted
        self.notifications: NotificationDispatcher | None = None
        self._device_loop: asyncio.AbstractEventLoop | None = None
        self._was_logged_in = False
        self._home_on_return = False
        #: `panel-tui --scenario ID`: applied once the cloud link is ready (panel_tui.scenario_runner)
        self.startup_scenario: str | None = None
        #: surfaces' first screens built ahead and not shown yet, by mode (`prepare_surface`)
        self._prepared_surfaces: dict[str, Screen[Any]] = {}
        #: screens built ahead, until they have finished mounting (`prepare_screen`, `exit`)
        self._screens_ahead: list[Screen[Any]] = []
        #: when the exit was first asked for while a screen built ahead still mounted
        self._exit_asked_at: float | None = None
        self.set_reactive(PanelApp.language, device.language)

    def get_driver_class(self) -> type[Driver]:
        """Textual's choice, except that a terminal gets the panel's driver (an Escape that is
        not held back 100-200 ms: `panel_tui.ui.driver`); `TEXTUAL_DRIVER` (the browser) and
        other platforms keep theirs."""
        from textual.drivers.linux_driver import LinuxDriver

        chosen = super().get_driver_class()
        if chosen is not LinuxDriver:
            return chosen
        from panel_tui.ui.driver import PanelDriver

        return PanelDriver

    def get_theme(self, theme_name: str) -> Theme | None:
        """Textual's lookup without its two dict copies per call.

        Textual's `get_theme` copies every registered theme (`available_themes`) twice per
        lookup, and `current_theme`/`ansi_theme` look up once per rendered line: on a page
        change that was about half of the repaint's CPU. Same answer: the first registered
        name of a comma-separated list, or None.
        """
        themes = self._registered_themes
        for name in theme_name.split(","):
            theme = themes.get(name.strip())
            if theme is not None:
                return theme
        return None

    def get_css_variables(self) -> dict[str, str]:
        """The theme's variables, plus the panel's own with their default for other themes."""
        variables = super().get_css_variables()
        dark = self.current_theme.dark if self.current_theme is not None else True
        for name, value in panel_variables(variables, dark=dark).items():
            variables.setdefault(name, value)
        return variables

    # -- helpers screens use -------------------------------------------------
    def t(self, key: str | Msg, **params: object) -> str:
        """A catalog text in the device's current language."""
        return self.device.t(key, **params)

    @property
    def glyphs(self) -> Glyphs:
        """Status glyphs for this terminal (see `icons`)."""
        return choose_glyphs(self.icons, unicode_terminal=self.unicode_terminal,
                             color_system=self.console.color_system)

    # -- lifecycle ---------------------------------------------------------------
    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every toast is plain text, whatever the caller asked: toasts carry file names, server
        replies and scenario errors, and one ``[/]`` in them would stop the app (MarkupError).

        One notice at a time, the newest replacing the one before: stacked, two filled half the
        screen's height and hid Home's tiles a person had to select next (Web Config, Job/Status)."""
        self.clear_notifications()
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def _redraw_borders(self) -> None:
        for widget in self.screen.walk_children():
            widget.refresh()

    def on_mount(self) -> None:
        if is_16_colour(self.console.color_system) and not self.is_headless:
            # A real terminal with 16 colours: a theme of exactly those colours, readable on a
            # projector. (Headless test runs keep the default theme, whatever $TERM says.)
            self.theme = PANEL_16.name
        self.aids.start()
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

        for problem in problem_notices(list(self.device.startup_problems)):
            # A corrupt state file was moved aside and replaced by defaults: say so once.
            self.notify(self.device.t(problem), severity="warning", timeout=10)
        if self._tick_enabled:
            self.set_interval(1.0, self.tick, name="device-tick")
        if self._cloud_enabled:
            # after the first frame: even importing the link (sqlite3 for its admin errors) is
            # start-up time a person waits through
            self.call_after_refresh(self._start_cloud_link)
        if self.startup_scenario:
            self._start_requested_scenario()

        self.call_after_refresh(self.check_size)
        self.call_after_refresh(self._after_first_frame)

    def _after_first_frame(self) -> None:
        """What start-up made stays out of later garbage collections (`freeze_start_up_heap`),
        screens left are collected while the keyboard is quiet (`IdleCollector`), and the surface a
        person is heading to is built ahead in the same pauses (`WarmUp`)."""
        if not self.is_headless:  # tests run many apps in one process: nothing of theirs is kept
            freeze_start_up_heap()
            from panel_tui.ui.warm_up import WarmUp

            warm_up = WarmUp(self, self.idle_gc.quiet_for)

            def idle() -> None:
                if not self.idle_gc.poll():  # one pause, one of the two
                    warm_up.poll()

            self.set_interval(POLL, idle, name="idle-gc")

    async def _replace_screen(self, screen: Screen[Any]) -> Screen[Any]:
        """Textual's, and a screen removed (not merely hidden) is garbage to collect."""
        replaced = await super()._replace_screen(screen)
        if not replaced.is_attached:
            self.idle_gc.screen_left()
        return replaced

    def _start_cloud_link(self) -> None:
        """The embedded tenant (or --cloud URL, or Microsoft) starts after the first frame.

        "After the first frame" means on the terminal, not just composed: `call_after_refresh`
        runs once the frame is handed to Textual's writer thread, and a tenant starting then
        (imports, SQLite, TLS: ~15 ms of CPU under the GIL) delayed the frame's own output.
        """
        from panel_tui.cloud_link import START_DELAY, CloudLink

        if self.cloud_link is None:
            self.cloud_link = CloudLink(self.device, self.config)
        self.set_timer(START_DELAY, partial(self.cloud_link.start, self), name="cloud-link")

    # -- terminal size -------------------------------------------------------------
    def too_small(self) -> bool:
        width, height = self.size
        return width < MIN_COLS or height < MIN_ROWS

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self.check_size)

    def check_size(self) -> None:
        """Below 80×24 cover the surface with a notice instead of a cut layout."""
        from panel_tui.screens.too_small import cover_if_too_small

        cover_if_too_small(self, too_small=self.too_small())

    def action_command_palette(self) -> None:
        """Textual's palette, with its placeholder in the device's language and its search icon
        from this terminal's glyphs (Textual's are English and an emoji, whatever the panel)."""
        from textual.command import CommandPalette, SearchIcon

        if self.use_command_palette and not CommandPalette.is_open(self):
            search = self.glyphs.search

            class Palette(CommandPalette):
                def on_mount(self) -> None:
                    for widget in self.query(SearchIcon):
                        widget.icon = search

            self.push_screen(Palette(placeholder=self.t("panel.command.placeholder"), id="--command-palette"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While the notice shows, only quitting works: no surface or screen behind it changes.
        if action in ("help", "surface", "home", "back", "command_palette") and self.too_small():
            return False
        return super().check_action(action, parameters)

    def on_cloud_link_status(self, message: CloudLinkStatus) -> None:
        """The cloud link changed state (posted by the link, from its thread): tell the screens;
        start a --scenario once it is ready."""
        self.link_events.publish(message)
        if self.startup_scenario:
            self._start_requested_scenario()
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker the app runs itself (a scenario) failed unexpectedly: say so."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.worker_failed(event.worker.error)

    def worker_failed(self, error: BaseException) -> None:
        """The one place where a worker's unexpected failure (a bug) becomes words for the
        person and a log entry; never swallowed (see `panel_tui.ui.workers.reported`)."""
        from panel_tui.ui.text import describe_error

        log.error("a worker failed", exc_info=error)
        self.notify(describe_error(self, error), severity="error", timeout=10, markup=False)

    def _start_requested_scenario(self) -> None:
        from panel_tui.scenario_runner import start_requested

        start_requested(self)

    def on_unmount(self) -> None:
        self._gc_pause.resume()
        if self._undo_ascii_borders is not None:
            self._undo_ascii_borders()
            self._undo_ascii_borders = None
        if self.cloud_link is not None:
            self.cloud_link.stop()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self.notifications is not None:
            self.notifications.stop()
            self.notifications = None

    def _on_device_event(self, event: DeviceEvent) -> None:
        """Device callback, possibly from a worker thread: a `DeviceChanged` on the loop."""
        post_from_any_thread(self, self._device_loop, DeviceChanged(event.kind, event.detail))

    @on(DeviceChanged)
    def _device_changed(self, message: DeviceChanged) -> None:
        if message.kind == "problem" and message.detail is not None:
            # a state file found bad while running (e.g. the token cache at a send): say so once
            self.notify(self.device.t(message.detail), severity="warning", timeout=10)
        lang = self.device.language
        if lang != self.language:
            self.language = lang
        if message.kind != "jobs":  # a job's progress changes nothing the status bar shows
            self.refresh_status()
        self.aids.heard(message)
        self.device_events.publish(message)

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

        for screen in self.screen_stack[-1:]:  # none for a moment while a surface is first made
            for bar in screen.query(StatusBar):
                bar.refresh_status()

    def note_login_change(self) -> None:
        """After a login/logout, for the timeout watcher (padlocks follow the "admin" event)."""
        self._was_logged_in = bool(self.device.admin.logged_in)
        self.refresh_status()

    @property
    def key_gate(self) -> KeyGate:
        """Keys typed while the previous key's work goes on wait for it (`hold_keys`)."""
        return self._key_gate

    async def on_event(self, event: events.Event) -> None:
        # A key typed while the previous key's page is still opening waits for it (KeyGate)
        if isinstance(event, events.Key) and not event.is_forwarded:
            self._gc_pause.key()
            await self._key_gate.key(event)
            return
        await super().on_event(event)

    def _display(self, screen: Screen[object], renderable: Any) -> None:
        """Textual's (8.2.8, pinned), then the collector a key paused runs again once the frame
        that key waited for is out (`panel_tui.ui.gc_pause`): in a terminal once the writer
        thread has flushed it (a collection holds the GIL the writer needs: resumed as the frame
        was queued, a collection delayed its output by its own length), else at once."""
        after_flush = getattr(self._driver, "call_after_flush", None)
        if renderable is not None and self._gc_pause.paused and after_flush is not None:
            after_flush(self._gc_pause.resume)  # before the write: its flush may come first
        super()._display(screen, renderable)
        if renderable is not None and after_flush is None:
            self._gc_pause.resume()

    async def _key_through(self, event: events.Key) -> None:
        """A key's turn (KeyGate): Textual's own handling, after what the panel does for
        every key. Every key press is activity: it keeps the admin session alive (Operation
        Time Out), unless the session has already run out."""
        admin = self.device.admin
        admin.expire_if_idle()
        if admin.logged_in:
            admin.touch()
        self.aids.key(event)
        self.idle_gc.key()
        await super().on_event(event)

    def watch_language(self, language: str) -> None:
        """The key bindings' descriptions, and every screen that follows the app (`follow_app`)."""
        self.refresh_bindings()
        self.language_events.publish(language)

    # -- actions -----------------------------------------------------------------
    def action_interrupt(self) -> None:
        """Ctrl+C: leave as a shell's Ctrl+C would (exit status 130, `cli.EXIT_INTERRUPTED`)."""
        from panel_tui.exit_codes import EXIT_INTERRUPTED

        self.exit(return_code=EXIT_INTERRUPTED)

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
        """Back to the Home screen of the panel surface, its cursor on the tile Home opens with."""
        if self.current_mode != "panel":
            self.switch_mode("panel")
        while len(self.screen_stack) > 1:
            self.pop_screen()
        from panel_tui.screens.home import HomeScreen  # loaded with the first frame

        home = self.screen_stack[0]
        if isinstance(home, HomeScreen):
            home.start_over()
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

    if TYPE_CHECKING:  # Textual's overloads: the awaitable's type follows ``wait_for_dismiss``

        @overload
        def push_screen(
            self,
            screen: Screen[ScreenResultType] | str,
            callback: ScreenResultCallbackType[ScreenResultType] | None = None,
            wait_for_dismiss: Literal[False] = False,
            *,
            mode: str | None = None,
        ) -> AwaitMount: ...

        @overload
        def push_screen(
            self,
            screen: Screen[ScreenResultType] | str,
            callback: ScreenResultCallbackType[ScreenResultType] | None = None,
            wait_for_dismiss: Literal[True] = True,
            *,
            mode: str | None = None,
        ) -> asyncio.Future[ScreenResultType]: ...

    def push_screen(
        self,
        screen: Screen[ScreenResultType] | str,
        callback: ScreenResultCallbackType[ScreenResultType] | None = None,
        wait_for_dismiss: bool = False,
        *,
        mode: str | None = None,
    ) -> AwaitMount | asyncio.Future[ScreenResultType]:
        """Textual's, with a new screen marked as styled by the CSS as it stands: a dialog left
        open on F3 (Sign In) made F3 after F4 restyle every widget of Web Config."""
        mark_new_screen_styled(screen)
        if wait_for_dismiss:
            return super().push_screen(screen, callback, wait_for_dismiss=True, mode=mode)
        return super().push_screen(screen, callback, wait_for_dismiss=False, mode=mode)

    def switch_mode(self, mode: str) -> Any:
        """Textual's (8.2.8, pinned), without the 50 ms its ``delay_update`` holds every frame
        back "to mask a brief transition": F2, F3 and F4 repainted ~60 ms after the key, ~10 ms
        of it work (``bench/walk.py``'s terminal). Nothing is drawn half-way in between: the
        surface left is no longer the current screen (Textual draws only that one), and the one
        shown is drawn when its own messages are handled, as a pushed page is."""
        self._switching_mode = True
        try:
            return super().switch_mode(mode)
        finally:
            self._switching_mode = False

    def delay_update(self, delay: float = 0.05) -> None:
        """Textual's, except while `switch_mode` calls it."""
        if getattr(self, "_switching_mode", False):
            return
        super().delay_update(delay)

    def prepare_surface(self, mode: str) -> bool:
        """Build surface ``mode``'s first screen now, not shown: its CSS loaded (a restyle of the
        whole app), the screen registered, so it composes and mounts in its own message loop as
        a screen pushed does; the first F2/F3/F4 to it then only lays it out and draws it
        (`_init_mode`). For the keyboard's pauses (`panel_tui.ui.warm_up`): the first F4 built
        ~90 widgets before its first frame, the slowest key of the guide walk.

        The screen hears the app's signals from its mount, as a surface left hidden does; what
        it does only once shown waits for its first ``ScreenResume`` (the Cloud surface's code
        page). False if the surface exists already (shown once, or prepared)."""
        if mode in self._screen_stacks or mode in self._prepared_surfaces or mode not in self._modes:
            return False
        factory = self._modes[mode]
        if not callable(factory):
            return False
        screen = factory()
        self.prepare_screen(screen)
        self._prepared_surfaces[mode] = screen
        return True

    def prepare_screen(self, screen: Screen[Any]) -> None:
        """Compose and mount ``screen`` now, not shown (`prepare_surface`; a page kept once built,
        such as Scan > Email, is then pushed as one shown before: only laid out and drawn)."""
        self._load_screen_css(screen)
        self._register(self, screen)
        self._screens_ahead.append(screen)

    def exit(self, result: Any = None, return_code: int = 0, message: Any = None) -> None:
        """Textual's (8.2.8, pinned), once every screen built ahead (`prepare_screen`) has
        finished mounting: until then the exit is asked for again a moment later. Ctrl+Q in the
        pause that builds one ended the app while it mounted: an exiting app's nodes are no
        longer attached, so the rest of it did not mount, its tab bar's Mount found no tabs, and
        the panel ended with a traceback and status 1. After `CLOSE_WAIT` seconds the exit goes
        on whatever is left."""
        self._screens_ahead = [screen for screen in self._screens_ahead if _still_mounting(screen)]
        if self._screens_ahead:
            if self._exit_asked_at is None:
                self._exit_asked_at = time.monotonic()
            if time.monotonic() - self._exit_asked_at < CLOSE_WAIT:
                self.set_timer(0.02, partial(self.exit, result, return_code, message))
                return
            log.warning("a screen built ahead was still mounting at exit")
        super().exit(result, return_code, message)

    def _init_mode(self, mode: str) -> Any:
        """Textual's (8.2.8, pinned), with a surface's screen prepared ahead (`prepare_surface`)
        used as the screen its factory would make now: Textual finds it running and only adds it
        to the mode's stack (its CSS loaded already, its styles current unless the theme changed
        meanwhile: then refreshed, as for any screen shown again)."""
        screen = self._prepared_surfaces.pop(mode, None)
        if screen is None or mode in self._screen_stacks or not screen.is_running:
            return super()._init_mode(mode)
        factory = self._modes[mode]
        self._modes[mode] = lambda: screen
        try:
            return super()._init_mode(mode)
        finally:
            self._modes[mode] = factory

    def action_surface(self, mode: str) -> None:
        if mode != self.current_mode:
            self.switch_mode(mode)
        if mode == "panel" and self._home_on_return:
            self._home_on_return = False
            self.go_home()

    def action_help(self) -> None:
        from panel_tui.screens.help import toggle_help

        toggle_help(self)

    def open_item(self, item_id: str) -> None:
        """Open a Home tile or a Settings item by id (the menu tree's screens, lazily)."""
        from panel_tui.screens.registry import open_item

        open_item(self, item_id)

    def open_node(self, node: MenuNode) -> None:
        """Open a Settings menu node (asks for the admin password first when it is locked)."""
        from panel_tui.screens.registry import open_node

        open_node(self, node)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        from panel_tui.commands import system_commands

        return system_commands(self)
