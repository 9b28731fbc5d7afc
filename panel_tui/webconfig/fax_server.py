"""Fax > Fax Server > Email Server Settings (fax models): its own server, Authentication Method
including OAuth2, its own Sign In and Current Status, independent of Network > Email Server.

The sign-in happens on this page (code and URL shown inline, the same Microsoft pages as the
Email Server's); as there, a finished sign-in is only the printer's after OK. "Receive Sample
Fax" makes a fax arrive (there is no phone line) and forwards it through these settings; its
outcome, an error code included, is in Job Status with Fax as the job type.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.dom import DOMNode
from textual.widgets import Button, Input, Label, Select, Static

from panel_tui.ui import busy
from panel_tui.ui.host import host
from panel_tui.ui.text import describe_error, job_outcome_text, tr
from panel_tui.ui.wrapped_static import WrappedStatic
from panel_tui.ui.workers import call_in_ui, reported
from panel_tui.webconfig.field_errors import clear_field_errors, show_field_errors
from panel_tui.webconfig.fields import compose_rows, widget_ids
from panel_tui.webconfig.pages import trainer_hints_on
from panel_tui.widgets.form import FieldSpec

if TYPE_CHECKING:
    from device_model.email.signin import SignInAttempt
    from device_model.fax import FaxServerEmail

AUTH_METHODS = ("off", "smtp_auth", "oauth2")
SERVICES = ("exchange_online", "outlook_com")
SECURE = ("none", "ssl_tls", "starttls")
#: The page's fields above Current Status and Sign In (shown with OAuth2) ...
METHOD_FIELDS = (
    FieldSpec("auth_method", "webconfig.email.auth_method", widget_id="fs-auth-method",
              choices=tuple((f"webconfig.email.auth.{m}", m) for m in AUTH_METHODS)),
    FieldSpec("email_service", "webconfig.email.service", widget_id="fs-service", row_id="fs-row-service",
              choices=tuple((f"webconfig.email.service.{s}", s) for s in SERVICES)),
)
#: ... and below them
SERVER_FIELDS = (
    FieldSpec("account", "webconfig.email.account", widget_id="fs-account", row_id="fs-row-account"),
    FieldSpec("password", "webconfig.email.password", widget_id="fs-password", password=True,
              row_id="fs-row-password"),
    FieldSpec("sender_address", "webconfig.email.sender", widget_id="fs-sender"),
    FieldSpec("smtp_server", "webconfig.email.smtp_server", widget_id="fs-smtp-server"),
    FieldSpec("smtp_port", "webconfig.email.smtp_port", widget_id="fs-smtp-port"),
    FieldSpec("secure", "webconfig.email.secure", widget_id="fs-secure",
              choices=tuple((f"webconfig.email.secure.{s}", s) for s in SECURE)),
    FieldSpec("forward_to", "webconfig.fax.forward_to", widget_id="fs-forward-to"),
)
#: settings field -> widget id (its message goes to ``<id>-error``)
FIELDS = widget_ids((*METHOD_FIELDS, *SERVER_FIELDS))


class _Note:
    """The note under Sign In (the code and URL, an outcome): no empty line when there is none,
    so the page fits 80x24 without scrolling."""

    def __init__(self, page: FaxServerEmailPage) -> None:
        self.page = page
        self.widget = page.query_one("#fs-signin-note", Static)

    def update(self, text: str) -> None:
        self.widget.update(text)
        self.page.note_text = text
        self.show(str(self.page.query_one("#fs-auth-method", Select).value) == "oauth2")

    def show(self, oauth2: bool) -> None:
        self.widget.display = oauth2 and bool(self.page.note_text)


def fax_client(node: DOMNode) -> FaxServerEmail:
    from device_model.fax import fax_server_client

    return fax_server_client(host(node).device)


class FaxServerEmailPage(VerticalScroll, can_focus=False):
    """The page; ``attempt`` is its pending sign-in (sent to the printer by OK)."""

    DEFAULT_CSS = """
    FaxServerEmailPage #fs-status { height: auto; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.attempt: SignInAttempt | None = None
        #: the note under Sign In ("": none, and no empty line for it)
        self.note_text = ""

    def compose(self) -> ComposeResult:
        t = lambda key, **p: tr(self, key, **p)  # noqa: E731
        yield Static(t("webconfig.nav.fax_server_email"), classes="page-title", markup=False)
        yield Static(t("webconfig.fax.intro"), classes="page-note", markup=False)
        yield from compose_rows(METHOD_FIELDS, t)
        with Horizontal(classes="field-row", id="fs-row-status"):
            yield Label(t("webconfig.email.current_status"), classes="field-label", markup=False)
            yield WrappedStatic(id="fs-status")  # wraps before "(" / after "@", not mid-word
        with Horizontal(classes="button-row", id="fs-row-signin"):
            yield Button(t("webconfig.signin.button"), id="fs-sign-in", compact=True)
        yield Static(id="fs-signin-note", classes="page-note", markup=False)
        yield from compose_rows(SERVER_FIELDS, t)
        with Horizontal(classes="button-row"):
            yield Button(t("webconfig.ok"), id="fs-ok", compact=True)
            yield Button(t("webconfig.fax.receive"), id="fs-receive", compact=True)
        yield Static(id="fs-result", classes="page-result", markup=False)

    def on_mount(self) -> None:
        self.load_settings()

    # -- values ---------------------------------------------------------------------------

    def load_settings(self) -> None:
        """What the printer holds now (a page left without OK forgets its edits)."""
        fs = host(self).device.settings.fax_server
        self.query_one("#fs-auth-method", Select).value = fs.auth_method
        self.query_one("#fs-service", Select).value = fs.email_service or "exchange_online"
        self.query_one("#fs-account", Input).value = fs.account
        self.query_one("#fs-password", Input).value = fs.password
        self.query_one("#fs-sender", Input).value = fs.sender_address
        self.query_one("#fs-smtp-server", Input).value = fs.smtp_server
        self.query_one("#fs-smtp-port", Input).value = str(fs.smtp_port)
        self.query_one("#fs-secure", Select).value = fs.secure
        self.query_one("#fs-forward-to", Input).value = fs.forward_to
        self._clear_errors()
        self.query_one("#fs-result", Static).update("")
        self._apply_method(fs.auth_method)
        self.refresh_status()
        self.call_after_refresh(self._fields_from_start)

    def _fields_from_start(self) -> None:
        """Fields not being edited show their text from its first character, as a browser does
        (a value put in moves the cursor to its end, scrolling a long address by one)."""
        for field in self.query(Input):
            if not field.has_focus:
                field.scroll_home(animate=False, immediate=True)

    @on(Input.Blurred)
    def _field_left(self, event: Input.Blurred) -> None:
        event.input.scroll_home(animate=False, immediate=True)

    def values(self) -> dict[str, str | None]:
        method = str(self.query_one("#fs-auth-method", Select).value)
        sender = self.query_one("#fs-sender", Input).value.strip()
        if not sender and method == "oauth2":  # as Network > Email Server > Basic: the account
            sender = self.signed_in_account()
        return {
            "auth_method": method,
            "email_service": str(self.query_one("#fs-service", Select).value) if method == "oauth2" else None,
            "account": self.query_one("#fs-account", Input).value if method == "smtp_auth" else "",
            "password": self.query_one("#fs-password", Input).value if method == "smtp_auth" else "",
            "sender_address": sender,
            "smtp_server": self.query_one("#fs-smtp-server", Input).value.strip(),
            "smtp_port": self.query_one("#fs-smtp-port", Input).value.strip(),
            "secure": str(self.query_one("#fs-secure", Select).value),
            "forward_to": self.query_one("#fs-forward-to", Input).value.strip(),
        }

    def _apply_method(self, method: object) -> None:
        oauth2 = method == "oauth2"
        for row in ("#fs-row-service", "#fs-row-status", "#fs-row-signin"):
            self.query_one(row).display = oauth2
        _Note(self).show(oauth2)
        for row in ("#fs-row-account", "#fs-row-password"):
            self.query_one(row).display = method == "smtp_auth"

    @on(Select.Changed, "#fs-auth-method")
    def _method_changed(self, event: Select.Changed) -> None:
        self._apply_method(event.value)
        if event.value == "oauth2":
            self._fill_from_service(self.query_one("#fs-service", Select).value)
        self._offer_account_as_sender()

    @on(Select.Changed, "#fs-service")
    def _service_changed(self, event: Select.Changed) -> None:
        if self.query_one("#fs-auth-method", Select).value == "oauth2":
            self._fill_from_service(event.value)

    def _fill_from_service(self, service: object) -> None:
        from device_model.settings import EMAIL_SERVICE_DEFAULTS  # Microsoft's names: from the profiles

        server, port, secure = EMAIL_SERVICE_DEFAULTS.get(str(service), ("", 587, "starttls"))
        self.query_one("#fs-smtp-server", Input).value = server
        self.query_one("#fs-smtp-port", Input).value = str(port)
        self.query_one("#fs-secure", Select).value = secure

    def _clear_errors(self) -> None:
        clear_field_errors(self, FIELDS.values())

    # -- Current Status and Sign In ---------------------------------------------------------

    def signed_in_account(self) -> str:
        """The account of the pending sign-in, else the one the Fax Server holds ("" if none)."""
        attempt = self.attempt
        if attempt is not None and attempt.state == "signed_in":
            return attempt.account or ""
        held = fax_client(self).status()
        return (held.account or "") if held.state in ("signed_in", "expired") else ""

    def _offer_account_as_sender(self) -> None:
        """As Network > Email Server > Basic does: with OAuth2 the sender is the signed-in
        mailbox unless the person typed another one; a finished sign-in fills an empty Sender's
        Email Address, and the account is its placeholder."""
        sender = self.query_one("#fs-sender", Input)
        oauth2 = self.query_one("#fs-auth-method", Select).value == "oauth2"
        account = self.signed_in_account() if oauth2 else ""
        sender.placeholder = account or tr(self, "webconfig.email.sender_placeholder")
        if account and not sender.value.strip() and self.attempt is not None and self.attempt.state == "signed_in":
            sender.value = account
            if not sender.has_focus:
                sender.scroll_home(animate=False, immediate=True)

    def refresh_status(self) -> None:
        """Current Status: the pending sign-in first, else what the Fax Server holds."""
        self._show_status()
        self._offer_account_as_sender()

    def _show_status(self) -> None:
        status = self.query_one("#fs-status", Static)
        note = _Note(self)
        attempt = self.attempt
        state = attempt.state if attempt is not None else None
        if attempt is not None and state == "waiting":
            status.update(tr(self, "webconfig.status.waiting"))
            note.update(tr(self, "webconfig.fax.code", code=attempt.user_code, url=attempt.verification_uri))
            return
        if attempt is not None and state == "signed_in":
            status.update(tr(self, "webconfig.status.signed_in_account", account=attempt.account or ""))
            # as on the Email Server page: a printer does not explain the OK trap; a class may
            note.update(tr(self, "webconfig.status.not_saved") if trainer_hints_on(self) else "")
            return
        note.update("")
        if attempt is not None and state in ("failed", "expired", "cancelled"):
            from panel_tui.webconfig.email_basic import signin_outcome_text

            note.update(signin_outcome_text(self, attempt))
        from panel_tui.ui.text import held_status_text

        held = fax_client(self).status()
        status.update(held_status_text(lambda key, **p: tr(self, key, **p), held)
                      or tr(self, "webconfig.status.not_signed_in"))

    @on(Button.Pressed, "#fs-sign-in")
    def sign_in(self) -> None:
        if self.attempt is not None and self.attempt.state == "waiting":
            return
        self.attempt = None
        self.query_one("#fs-status", Static).update(tr(self, "webconfig.status.starting"))
        self._sign_in_worker(str(self.query_one("#fs-service", Select).value))

    @work(thread=True, group="fax-server-signin", exclusive=True, exit_on_error=False)
    @reported
    def _sign_in_worker(self, service: str) -> None:
        # the device never raises for service trouble (the attempt comes back "failed"):
        # anything raised here is a bug, said by the app (@reported)
        attempt = fax_client(self).begin_sign_in(service)
        call_in_ui(self, self._set_attempt, attempt)
        attempt.wait()
        call_in_ui(self, self.refresh_status)

    def _set_attempt(self, attempt: SignInAttempt) -> None:
        self.attempt = attempt
        self.refresh_status()

    def on_unmount(self) -> None:
        if self.attempt is not None and self.attempt.state == "waiting":
            self.attempt.cancel()

    # -- OK and the sample fax -----------------------------------------------------------------

    def _say(self, text: str, error: bool) -> None:
        result = self.query_one("#fs-result", Static)
        result.update(text)
        result.set_class(error, "-error")

    @on(Button.Pressed, "#fs-ok")
    def press_ok(self) -> None:
        """Send the settings (and a finished sign-in) to the printer."""
        from device_model.validation import ValidationError

        self._clear_errors()
        values = self.values()
        try:
            host(self).device.update("fax_server", **values)
        except ValidationError as exc:
            messages = {FIELDS[name]: tr(self, msg) for name, msg in exc.errors.items() if name in FIELDS}
            self._say(tr(self, "webconfig.email.invalid"), True)
            show_field_errors(self, messages)
            return
        committed = False
        if values["auth_method"] == "oauth2" and self.attempt is not None and self.attempt.state == "signed_in":
            fax_client(self).commit_sign_in(self.attempt)
            self.attempt = None
            committed = True
        self._say(tr(self, "webconfig.email.saved_signin" if committed else "webconfig.email.saved"), False)
        self.refresh_status()

    @on(Button.Pressed, "#fs-receive")
    def receive_sample(self) -> None:
        self._say(tr(self, "webconfig.fax.receiving"), False)
        busy.hold(self.query_one("#fs-receive", Button))
        self._receive_worker()

    @work(exclusive=True, group="fax-receive", exit_on_error=False)
    @reported
    async def _receive_worker(self) -> None:
        try:
            job = await fax_client(self).receive_sample()
        except OSError as exc:  # the job log could not be written (send failures end in the job)
            self._say(describe_error(self, exc), True)
        else:
            self._say(job_outcome_text(self, job), job.status == "error")
        finally:
            busy.release(self.query_one("#fs-receive", Button))
