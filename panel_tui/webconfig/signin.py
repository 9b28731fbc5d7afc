"""The "Sign In" dialog: "Sign in with Microsoft", then the code and the URL (guide steps 6-7).

The dialog only shows the Web Config session's pending sign-in (``SignInSession``);
closing it does not stop the sign-in, and the Basic page's Current Status keeps updating.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from panel_tui.ui.text import signin_outcome_text, tr, trainer_hints_on
from panel_tui.widgets.chrome import update_key_line

if TYPE_CHECKING:
    from panel_tui.webconfig.session import SignInSession


class SignInModal(ModalScreen[None]):
    """Sign in with Microsoft: shows the code to copy and the URL to open."""

    CSS_PATH = "../ui/web_page.tcss"
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("c", "copy_code", "Copy code"),
        Binding("u", "copy_url", "Copy URL"),
    ]

    def __init__(self, service: str, session: SignInSession) -> None:
        super().__init__()
        self.service = service
        #: Web Config's pending sign-in (the screen below owns it; closing leaves it going)
        self.session = session

    def compose(self) -> ComposeResult:
        t = lambda key, **p: tr(self, key, **p)  # noqa: E731
        with Vertical(id="signin-dialog", classes="dialog"):
            yield Static(t("webconfig.signin.title"), classes="dialog-title", markup=False)
            yield Static(
                t("webconfig.signin.service", service=t(f"webconfig.email.service.{self.service}")),
                id="signin-service", markup=False,
            )
            yield Button(t("webconfig.signin.with_microsoft"), id="signin-start", compact=True)
            yield Static(id="signin-instructions", markup=False)
            yield Static(id="signin-url", classes="signin-url", markup=False)
            yield Static(id="signin-code", classes="signin-code", markup=False)
            yield Static(id="signin-expires", markup=False)
            yield Static(id="signin-state", markup=False)
            # the copy keys are said where they work (they are not buttons a person would find)
            yield Static(t("webconfig.signin.keys"), id="signin-keys", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("webconfig.signin.copy_code"), id="signin-copy", compact=True)
                yield Button(t("webconfig.cancel"), id="signin-cancel", compact=True)
                yield Button(t("webconfig.close"), id="signin-close", compact=True)
        # the dialog covers the page's key hints: its own keys take their line
        yield Static(t("webconfig.signin.footer"), id="signin-footer", classes="key-hints", markup=False)

    def on_mount(self) -> None:
        self.session.changed.subscribe(self, self._render_attempt)
        self._render_attempt()
        self.query_one("#signin-start", Button).focus()

    def on_unmount(self) -> None:
        # the session is Web Config's: its subscription would hold this dialog after it closes
        self.session.changed.unsubscribe(self)

    def _render_attempt(self, _session: SignInSession | None = None) -> None:
        session = self.session
        attempt = session.attempt
        state = session.state
        start = self.query_one("#signin-start", Button)
        copy = self.query_one("#signin-copy", Button)
        cancel = self.query_one("#signin-cancel", Button)
        instructions = self.query_one("#signin-instructions", Static)
        url = self.query_one("#signin-url", Static)
        code = self.query_one("#signin-code", Static)
        expires = self.query_one("#signin-expires", Static)
        status = self.query_one("#signin-state", Static)
        waiting = state == "waiting"
        has_code = attempt is not None and bool(attempt.user_code)
        start.display = not waiting and state != "signed_in"
        start.disabled = session.starting
        copy.display = waiting and has_code
        cancel.display = waiting
        for widget in (instructions, url, code, expires, self.query_one("#signin-keys", Static)):
            widget.display = waiting and has_code
        # c and u copy only while there is a code to copy: once signed in (or before) they are not said
        footer = "webconfig.signin.footer" if waiting and has_code else "webconfig.signin.footer_no_code"
        update_key_line(self.query_one("#signin-footer", Static), tr(self, footer))
        if attempt is not None and waiting and has_code:
            instructions.update(tr(self, "webconfig.signin.instructions"))
            url.update(Text(str(attempt.verification_uri)))  # from the server: text, not markup
            code.update(Text(tr(self, "webconfig.signin.code", code=attempt.user_code)))
            expires.update(tr(self, "webconfig.signin.expires", time=_hhmm(attempt.expires_at)))
        if session.starting:
            status.update(tr(self, "webconfig.status.starting"))
        elif session.begin_error:
            status.update(session.begin_error)
        elif waiting:
            status.update(tr(self, "webconfig.status.waiting"))
        elif attempt is not None and state == "signed_in":
            text = tr(self, "webconfig.status.signed_in_account", account=attempt.account or "")
            if trainer_hints_on(self):
                text += "\n" + tr(self, "webconfig.status.not_saved")
            status.update(Text(text))
            self.query_one("#signin-close", Button).focus()
        elif attempt is not None and state in ("failed", "expired", "cancelled"):
            status.update(signin_outcome_text(self, attempt))
        else:
            status.update("")
        self.call_after_refresh(self._keep_focus)

    def _keep_focus(self) -> None:
        """The focused button may have just been hidden ("Sign in with Microsoft" once the code
        shows, Cancel when it expires): move to the button that now matters, never to nothing."""
        if not self.is_attached:
            return
        focused = self.focused
        if focused is not None and focused in self.focus_chain:
            return
        for button_id in ("signin-copy", "signin-start", "signin-close"):
            # a modal being closed loses its buttons one by one while this check is queued
            for button in self.query(f"#{button_id}").results(Button):
                if button.display and not button.disabled:
                    button.focus()
                    return

    @on(Button.Pressed, "#signin-start")
    def _start(self) -> None:
        self.session.ask_for_code(self.service)

    @on(Button.Pressed, "#signin-copy")
    def action_copy_code(self) -> None:
        attempt = self.session.attempt
        if attempt is not None and attempt.user_code and self.session.state == "waiting":
            self.app.copy_to_clipboard(attempt.user_code)
            self.notify(tr(self, "webconfig.signin.copied_code"))

    def action_copy_url(self) -> None:
        attempt = self.session.attempt
        if attempt is not None and attempt.verification_uri and self.session.state == "waiting":
            self.app.copy_to_clipboard(str(attempt.verification_uri))
            self.notify(tr(self, "webconfig.signin.copied_url"))

    @on(Button.Pressed, "#signin-cancel")
    def _cancel(self) -> None:
        if self.session.cancel():
            self.session.announce()

    @on(Button.Pressed, "#signin-close")
    def action_close(self) -> None:
        self.dismiss(None)


def _hhmm(when: datetime | None) -> str:
    return when.strftime("%H:%M") if when is not None else ""
