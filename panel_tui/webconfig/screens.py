"""The Web Config surface: URL bar, Log in, tabs, and the Network > Email Server pages.

``WebConfigScreen`` is also the Web Config *session*: the administrator login (apart from the
panel's, as on a printer) and the pending sign-in (``SignInSession``), the printer's only after
OK (guide step 12): leaving without OK reproduces the guide's "Signed in, but not saved".
"""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from panel_tui.messages import DeviceChanged
from panel_tui.ui.host import follow_app, host, unfollow_app
from panel_tui.ui.renders import drop_renders_when_left
from panel_tui.ui.text import describe_error, tr
from panel_tui.webconfig.page_switcher import PageSwitcher, build_page, page_widget_id
from panel_tui.webconfig.pages import NotEmulatedPage, ProductStatusPage, TrainerHintsPage, device_ip
from panel_tui.webconfig.session import SignInSession
from panel_tui.webconfig.site_map import (
    ADMIN_PAGES, EMULATED, EXTRA_PAGES, NAV, NAV_FEATURES, NAV_SHORT, TAB_FEATURES, TABS,
    tab_name_key,
)
from panel_tui.webconfig.tabstrip import TabStrip
from panel_tui.widgets.chrome import update_key_line

if TYPE_CHECKING:

    from device_model.email import SignInAttempt

log = logging.getLogger(__name__)

#: the thread worker that asks the identity platform for a code
SIGNIN_WORKERS = "webconfig-signin"


class WebConfigScreen(Screen[None]):
    """The printer's admin web pages (the ``webconfig`` mode of the panel app)."""

    CSS_PATH = "../ui/web_page.tcss"
    AUTO_FOCUS = "#wc-nav"
    #: Where Web Config opens, as a real printer's does: its status page (not a settings page)
    START_TAB = "status"
    START_PAGE = "product_status"
    BINDINGS = [
        Binding("ctrl+l", "toggle_login", "Log in", show=False),
        Binding("ctrl+o", "ok", "OK", show=False),
        Binding("escape", "back_to_menu", "Back", show=False),
    ]

    logged_in: reactive[bool] = reactive(False)
    tab: reactive[str] = reactive(START_TAB)
    page: reactive[str] = reactive(START_PAGE)

    def __init__(self, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        #: the pending sign-in of this Web Config session
        self.session = SignInSession(host(self).device, self, self.begin_sign_in)

    @property
    def attempt(self) -> SignInAttempt | None:
        """The session's pending sign-in (None: none started)."""
        return self.session.attempt

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="wc-url", markup=False)
        with Horizontal(id="wc-header"):
            yield Static(self._brand(), id="wc-brand", markup=False)
            yield Static(id="wc-user", markup=False)
            yield Button(tr(self, "webconfig.login.button"), id="wc-login", compact=True)
        yield TabStrip([(t, self.tab_name(t)) for t in self.tabs()], self.tab, id="wc-tabs")
        with Horizontal(id="wc-body"):
            yield WebNav(id="wc-nav")
            # only the page shown is built; the others when first opened (`_show_page`)
            yield PageSwitcher(partial(build_page, session=self.session), self._page_widget_id(), id="wc-pages")
        yield Static(tr(self, "webconfig.hints"), id="wc-hints", classes="key-hints", markup=False)

    @property
    def HELP_KEY(self) -> str:  # noqa: N802 - the name every screen's F1 help is read from
        """F1: a page built in its own module has its own help; the rest share Web Config's."""
        return f"webconfig.page_help.{self.page}" if self.page in EXTRA_PAGES else "webconfig.help"

    def tabs(self) -> tuple[str, ...]:
        """The top tabs this model shows (no Fax tab on a model without fax, no Print tab on a
        scanner): the model's features decide (site_map.TAB_FEATURES)."""
        profile = host(self).device.profile
        return tuple(t for t in TABS if profile.has(TAB_FEATURES.get(t)))

    def tab_name(self, tab: str) -> str:
        """``tab``'s name on this model (a scanner's Scan/Copy tab is Scan: site_map.TAB_NAMES_WITHOUT)."""
        return tr(self, tab_name_key(tab, host(self).device.profile.has))

    def _brand(self) -> str:
        model = host(self).device.profile.model or "EPSON"
        return f"EPSON {model}" if not model.upper().startswith("EPSON") else model

    def on_mount(self) -> None:
        follow_app(self, device=self.device_changed, language=self.language_changed)
        self._fill_nav()
        self._show_page()
        self._refresh_header()
        #: built ahead, not shown (`PanelApp.prepare_surface`): what its page shows is read from
        #: the printer again when it is first shown (Product Status's IP address, say)
        self._built_ahead = not self.is_current

    def on_screen_resume(self) -> None:
        if self._built_ahead:
            self._built_ahead = False
            self._load_page()
            self._refresh_header()

    def on_unmount(self) -> None:
        unfollow_app(self)
        self.cancel_sign_in()

    def on_screen_suspend(self) -> None:
        """Another surface shown: what this one drew is let go (drawn again on return)."""
        drop_renders_when_left(self)

    # -- header, tabs, nav --------------------------------------------------------------

    def ip_address(self) -> str:
        """The IP shown at Wired LAN/Wi-Fi Status: Web Config is reached there (guide step 1)."""
        return device_ip(self)

    def url_for(self, page: str) -> str:
        path = dict(NAV.get(self.tab, ())).get(page, "TOP")
        return f"https://{self.ip_address()}/PRESENTATION/ADVANCED/{path}/TOP"

    def _refresh_header(self) -> None:
        self.query_one("#wc-url", Static).update(
            tr(self, "webconfig.url_bar", lock=self._lock_glyph(), url=self.url_for(self.page))
        )
        user = self.query_one("#wc-user", Static)
        user.update(tr(self, "webconfig.login.as_admin") if self.logged_in else "")
        login = self.query_one("#wc-login", Button)
        login.label = tr(self, "webconfig.logout.button" if self.logged_in else "webconfig.login.button")
        login.refresh(layout=True)  # "Izrakstīties" is wider than "Log in": never cut it
        # the key line names what Ctrl+L does now: Log in, or Log out once logged in
        hints = "webconfig.hints_logged_in" if self.logged_in else "webconfig.hints"
        update_key_line(self.query_one("#wc-hints", Static), tr(self, hints))

    def _lock_glyph(self) -> str:
        from panel_tui.icons import glyphs_for

        return glyphs_for(self.app.console.color_system).padlock

    def nav_pages(self) -> tuple[tuple[str, str], ...]:
        """This tab's left menu for this model (a page of a feature the model lacks is absent)."""
        profile = host(self).device.profile
        return tuple(
            (page, path) for page, path in NAV.get(self.tab, ())
            if page not in NAV_FEATURES or profile.has(NAV_FEATURES[page])
        )

    def _fill_nav(self) -> None:
        nav = self.query_one("#wc-nav", OptionList)
        nav.clear_options()
        for page, path in self.nav_pages():
            if not path:  # a heading of the menu (e.g. "Email Server")
                nav.add_option(Option(tr(self, f"webconfig.nav.{page}"), id=page, disabled=True))
            elif page in NAV_SHORT:
                nav.add_option(Option("  " + tr(self, f"webconfig.nav.short.{page}"), id=page))
            else:
                nav.add_option(Option(tr(self, f"webconfig.nav.{page}"), id=page))
        pages = [p for p, _ in self.nav_pages()]
        selectable = [p for p, path in self.nav_pages() if path]
        if self.page not in selectable and selectable:
            self.page = selectable[0]
        if self.page in pages:
            nav.highlighted = pages.index(self.page)

    def _page_widget_id(self) -> str:
        """The id of the page widget the current page and login state show."""
        return page_widget_id(self.page, logged_in=self.logged_in)

    def _show_page(self) -> None:
        self.query_one("#wc-pages", PageSwitcher).show(self._page_widget_id(), self._load_page)
        self._refresh_header()

    def _load_page(self) -> None:
        """Fill the page shown with what the printer holds now."""
        if self.page in ADMIN_PAGES and not self.logged_in:
            return
        if self.page in EXTRA_PAGES:
            self.query_one(f"#{EXTRA_PAGES[self.page][0]}").load_settings()  # type: ignore[attr-defined]
        elif self.page == "email_basic":
            self.query_one("#page-email-basic").load_settings()  # type: ignore[attr-defined]
        elif self.page == "email_notification":
            self.query_one("#page-email-notification").load_settings()  # type: ignore[attr-defined]
        elif self.page == "trainer_hints":
            self.query_one(TrainerHintsPage).load_settings()
        elif self.page == "product_status":
            self.query_one(ProductStatusPage).refresh_status()
        elif self.page not in EMULATED:
            self.query_one(NotEmulatedPage).show(tr(self, f"webconfig.nav.{self.page}"), self._working_pages())

    def _working_pages(self) -> list[str]:
        """"Tab > page" of every page this emulator reproduces for this model, in menu order, so
        the note of a page that is not emulated says truly where to go instead."""
        profile = host(self).device.profile
        return [
            f"{self.tab_name(tab)} > {tr(self, f'webconfig.nav.{page}')}"
            for tab in TABS
            for page, path in NAV.get(tab, ())
            if path and (page in EMULATED or page in EXTRA_PAGES)
            and (page not in NAV_FEATURES or profile.has(NAV_FEATURES[page]))
        ]

    @on(TabStrip.Activated, "#wc-tabs")
    def _tab_activated(self, event: TabStrip.Activated) -> None:
        self.switch_tab(event.tab_id)

    def switch_tab(self, tab_id: str) -> None:
        """Show tab ``tab_id`` with its first page (the left menu keeps the focus if it had it)."""
        strip = self.query_one("#wc-tabs", TabStrip)
        if strip.active != tab_id:
            strip.active = tab_id
        if tab_id == self.tab and self.is_mounted:
            return
        self.tab = tab_id
        self._fill_nav()
        self._show_page()

    def step_tab(self, step: int) -> None:
        """Left/Right in the left menu: the previous/next top tab."""
        self.query_one("#wc-tabs", TabStrip).action_move(step)

    @on(OptionList.OptionHighlighted, "#wc-nav")
    @on(OptionList.OptionSelected, "#wc-nav")
    def _nav_chosen(self, event: OptionList.OptionHighlighted | OptionList.OptionSelected) -> None:
        page = event.option.id or self.page
        if page != self.page:
            self.page = page
            self._show_page()
        if isinstance(event, OptionList.OptionSelected):
            self._focus_page()

    def action_back_to_menu(self) -> None:
        """Esc inside a page (or on the header or tabs): back to the left menu in one key,
        where Shift+Tab took one press per field (nine from Fax's buttons). Esc in the left
        menu is the app's "back" (to the Panel), as before; an open list closes itself first."""
        nav = self.query_one("#wc-nav", OptionList)
        if self.focused is None or self.focused is nav:
            self.app.action_back()  # type: ignore[attr-defined]
            return
        nav.focus()

    def _focus_page(self) -> None:
        """The cursor to the page's first field (once the page is built)."""
        self.query_one("#wc-pages", PageSwitcher).when_built(self._focus_first_field)

    def _focus_first_field(self) -> None:
        switcher = self.query_one("#wc-pages", PageSwitcher)
        current = switcher.visible_content
        if current is not None:
            focusable = [w for w in current.query("*") if w.focusable]
            if focusable:
                focusable[0].focus()

    def open_page(self, tab: str, page: str) -> None:
        """Go to a page (used by tests and by links on the pages)."""
        self.query_one("#wc-tabs", TabStrip).active = tab
        self.tab = tab
        self.page = page
        self._fill_nav()
        self._show_page()

    # -- log in -------------------------------------------------------------------------

    @on(Button.Pressed, "#wc-login")
    def _login_pressed(self) -> None:
        self.action_toggle_login(with_key=False)

    def action_toggle_login(self, with_key: bool = True) -> None:
        """Log in, or Log out after asking (a stray Tab + Enter on the header's button must not
        end the session: its question opens on Cancel; Ctrl+L's on Log out)."""
        from panel_tui.webconfig.login import LoginModal, LogoutModal

        if self.logged_in:
            self.app.push_screen(LogoutModal(asked_with_key=with_key), self._logout_result)
            return
        self.app.push_screen(LoginModal(), self._login_result)

    def _logout_result(self, confirmed: bool | None) -> None:
        if confirmed and self.logged_in:
            self.log_out()

    def log_out(self) -> None:
        """End the administrator session: what OK has not sent is lost (as closing the browser)."""
        self.session.end()
        self.logged_in = False
        self.session.announce()
        host(self).device.emit("webconfig", "logout")

    def _login_result(self, ok: bool | None) -> None:
        if ok:
            self.logged_in = True
            # an event of the device (its web server's session), heard by the guided mode
            host(self).device.emit("webconfig", "login")

    def watch_logged_in(self, _old: bool, new: bool) -> None:
        if self.is_mounted:
            self._show_page()
            self.call_after_refresh(self._refocus, new)

    def _refocus(self, logged_in: bool) -> None:
        """After Log in the page's first field has the cursor (guide steps 3-4); after Log out
        the cursor never stays on a field that is no longer shown (no invisible focus)."""
        focused = self.focused
        if logged_in or focused is None or focused not in self.focus_chain:
            self._focus_page()

    def action_ok(self) -> None:
        if self.page == "email_basic" and self.logged_in:
            self.query_one("#page-email-basic").press_ok()  # type: ignore[attr-defined]
        elif self.page == "email_notification" and self.logged_in:
            self.query_one("#page-email-notification").press_ok()  # type: ignore[attr-defined]
        elif self.page == "trainer_hints" and self.logged_in:
            self.query_one(TrainerHintsPage).press_ok()
        elif self.page in EXTRA_PAGES and self.logged_in:
            self.query_one(f"#{EXTRA_PAGES[self.page][0]}").press_ok()  # type: ignore[attr-defined]

    # -- the pending sign-in (guide steps 6-12) -----------------------------------------

    def begin_sign_in(self, service: str) -> None:
        """"Sign in with Microsoft": ask the device for a code (msal blocks: a thread worker)."""
        session = self.session
        if session.waiting:
            return
        session.start()
        link = host(self).cloud_link
        if link is not None and link.state in ("idle", "starting"):
            session.refuse(tr(self, "cloud.link.starting"))
        elif link is not None and link.state == "failed":
            session.refuse(tr(self, "cloud.link.failed", error=link.error or ""))
        else:
            self._ask_for_code(service)
        session.announce()

    @work(thread=True, group=SIGNIN_WORKERS, exit_on_error=False)
    def _ask_for_code(self, service: str) -> SignInAttempt:
        return host(self).device.email.begin_sign_in(service)

    @on(Worker.StateChanged)
    def _code_arrived(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != SIGNIN_WORKERS:
            return
        event.stop()
        if event.state == WorkerState.SUCCESS and worker.result is not None:
            attempt: SignInAttempt = worker.result
            attempt.start()  # msal polls in the attempt's thread; its changes are "signin" events
            self.session.begun(attempt)
        elif event.state == WorkerState.ERROR and worker.error is not None:
            # the device reports service trouble as a failed attempt, so this is a bug: logged,
            # and said where the person waits for the code
            log.error("sign-in could not start", exc_info=worker.error)
            self.session.refuse(describe_error(self, worker.error))
        else:
            return
        self.session.announce()

    def set_attempt(self, attempt: SignInAttempt) -> None:
        """Make ``attempt`` this session's pending sign-in (tests set it directly)."""
        self.session.begun(attempt)
        self.session.announce()

    def cancel_sign_in(self) -> None:
        """The Cancel button: stop waiting for the code to be entered."""
        if self.session.cancel():
            self.session.announce()

    def pending_signed_in(self) -> bool:
        """A finished sign-in that OK has not sent to the printer yet."""
        return self.session.signed_in

    def commit_pending(self) -> bool:
        """Send the pending sign-in to the printer (part of OK); True when one was sent."""
        committed = self.session.commit()
        if committed:
            self.session.announce()
        return committed

    # -- device events ------------------------------------------------------------------

    def device_changed(self, event: DeviceChanged) -> None:
        """Every device event, shown or not: the sign-in's progress, settings saved elsewhere."""
        if event.kind in ("signin", "settings", "email"):
            self.session.announce()
        if event.kind == "settings" and event.detail == "network":
            self._refresh_header()

    def language_changed(self) -> None:
        """After a language switch: rebuild every label, keep the session."""
        self.call_later(self._relabel)

    async def _relabel(self) -> None:
        await self.recompose()
        self.query_one("#wc-tabs", TabStrip).active = self.tab
        self._fill_nav()
        self._show_page()


class WebNav(OptionList):
    """The left menu; Left/Right switch the top tab from here (Basic is reached with arrows alone)."""

    BINDINGS = [
        Binding("left", "tab(-1)", "Previous tab", show=False),
        Binding("right", "tab(1)", "Next tab", show=False),
    ]

    def action_tab(self, step: int) -> None:
        screen = self.screen
        if isinstance(screen, WebConfigScreen):
            screen.step_tab(step)
