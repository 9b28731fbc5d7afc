"""Network > Email Server > Basic: the page the guide's steps 3-12 happen on.

Fields are the device's ``email_server`` settings; OK validates all of them through
``device.update`` (messages appear at the fields, nothing is saved on error) and then sends the
pending OAuth2 sign-in to the printer. A test email can be sent from here as well.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Select, Static

from device_model.settings import EMAIL_SERVICE_DEFAULTS

from panel_tui.ui import busy
from panel_tui.ui.host import host
from panel_tui.ui.text import describe_error, job_outcome_text, tr, trainer_hints_on
from panel_tui.ui.wrapped_static import WrappedStatic
from panel_tui.ui.workers import reported
from panel_tui.webconfig.field_errors import clear_field_errors, show_field_errors
from panel_tui.webconfig.fields import compose_rows, widget_ids
from panel_tui.webconfig.signin_status import signed_in_account, status_texts
from panel_tui.widgets.form import FieldSpec, FieldValue, FormValues

if TYPE_CHECKING:
    from panel_tui.webconfig.session import SignInSession

log = logging.getLogger(__name__)

AUTH_METHODS = ("off", "smtp_auth", "pop_before_smtp", "oauth2")
SERVICES = ("exchange_online", "outlook_com")
SECURE = ("none", "ssl_tls", "starttls")

#: The page's fields above Current Status and Sign In (shown with OAuth2)
METHOD_FIELDS = (
    FieldSpec("auth_method", "webconfig.email.auth_method", widget_id="eb-auth-method",
              choices=tuple((f"webconfig.email.auth.{m}", m) for m in AUTH_METHODS)),
    FieldSpec("email_service", "webconfig.email.service", widget_id="eb-service", row_id="row-service",
              row_classes="oauth2-only", choices=tuple((f"webconfig.email.service.{s}", s) for s in SERVICES)),
)
#: ... and below them (each row shown for the methods its class names)
SERVER_FIELDS = (
    FieldSpec("account", "webconfig.email.account", widget_id="eb-account", row_classes="basic-auth-only"),
    FieldSpec("password", "webconfig.email.password", widget_id="eb-password", password=True,
              row_classes="basic-auth-only"),
    FieldSpec("pop3_server", "webconfig.email.pop3_server", widget_id="eb-pop3-server", row_classes="pop-only"),
    FieldSpec("sender_address", "webconfig.email.sender", widget_id="eb-sender", max_length=255,
              placeholder_key="webconfig.email.sender_placeholder"),
    FieldSpec("smtp_server", "webconfig.email.smtp_server", widget_id="eb-smtp-server"),
    FieldSpec("smtp_port", "webconfig.email.smtp_port", widget_id="eb-smtp-port", restrict=r"[0-9]*", max_length=5),
    FieldSpec("secure", "webconfig.email.secure", widget_id="eb-secure",
              choices=tuple((f"webconfig.email.secure.{s}", s) for s in SECURE)),
)
#: settings field -> the widget id that shows it (and where its validation message goes)
FIELDS = {
    **widget_ids((*METHOD_FIELDS, *SERVER_FIELDS)),
    # OAuth2 refused while email uses the additional network: said at Authentication Method
    "network": "eb-auth-method",
}


class EmailBasicPage(VerticalScroll, can_focus=False):
    """Network > Email Server > Basic.

    Not a focus stop itself (the page has no focus style): Tab goes from field to field and
    the page scrolls to the focused one.
    """

    def __init__(self, session: SignInSession, *, id: str | None = None) -> None:
        super().__init__(id=id)
        #: Web Config's pending sign-in (owned by the Web Config screen)
        self.session = session
        #: the fields are being filled from the settings (a change is not the person's)
        self._loading = False

    def compose(self) -> ComposeResult:
        t = lambda key, **p: tr(self, key, **p)  # noqa: E731
        yield Static(t("webconfig.nav.email_basic"), classes="page-title", markup=False)
        yield from compose_rows(METHOD_FIELDS, t)
        # Current Status is shown only once signed in (or expired), as on the printer: the
        # guide's "no Current Status and a Sign In button: sign in" depends on it
        with Horizontal(classes="field-row oauth2-only", id="row-status"):
            yield Label(t("webconfig.email.current_status"), classes="field-label", markup=False)
            yield WrappedStatic(id="eb-status")  # wraps before "(" / after "@", not mid-word
        with Horizontal(classes="field-row oauth2-only", id="row-signin"):
            yield Label("", classes="field-label", markup=False)
            yield Button(t("webconfig.signin.button"), id="eb-sign-in", compact=True)
            yield Button(t("webconfig.cancel"), id="eb-sign-in-cancel", compact=True)
        yield Static(id="eb-status-note", classes="page-note oauth2-only", markup=False)
        yield from compose_rows(SERVER_FIELDS, t)
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
        self.session.changed.subscribe(self, self._attempt_changed)
        self.load_settings()

    def on_unmount(self) -> None:
        # the session is Web Config's: its subscription would hold this page
        self.session.changed.unsubscribe(self)

    # -- values -------------------------------------------------------------------------

    def load_settings(self) -> None:
        """Show what the printer holds now (also after a Cancel of unsaved edits)."""
        es = host(self).device.settings.email_server
        self._loading = True
        self.query_one("#eb-auth-method", Select).value = es.auth_method or "off"
        self.query_one("#eb-service", Select).value = es.email_service or "exchange_online"
        self.query_one("#eb-account", Input).value = es.account or ""
        self.query_one("#eb-password", Input).value = es.password or ""
        self.query_one("#eb-pop3-server", Input).value = es.pop3_server or ""
        self.query_one("#eb-sender", Input).value = es.sender_address or ""
        self.query_one("#eb-smtp-server", Input).value = es.smtp_server or ""
        self.query_one("#eb-smtp-port", Input).value = str(es.smtp_port or "")
        self.query_one("#eb-secure", Select).value = es.secure or "none"
        self._loading = False
        self._clear_errors()
        self._apply_method(es.auth_method or "off")
        self._attempt_changed()

    def values(self) -> FormValues:
        """The page's fields as ``email_server`` settings values."""
        method = self.query_one("#eb-auth-method", Select).value
        port_text = self.query_one("#eb-smtp-port", Input).value.strip()
        # ASCII only: "²".isdigit() is True but int("²") raises; the device says "not a number"
        port: FieldValue = int(port_text) if port_text.isascii() and port_text.isdigit() and len(port_text) < 10 else port_text
        sender = self.query_one("#eb-sender", Input).value.strip()
        if not sender and method == "oauth2":
            sender = signed_in_account(self, self.session)
        values: FormValues = {
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

    #: the rows a method shows or hides (web_page.tcss: ``EmailBasicPage.-oauth2 .oauth2-only``...)
    METHOD_ROWS = ".oauth2-only, .basic-auth-only, .pop-only"

    def _apply_method(self, method: object) -> None:
        """Show the rows of the method chosen. The page's classes say which; only the rows
        that depend on them are restyled: a class set on the page the usual way restyled all
        of its ~60 widgets (OAuth2 chosen: ~60 % of that key's work before its frame)."""
        wanted = {
            "-oauth2": method == "oauth2",
            "-basic-auth": method in ("smtp_auth", "pop_before_smtp"),
            "-pop": method == "pop_before_smtp",
        }
        if all(self.has_class(name) == on for name, on in wanted.items()):
            return
        for name, on in wanted.items():
            self.set_class(on, name, update=False)
        if self.is_attached:
            self.app.stylesheet.update_nodes(self.query(self.METHOD_ROWS))

    @on(Select.Changed, "#eb-auth-method")
    def _method_changed(self, event: Select.Changed) -> None:
        self._apply_method(event.value)
        if event.value == "oauth2" and not self._loading:
            self._fill_from_service(self.query_one("#eb-service", Select).value)
        self._attempt_changed()

    @on(Select.Changed, "#eb-service")
    def _service_changed(self, event: Select.Changed) -> None:
        if not self._loading:
            self._fill_from_service(event.value)

    def _fill_from_service(self, service: object) -> None:
        """Choosing a service fills SMTP server, port and Secure Connection (editable after)."""
        defaults = EMAIL_SERVICE_DEFAULTS.get(str(service))
        if defaults is None:
            return
        host, port, secure = defaults
        self.query_one("#eb-smtp-server", Input).value = host
        self.query_one("#eb-smtp-port", Input).value = str(port)
        self.query_one("#eb-secure", Select).value = secure

    # -- Current Status -----------------------------------------------------------------

    def _attempt_changed(self, _session: SignInSession | None = None) -> None:
        status_text, note, can_cancel = status_texts(self, self.session)
        status_row = self.query_one("#row-status")
        self.query_one("#eb-status", WrappedStatic).update(status_text)  # plain: the account is data
        status_row.set_class(not status_text, "-none")
        note_widget = self.query_one("#eb-status-note", Static)
        note_widget.update(note)
        note_widget.set_class(not note, "-empty")
        self.query_one("#eb-sign-in-cancel", Button).display = can_cancel
        self._offer_account_as_sender()

    def _offer_account_as_sender(self) -> None:
        """With OAuth2 the sender is the signed-in mailbox unless the person typed another one:
        an empty Sender's Email Address is filled with it, and the account is its placeholder."""
        sender = self.query_one("#eb-sender", Input)
        account = signed_in_account(self, self.session) if self.has_class("-oauth2") else ""
        sender.placeholder = account or tr(self, "webconfig.email.sender_placeholder")
        if account and not sender.value.strip() and self.session.signed_in:
            sender.value = account

    @on(Button.Pressed, "#eb-sign-in")
    def _sign_in(self) -> None:
        from panel_tui.webconfig.signin import SignInModal

        service = self.query_one("#eb-service", Select).value
        self.app.push_screen(SignInModal(str(service), self.session))

    @on(Button.Pressed, "#eb-sign-in-cancel")
    def _cancel_sign_in(self) -> None:
        if self.session.cancel():
            self.session.announce()

    # -- OK -----------------------------------------------------------------------------

    def _clear_errors(self) -> None:
        clear_field_errors(self, FIELDS.values())

    @on(Button.Pressed, "#eb-ok")
    def press_ok(self) -> None:
        """Guide step 12: send the settings (and a pending sign-in) to the printer."""
        from device_model.validation import ValidationError

        self._clear_errors()
        result = self.query_one("#eb-result", Static)
        values = self.values()
        device = host(self).device
        try:
            device.update("email_server", **values)
        except ValidationError as exc:
            messages = {FIELDS[name]: tr(self, msg) for name, msg in exc.errors.items() if name in FIELDS}
            result.update(tr(self, "webconfig.email.invalid"))
            result.set_class(True, "-error")
            show_field_errors(self, messages)
            return
        committed = False
        if values.get("auth_method") == "oauth2":
            try:
                committed = self.session.commit()
            except (OSError, ValueError) as exc:  # the token cache could not be written, or the
                # sign-in ended meanwhile (no finished sign-in to save): said on the page
                result.update(describe_error(self, exc))
                result.set_class(True, "-error")
                return
            if committed:
                self.session.announce()
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
        return host(self).device.email.status().state == "signed_in"

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
        busy.hold(self.query_one("#eb-test-send", Button))
        self._send_test_worker(to)

    @work(exclusive=True, group="webconfig-test-email", exit_on_error=False)
    @reported
    async def _send_test_worker(self, to: str) -> None:
        result = self.query_one("#eb-test-result", Static)
        try:
            job = await host(self).device.email.send_test_email(to)
        except OSError as exc:  # the job log could not be written (send failures end in the job)
            result.update(describe_error(self, exc))
        else:
            result.update(job_outcome_text(self, job))
        finally:
            busy.release(self.query_one("#eb-test-send", Button))

