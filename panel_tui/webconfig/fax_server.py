"""Fax > Fax Server > Email Server Settings (fax models): its own server, Authentication Method
including OAuth2, its own Sign In and Current Status, independent of Network > Email Server.

The sign-in happens on this page (code and URL shown inline, the same Microsoft pages as the
Email Server's); as there, a finished sign-in is only the printer's after OK. "Receive Sample
Fax" makes a fax arrive (there is no phone line) and forwards it through these settings; its
outcome, an error code included, is in Job Status with Fax as the job type.
"""

from __future__ import annotations

import logging
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Select, Static

from panel_tui.ui.text import describe_error, job_outcome_text, tr
from panel_tui.webconfig.field_errors import clear_field_errors, show_field_errors
from panel_tui.webconfig.pages import trainer_hints_on

log = logging.getLogger(__name__)

AUTH_METHODS = ("off", "smtp_auth", "oauth2")
SERVICES = ("exchange_online", "outlook_com")
SECURE = ("none", "ssl_tls", "starttls")
#: settings field -> widget id (its message goes to ``<id>-error``)
FIELDS = {
    "auth_method": "fs-auth-method",
    "email_service": "fs-service",
    "account": "fs-account",
    "password": "fs-password",
    "sender_address": "fs-sender",
    "smtp_server": "fs-smtp-server",
    "smtp_port": "fs-smtp-port",
    "secure": "fs-secure",
    "forward_to": "fs-forward-to",
}


class _Note:
    """The note under Sign In (the code and URL, an outcome): no empty line when there is none,
    so the page fits 80x24 without a scroll bar narrowing its fields."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.widget = page.query_one("#fs-signin-note", Static)

    def update(self, text: str) -> None:
        self.widget.update(text)
        self.page._note_text = text
        self.show(str(self.page.query_one("#fs-auth-method", Select).value) == "oauth2")

    def show(self, oauth2: bool) -> None:
        self.widget.display = oauth2 and bool(getattr(self.page, "_note_text", ""))


def fax_client(node: Any) -> Any:
    from device_model.fax import fax_server_client

    return fax_server_client(node.app.device)


class FaxServerEmailPage(VerticalScroll, can_focus=False):
    """The page; ``attempt`` is its pending sign-in (sent to the printer by OK)."""

    DEFAULT_CSS = """
    FaxServerEmailPage #fs-status { height: auto; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.attempt: Any = None

    def _row(self, label: str, widget: Any, row_id: str | None = None) -> Horizontal:
        return Horizontal(Label(label, classes="field-label", markup=False), widget, classes="field-row", id=row_id)

    def compose(self) -> ComposeResult:
        t = lambda key, **p: tr(self, key, **p)  # noqa: E731
        yield Static(t("webconfig.nav.fax_server_email"), classes="page-title", markup=False)
        yield Static(t("webconfig.fax.intro"), classes="page-note", markup=False)
        yield self._row(t("webconfig.email.auth_method"), Select(
            [(t(f"webconfig.email.auth.{m}"), m) for m in AUTH_METHODS], allow_blank=False, value="off",
            id="fs-auth-method", compact=True))
        yield Static(id="fs-auth-method-error", classes="field-error", markup=False)
        yield self._row(t("webconfig.email.service"), Select(
            [(t(f"webconfig.email.service.{s}"), s) for s in SERVICES], allow_blank=False,
            value="exchange_online", id="fs-service", compact=True), row_id="fs-row-service")
        yield Static(id="fs-service-error", classes="field-error", markup=False)
        yield self._row(t("webconfig.email.current_status"), Static(id="fs-status", markup=False), row_id="fs-row-status")
        with Horizontal(classes="button-row", id="fs-row-signin"):
            yield Button(t("webconfig.signin.button"), id="fs-sign-in", compact=True)
        yield Static(id="fs-signin-note", classes="page-note", markup=False)
        yield self._row(t("webconfig.email.account"), Input(id="fs-account", compact=True), row_id="fs-row-account")
        yield Static(id="fs-account-error", classes="field-error", markup=False)
        yield self._row(t("webconfig.email.password"), Input(id="fs-password", password=True, compact=True),
                        row_id="fs-row-password")
        yield Static(id="fs-password-error", classes="field-error", markup=False)
        yield self._row(t("webconfig.email.sender"), Input(id="fs-sender", compact=True))
        yield Static(id="fs-sender-error", classes="field-error", markup=False)
        yield self._row(t("webconfig.email.smtp_server"), Input(id="fs-smtp-server", compact=True))
        yield Static(id="fs-smtp-server-error", classes="field-error", markup=False)
        yield self._row(t("webconfig.email.smtp_port"), Input(id="fs-smtp-port", compact=True))
        yield Static(id="fs-smtp-port-error", classes="field-error", markup=False)
        yield self._row(t("webconfig.email.secure"), Select(
            [(t(f"webconfig.email.secure.{s}"), s) for s in SECURE], allow_blank=False, value="none",
            id="fs-secure", compact=True))
        yield Static(id="fs-secure-error", classes="field-error", markup=False)
        yield self._row(t("webconfig.fax.forward_to"), Input(id="fs-forward-to", compact=True))
        yield Static(id="fs-forward-to-error", classes="field-error", markup=False)
        with Horizontal(classes="button-row"):
            yield Button(t("webconfig.ok"), id="fs-ok", compact=True)
            yield Button(t("webconfig.fax.receive"), id="fs-receive", compact=True)
        yield Static(id="fs-result", classes="page-result", markup=False)

    def on_mount(self) -> None:
        self.load_settings()

    # -- values ---------------------------------------------------------------------------

    def load_settings(self) -> None:
        """What the printer holds now (a page left without OK forgets its edits)."""
        fs = self.app.device.settings.fax_server
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

    def values(self) -> dict[str, Any]:
        method = str(self.query_one("#fs-auth-method", Select).value)
        return {
            "auth_method": method,
            "email_service": str(self.query_one("#fs-service", Select).value) if method == "oauth2" else None,
            "account": self.query_one("#fs-account", Input).value if method == "smtp_auth" else "",
            "password": self.query_one("#fs-password", Input).value if method == "smtp_auth" else "",
            "sender_address": self.query_one("#fs-sender", Input).value.strip(),
            "smtp_server": self.query_one("#fs-smtp-server", Input).value.strip(),
            "smtp_port": self.query_one("#fs-smtp-port", Input).value.strip(),
            "secure": str(self.query_one("#fs-secure", Select).value),
            "forward_to": self.query_one("#fs-forward-to", Input).value.strip(),
        }

    def _apply_method(self, method: Any) -> None:
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

    @on(Select.Changed, "#fs-service")
    def _service_changed(self, event: Select.Changed) -> None:
        if self.query_one("#fs-auth-method", Select).value == "oauth2":
            self._fill_from_service(event.value)

    def _fill_from_service(self, service: Any) -> None:
        from device_model.settings import EMAIL_SERVICE_DEFAULTS  # Microsoft's names: from the profiles

        server, port, secure = EMAIL_SERVICE_DEFAULTS.get(str(service), ("", 587, "starttls"))
        self.query_one("#fs-smtp-server", Input).value = server
        self.query_one("#fs-smtp-port", Input).value = str(port)
        self.query_one("#fs-secure", Select).value = secure

    def _clear_errors(self) -> None:
        clear_field_errors(self, FIELDS.values())

    # -- Current Status and Sign In ---------------------------------------------------------

    def refresh_status(self) -> None:
        """Current Status: the pending sign-in first, else what the Fax Server holds."""
        status = self.query_one("#fs-status", Static)
        note = _Note(self)
        state = getattr(self.attempt, "state", None)
        if state == "waiting":
            status.update(tr(self, "webconfig.status.waiting"))
            note.update(tr(self, "webconfig.fax.code", code=self.attempt.user_code, url=self.attempt.verification_uri))
            return
        if state == "signed_in":
            status.update(tr(self, "webconfig.status.signed_in_account", account=self.attempt.account or ""))
            # as on the Email Server page: a printer does not explain the OK trap; a class may
            note.update(tr(self, "webconfig.status.not_saved") if trainer_hints_on(self) else "")
            return
        note.update("")
        if state in ("failed", "expired", "cancelled"):
            from panel_tui.webconfig.email_basic import signin_outcome_text

            note.update(signin_outcome_text(self, self.attempt))
        held = fax_client(self).status()
        if held.state == "signed_in":
            status.update(tr(self, "webconfig.status.signed_in_account", account=held.account or ""))
        elif held.state == "expired":
            status.update(tr(self, "webconfig.status.expired", account=held.account or ""))
        else:
            status.update(tr(self, "webconfig.status.not_signed_in"))

    @on(Button.Pressed, "#fs-sign-in")
    def sign_in(self) -> None:
        if getattr(self.attempt, "state", None) == "waiting":
            return
        self.attempt = None
        self.query_one("#fs-status", Static).update(tr(self, "webconfig.status.starting"))
        self._sign_in_worker(str(self.query_one("#fs-service", Select).value))

    @work(thread=True, group="fax-server-signin", exclusive=True, exit_on_error=False)
    def _sign_in_worker(self, service: str) -> None:
        client = fax_client(self)
        try:
            attempt = client.begin_sign_in(service)
        except Exception as exc:
            log.info("fax server sign-in could not start: %s", type(exc).__name__)
            self._from_thread(self._say, describe_error(self, exc), True)
            return
        self._from_thread(self._set_attempt, attempt)
        try:
            attempt.wait()
        except Exception:
            log.exception("waiting for the fax server sign-in failed")
        self._from_thread(self.refresh_status)

    def _from_thread(self, callback: Any, *args: Any) -> None:
        try:
            self.app.call_from_thread(callback, *args)
        except RuntimeError:  # shutting down
            pass

    def _set_attempt(self, attempt: Any) -> None:
        self.attempt = attempt
        self.refresh_status()

    def on_unmount(self) -> None:
        if getattr(self.attempt, "state", None) == "waiting":
            try:
                self.attempt.cancel()
            except Exception:
                log.exception("cancelling the fax server sign-in failed")

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
            self.app.device.update("fax_server", **values)
        except ValidationError as exc:
            messages = {FIELDS[name]: tr(self, msg) for name, msg in exc.errors.items() if name in FIELDS}
            self._say(tr(self, "webconfig.email.invalid"), True)
            show_field_errors(self, messages)
            return
        committed = False
        if values["auth_method"] == "oauth2" and getattr(self.attempt, "state", None) == "signed_in":
            fax_client(self).commit_sign_in(self.attempt)
            self.attempt = None
            committed = True
        self._say(tr(self, "webconfig.email.saved_signin" if committed else "webconfig.email.saved"), False)
        self.refresh_status()

    @on(Button.Pressed, "#fs-receive")
    def receive_sample(self) -> None:
        self._say(tr(self, "webconfig.fax.receiving"), False)
        self.query_one("#fs-receive", Button).disabled = True
        self._receive_worker()

    @work(exclusive=True, group="fax-receive", exit_on_error=False)
    async def _receive_worker(self) -> None:
        try:
            job = await fax_client(self).receive_sample()
        except Exception as exc:
            log.info("sample fax failed: %s", type(exc).__name__)
            self._say(describe_error(self, exc), True)
        else:
            self._say(job_outcome_text(self, job), getattr(job, "status", "") == "error")
        finally:
            self.query_one("#fs-receive", Button).disabled = False
