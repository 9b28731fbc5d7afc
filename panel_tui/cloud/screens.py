"""The Cloud surface (F4): the simulated tenant's sign-in pages, admin centre and mailboxes."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static, TabbedContent, TabPane, Tabs

from panel_tui.cloud.signin_pane import SignInPane
from panel_tui.cloud_link import CloudLink, CloudLinkStatus
from panel_tui.messages import DeviceChanged
from panel_tui.ui.host import follow_app, host, unfollow_app
from panel_tui.ui.renders import drop_renders, drop_renders_when_left
from panel_tui.ui.text import tr
from panel_tui.widgets.chrome import update_key_line

if TYPE_CHECKING:
    from textual.widget import AwaitMount

#: the tabs in order: name -> ("module:Class" of its pane, pane widget id); a pane's module is
#: imported when its tab is first opened (the Scenarios tab's engine and catalogue are ~0.3 MiB)
PANES: dict[str, tuple[str, str]] = {
    "signin": ("panel_tui.cloud.signin_pane:SignInPane", "signin-pane"),
    "admin": ("panel_tui.cloud.admin_pane:AdminPane", "admin-pane"),
    "mail": ("panel_tui.cloud.mail_pane:MailPane", "mail-pane"),
    "scenarios": ("panel_tui.cloud.scenarios_pane:ScenariosPane", "scenarios-pane"),
}


def pane_class(name: str) -> type[Widget]:
    """The class of tab ``name``'s pane (its module imported now if it was not yet)."""
    module, _, cls = PANES[name][0].partition(":")
    found: type[Widget] = getattr(import_module(module), cls)
    return found


class CloudScreen(Screen[None]):
    """Microsoft's pages and the tenant's admin centre (the ``cloud`` mode of the panel app)."""

    CSS_PATH = ["../ui/web_page.tcss", "cloud.tcss"]
    HELP_KEY = "cloud.help"
    #: ← → go through the tabs wherever the focused widget has no use for them (a button, a
    #: tick box, a list): the key hints promise it, and the tab bar is not a Tab press away
    BINDINGS = [
        Binding("left", "next_tab(-1)", show=False),
        Binding("right", "next_tab(1)", show=False),
        #: on the tab bar, Enter or Down goes into the open tab (its first control)
        Binding("enter", "enter_tab", show=False),
        Binding("down", "enter_tab", show=False),
    ]

    #: the key line while the cursor is in a tab that names its own keys, by the pane's id
    #: (else "cloud.hints"): on Scenarios, Enter applies and S also sends, which the surface's
    #: line ("Enter Select  Space Tick") did not say; the panel's screens do the same with
    #: ``PanelScreen.FOCUS_HINTS``
    PANE_HINTS: ClassVar[dict[str, str]] = {"scenarios-pane": "cloud.hints_scenarios"}

    #: a code was offered while another surface was shown (open the sign-in tab on return)
    _offered_while_away = False
    #: shown at least once (a surface built ahead waits for it to open its sign-in pages)
    _shown = False

    def __init__(self) -> None:
        super().__init__()
        #: the tabs' panes built when first opened, by tab name: their mounts
        self._building: dict[str, AwaitMount] = {}
        #: keys pressed on this surface: a page arriving leaves the cursor on the tab bar
        #: when the person put it there (see `SignInPane`)
        self.keys_pressed = 0

    def on_key(self) -> None:
        """Every key on its way (not stopped: the widgets and bindings still get it)."""
        self.keys_pressed += 1

    def compose(self) -> ComposeResult:
        yield Static(id="cloud-header", markup=False)  # the tenant's URL and domain: data
        # the command palette's "Scenario: ..." opens a Cloud surface not created yet on its tab
        first = host(self).cloud_first_tab or "signin"
        # the sign-in pages are always built (Web Config's sign-in offers its code there); the
        # other tabs' contents when first opened: F4 built ~100 widgets a sign-in never shows
        with TabbedContent(id="cloud-tabs", initial=f"cloud-{first}"):
            for name, (_, pane_id) in PANES.items():
                with TabPane(tr(self, f"cloud.tab.{name}"), id=f"cloud-{name}"):
                    if name in ("signin", first):
                        yield pane_class(name)(id=pane_id)
        yield Static(tr(self, "cloud.hints"), id="cloud-hints", classes="key-hints", markup=False)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.call_later(self._hints_for_focus)  # where the focus ends (a tab switch may move it on)

    def _hints_for_focus(self) -> None:
        """The key line for where the cursor is: its tab's own (`PANE_HINTS`), else the surface's."""
        key = "cloud.hints"
        focused = self.focused
        if focused is not None:
            key = next((self.PANE_HINTS[node.id] for node in focused.ancestors_with_self
                        if node.id in self.PANE_HINTS), key)
        for line in self.query("#cloud-hints").results(Static):
            update_key_line(line, tr(self, key))

    def on_mount(self) -> None:
        self._ensure_link()
        follow_app(self, device=self.device_changed, language=self.language_changed, link=self._link_status)
        self._refresh_header()

    def _first_shown(self) -> None:
        """The sign-in pages open when this surface is first shown, not when it is built: a
        surface built ahead (`PanelApp.prepare_surface`, while the person is still in Web
        Config) visits the tenant's code page when F4 shows it, as one built on the key."""
        self._shown = True
        link = self._ensure_link()
        pane = self.query_one(SignInPane)
        if link.state == "ready":
            # the code page is asked for once this surface's first frame is out: the request
            # runs in a thread (imports, TLS, HTTP) that took turns at the GIL with the build
            # and delayed the first F4's frame by ~18 ms; the page comes over HTTP after it anyway
            self.call_after_refresh(pane.restart)
            if self.query_one("#cloud-tabs", TabbedContent).active == "cloud-signin":
                # F4 then Enter and the account at once: they wait for the code page (which is
                # not "shown" yet while this surface mounts)
                pane.hold_keys_for_page()
        else:
            pane.link_changed()

    def on_screen_resume(self) -> None:
        """Back on the Cloud surface (F4): a sign-in Web Config started meanwhile is offered."""
        if not self._shown:
            self._first_shown()
        pane = self.query_one(SignInPane)
        offered = pane.follow_pending() or self._offered_while_away
        self._offered_while_away = False
        if offered:
            tabs = self.query_one("#cloud-tabs", TabbedContent)
            if tabs.active != "cloud-signin":
                tabs.active = "cloud-signin"
            pane.focus_field()

    def on_screen_suspend(self) -> None:
        """Another surface shown: what this one drew is let go (drawn again on return)."""
        drop_renders_when_left(self)

    def _ensure_link(self) -> CloudLink:
        """The app's link; when the app was started without one (tests: ``cloud=False``),
        one made and started here, and stopped when this surface goes."""
        panel = host(self)
        if panel.cloud_link is None:
            panel.cloud_link = CloudLink(panel.device, panel.config)
            panel.cloud_link.owned_by_surface = True
            panel.cloud_link.start(self.app)
        return panel.cloud_link

    def on_unmount(self) -> None:
        unfollow_app(self)
        link = host(self).cloud_link
        if link is not None and link.owned_by_surface:
            link.stop()

    def _refresh_header(self) -> None:
        link = host(self).cloud_link
        if link is None:
            text = tr(self, "cloud.link.none")
        else:
            where = link.info.base_url or "-"
            state = tr(self, f"cloud.link.state.{link.state}")
            text = tr(self, f"cloud.header.{link.mode}", url=where, state=state,
                      domain=link.info.tenant_domain or "")
        self.query_one("#cloud-header", Static).update(text)

    def _pane(self, name: str) -> Any:
        """Tab ``name``'s pane, or None until it is built and mounted (its tab is built when
        first opened, and a pane reads the tenant itself when mounted)."""
        found = self.query(f"#{PANES[name][1]}")
        return found.first() if found and found.first().is_mounted else None

    def _build(self, tab_id: str) -> AwaitMount | None:
        """Build the contents of tab ``tab_id`` if not built yet; its mount to await (None for
        a pane built with the screen)."""
        name = tab_id.removeprefix("cloud-")
        if name not in PANES:
            return None
        pane_id = PANES[name][1]
        if self.query(f"#{pane_id}"):
            return self._building.get(name)
        building = self.query_one(f"#{tab_id}", TabPane).mount(pane_class(name)(id=pane_id))
        self._building[name] = building
        return building

    def action_next_tab(self, step: int) -> None:
        tabs = self.query_one("#cloud-tabs", TabbedContent)
        ids = [pane.id for pane in tabs.query(TabPane) if pane.id]
        if tabs.active in ids:
            tabs.active = ids[(ids.index(tabs.active) + step) % len(ids)]
            self.query_one(Tabs).focus()

    def action_enter_tab(self) -> None:
        """Enter or Down on the tab bar: the focus goes into the open tab's first control.

        Anywhere else the key is not the screen's (a list, a drop-down or a field has it)."""
        if not isinstance(self.focused, Tabs):
            raise SkipAction()
        tabs = self.query_one("#cloud-tabs", TabbedContent)
        name = tabs.active.removeprefix("cloud-")
        if name in PANES:
            building = self._build(tabs.active)
            if building is None:
                self._focus_pane(name)
            else:  # a pane opened a moment ago: into it once it is built
                self.call_later(self._when_built, building, lambda: self._focus_pane(name))

    def _focus_pane(self, name: str) -> None:
        """The focus to tab ``name``'s first control."""
        pane: Any = self.query_one(f"#{PANES[name][1]}")
        pane.focus_first()

    async def _when_built(self, building: AwaitMount, action: Callable[[], object]) -> None:
        await building
        action()

    async def show_tab_focused(self, name: str) -> None:
        """Open a tab with the cursor in its first control once its pane is built (the palette's
        "Scenario: ..." on a surface made before: the cursor stayed on the tab bar)."""
        building = self._build(f"cloud-{name}")
        self.query_one("#cloud-tabs", TabbedContent).active = f"cloud-{name}"
        if building is not None:
            await building
        self._focus_pane(name)

    def show_tab(self, name: str) -> None:
        """Open a tab: "signin", "admin", "mail" or "scenarios" (its pane is built now)."""
        self._build(f"cloud-{name}")
        self.query_one("#cloud-tabs", TabbedContent).active = f"cloud-{name}"

    def _link_status(self, message: CloudLinkStatus) -> None:
        self._refresh_header()
        if self._shown:  # before, its first showing opens the pages (`_first_shown`)
            self.query_one(SignInPane).link_changed()
        for name in ("admin", "mail", "scenarios"):
            pane = self._pane(name)
            if pane is not None:
                pane.reload()

    @on(TabbedContent.TabActivated, "#cloud-tabs")
    def _tab(self, event: TabbedContent.TabActivated) -> None:
        pane_id = event.pane.id if event.pane is not None else ""
        for pane in event.tabbed_content.query(TabPane):  # what the tabs left drew
            if pane.id != pane_id:
                drop_renders(pane)
        self._build(pane_id)  # a pane just built reads the tenant when mounted (`_pane`: None)
        if pane_id == "cloud-signin":
            # arrows on the tab bar keep the focus there (← → go on through the tabs; Tab enters
            # the page); a tab opened otherwise puts the cursor in the page's field
            if not isinstance(self.focused, Tabs):
                self.query_one(SignInPane).focus_field()
        elif pane_id in ("cloud-admin", "cloud-mail", "cloud-scenarios"):
            pane = self._pane(pane_id.removeprefix("cloud-"))
            if pane is not None:
                pane.reload()

    def device_changed(self, event: DeviceChanged) -> None:
        """Every device event, shown or not: a clock change shows on the admin pane."""
        kind = event.kind
        admin = self._pane("admin")
        if kind == "clock" and admin is not None:
            admin.reload()
        elif kind == "signin":
            offered = self.query_one(SignInPane).follow_pending()
            if offered and self not in self.app.screen_stack:
                # another surface is shown: the sign-in tab opens when the person comes back
                self._offered_while_away = True
            if admin is not None:
                admin.reload()  # User / mailbox follows the printer's account

    def language_changed(self) -> None:
        self.call_later(self._relabel)

    async def _relabel(self) -> None:
        await self.recompose()
        self._refresh_header()
        self._hints_for_focus()
        if self._shown:
            self.query_one(SignInPane).link_changed()
