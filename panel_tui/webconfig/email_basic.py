"""Network > Email Server > Basic: the page the guide's steps 3-12 happen on.

Fields are the device's ``email_server`` settings; OK validates all of them through
``device.update`` (messages appear at the fields, nothing is saved on error) and then sends the
pending OAuth2 sign-in to the printer. A test email can be sent from here as well.
"""

from __future__ import annotations

import logging
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Select, Static

from panel_tui.webconfig.common import describe_error, job_outcome_text, tr
from panel_tui.webconfig.pages import trainer_hints_on

log = logging.getLogger(__name__)

AUTH_METHODS = ("off", "smtp_auth", "pop_before_smtp", "oauth2")
SERVICES = ("exchange_online", "outlook_com")
SECURE = ("none", "ssl_tls", "starttls")

#: settings field -> the widget id that shows it (and where its validation message goes)
FIELDS = {
    "auth_method": "eb-auth-method",
    "email_service": "eb-service",
    "account": "eb-account",
    "password": "eb-password",
    "pop3_server": "eb-pop3-server",
    "sender_address": "eb-sender",
    "smtp_server": "eb-smtp-server",
    "smtp_port": "eb-smtp-port",
    "secure": "eb-secure",
    # OAuth2 refused while email uses the additional network: said at Authentication Method
    "network": "eb-auth-method",
}


def _service_defaults() -> dict[str, tuple[str, int, str]]:
    """What choosing an email service fills in (the names users see; the simulated tenant maps them)."""
    from device_model.settings import EMAIL_SERVICE_DEFAULTS

    return dict(EMAIL_SERVICE_DEFAULTS)


class Field(Horizontal):
    """One labelled row of the page with its validation message underneath."""

    def __init__(
        self, label: str, widget: Any, *, name: str, id: str | None = None, classes: str = ""
    ) -> None:
        super().__init__(id=id, classes=f"field-row {classes}".strip())
        self._label = label
        self._widget = widget
        self.field_name = name

    def compose(self) -> ComposeResult:
        yield Label(self._label, classes="field-label", markup=False)
        yield self._widget


class EmailBasicPage(VerticalScroll, can_focus=False):
    """Network > Email Server > Basic.

    Not a focus stop itself (the page has no focus style): Tab goes from field to field and
    the page scrolls to the focused one.
    """

    def compose(self) -> ComposeResult:
        t = lambda key, **p: tr(self, key, **p)  # noqa: E731
        yield Static(t("webconfig.nav.email_basic"), classes="page-title", markup=False)
        yield Field(
            t("webconfig.email.auth_method"),
            Select(
                [(t(f"webconfig.email.auth.{m}"), m) for m in AUTH_METHODS],
                allow_blank=False,
                value="off",
                id="eb-auth-method",
                compact=True,
            ),
            name="auth_method",
        )
        yield Static(id="eb-auth-method-error", classes="field-error", markup=False)
        yield Field(
            t("webconfig.email.service"),
            Select(
                [(t(f"webconfig.email.service.{s}"), s) for s in SERVICES],
                allow_blank=False,
                value="exchange_online",
                id="eb-service",
                compact=True,
            ),
            name="email_service",
            id="row-service",
            classes="oauth2-only",
        )
        yield Static(id="eb-service-error", classes="field-error", markup=False)
        # Current Status is shown only once signed in (or expired), as on the printer: the
        # guide's "no Current Status and a Sign In button: sign in" depends on it
        with Horizontal(classes="field-row oauth2-only", id="row-status"):
            yield Label(t("webconfig.email.current_status"), classes="field-label", markup=False)
            yield Static(id="eb-status", markup=False)
        with Horizontal(classes="field-row oauth2-only", id="row-signin"):
            yield Label("", classes="field-label", markup=False)
            yield Button(t("webconfig.signin.button"), id="eb-sign-in", compact=True)
            yield Button(t("webconfig.cancel"), id="eb-sign-in-cancel", compact=True)
        yield Static(id="eb-status-note", classes="page-note oauth2-only", markup=False)
        yield Field(
            t("webconfig.email.account"),
            Input(id="eb-account", compact=True),
            name="account",
            classes="basic-auth-only",
        )
        yield Static(id="eb-account-error", classes="field-error", markup=False)
        yield Field(
            t("webconfig.email.password"),
            Input(id="eb-password", password=True, compact=True),
            name="password",
            classes="basic-auth-only",
        )
        yield Static(id="eb-password-error", classes="field-error", markup=False)
        yield Field(
            t("webconfig.email.pop3_server"),
            Input(id="eb-pop3-server", compact=True),
            name="pop3_server",
            classes="pop-only",
        )
        yield Static(id="eb-pop3-server-error", classes="field-error", markup=False)
        yield Field(
            t("webconfig.email.sender"),
            Input(id="eb-sender", compact=True, max_length=255, placeholder=t("webconfig.email.sender_placeholder")),
            name="sender_address",
        )
        yield Static(id="eb-sender-error", classes="field-error", markup=False)
        yield Field(
            t("webconfig.email.smtp_server"), Input(id="eb-smtp-server", compact=True), name="smtp_server"
        )
        yield Static(id="eb-smtp-server-error", classes="field-error", markup=False)
        yield Field(
            t("webconfig.email.smtp_port"),
            Input(id="eb-smtp-port", compact=True, restrict=r"[0-9]*", max_length=5),
            name="smtp_port",
        )
        yield Static(id="eb-smtp-port-error", classes="field-error", markup=False)
        yield Field(
            t("webconfig.email.secure"),
            Select(
                [(t(f"webconfig.email.secure.{s}"), s) for s in SECURE],
                allow_blank=False,
                value="none",
                id="eb-secure",
                compact=True,
            ),
            name="secure",
        )
        yield Static(id="eb-secure-error", classes="field-error", markup=False)
        with Horizontal(classes="button-row"):
            yield Button(t("webconfig.ok"), id="eb-ok", compact=True)
        yield Static(id="eb-result", classes="page-result", markup=False)
        yield Static(t("webconfig.test_email.title"), classes="page-subtitle", markup=False)
        # recipient and Send on one row: the whole page fits 80x24 without scrolling
        with Horizontal(classes="field-row"):
            yield Label(t("webconfig.test_email.to"), classes="field-label", markup=False)
            yield Input(id="eb-test-to", compact=True, placeholder=t("webconfig.test_email.placeholder"))
            yield Button(t("webconfig.test_email.send"), id="eb-test-send", compact=True)
        yield Static(id="eb-test-result", classes="page-result", markup=False)

    def on_mount(self) -> None:
        screen = self.screen
        self.watch(screen, "attempt_rev", self._attempt_changed, init=False)
        self.load_settings()

    # -- values -------------------------------------------------------------------------

    def load_settings(self) -> None:
        """Show what the printer holds now (also after a Cancel of unsaved edits)."""
        try:
            es = self.app.device.settings.email_server
        except Exception:
            return
        self._loading = True
        self.query_one("#eb-auth-method", Select).value = es.auth_method or "off"
        self.query_one("#eb-service", Select).value = es.email_service or "exchange_online"
        self.query_one("#eb-account", Input).value = es.account or ""
        self.query_one("#eb-password", Input).value = es.password or ""
        self.query_one("#eb-pop3-server", Input).value = getattr(es, "pop3_server", "") or ""
        self.query_one("#eb-sender", Input).value = es.sender_address or ""
        self.query_one("#eb-smtp-server", Input).value = es.smtp_server or ""
        self.query_one("#eb-smtp-port", Input).value = str(es.smtp_port or "")
        self.query_one("#eb-secure", Select).value = es.secure or "none"
        self._loading = False
        self._clear_errors()
        self._apply_method(es.auth_method or "off")
        self._attempt_changed()

    def values(self) -> dict[str, Any]:
        """The page's fields as ``email_server`` settings values."""
        method = self.query_one("#eb-auth-method", Select).value
        port_text = self.query_one("#eb-smtp-port", Input).value.strip()
        # ASCII only: "²".isdigit() is True but int("²") raises; the device says "not a number"
        port: Any = int(port_text) if port_text.isascii() and port_text.isdigit() and len(port_text) < 10 else port_text
        sender = self.query_one("#eb-sender", Input).value.strip()
        if not sender and method == "oauth2":
            sender = self.signed_in_account(self.screen)
        values: dict[str, Any] = {
            "auth_method": method,
            "sender_address": sender,
            "smtp_server": self.query_one("#eb-smtp-server", Input).value.strip(),
            "smtp_port": port,
            "secure": self.query_one("#eb-secure", Select).value,
        }
        if method == "oauth2":
            values["email_service"] = self.query_one("#eb-service", Select).value
        if method in ("smtp_auth", "pop_before_smtp"):
            values["account"] = self.query_one("#eb-account", Input).value
            values["password"] = self.query_one("#eb-password", Input).value
        if method == "pop_before_smtp":
            values["pop3_server"] = self.query_one("#eb-pop3-server", Input).value.strip()
        return values

    def _apply_method(self, method: Any) -> None:
        self.set_class(method == "oauth2", "-oauth2")
        self.set_class(method in ("smtp_auth", "pop_before_smtp"), "-basic-auth")
        self.set_class(method == "pop_before_smtp", "-pop")

    @on(Select.Changed, "#eb-auth-method")
    def _method_changed(self, event: Select.Changed) -> None:
        self._apply_method(event.value)
        if event.value == "oauth2" and not getattr(self, "_loading", False):
            self._fill_from_service(self.query_one("#eb-service", Select).value)
        self._attempt_changed()

    @on(Select.Changed, "#eb-service")
    def _service_changed(self, event: Select.Changed) -> None:
        if not getattr(self, "_loading", False):
            self._fill_from_service(event.value)

    def _fill_from_service(self, service: Any) -> None:
        """Choosing a service fills SMTP server, port and Secure Connection (editable after)."""
        defaults = _service_defaults().get(str(service))
        if defaults is None:
            return
        host, port, secure = defaults
        self.query_one("#eb-smtp-server", Input).value = host
        self.query_one("#eb-smtp-port", Input).value = str(port)
        self.query_one("#eb-secure", Select).value = secure

    # -- Current Status -----------------------------------------------------------------

    def _attempt_changed(self, *_args: Any) -> None:
        screen: Any = self.screen
        status_text, note, can_cancel = self.status_texts(screen)
        status_row = self.query_one("#row-status")
        self.query_one("#eb-status", Static).update(Text(status_text))  # the account is data
        status_row.set_class(not status_text, "-none")
        note_widget = self.query_one("#eb-status-note", Static)
        note_widget.update(note)
        note_widget.set_class(not note, "-empty")
        self.query_one("#eb-sign-in-cancel", Button).display = can_cancel
        self._offer_account_as_sender(screen)

    def signed_in_account(self, screen: Any) -> str:
        """The account of the pending sign-in, else the one the printer holds ("" if none)."""
        attempt = getattr(screen, "attempt", None)
        if getattr(attempt, "state", None) == "signed_in":
            return str(getattr(attempt, "account", "") or "")
        try:
            status = self.app.device.email.status()
        except Exception:
            return ""
        if getattr(status, "state", "") in ("signed_in", "expired"):
            return str(getattr(status, "account", "") or "")
        return ""

    def _offer_account_as_sender(self, screen: Any) -> None:
        """With OAuth2 the sender is the signed-in mailbox unless the person typed another one:
        an empty Sender's Email Address is filled with it, and the account is its placeholder."""
        sender = self.query_one("#eb-sender", Input)
        account = self.signed_in_account(screen) if self.has_class("-oauth2") else ""
        sender.placeholder = account or tr(self, "webconfig.email.sender_placeholder")
        attempt = getattr(screen, "attempt", None)
        if account and not sender.value.strip() and getattr(attempt, "state", None) == "signed_in":
            sender.value = account

    def status_texts(self, screen: Any) -> tuple[str, str, bool]:
        """(Current Status, a note, whether Cancel is offered); Current Status "" = not shown.

        As on the printer: no Current Status until signed in (the guide's "no Current Status
        and a Sign In button: sign in"), and "Signed in" with no word about OK (the guide's
        "Current Status is Signed in, but OK was not clicked" trap). The explanations a class
        needs are shown only with the device's trainer-hints setting on.
        """
        hints = trainer_hints_on(self)
        attempt = getattr(screen, "attempt", None)
        state = getattr(attempt, "state", None)
        if state == "signed_in":
            return (
                tr(self, "webconfig.status.signed_in_account", account=attempt.account or ""),
                tr(self, "webconfig.status.not_saved") if hints else "",
                False,
            )
        if state == "waiting":
            note = tr(self, "webconfig.status.waiting")
            if hints:
                note += " " + tr(self, "webconfig.status.waiting_note")
            return "", note, True
        if getattr(screen, "starting_sign_in", False):
            return "", tr(self, "webconfig.status.starting"), False
        note = ""
        if state in ("failed", "expired", "cancelled"):
            note = signin_outcome_text(self, attempt)
        try:
            status = self.app.device.email.status()
        except Exception:
            return "", note, False
        device_state = getattr(status, "state", "not_signed_in")
        if device_state == "signed_in":
            return tr(self, "webconfig.status.signed_in_account", account=status.account or ""), note, False
        if device_state == "expired":
            return tr(self, "webconfig.status.expired", account=status.account or ""), note, False
        return "", note, False

    @on(Button.Pressed, "#eb-sign-in")
    def _sign_in(self) -> None:
        from panel_tui.webconfig.signin import SignInModal

        service = self.query_one("#eb-service", Select).value
        self.app.push_screen(SignInModal(str(service)))

    @on(Button.Pressed, "#eb-sign-in-cancel")
    def _cancel_sign_in(self) -> None:
        self.screen.cancel_sign_in()  # type: ignore[attr-defined]

    # -- OK -----------------------------------------------------------------------------

    def _clear_errors(self) -> None:
        for widget_id in FIELDS.values():
            error = self.query_one(f"#{widget_id}-error", Static)
            error.update("")
            error.remove_class("-shown")

    @on(Button.Pressed, "#eb-ok")
    def press_ok(self) -> None:
        """Guide step 12: send the settings (and a pending sign-in) to the printer."""
        from device_model.validation import ValidationError  # type: ignore[import-not-found]

        self._clear_errors()
        result = self.query_one("#eb-result", Static)
        values = self.values()
        device = self.app.device
        try:
            device.update("email_server", **values)
        except ValidationError as exc:
            first = None
            for name, msg in exc.errors.items():
                widget_id = FIELDS.get(name)
                if widget_id is None:
                    continue
                error = self.query_one(f"#{widget_id}-error", Static)
                error.update(tr(self, msg))
                error.add_class("-shown")
                first = first or widget_id
            result.update(tr(self, "webconfig.email.invalid"))
            result.set_class(True, "-error")
            if first is not None:
                self.query_one(f"#{first}").focus()
            return
        committed = False
        if values.get("auth_method") == "oauth2":
            try:
                committed = self.screen.commit_pending()  # type: ignore[attr-defined]
            except Exception as exc:
                result.update(describe_error(self, exc))
                result.set_class(True, "-error")
                return
        result.set_class(False, "-error")
        key = "webconfig.email.saved_signin" if committed else "webconfig.email.saved"
        if (
            not committed
            and values.get("auth_method") == "oauth2"
            and not self._device_signed_in()
            and trainer_hints_on(self)
        ):
            # a hint for a class: with OAuth2 and no sign-in every send fails with 360 (a
            # printer says "Setup complete" all the same, which is the guide's trouble case)
            key = "webconfig.email.saved_not_signed_in"
        result.update(tr(self, key))
        self._attempt_changed()

    def _device_signed_in(self) -> bool:
        try:
            return getattr(self.app.device.email.status(), "state", "") == "signed_in"
        except Exception:
            return False

    # -- test email ---------------------------------------------------------------------

    @on(Input.Submitted, "#eb-test-to")
    @on(Button.Pressed, "#eb-test-send")
    def _send_test(self) -> None:
        to = self.query_one("#eb-test-to", Input).value.strip()
        result = self.query_one("#eb-test-result", Static)
        if not to or "@" not in to:
            result.update(tr(self, "webconfig.test_email.need_address"))
            return
        result.update(tr(self, "webconfig.test_email.sending", to=to))
        self.query_one("#eb-test-send", Button).disabled = True
        self._send_test_worker(to)

    @work(exclusive=True, group="webconfig-test-email", exit_on_error=False)
    async def _send_test_worker(self, to: str) -> None:
        result = self.query_one("#eb-test-result", Static)
        try:
            email = self.app.device.email
            if hasattr(email, "send_test_email"):
                job = await email.send_test_email(to)
            else:
                job = await email.send(
                    to, tr(self, "webconfig.test_email.subject"), tr(self, "webconfig.test_email.body")
                )
        except Exception as exc:
            result.update(describe_error(self, exc))
        else:
            result.update(job_outcome_text(self, job))
        finally:
            self.query_one("#eb-test-send", Button).disabled = False


def signin_outcome_text(node: Any, attempt: Any) -> str:
    """Why a sign-in ended without success, with the guide's Conditional Access advice."""
    state = getattr(attempt, "state", "")
    if state == "expired":
        return tr(node, "webconfig.signin.expired")
    if state == "cancelled":
        return tr(node, "webconfig.signin.cancelled")
    error = getattr(attempt, "error", None)
    text = tr(node, error) if error is not None else tr(node, "webconfig.signin.failed")
    if getattr(attempt, "aad_code", None) == 53003:
        text = f"{text}\n{tr(node, 'webconfig.signin.conditional_access')}"
    return text
