"""The "Sign In" dialog: "Sign in with Microsoft", then the code and the URL (guide steps 6-7).

The dialog only shows the Web Config session's pending sign-in (``WebConfigScreen.attempt``);
closing it does not stop the sign-in, and the Basic page's Current Status keeps updating.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from panel_tui.webconfig.common import tr
from panel_tui.webconfig.email_basic import signin_outcome_text
from panel_tui.webconfig.pages import trainer_hints_on


class SignInModal(ModalScreen[None]):
    """Sign in with Microsoft: shows the code to copy and the URL to open."""

    CSS_PATH = "webconfig.tcss"
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("c", "copy_code", "Copy code"),
        Binding("u", "copy_url", "Copy URL"),
    ]

    def __init__(self, service: str, session: Any = None) -> None:
        super().__init__()
        self.service = service
        self._session = session

    @property
    def session(self) -> Any:
        """The Web Config screen below this dialog (it owns the pending sign-in)."""
        if self._session is None:
            from panel_tui.webconfig.screens import WebConfigScreen

            for screen in reversed(self.app.screen_stack):
                if isinstance(screen, WebConfigScreen):
                    self._session = screen
                    break
        return self._session

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

    def on_mount(self) -> None:
        if self.session is not None:
            self.watch(self.session, "attempt_rev", self._render_attempt, init=False)
        self._render_attempt()
        self.query_one("#signin-start", Button).focus()

    def _render_attempt(self, *_args: Any) -> None:
        session = self.session
        attempt = getattr(session, "attempt", None)
        state = getattr(attempt, "state", None)
        start = self.query_one("#signin-start", Button)
        copy = self.query_one("#signin-copy", Button)
        cancel = self.query_one("#signin-cancel", Button)
        instructions = self.query_one("#signin-instructions", Static)
        url = self.query_one("#signin-url", Static)
        code = self.query_one("#signin-code", Static)
        expires = self.query_one("#signin-expires", Static)
        status = self.query_one("#signin-state", Static)
        waiting = state == "waiting"
        has_code = attempt is not None and bool(getattr(attempt, "user_code", ""))
        start.display = not waiting and state != "signed_in"
        start.disabled = bool(getattr(session, "starting_sign_in", False))
        copy.display = waiting and has_code
        cancel.display = waiting
        for widget in (instructions, url, code, expires, self.query_one("#signin-keys", Static)):
            widget.display = waiting and has_code
        if waiting and has_code:
            instructions.update(tr(self, "webconfig.signin.instructions"))
            url.update(Text(str(attempt.verification_uri)))  # from the server: text, not markup
            code.update(Text(tr(self, "webconfig.signin.code", code=attempt.user_code)))
            expires.update(tr(self, "webconfig.signin.expires", time=_hhmm(attempt.expires_at)))
        if getattr(session, "starting_sign_in", False):
            status.update(tr(self, "webconfig.status.starting"))
        elif getattr(session, "begin_error", None):
            status.update(session.begin_error)
        elif waiting:
            status.update(tr(self, "webconfig.status.waiting"))
        elif state == "signed_in":
            text = tr(self, "webconfig.status.signed_in_account", account=attempt.account or "")
            if trainer_hints_on(self):
                text += "\n" + tr(self, "webconfig.status.not_saved")
            status.update(Text(text))
            self.query_one("#signin-close", Button).focus()
        elif state in ("failed", "expired", "cancelled"):
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
            button = self.query_one(f"#{button_id}", Button)
            if button.display and not button.disabled:
                button.focus()
                return

    @on(Button.Pressed, "#signin-start")
    def _start(self) -> None:
        if self.session is not None:
            self.session.begin_sign_in(self.service)

    @on(Button.Pressed, "#signin-copy")
    def action_copy_code(self) -> None:
        attempt = getattr(self.session, "attempt", None)
        if attempt is not None and getattr(attempt, "user_code", ""):
            self.app.copy_to_clipboard(attempt.user_code)
            self.notify(tr(self, "webconfig.signin.copied_code"))

    def action_copy_url(self) -> None:
        attempt = getattr(self.session, "attempt", None)
        if attempt is not None and getattr(attempt, "verification_uri", ""):
            self.app.copy_to_clipboard(str(attempt.verification_uri))
            self.notify(tr(self, "webconfig.signin.copied_url"))

    @on(Button.Pressed, "#signin-cancel")
    def _cancel(self) -> None:
        if self.session is not None:
            self.session.cancel_sign_in()

    @on(Button.Pressed, "#signin-close")
    def action_close(self) -> None:
        self.dismiss(None)


def _hhmm(when: Any) -> str:
    try:
        return when.strftime("%H:%M")
    except Exception:
        return str(when or "")
