"""Epson Print Admin Serverless on the panel (models with it): log in, then To Email.

The user logs in with the printer's authentication (ID and password, or a card number). The
first time a user picks To Email, the panel walks Microsoft's sign-in pages for that user (the
same pages F4 shows, here in the panel, with the code already filled in); after that the user
sends From their own address. Before the administrator has signed in with "Consent on behalf of
your organization", an ordinary user gets "Need admin approval" (guide p. 9).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from panel_tui.cloud.signin_pane import SignInPane
from panel_tui.menu_tree import MenuNode
from panel_tui.screens.base import PanelScreen
from panel_tui.ui.host import host
from panel_tui.ui.workers import call_in_ui, reported

if TYPE_CHECKING:
    from device_model.email.signin import SignInAttempt
    from device_model.pas import PasEmail, PasUser, PrintAdminServerless

class PasSignInPane(SignInPane):
    """Microsoft's pages for the PAS user's own sign-in (the code is this user's, not Web
    Config's)."""

    attempt: SignInAttempt | None = None

    def _hint_for(self, kind: str) -> str:
        if kind == "code":  # the code is this user's To Email sign-in, already filled in
            return host(self).device.t("panel.pas.hint_code")
        return super()._hint_for(kind)

    def _pending_code(self) -> str:
        attempt = self.attempt
        if attempt is not None and attempt.state == "waiting":
            return attempt.user_code
        return ""


class PasScreen(PanelScreen):
    """States: login -> menu -> (signin ->) send."""

    HELP_KEY = "panel.help.pas"
    HINTS_KEY = "panel.hints.confirm"
    DEFAULT_CSS = """
    PasScreen .pas-part { height: auto; padding: 0 2; }
    PasScreen #pas-signin { height: 1fr; padding: 0 2; }  /* the margin of the lines above */
    /* not Web Config's "field-row": its page CSS (loaded for the whole app once Web Config has
       been open) would win over these lines and split a row in halves, To's text mid-screen */
    PasScreen .pas-row { height: 1; }
    PasScreen .pas-row Label { width: 22; }
    PasScreen .pas-row Input { width: 1fr; }
    """

    def __init__(self, node: MenuNode | None = None) -> None:
        super().__init__(node)
        self.user: PasUser | None = None
        self.attempt: SignInAttempt | None = None
        self.state = "login"

    def crumbs(self) -> list[str]:
        return [self.t("panel.home.tile.pas")]

    def compose_body(self) -> ComposeResult:
        t = self.t
        with Vertical(id="pas-login", classes="pas-part"):
            yield Static(t("panel.pas.login_intro"), markup=False)
            with Horizontal(classes="pas-row"):
                yield Label(t("panel.pas.user_id"), markup=False)
                yield Input(id="pas-id", compact=True)
            with Horizontal(classes="pas-row"):
                yield Label(t("panel.pas.password"), markup=False)
                yield Input(id="pas-password", password=True, compact=True)
            with Horizontal(classes="pas-row"):
                yield Label(t("panel.pas.card"), markup=False)
                yield Input(id="pas-card", compact=True)
            with Horizontal(classes="form-buttons"):
                yield Button(t("panel.pas.log_in"), id="pas-log-in", compact=True)
        with Vertical(id="pas-menu", classes="pas-part"):
            yield Static(id="pas-who", markup=False)
            with Horizontal(classes="form-buttons"):
                yield Button(t("panel.pas.to_email"), id="pas-to-email", compact=True)
                yield Button(t("panel.pas.log_out"), id="pas-log-out", compact=True)
        with Vertical(id="pas-send", classes="pas-part"):
            with Horizontal(classes="pas-row"):
                yield Label(t("panel.pas.to"), markup=False)
                yield Input(id="pas-to", compact=True)
            with Horizontal(classes="form-buttons"):
                yield Button(t("panel.pas.send"), id="pas-send-button", compact=True)
        yield Static(id="pas-message", classes="pas-part", markup=False)
        yield PasSignInPane(id="pas-signin")

    def on_mount(self) -> None:
        self._show("login")

    def _show(self, state: str) -> None:
        self.state = state
        self.query_one("#pas-login").display = state == "login"
        self.query_one("#pas-menu").display = state in ("menu", "send", "signin")
        self.query_one("#pas-send").display = state == "send"
        self.query_one("#pas-signin").display = state == "signin"
        focus = {"login": "#pas-id", "menu": "#pas-to-email", "send": "#pas-to"}.get(state)
        if focus:
            self.query_one(focus).focus()

    def _say(self, text: str) -> None:
        self.query_one("#pas-message", Static).update(text)

    def pas(self) -> PrintAdminServerless:
        from device_model.pas import pas_for

        return pas_for(self.device)

    # -- log in ---------------------------------------------------------------------------

    @on(Button.Pressed, "#pas-log-in")
    @on(Input.Submitted, "#pas-id, #pas-password, #pas-card")
    def log_in(self) -> None:
        user_id = self.query_one("#pas-id", Input).value
        password = self.query_one("#pas-password", Input).value
        card = self.query_one("#pas-card", Input).value
        missing = self._missing(user_id, password, card)
        if missing is not None:  # nothing to check yet: ask for what is missing, not "incorrect"
            key, field = missing
            self._say(self.t(key))
            self.query_one(field, Input).focus()
            return
        user = self.pas().authenticate(user_id, password, card=card)
        self.query_one("#pas-password", Input).value = ""
        self.query_one("#pas-card", Input).value = ""
        if user is None:
            self._say(self.t("panel.pas.wrong"))
            return
        self.user = user
        self.query_one("#pas-who", Static).update(self.t("panel.pas.logged_in", name=user.name, email=user.email))
        self._say("")
        self._show("menu")

    @staticmethod
    def _missing(user_id: str, password: str, card: str) -> tuple[str, str] | None:
        """What the log-in still needs (message key, field to focus), or None to check it."""
        if card.strip():
            return None
        if not user_id.strip() and not password:
            return "panel.pas.need_login", "#pas-id"
        if not user_id.strip():
            return "panel.pas.need_user_id", "#pas-id"
        if not password:
            return "panel.pas.need_password", "#pas-password"
        return None

    @on(Button.Pressed, "#pas-log-out")
    def log_out(self) -> None:
        self._cancel_attempt()
        self.user = None
        # the panel is shared: the next person starts from empty fields, not the last User ID
        for field in ("#pas-id", "#pas-to"):
            self.query_one(field, Input).value = ""
        self._say("")
        self._show("login")

    # -- To Email -------------------------------------------------------------------------

    @on(Button.Pressed, "#pas-to-email")
    def to_email(self) -> None:
        if self.user is None:
            return
        client = self.pas().client(self.user)
        step = client.to_email_step()
        if step == "not_set":  # at once: no sign-in could make this send
            self._say(self.t("panel.pas.no_server"))
            return
        if step == "send":
            self._say(self.t("panel.pas.from", email=client.server_settings().sender_address or self.user.email))
            self._show("send")
            return
        self._say(self.t("panel.pas.signin_first", email=self.user.email))
        self._begin(client)

    @work(thread=True, exclusive=True, group="pas-signin", exit_on_error=False)
    @reported
    def _begin(self, client: PasEmail) -> None:
        # the device never raises for service trouble (the attempt comes back "failed"):
        # anything raised here is a bug, said by the app (@reported)
        attempt = client.begin_sign_in()
        call_in_ui(self, self._walk, attempt)
        attempt.wait()
        call_in_ui(self, self._finished, client, attempt)

    def _walk(self, attempt: SignInAttempt) -> None:
        """Show Microsoft's pages in the panel, the code already filled in."""
        self.attempt = attempt
        pane = self.query_one(PasSignInPane)
        pane.attempt = attempt
        self._show("signin")
        pane.follow_pending()
        pane.restart()
        pane.focus_first()

    def _finished(self, client: PasEmail, attempt: SignInAttempt) -> None:
        if self.attempt is not attempt:
            return
        self.attempt = None
        if attempt.state == "signed_in":
            client.commit_sign_in(attempt)  # the user's own sign-in, kept for this user only
            email = attempt.account or (self.user.email if self.user is not None else "")
            self._say(self.t("panel.pas.signed_in", email=email))
            self._show("send")
            return
        from panel_tui.ui.text import signin_outcome_text

        text = signin_outcome_text(self, attempt)
        if attempt.aad_code in (65001, 90094, 90095):
            text = f"{text}\n{self.t('panel.pas.need_admin')}"
        self._say(text)
        self._show("menu")

    def _cancel_attempt(self) -> None:
        attempt, self.attempt = self.attempt, None
        if attempt is not None and attempt.state == "waiting":
            attempt.cancel()

    def on_unmount(self) -> None:
        self._cancel_attempt()

    # -- send -----------------------------------------------------------------------------

    @on(Button.Pressed, "#pas-send-button")
    @on(Input.Submitted, "#pas-to")
    def send(self) -> None:
        to = self.query_one("#pas-to", Input).value.strip()
        if not to or self.user is None:
            self._say(self.t("panel.pas.need_to"))
            return
        self._say(self.t("panel.pas.sending"))
        self._send_worker(self.pas().client(self.user), to)

    @work(exclusive=True, group="pas-send", exit_on_error=False)
    @reported
    async def _send_worker(self, client: PasEmail, to: str) -> None:
        try:
            job = await client.scan_to_email(to)
        except OSError as exc:  # the job log could not be written (send failures end in the job)
            self._say(f"{type(exc).__name__}: {exc}")
            return
        outcome = self.t(job.result_label)
        entry = self.device.errors.for_job(job) if job.status == "error" else None
        if entry is not None:
            outcome = f"{outcome}\n{self.t(entry.status)}\n{self.t(entry.solution)}"
        self._say(self.t("panel.pas.sent", to=to, outcome=outcome))
