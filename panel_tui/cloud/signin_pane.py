"""Microsoft's device sign-in pages, walked in the terminal (guide steps 8-11).

Every step is a real HTTP request to the tenant's HTML pages through
``cloud_sim.signin.SignInClient``, so the terminal user goes through exactly what a browser user
sees: code -> account -> password -> "Permissions requested" -> "You have signed in".
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import reactive
from textual.dom import DOMNode
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Static, Tabs
from textual.worker import Worker, WorkerState

from device_model.signins import WaitingSignIn, code_finished, newest_waiting_signin
from panel_tui.cloud.signin_texts import hint_for, page_text, unavailable_text
from panel_tui.ui.host import host
from panel_tui.ui.keygate import discard_typed_ahead, hold_keys
from panel_tui.ui.text import tr
from panel_tui.ui.typeahead import TypeAheadInput
from panel_tui.ui.widgets import TickBox

if TYPE_CHECKING:
    from cloud_sim.signin import Page, SignInClient
    from panel_tui.cloud_link import CloudLink

#: one step on the tenant's pages: what the client is asked (None: open the code page afresh)
Step = Callable[["SignInClient"], "Page"] | None
#: the thread worker that walks the pages (one request at a time)
PAGE_WORKERS = "cloud-signin"
#: seconds keys typed ahead wait at most for the next sign-in page (it comes over HTTP; a tester
#: may have slowed the tenant down): then they go on to whatever is shown
PAGE_WAIT_MAX = 10.0

log = logging.getLogger(__name__)


class SignInPane(VerticalScroll, can_focus=False):
    """The sign-in pages of the tenant at its verification URL."""

    #: the kind of page shown: "start" (not opened yet), code, account, password, consent,
    #: done, error, "unavailable" (no simulated tenant: real Microsoft or not ready)
    kind: reactive[str] = reactive("start", init=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._client: SignInClient | None = None
        self.page: Page | None = None
        self._account = ""
        #: the page kind the input field was last set up for: a new page starts it afresh, the
        #: same page again (after an error) leaves what the person typed
        self._field_kind = ""
        #: Web Config's waiting code last put in the code field, and the code this walk is for
        self._offered_code = ""
        self._walk_code = ""
        #: the next page is on its way and keys typed meanwhile wait for it (resolved once it
        #: is shown and has the cursor, or the walk failed)
        self._page_coming: asyncio.Future[None] | None = None
        #: the kind of page last submitted (Enter or Next), until the answer is shown
        self._submitted_kind = ""

    def compose(self) -> ComposeResult:
        t = lambda key, **p: tr(self, key, **p)  # noqa: E731
        # the tenant's texts, account names and URLs are data: never markup
        yield Static("Microsoft", id="ms-brand", markup=False)
        yield Static(id="ms-url", classes="ms-url", markup=False)
        yield Static(id="ms-account", classes="ms-account", markup=False)
        yield Static(id="ms-title", classes="ms-title", markup=False)
        yield Static(id="ms-message", classes="ms-message", markup=False)
        yield Static(t("cloud.signin.permissions"), id="ms-permissions", classes="ms-message", markup=False)
        # keys typed right after Enter wait for the next page's field (a fast typist, a paste)
        yield TypeAheadInput(id="ms-input", compact=True)
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
    def link(self) -> CloudLink | None:
        return host(self).cloud_link

    def link_changed(self) -> None:
        """The tenant became ready (or failed): open the first page if nothing is shown yet."""
        if self.kind in ("start", "unavailable"):
            self.restart()

    def restart(self) -> None:
        """Open the code page afresh (a new browser visit to the verification URL)."""
        link = self.link
        if link is None or link.state != "ready" or link.mode == "microsoft":
            self.query_one("#ms-input", TypeAheadInput).release(keep=False)
            self.kind = "unavailable"
            self._render_page()
            self._page_here()
            return
        self._walk_code = ""
        self._step(None)

    def hold_keys_for_page(self) -> None:
        """Keys typed from now on wait until the page on its way is shown with the cursor in it
        (F4 then Enter at once: the Enter is for the code page, not for the tab bar; the
        password typed next must never land in the code field).

        Only while this pane is what the person sees (or is about to: its surface opening): a
        walk restarted behind another surface must not hold what is typed there."""
        if self._page_coming is None or self._page_coming.done():
            self._page_coming = asyncio.get_running_loop().create_future()
            hold_keys(self, self._page_coming, PAGE_WAIT_MAX, eager=True)

    def _page_here(self) -> None:
        """The page asked for is shown (or will not come): keys typed ahead go on."""
        if self._page_coming is not None and not self._page_coming.done():
            self._page_coming.set_result(None)

    def _step(self, step: Step) -> None:
        """Ask the tenant for the next page; keys typed meanwhile wait for it when it is shown."""
        if self._showing():
            self.hold_keys_for_page()
        self._run_step(step)

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
        if link is None or link.state != "ready" or link.mode == "microsoft":
            return False
        if code == self._walk_code and self.kind in ("account", "password", "consent"):
            return False
        self._offered_code = code
        if self.kind == "code":
            field = self.query_one("#ms-input", Input)
            field.value = code
            field.cursor_position = len(code)
            self._show_error("")
        elif self.kind != "start":
            self.restart()  # the code page it opens takes the code
        return True

    # -- steps ----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group=PAGE_WORKERS, exit_on_error=False)
    def _run_step(self, step: Step) -> Page:
        """One request to the tenant's pages (blocking HTTP: a thread); the page comes back as
        the worker's result (:meth:`_page_arrived`)."""
        if step is None or self._client is None:
            from cloud_sim.signin import SignInClient

            if self._client is not None:
                self._client.close()
            link = self.link
            assert link is not None  # a walk starts only on a ready link (restart)
            self._client = SignInClient(link.info.base_url, link.info.ca_cert_path)
            page = self._client.open()
            if step is None:
                return page
        return step(self._client)

    @on(Worker.StateChanged)
    def _page_arrived(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != PAGE_WORKERS:
            return
        event.stop()
        if event.state == WorkerState.SUCCESS and worker.result is not None:
            self.show_page(worker.result)
        elif event.state == WorkerState.ERROR and worker.error is not None:
            # network trouble (the tenant stopped, a TLS failure): said on the page
            exc = worker.error
            log.info("sign-in page step failed: %s", type(exc).__name__)
            self._step_failed(f"{type(exc).__name__}: {exc}")

    def _step_failed(self, detail: str) -> None:
        self.query_one("#ms-input", TypeAheadInput).release(keep=False)
        self.page = None
        self.kind = "error"
        self._render_page(error=tr(self, "cloud.signin.unreachable", detail=detail))
        self._page_here()

    def show_page(self, page: Page) -> None:
        """Show a page the tenant answered with (tests may call this with a ``Page``)."""
        self.page = page
        self.kind = page.kind
        if page.account:
            self._account = page.account
        if page.kind == "done" and self._walk_code:
            # the printer (or the Fax Server, a PAS user) learns it at once, not at its next poll
            code_finished(host(self).device, self._walk_code)
        # the same page again after Enter: it was refused (a wrong code, an unknown account).
        # What was typed ahead was meant for the next page (the account, the password): typed
        # into this one it would show a password in clear text in the code field, so it goes
        refused = page.kind == self._submitted_kind and page.kind in ("code", "account")
        self._submitted_kind = ""
        self._prepare_field(page.kind)
        self._render_page()
        # what was typed while this page was on its way goes into its field, or nowhere
        keep = page.kind in ("code", "account", "password") and not refused
        self.query_one("#ms-input", TypeAheadInput).release(keep=keep)
        if refused:
            # keys go on being held until the refusal is on the screen: one typed before the
            # person could see it (a slow typist's next letter) is for the page they expected,
            # and went into the refused field. Those typed once it is drawn are the new attempt.
            self.call_after_refresh(self._refusal_drawn, refreshes=2)
            return
        self._page_here()

    def _refusal_drawn(self, refreshes: int = 1) -> None:
        """The refused page has been drawn (after ``refreshes`` more refreshes): the keys typed
        until now are dropped, the next ones go into its field."""
        if refreshes > 1:
            self.call_after_refresh(self._refusal_drawn, refreshes - 1)
            return
        discard_typed_ahead(self)
        self._page_here()

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
        field = self.query_one("#ms-input", TypeAheadInput)
        if self.kind in ("code", "account", "password"):
            field.hold()  # Next pressed (not Enter): keys typed from now on wait for the page too
        value = field.value.strip()
        self._submitted_kind = self.kind
        if self.kind == "code":
            self._walk_code = value
            self._step(lambda client: client.enter_code(value))
        elif self.kind == "account":
            self._account = value
            self._step(lambda client: client.submit_account(value))
        elif self.kind == "password":
            password = self.query_one("#ms-input", Input).value
            self._step(lambda client: client.submit_password(password))
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
        self._step(lambda client: client.consent(accept, on_behalf))

    @on(Button.Pressed, "#ms-restart")
    def _restart(self) -> None:
        link = self.link
        if link is not None and link.start_again():  # the tenant's process had ended: started
            return  # again; the pages open when it is ready (link_changed)
        self.restart()

    # -- rendering ------------------------------------------------------------------------

    def _hint_for(self, kind: str) -> str:
        """The hint under the page (a hook: Print Admin Serverless says whose code it is).

        The code page names where the waiting sign-in was started (Network > Email Server,
        the Fax Server, a Print Admin Serverless user), so a person knows whose code it is."""
        return hint_for(self, kind, self._pending())

    def _pending(self) -> WaitingSignIn | None:
        """The newest sign-in waiting for its code: the Email Server's, the Fax Server's or a
        Print Admin Serverless user's (each shows its code somewhere else)."""
        return newest_waiting_signin(host(self).device)

    def _pending_code(self) -> str:
        """The code of the waiting sign-in, if any (saves typing over SSH)."""
        pending = self._pending()
        return pending.code if pending is not None else ""

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

    def _may_take_focus(self) -> bool:
        """Whether a page arriving may put the cursor in itself: it is on screen, and the
        person has not moved to the tab bar meanwhile (their next → was for the tabs; the code
        page arriving after F4 Shift+Tab pulled the cursor into its field)."""
        if not self._showing():
            return False
        person_on_tabs = isinstance(self.screen.focused, Tabs) and getattr(self.screen, "keys_pressed", 0) > 0
        return not person_on_tabs

    def _showing(self) -> bool:
        """Whether this pane is on screen now (focusing a hidden pane would switch tabs)."""
        if not self.is_attached or not self.screen.is_current:
            return False
        node: DOMNode | None = self
        while isinstance(node, Widget) and node is not self.screen:
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
        url = link.info.verification_uri if link is not None else ""
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
            message.update(unavailable_text(self))
            shown["restart"] = link is not None and link.mode != "microsoft"
        elif kind == "start":
            title.update(tr(self, "cloud.signin.starting"))
            message.update("")
        elif kind in ("code", "account", "password", "consent", "done", "error") and page is not None:
            title.update(page_text(self, page, "title"))
            message.update(page_text(self, page, "message") if kind != "error" else "")
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
            if self._may_take_focus():
                field.focus()
        if kind == "consent":
            org.display = page is not None and page.show_org_consent
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
            error_text = page_text(self, page, "error")
            if kind == "error" and not error_text:
                error_text = page.message
            code = page.error_code
            if code and error_text:
                error_text = f"{error_text} (AADSTS{code})"
            if code == 53003:
                error_text = f"{error_text}\n{tr(self, 'webconfig.signin.conditional_access')}"
        if kind == "error":
            # an error page explains first, then offers Start again (as Microsoft's page reads)
            message.update(error_text or "")
            error_text = None
        message.set_class(kind == "error", "ms-error")
        self._show_error(error_text or "")
        self.query_one("#ms-hints", Static).update(self._hint_for(kind))
        if kind == "consent" and self._may_take_focus():
            (org if org.display else buttons["accept"]).focus()
        if kind in ("done", "error") and self._may_take_focus():
            buttons["restart"].focus()

    def _show_error(self, text: str) -> None:
        """The page's error line; with none it takes no rows (its margin and blank line would push
        the default accounts' hint below an 80×24 screen)."""
        error = self.query_one("#ms-error", Static)
        error.update(text)
        error.display = bool(text)

    def on_unmount(self) -> None:
        self._page_here()
        if self._client is not None:
            self._client.close()

