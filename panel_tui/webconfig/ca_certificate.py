"""Network Security > CA Certificate: import a CA the printer then trusts for SMTP, list, delete.

A browser's file field is a path field here (the terminal has no file dialog). The list shows
each certificate's subject, issuer, expiry and fingerprint; Delete removes the highlighted one.
Imported and deleted certificates take effect at the next connection (Connection Test included).
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from panel_tui.ui.host import host
from panel_tui.ui.text import tr


class CaCertificatePage(VerticalScroll, can_focus=False):
    """The imported CA certificates (log-in required, like every Network Security page)."""

    DEFAULT_CSS = """
    CaCertificatePage #ca-list { height: auto; max-height: 8; border: none; }
    """

    def compose(self) -> ComposeResult:
        t = lambda key, **p: tr(self, key, **p)  # noqa: E731
        yield Static(t("webconfig.nav.ca_certificate"), classes="page-title", markup=False)
        yield Static(t("webconfig.ca.intro"), classes="page-note", markup=False)
        yield Static(t("webconfig.ca.list"), classes="page-subtitle", markup=False)
        yield OptionList(id="ca-list", compact=True)
        with Horizontal(classes="button-row"):
            yield Button(t("webconfig.ca.delete"), id="ca-delete", compact=True)
        yield Static(t("webconfig.ca.import_title"), classes="page-subtitle", markup=False)
        with Horizontal(classes="field-row"):
            yield Label(t("webconfig.ca.file"), classes="field-label", markup=False)
            yield Input(placeholder=t("webconfig.ca.file_placeholder"), id="ca-file", compact=True)
        with Horizontal(classes="button-row"):
            yield Button(t("webconfig.ca.import"), id="ca-import", compact=True)
        yield Static(id="ca-result", classes="page-result", markup=False)

    def on_mount(self) -> None:
        self.load_settings()

    def load_settings(self) -> None:
        """List what the printer trusts now."""
        device = host(self).device
        listing = self.query_one("#ca-list", OptionList)
        listing.clear_options()
        certs = device.trust.list()
        for cert in certs:
            when = device.format_datetime(cert.not_after)
            line = Text(cert.subject, style="bold")  # text from a file: never markup
            line.append(f"\n  {tr(self, 'webconfig.ca.issuer')} {cert.issuer}")
            line.append(f"\n  {tr(self, 'webconfig.ca.expires')} {when}")
            line.append(f"\n  SHA-256 {cert.fingerprint}", style="dim")
            listing.add_option(Option(line, id=cert.id))
        if not certs:
            listing.add_option(Option(tr(self, "webconfig.ca.none"), disabled=True))
        self.query_one("#ca-delete", Button).disabled = not certs

    def press_ok(self) -> None:
        """Ctrl+O on this page imports the named file (the page's one action that sends)."""
        self.import_file()

    def _say(self, text: str, *, error: bool) -> None:
        result = self.query_one("#ca-result", Static)
        result.update(text)
        result.set_class(error, "-error")

    @on(Button.Pressed, "#ca-import")
    @on(Input.Submitted, "#ca-file")
    def import_file(self) -> None:
        from device_model.trust import TrustError

        path = self.query_one("#ca-file", Input).value.strip()
        if not path:
            self._say(tr(self, "webconfig.ca.need_file"), error=True)
            return
        try:
            certs = host(self).device.trust.import_file(path)
        except TrustError as exc:
            self._say(tr(self, exc.msg), error=True)
            return
        self.query_one("#ca-file", Input).value = ""
        self.load_settings()
        self._say(tr(self, "webconfig.ca.imported", subject=", ".join(c.subject for c in certs)), error=False)

    @on(Button.Pressed, "#ca-delete")
    def delete_highlighted(self) -> None:
        listing = self.query_one("#ca-list", OptionList)
        index = listing.highlighted
        option = listing.get_option_at_index(index) if index is not None else None
        if option is None or option.id is None:
            self._say(tr(self, "webconfig.ca.choose_first"), error=True)
            return
        subject = next((c.subject for c in host(self).device.trust.list() if c.id == option.id), option.id[:16])
        host(self).device.trust.delete(option.id)
        self.load_settings()
        self._say(tr(self, "webconfig.ca.deleted", subject=subject), error=False)
