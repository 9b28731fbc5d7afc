"""PanelScreen: status bar, breadcrumbs, content, key hints; relabels on a language switch."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget

from panel_tui import menu_tree
from panel_tui.ui.host import PanelHost, follow_app, host, unfollow_app
from panel_tui.ui.textual_fixes import styled_with_current_css
from panel_tui.widgets.chrome import Breadcrumbs, KeyHints, update_key_line
from panel_tui.widgets.status_bar import LockIcon, StatusBar

if TYPE_CHECKING:
    from device_model import Device
    from device_model.i18n import Msg
    from panel_tui.menu_tree import MenuNode
    from panel_tui.messages import DeviceChanged


def is_locked(device: Device, node: MenuNode) -> bool:
    """Whether selecting `node` needs the admin password now."""
    admin = device.admin
    if not admin.lock_active or admin.logged_in:
        return False
    return node.locked or device.profile.is_locked_item(node.id)


def crumb_labels(panel: PanelHost, node: MenuNode) -> list[str]:
    """Breadcrumb labels from Settings down to `node`, in the current language."""
    has_gs = panel.device.profile.has_general_settings
    return [
        panel.t(n.label_key)
        for n in menu_tree.path_to(node.id)
        if has_gs or n.id != "general_settings"
    ]


class PanelScreen(Screen[object]):
    """Base of every panel screen.

    Subclasses implement `compose_body()`; everything they show is taken from the catalog in
    `compose`, so a language switch simply recomposes the screen. A screen opened from a menu
    node gets it as `node` and shows its path as breadcrumbs; others override `crumbs()`.
    """

    HELP_KEY = "panel.help.generic"
    HINTS_KEY = "panel.hints.default"
    #: where Enter does something else than `HINTS_KEY` says, the key line for it: by the focused
    #: widget's id, or "select" for any drop-down (Enter opens its list). A person read "Enter
    #: Save" on a drop-down or on Cancel, pressed it, and got the list, or left without saving.
    FOCUS_HINTS: ClassVar[dict[str, str]] = {}
    #: Job Status from every panel screen (Home's tile names the key; Esc comes back here)
    BINDINGS = [Binding("ctrl+j", "job_status", show=False)]

    def __init__(self, node: MenuNode | None = None) -> None:
        super().__init__()
        self._composed_language: str | None = None
        #: the Settings item this screen was opened from (None: from Home, or a dialog)
        self.node = node
        #: where the person was before moving to the lock icon (focus goes back there after it)
        self._focus_before_lock: Widget | None = None

    @property
    def panel(self) -> PanelHost:
        return host(self)

    @property
    def device(self) -> Device:
        return self.panel.device

    def t(self, key: str | Msg, **params: object) -> str:
        return self.panel.t(key, **params)

    def crumbs(self) -> Sequence[str]:
        return crumb_labels(self.panel, self.node) if self.node else []

    def compose(self) -> ComposeResult:
        self._composed_language = self.panel.language
        yield StatusBar()
        parts = self.crumbs()
        if parts:
            yield Breadcrumbs(parts, id="breadcrumbs")
        yield from self.compose_body()
        yield KeyHints(self.t(self.HINTS_KEY), id="hints")

    def compose_body(self) -> ComposeResult:
        yield from ()

    def action_job_status(self) -> None:
        """Ctrl+J: Job Status over this screen (Job Status itself does nothing)."""
        self.panel.open_item("job_status")

    @on(events.Mount)
    def _follow_app(self) -> None:
        follow_app(self, device=self.device_changed, language=self.language_changed)
        # styled as it mounts: coming back to it from F3/F4 need not restyle the whole panel
        styled_with_current_css(self)

    @on(events.Unmount)
    def _unfollow_app(self) -> None:
        unfollow_app(self)

    def device_changed(self, message: DeviceChanged) -> None:
        """Every device event, shown or not; screens that show device state override this."""

    def language_changed(self) -> None:
        """After a language switch: recompose now if shown, else when shown again."""
        if self.is_current:
            self.refresh(recompose=True)

    def on_screen_resume(self) -> None:
        if self._composed_language is not None and self._composed_language != self.panel.language:
            self.refresh(recompose=True)
        else:
            self.panel.refresh_status()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if not isinstance(event.widget, LockIcon):
            self._focus_before_lock = event.widget
        if self.FOCUS_HINTS:
            self.call_later(self._hints_for_focus)  # where the focus ends (a pick may move it on)

    def _hints_for_focus(self) -> None:
        """The key line for the focused widget (`FOCUS_HINTS`), else the screen's own."""
        from textual.widgets import Select

        focused = self.focused
        if focused is None or isinstance(focused.parent, Select):  # the open list: unchanged
            return
        kind = "select" if isinstance(focused, Select) else focused.id or ""
        key = self.FOCUS_HINTS.get(kind, self.HINTS_KEY)
        for hints in self.query("#hints").results(KeyHints):
            update_key_line(hints, self.t(key))

    @on(LockIcon.Selected)
    def _lock_icon(self) -> None:
        self.toggle_login()

    def toggle_login(self) -> None:
        """Lock icon: log in when locked (keypad), log out when unlocked.

        Either way focus goes back to where the person was before the icon, so that the next
        Enter opens what they were on instead of toggling the lock again.
        """
        admin = self.device.admin
        if admin.logged_in:
            admin.logout()
            self.notify(self.t("panel.lock.logged_out"))
            self.panel.note_login_change()
            self.leave_lock_icon()
        else:
            from panel_tui.screens.keypad import KeypadScreen

            def done(ok: bool | None) -> None:
                if ok:
                    self.panel.note_login_change()
                    # after the screen's own focus restore (which picks the icon again)
                    self.call_after_refresh(self.leave_lock_icon)

            self.app.push_screen(KeypadScreen(), done)

    def leave_lock_icon(self) -> None:
        """Put focus back where it was before the lock icon (the first field if nothing was)."""
        if not isinstance(self.focused, LockIcon):
            return
        target = self._focus_before_lock
        if target is not None and target.is_attached and target.focusable:
            target.focus()
        else:
            self.focus_next()
