"""Editable Network Settings: Device Name, TCP/IP, Email Server > Server Settings."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from panel_tui.screens.form_screen import FormScreen
from panel_tui.widgets.form import FieldSpec, FormValues

AUTO_MANUAL = (("panel.field.auto", True), ("panel.field.manual", False))


def _manual(name: str) -> Callable[[FormValues], bool]:
    return lambda values: values.get(name) is False


def _dns_manual(values: FormValues) -> bool:
    """A manual IP address means manual DNS too (as on the device)."""
    return values.get("dhcp") is False or values.get("dns_auto") is False


class DeviceNameScreen(FormScreen):
    """Network Settings > Advanced > Device Name."""

    SECTION = "network"
    HELP_KEY = "panel.help.device_name"

    def fields(self) -> Sequence[FieldSpec]:
        return (FieldSpec("device_name", "panel.field.device_name", max_length=53),)


class TcpIpScreen(FormScreen):
    """Network Settings > Advanced > TCP/IP: DHCP or a manual address, and DNS."""

    SECTION = "network"
    HELP_KEY = "panel.help.tcpip"

    def fields(self) -> Sequence[FieldSpec]:
        return (
            FieldSpec("dhcp", "panel.field.obtain_ip", choices=AUTO_MANUAL),
            FieldSpec("ip", "panel.field.ip", max_length=15, enabled_when=_manual("dhcp")),
            FieldSpec("subnet_mask", "panel.field.subnet_mask", max_length=15, enabled_when=_manual("dhcp")),
            FieldSpec("gateway", "panel.field.gateway", max_length=15, enabled_when=_manual("dhcp")),
            FieldSpec("dns_auto", "panel.field.dns_setting", choices=AUTO_MANUAL),
            FieldSpec("dns_primary", "panel.field.dns_primary", max_length=15, enabled_when=_dns_manual),
            FieldSpec("dns_secondary", "panel.field.dns_secondary", max_length=15, enabled_when=_dns_manual),
        )

    def current_values(self) -> FormValues:
        """Show the DHCP lease's address in the manual fields when nothing manual is stored."""
        values = super().current_values()
        lease = self.device.profile.dhcp_lease
        for name in ("ip", "subnet_mask", "gateway", "dns_primary", "dns_secondary"):
            if not values.get(name):
                values[name] = getattr(lease, name)  # the lease has each of these fields
        return values


AUTH_METHODS = (
    ("panel.auth.off", "off"),
    ("panel.auth.smtp_auth", "smtp_auth"),
    ("panel.auth.pop_before_smtp", "pop_before_smtp"),
    ("panel.auth.oauth2", "oauth2"),
)
SERVICES = (
    ("panel.service.exchange_online", "exchange_online"),
    ("panel.service.outlook_com", "outlook_com"),
)
SECURE = (
    ("panel.secure.none", "none"),
    ("panel.secure.ssl_tls", "ssl_tls"),
    ("panel.secure.starttls", "starttls"),
)


def _needs_account(values: FormValues) -> bool:
    return values.get("auth_method") in ("smtp_auth", "pop_before_smtp")


class EmailServerSettingsScreen(FormScreen):
    """Network Settings > Advanced > Email Server > Server Settings.

    OAuth2 sign-in itself happens in Web Config (guide steps 2–12); here the method can be
    chosen and the server fields edited with the limits of REFERENCE.md §1.
    """

    SECTION = "email_server"
    HELP_KEY = "panel.help.email_server_settings"

    def fields(self) -> Sequence[FieldSpec]:
        methods = AUTH_METHODS
        if not self.device.profile.supports_oauth2:
            methods = tuple(m for m in methods if m[1] != "oauth2")
        return (
            FieldSpec("auth_method", "panel.field.auth_method", choices=methods),
            FieldSpec("email_service", "panel.field.email_service", choices=SERVICES,
                      enabled_when=lambda v: v.get("auth_method") == "oauth2"),
            FieldSpec("sender_address", "panel.field.sender_address", max_length=255),
            FieldSpec("smtp_server", "panel.field.smtp_server", max_length=255),
            FieldSpec("smtp_port", "panel.field.smtp_port", max_length=5),
            FieldSpec("secure", "panel.field.secure", choices=SECURE),
            FieldSpec("account", "panel.field.account", max_length=255, enabled_when=_needs_account),
            FieldSpec("password", "panel.field.password", password=True, max_length=20,
                      enabled_when=_needs_account),
        )


class ScanSettingsScreen(FormScreen):
    """General Settings > Scan Settings: Attached File Max Size.

    The limit a Scan to Email job checks before it sends (error 314 when the PDF is larger):
    editable here so a tester can reproduce 314 from the panel alone. The range (1-10 MB) is
    the device's (``validation.FIELD_SPECS``), so a bad value shows at the field, unsaved.
    """

    SECTION = "scan"
    HELP_KEY = "panel.help.scan_settings"

    def fields(self) -> Sequence[FieldSpec]:
        return (FieldSpec("attached_file_max_size_mb", "panel.field.attached_file_max_size", max_length=3),)
