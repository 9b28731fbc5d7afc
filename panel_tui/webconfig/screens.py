"""The Web Config surface: URL bar, Log in, tabs, and the Network > Email Server pages.

``WebConfigScreen`` is also the Web Config *session*. It holds the administrator login (separate
from the panel's, as on a real printer) and the pending OAuth2 sign-in: a finished sign-in is
only the printer's after OK (guide step 12), so the "Signed in, but not saved" trouble case of
the guide is reproducible by leaving the page without OK.
"""

from __future__ import annotations

import logging
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Button, ContentSwitcher, OptionList, Static
from textual.widgets.option_list import Option

from panel_tui.messages import DeviceChanged
from panel_tui.webconfig.common import describe_error, tr
from panel_tui.webconfig.connection_test import ConnectionTestPage
from panel_tui.webconfig.email_basic import EmailBasicPage
from panel_tui.webconfig.notifications import EmailNotificationPage
from panel_tui.webconfig.pages import LoginRequiredPage, NotEmulatedPage, ProductStatusPage, TrainerHintsPage
from panel_tui.webconfig.tabstrip import TabStrip

log = logging.getLogger(__name__)

#: Web Config's top tabs, in the printer's order.
TABS: tuple[str, ...] = (
    "status",
    "print",
    "scan_copy",
    "fax",
    "network",
    "network_security",
    "product_security",
    "device_management",
)

#: The left menu of each tab: (page id, URL path). Only the email server pages are emulated.
NAV: dict[str, tuple[tuple[str, str], ...]] = {
    "status": (("product_status", "INFO_PRTINFO"), ("network_status", "INFO_NWINFO")),
    "print": (("paper_source", "PRT_PAPERSOURCE"),),
    "scan_copy": (("scan_destination", "SCN_DESTINATION"),),
    "fax": (("fax_server", ""), ("fax_server_email", "FAX_EMAILSERVER")),
    "network": (
        ("email_server", ""),
        ("email_basic", "NWS_EMAIL_BASIC"),
        ("connection_test", "NWS_EMAIL_CONNECTIONTEST"),
        ("wired_lan", "NWS_WIREDLAN"),
        ("wifi", "NWS_WIFI"),
        ("additional_network", "NWS_ADDITIONAL_NETWORK"),
        ("ldap", "NWS_LDAP"),
    ),
    "network_security": (("ssl_tls", "NWS_SSLTLS"), ("ca_certificate", "NWS_CACERTIFICATE")),
    "product_security": (("admin_password", "PRD_ADMINPASSWORD"),),
    "device_management": (
        ("firmware_update", "DVM_FIRMWARE"),
        ("email_notification", "DVM_EMAILNOTIFICATION"),
        ("pas", "DVM_PRINTADMINSERVERLESS"),
        ("trainer_hints", "DVM_TRAINERHINTS"),
    ),
}

#: Pages only models with this feature have (device_model/models): absent, not "not emulated"
NAV_FEATURES: dict[str, str] = {
    "additional_network": "additional_network", "fax_server": "fax_server", "fax_server_email": "fax_server",
    "pas": "print_admin_serverless",
}

#: Pages built in their own modules: page id -> (widget id, "module:Class"). Each page has
#: ``load_settings()`` (shown again: what the printer holds) and ``press_ok()`` (Ctrl+O).
EXTRA_PAGES: dict[str, tuple[str, str]] = {
    "additional_network": ("page-additional-network", "panel_tui.webconfig.additional_network:AdditionalNetworkPage"),
    "ca_certificate": ("page-ca-certificate", "panel_tui.webconfig.ca_certificate:CaCertificatePage"),
    "fax_server_email": ("page-fax-server-email", "panel_tui.webconfig.fax_server:FaxServerEmailPage"),
    "pas": ("page-pas", "panel_tui.webconfig.pas:PasPage"),
}

#: Pages shown indented under their heading in the menu (short label)
NAV_SHORT = frozenset({"email_basic", "connection_test", "fax_server_email"})

#: Pages that need the administrator login (all Network pages on a real printer do).
ADMIN_PAGES = frozenset({"email_basic", "connection_test", "email_notification", "trainer_hints", *EXTRA_PAGES})
EMULATED = {
    "product_status": "page-product-status",
    "trainer_hints": "page-trainer-hints",
    "email_basic": "page-email-basic",
    "connection_test": "page-connection-test",
    "email_notification": "page-email-notification",
}


class WebConfigScreen(Screen):
    """The printer's admin web pages (the ``webconfig`` mode of the panel app)."""

    CSS_PATH = "webconfig.tcss"
    AUTO_FOCUS = "#wc-nav"
    #: Where Web Config opens, as a real printer's does: its status page (not a settings page)
    START_TAB = "status"
    START_PAGE = "product_status"
    BINDINGS = [
        Binding("ctrl+l", "toggle_login", "Log in", show=False),
        Binding("ctrl+o", "ok", "OK", show=False),
    ]

    logged_in: reactive[bool] = reactive(False)
    #: bumped whenever the pending sign-in changes (the Basic page and the modal watch it)
    attempt_rev: reactive[int] = reactive(0)
    tab: reactive[str] = reactive(START_TAB)
    page: reactive[str] = reactive(START_PAGE)

    def __init__(self, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        #: the pending sign-in of this Web Config session (None: none started)
        self.attempt: Any = None
        #: why starting a sign-in failed (shown in the modal), or None
        self.begin_error: str | None = None
        #: a sign-in request is on its way to the identity platform
        self.starting_sign_in = False

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="wc-url", markup=False)
        with Horizontal(id="wc-header"):
            yield Static(self._brand(), id="wc-brand", markup=False)
            yield Static(id="wc-user", markup=False)
            yield Button(tr(self, "webconfig.login.button"), id="wc-login", compact=True)
        yield TabStrip([(t, tr(self, f"webconfig.tab.{t}")) for t in self.tabs()], self.tab, id="wc-tabs")
        with Horizontal(id="wc-body"):
            yield WebNav(id="wc-nav")
            with ContentSwitcher(id="wc-pages", initial="page-login-required"):
                yield ProductStatusPage(id="page-product-status")
                yield TrainerHintsPage(id="page-trainer-hints")
                yield LoginRequiredPage(id="page-login-required")
                yield EmailBasicPage(id="page-email-basic")
                yield ConnectionTestPage(id="page-connection-test")
                yield EmailNotificationPage(id="page-email-notification")
                yield NotEmulatedPage(id="page-not-emulated")
                for widget_id, target in EXTRA_PAGES.values():
                    yield _page_class(target)(id=widget_id)
        yield Static(tr(self, "webconfig.hints"), id="wc-hints", classes="key-hints", markup=False)

    @property
    def HELP_KEY(self) -> str:  # noqa: N802 - the name every screen's F1 help is read from
        """F1: a page built in its own module has its own help; the rest share Web Config's."""
        return f"webconfig.page_help.{self.page}" if self.page in EXTRA_PAGES else "webconfig.help"

    def tabs(self) -> tuple[str, ...]:
        """The top tabs this model shows (no Fax tab on a model without fax)."""
        has_fax = getattr(getattr(self.app.device, "profile", None), "has_fax", True)
        return tuple(t for t in TABS if t != "fax" or has_fax)

    def _brand(self) -> str:
        profile = getattr(self.app.device, "profile", None)
        model = getattr(profile, "model_name", None) or getattr(profile, "model", None) or "EPSON"
        return f"EPSON {model}" if not str(model).upper().startswith("EPSON") else str(model)

    def on_mount(self) -> None:
        self._fill_nav()
        self._show_page()
        self._refresh_header()

    def on_unmount(self) -> None:
        self.cancel_sign_in()

    # -- header, tabs, nav --------------------------------------------------------------

    def ip_address(self) -> str:
        """The IP shown at Wired LAN/Wi-Fi Status: Web Config is reached there (guide step 1)."""
        try:
            status = self.app.device.network_status()
        except Exception:
            return "0.0.0.0"
        for name in ("ip_address", "ip", "ipv4"):
            value = getattr(status, name, None)
            if value:
                return str(value)
        return "0.0.0.0"

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

    def _lock_glyph(self) -> str:
        from panel_tui.icons import glyphs_for

        return glyphs_for(self.app.console.color_system).padlock

    def nav_pages(self) -> tuple[tuple[str, str], ...]:
        """This tab's left menu for this model (a page of a feature the model lacks is absent)."""
        profile = getattr(self.app.device, "profile", None)
        has = getattr(profile, "has", None)
        return tuple(
            (page, path) for page, path in NAV.get(self.tab, ())
            if page not in NAV_FEATURES or (callable(has) and has(NAV_FEATURES[page]))
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

    def _show_page(self) -> None:
        switcher = self.query_one("#wc-pages", ContentSwitcher)
        if self.page in ADMIN_PAGES and not self.logged_in:
            switcher.current = "page-login-required"
        elif self.page in EXTRA_PAGES:
            widget_id = EXTRA_PAGES[self.page][0]
            switcher.current = widget_id
            self.query_one(f"#{widget_id}").load_settings()  # type: ignore[attr-defined]
        elif self.page in EMULATED:
            switcher.current = EMULATED[self.page]
            if self.page == "email_basic":
                self.query_one(EmailBasicPage).load_settings()
            elif self.page == "email_notification":
                self.query_one(EmailNotificationPage).load_settings()
            elif self.page == "trainer_hints":
                self.query_one(TrainerHintsPage).load_settings()
            elif self.page == "product_status":
                self.query_one(ProductStatusPage).refresh_status()
        else:
            self.query_one(NotEmulatedPage).show(tr(self, f"webconfig.nav.{self.page}"))
            switcher.current = "page-not-emulated"
        self._refresh_header()

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

    def _focus_page(self) -> None:
        switcher = self.query_one("#wc-pages", ContentSwitcher)
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
        self.action_toggle_login()

    def action_toggle_login(self) -> None:
        """Log in, or Log out after asking (a stray Tab + Enter must not end the session)."""
        from panel_tui.webconfig.login import LoginModal, LogoutModal

        if self.logged_in:
            self.app.push_screen(LogoutModal(), self._logout_result)
            return
        self.app.push_screen(LoginModal(), self._login_result)

    def _logout_result(self, confirmed: bool | None) -> None:
        if confirmed and self.logged_in:
            self.log_out()

    def log_out(self) -> None:
        """End the administrator session: what OK has not sent is lost, as when closing the
        browser."""
        self.cancel_sign_in()
        self.attempt = None
        self.logged_in = False
        self._bump()

    def _login_result(self, ok: bool | None) -> None:
        if ok:
            self.logged_in = True

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
            self.query_one(EmailBasicPage).press_ok()
        elif self.page == "email_notification" and self.logged_in:
            self.query_one(EmailNotificationPage).press_ok()
        elif self.page == "trainer_hints" and self.logged_in:
            self.query_one(TrainerHintsPage).press_ok()
        elif self.page in EXTRA_PAGES and self.logged_in:
            self.query_one(f"#{EXTRA_PAGES[self.page][0]}").press_ok()  # type: ignore[attr-defined]

    # -- the pending sign-in (guide steps 6-12) -----------------------------------------

    def _bump(self) -> None:
        self.attempt_rev += 1

    def begin_sign_in(self, service: str) -> None:
        """"Sign in with Microsoft": ask the device for a code (msal blocks: in a thread)."""
        if self.attempt is not None and getattr(self.attempt, "state", "") == "waiting":
            return
        self.attempt = None
        self.begin_error = None
        link = getattr(self.app, "cloud_link", None)
        link_state = getattr(link, "state", "ready")
        if link_state in ("idle", "starting"):
            self.begin_error = tr(self, "cloud.link.starting")
        elif link_state == "failed":
            self.begin_error = tr(self, "cloud.link.failed", error=getattr(link, "error", "") or "")
        if self.begin_error is not None:
            self._bump()
            return
        self.starting_sign_in = True
        self._bump()
        self._begin_worker(service)

    @work(thread=True, group="webconfig-signin", exit_on_error=False)
    def _begin_worker(self, service: str) -> None:
        try:
            attempt = self.app.device.email.begin_sign_in(service)
        except Exception as exc:  # shown in the modal
            log.info("sign-in could not start: %s", type(exc).__name__)
            self._from_thread(self._begin_failed, exc)
            return
        self._from_thread(self.set_attempt, attempt)
        try:
            attempt.wait()
        except Exception:
            log.exception("waiting for the sign-in failed")
        self._from_thread(self._bump)

    def _from_thread(self, callback: Any, *args: Any) -> None:
        try:
            self.app.call_from_thread(callback, *args)
        except RuntimeError:  # the app is shutting down
            pass

    def _begin_failed(self, exc: Exception) -> None:
        self.starting_sign_in = False
        self.begin_error = describe_error(self, exc)
        self._bump()

    def set_attempt(self, attempt: Any) -> None:
        """Make ``attempt`` this session's pending sign-in (tests set it directly too)."""
        self.starting_sign_in = False
        self.begin_error = None
        self.attempt = attempt
        self._bump()

    def cancel_sign_in(self) -> None:
        """The Cancel button: stop waiting for the code to be entered."""
        attempt = self.attempt
        if attempt is not None and getattr(attempt, "state", "") == "waiting":
            try:
                attempt.cancel()
            except Exception:
                log.exception("cancelling the sign-in failed")
            self._bump()

    def pending_signed_in(self) -> bool:
        """A finished sign-in that OK has not sent to the printer yet."""
        return self.attempt is not None and getattr(self.attempt, "state", "") == "signed_in"

    def commit_pending(self) -> bool:
        """Send the pending sign-in to the printer (part of OK); True when one was sent."""
        if not self.pending_signed_in():
            return False
        self.app.device.email.commit_sign_in(self.attempt)
        self.attempt = None
        self._bump()
        return True

    # -- device events ------------------------------------------------------------------

    def device_changed(self, event: DeviceChanged) -> None:
        """Called by the app for every device event while this surface's stack is active."""
        if event.kind in ("signin", "settings", "email"):
            self._bump()
        if event.kind == "settings" and event.detail == "network":
            self._refresh_header()

    def language_changed(self) -> None:
        """Called by the app after a language switch: rebuild every label, keep the session."""
        self.call_later(self._relabel)

    async def _relabel(self) -> None:
        await self.recompose()
        self.query_one("#wc-tabs", TabStrip).active = self.tab
        self._fill_nav()
        self._show_page()

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self._refresh_header()
            self._bump()


def _page_class(target: str) -> Any:
    """The page class named "module:Class" (imported when Web Config is first shown)."""
    from importlib import import_module

    module, _, name = target.partition(":")
    return getattr(import_module(module), name)


class WebNav(OptionList):
    """The left menu. Left/Right switch the top tab from here, so Network > Email Server > Basic
    is reached with arrows and Enter alone (the menu is where Web Config puts the cursor)."""

    BINDINGS = [
        Binding("left", "tab(-1)", "Previous tab", show=False),
        Binding("right", "tab(1)", "Next tab", show=False),
    ]

    def action_tab(self, step: int) -> None:
        screen = self.screen
        if isinstance(screen, WebConfigScreen):
            screen.step_tab(step)
