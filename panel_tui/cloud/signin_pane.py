"""Microsoft's device sign-in pages, walked in the terminal (guide steps 8-11).

Every step is a real HTTP request to the tenant's HTML pages through
``cloud_sim.signin.SignInClient``, so the terminal user goes through exactly what a browser user
sees: code -> account -> password -> "Permissions requested" -> "You have signed in".
"""

from __future__ import annotations

import logging
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import reactive
from textual.widgets import Button, Checkbox, Input, Static

from panel_tui.cloud.widgets import TickBox
from panel_tui.webconfig.common import tr

log = logging.getLogger(__name__)


class SignInPane(VerticalScroll, can_focus=False):
    """The sign-in pages of the tenant at its verification URL."""

    #: the kind of page shown: "start" (not opened yet), code, account, password, consent,
    #: done, error, "unavailable" (no simulated tenant: real Microsoft or not ready)
    kind: reactive[str] = reactive("start", init=False)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._client: Any = None
        self.page: Any = None
        self._account = ""
        #: the page kind the input field was last set up for: a new page starts it afresh, the
        #: same page again (after an error) leaves what the person typed
        self._field_kind = ""
        #: Web Config's waiting code last put in the code field, and the code this walk is for
        self._offered_code = ""
        self._walk_code = ""

    def compose(self) -> ComposeResult:
        t = lambda key, **p: tr(self, key, **p)  # noqa: E731
        # the tenant's texts, account names and URLs are data: never markup
        yield Static("Microsoft", id="ms-brand", markup=False)
        yield Static(id="ms-url", classes="ms-url", markup=False)
        yield Static(id="ms-account", classes="ms-account", markup=False)
        yield Static(id="ms-title", classes="ms-title", markup=False)
        yield Static(id="ms-message", classes="ms-message", markup=False)
        yield Static(t("cloud.signin.permissions"), id="ms-permissions", classes="ms-message", markup=False)
        yield Input(id="ms-input", compact=True)
        yield TickBox(t("cloud.signin.consent_org"), id="ms-consent-org", compact=True)
        with Horizontal(classes="ms-buttons"):
            yield Button(t("cloud.signin.next"), id="ms-next", variant="primary", compact=True)
            yield Button(t("cloud.signin.accept"), id="ms-accept", variant="primary", compact=True)
            yield Button(t("cloud.signin.cancel"), id="ms-cancel", compact=True)
            yield Button(t("cloud.signin.restart"), id="ms-restart", compact=True)
        yield Static(id="ms-error", classes="ms-error", markup=False)
        yield Static(id="ms-hints", classes="ms-hints", markup=False)

    def on_mount(self) -> None:
        self._render_page()

    # -- the link -------------------------------------------------------------------------

    @property
    def link(self) -> Any:
        return getattr(self.app, "cloud_link", None)

    def link_changed(self) -> None:
        """The tenant became ready (or failed): open the first page if nothing is shown yet."""
        if self.kind in ("start", "unavailable"):
            self.restart()

    def restart(self) -> None:
        """Open the code page afresh (a new browser visit to the verification URL)."""
        link = self.link
        if link is None or getattr(link, "state", "") != "ready" or link.mode == "microsoft":
            self.kind = "unavailable"
            self._render_page()
            return
        self._walk_code = ""
        self._run_step("open")

    def follow_pending(self) -> bool:
        """Offer the code of the sign-in Web Config is waiting for; True when it is a new one.

        Called when the Cloud surface is shown again and on every sign-in event: a person who
        started "Sign in with Microsoft" in Web Config finds its code in the code field, whatever
        page or tab the Cloud surface was left on. A walk already under way for that code is
        left alone; a finished page or a walk for an older code makes way for a new code page.
        """
        code = self._pending_code()
        if not code and self._offered_code:
            # the offered sign-in ended (signed in elsewhere, cancelled, expired): a code left
            # in the field would only earn "already used"
            field = self.query_one("#ms-input", Input)
            if self.kind == "code" and field.value == self._offered_code:
                field.value = ""
            self._offered_code = ""
            return False
        if not code or code == self._offered_code:
            return False
        link = self.link
        if link is None or getattr(link, "state", "") != "ready" or link.mode == "microsoft":
            return False
        if code == self._walk_code and self.kind in ("account", "password", "consent"):
            return False
        self._offered_code = code
        if self.kind == "code":
            field = self.query_one("#ms-input", Input)
            field.value = code
            field.cursor_position = len(code)
            self.query_one("#ms-error", Static).update("")
        elif self.kind != "start":
            self.restart()  # the code page it opens takes the code
        return True

    # -- steps ----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="cloud-signin", exit_on_error=False)
    def _run_step(self, step: str, *args: Any) -> None:
        try:
            if step == "open" or self._client is None:
                from cloud_sim.signin import SignInClient

                if self._client is not None:
                    self._client.close()
                info = self.link.info
                self._client = SignInClient(info.base_url, info.ca_cert_path)
                page = self._client.open()
                if step != "open":
                    page = getattr(self._client, step)(*args)
            else:
                page = getattr(self._client, step)(*args)
        except Exception as exc:  # network trouble: say so on the page
            log.info("sign-in page step %s failed: %s", step, type(exc).__name__)
            self._post(self._step_failed, f"{type(exc).__name__}: {exc}")
            return
        self._post(self.show_page, page)

    def _post(self, callback: Any, *args: Any) -> None:
        try:
            self.app.call_from_thread(callback, *args)
        except RuntimeError:
            pass

    def _step_failed(self, detail: str) -> None:
        self.page = None
        self.kind = "error"
        self._render_page(error=tr(self, "cloud.signin.unreachable", detail=detail))

    def show_page(self, page: Any) -> None:
        """Show a page the tenant answered with (tests may call this with a ``Page``)."""
        self.page = page
        self.kind = page.kind
        if getattr(page, "account", ""):
            self._account = page.account
        self._prepare_field(page.kind)
        self._render_page()

    def _prepare_field(self, kind: str) -> None:
        """What the input field holds when a page arrives.

        A new page starts empty, so what a person types is all there is (the code page takes
        Web Config's waiting code). The same page again, after an error, keeps the account or
        code the person typed, selected so that typing replaces it, and never puts anything
        back by itself; a refused password is cleared, as on Microsoft's page.
        """
        if kind not in ("code", "account", "password"):
            self._field_kind = kind
            return
        field = self.query_one("#ms-input", Input)
        if kind != self._field_kind:
            field.value = ""
            if kind == "code":
                code = self._pending_code()
                field.value = code
                if code:
                    self._offered_code = code
            field.cursor_position = len(field.value)
        elif kind == "password":
            field.value = ""
        elif field.value:
            field.select_all()
        self._field_kind = kind

    @on(Input.Submitted, "#ms-input")
    @on(Button.Pressed, "#ms-next")
    def _next(self) -> None:
        value = self.query_one("#ms-input", Input).value.strip()
        if self.kind == "code":
            self._walk_code = value
            self._run_step("enter_code", value)
        elif self.kind == "account":
            self._account = value
            self._run_step("submit_account", value)
        elif self.kind == "password":
            self._run_step("submit_password", self.query_one("#ms-input", Input).value)
        elif self.kind == "consent":
            self._consent(True)

    @on(Button.Pressed, "#ms-accept")
    def _accept(self) -> None:
        self._consent(True)

    @on(Button.Pressed, "#ms-cancel")
    def _cancel(self) -> None:
        if self.kind == "consent":
            self._consent(False)
        else:
            self.restart()

    def _consent(self, accept: bool) -> None:
        org = self.query_one("#ms-consent-org", Checkbox)
        on_behalf = bool(org.value and org.display)
        self._run_step("consent", accept, on_behalf)

    @on(Button.Pressed, "#ms-restart")
    def _restart(self) -> None:
        self.restart()

    # -- rendering ------------------------------------------------------------------------

    def _pending_code(self) -> str:
        """The code Web Config is showing, if a sign-in is waiting (saves typing over SSH)."""
        email = getattr(getattr(self.app, "device", None), "email", None)
        attempt = getattr(email, "pending", None)
        if attempt is not None and getattr(attempt, "state", "") == "waiting":
            return str(getattr(attempt, "user_code", "") or "")
        return ""

    def _hint_for(self, kind: str) -> str:
        link = self.link
        accounts = list(getattr(getattr(link, "info", None), "accounts", []) or [])
        if kind in ("account", "password") and accounts:
            lines = [tr(self, "cloud.signin.hint_accounts")]
            for a in accounts:
                lines.append(
                    tr(
                        self,
                        "cloud.signin.hint_account",
                        username=a.username,
                        password=a.password,
                        role=tr(self, f"cloud.role.{_role_key(a.role)}"),
                    )
                )
            return "\n".join(lines)
        if kind == "code":
            return tr(self, "cloud.signin.hint_code")
        return ""

    def focus_field(self) -> None:
        """Put the cursor where the page expects input (when the tab is opened)."""
        field = self.query_one("#ms-input", Input)
        if field.display:
            field.focus()

    def focus_first(self) -> None:
        """The page's first control (Enter or Down on the tab bar): the field, else the
        organisation's consent or Accept, else Try again."""
        if self.query_one("#ms-input", Input).display:
            self.focus_field()
            return
        for wid in ("#ms-consent-org", "#ms-accept", "#ms-next", "#ms-restart"):
            widget = self.query_one(wid)
            if widget.display:
                widget.focus()
                return

    def _showing(self) -> bool:
        """Whether this pane is on screen now (focusing a hidden pane would switch tabs)."""
        if not self.is_attached or not self.screen.is_current:
            return False
        node: Any = self
        while node is not None and node is not self.screen:
            if not node.display:
                return False
            node = node.parent
        return True

    def _render_page(self, error: str | None = None) -> None:
        page = self.page
        kind = self.kind
        title = self.query_one("#ms-title", Static)
        message = self.query_one("#ms-message", Static)
        field = self.query_one("#ms-input", Input)
        org = self.query_one("#ms-consent-org", Checkbox)
        buttons = {b: self.query_one(f"#ms-{b}", Button) for b in ("next", "accept", "cancel", "restart")}
        link = self.link
        url = getattr(getattr(link, "info", None), "verification_uri", "") if link else ""
        self.query_one("#ms-url", Static).update(url)
        account = self.query_one("#ms-account", Static)
        account.update(self._account if kind in ("password", "consent") else "")
        account.display = kind in ("password", "consent") and bool(self._account)
        shown = {"next": False, "accept": False, "cancel": False, "restart": False}
        field.display = kind in ("code", "account", "password")
        self.query_one("#ms-permissions", Static).display = kind == "consent"
        org.display = False
        if kind == "unavailable":
            title.update(tr(self, "cloud.signin.unavailable_title"))
            message.update(_unavailable_text(self))
            shown["restart"] = link is not None and link.mode != "microsoft"
        elif kind == "start":
            title.update(tr(self, "cloud.signin.starting"))
            message.update("")
        elif kind in ("code", "account", "password", "consent", "done", "error") and page is not None:
            title.update(self._page_text(page, "title"))
            message.update(self._page_text(page, "message") if kind != "error" else "")
        elif kind == "error":
            title.update(tr(self, "cloud.signin.error_title"))
            message.update("")
        if kind in ("code", "account", "password"):
            shown["next"] = True
            shown["cancel"] = kind != "code"
            field.password = kind == "password"
            field.placeholder = tr(self, f"cloud.signin.placeholder.{kind}")
            buttons["next"].label = tr(
                self, "cloud.signin.sign_in" if kind == "password" else "cloud.signin.next"
            )
            # a new label does not resize a width-auto Button by itself ("Sign in" read "Sign")
            buttons["next"].refresh(layout=True)
            if self._showing():
                field.focus()
        if kind == "consent":
            org.display = bool(getattr(page, "show_org_consent", False))
            # unticked, as on Microsoft's page: the guide's step 11 has the admin tick it
            org.value = False
            shown["accept"] = True
            shown["cancel"] = True
        if kind in ("done", "error"):
            shown["restart"] = True
        for name, button in buttons.items():
            button.display = shown[name]
        error_text = error
        if error_text is None and page is not None and kind != "done":
            error_text = self._page_text(page, "error")
            if kind == "error" and not error_text:
                error_text = page.message
            code = getattr(page, "error_code", None)
            if code and error_text:
                error_text = f"{error_text} (AADSTS{code})"
            if code == 53003:
                error_text = f"{error_text}\n{tr(self, 'webconfig.signin.conditional_access')}"
        self.query_one("#ms-error", Static).update(error_text or "")
        self.query_one("#ms-hints", Static).update(self._hint_for(kind))
        if kind == "consent" and self._showing():
            (org if org.display else buttons["accept"]).focus()
        if kind in ("done", "error") and self._showing():
            buttons["restart"].focus()

    def _page_text(self, page: Any, part: str) -> str:
        """A page's title, message or error in the panel's language.

        Microsoft shows its pages in the browser's language; here the tenant names the page and
        its known text, and the catalog words it. A text the catalog does not know (another
        tenant, a newer page) is shown as the tenant sent it.
        """
        app_name = getattr(page, "app", "") or ""
        reason = getattr(page, "reason", "") or ""
        if part == "error":
            fallback = getattr(page, "error_text", "") or ""
            key = f"cloud.page.reason.{reason}" if reason else ""
        elif page.kind == "error":
            fallback = page.title if part == "title" else page.message
            key = f"cloud.page.reason.{reason}.title" if reason and part == "title" else ""
        else:
            fallback = page.title if part == "title" else page.message
            if part == "message" and fallback == (getattr(page, "error_text", "") or None):
                fallback = ""  # a page without a message of its own: its error is shown below
            key = f"cloud.page.{page.kind}.{part}"
        if not key:
            return fallback
        text = tr(self, key, app=app_name)
        if text == key or "{app}" in tr(self, key) and not app_name:
            return fallback  # unknown here, or it needs the app's name the tenant did not send
        return text

    def on_unmount(self) -> None:
        if self._client is not None:
            try:
                self._client.close()
            except Exception:
                pass


def _role_key(role: str) -> str:
    text = str(role).lower()
    if "personal" in text:  # an Outlook.com account, outside the organisation
        return "personal"
    if "admin" in text:
        return "global_admin"
    return "user"


def _unavailable_text(node: Any) -> str:
    link = getattr(node.app, "cloud_link", None)
    if link is None:
        return tr(node, "cloud.link.none")
    if link.mode == "microsoft":
        return tr(node, "cloud.signin.real_microsoft", url=link.info.verification_uri)
    if link.state == "failed":
        return tr(node, "cloud.link.failed", error=link.error or "")
    return tr(node, "cloud.link.starting")
