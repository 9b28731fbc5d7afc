"""What the Network Status screens and the status sheet show, derived from settings + profile.

With DHCP the device shows the profile's simulated lease (192.168.1.37 by default). It is display
only: the emulator never sends anything there; it is the address Web Config "is reached at" in the
guide's step 1. Values that are empty show as the catalog's "not set".

``rows()`` gives (label, value) pairs so that the panel screen and the printed sheet show the same
facts in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Union

from .i18n import Msg

if TYPE_CHECKING:
    from .profile import DeviceProfile
    from .settings import Settings

Value = Union[str, Msg]
NOT_SET = Msg.of("status.not_set")
#: "Not set" after a label that is a feminine noun in Latvian (adrese, maska, vārteja), which the
#: value agrees with ("Nav iestatīta"); English has one form.
NOT_SET_F = Msg.of("status.not_set_f")


def _v(value: object, not_set: Msg = NOT_SET) -> Value:
    """A display value: the catalog's "not set" (``not_set``: the form that agrees with the
    label) for empty, else the string."""
    if value is None or value == "":
        return not_set
    return str(value)


@dataclass(frozen=True)
class StatusRow:
    """One line of a status screen: a translatable label, a value (plain text or a Msg), and a
    stable id so tests and the sheet can find it."""

    id: str
    label: Msg
    value: Value


@dataclass(frozen=True)
class NetworkStatus:
    """Wired LAN/Wi-Fi Status."""

    device_name: str
    connection: str  # "wired" | "wifi"
    connected: bool
    dhcp: bool
    ip: str
    subnet_mask: str
    gateway: str
    dns_primary: str
    dns_secondary: str
    mac_address: str
    link_speed: str
    ssid: str | None
    signal: str | None
    ipv6_enabled: bool
    ipv6_link_local: str
    proxy_enabled: bool
    proxy_server: str
    proxy_port: int

    @classmethod
    def from_settings(cls, settings: "Settings", profile: "DeviceProfile") -> "NetworkStatus":
        net = settings.network
        lease = profile.dhcp_lease
        if net.dhcp:
            ip, mask, gw = lease.ip, lease.subnet_mask, lease.gateway
        else:
            ip, mask, gw = net.ip, net.subnet_mask, net.gateway
        if net.dhcp and net.dns_auto:
            dns1, dns2 = lease.dns_primary, lease.dns_secondary
        else:
            dns1, dns2 = net.dns_primary, net.dns_secondary
        wifi = net.connection == "wifi"
        return cls(
            device_name=net.device_name or profile.default_device_name,
            connection=net.connection,
            connected=True,
            dhcp=net.dhcp,
            ip=ip,
            subnet_mask=mask,
            gateway=gw,
            dns_primary=dns1,
            dns_secondary=dns2,
            mac_address=profile.mac_address,
            link_speed="" if wifi else profile.link_speed,
            ssid=profile.wifi_ssid if wifi else None,
            signal=profile.wifi_signal if wifi else None,
            ipv6_enabled=net.ipv6_enabled,
            ipv6_link_local=profile.ipv6_link_local if net.ipv6_enabled else "",
            proxy_enabled=net.proxy_enabled,
            proxy_server=net.proxy_server,
            proxy_port=net.proxy_port,
        )

    @property
    def connection_label(self) -> Msg:
        """E.g. "Wired LAN: Connected" / "Wi-Fi: Connected"."""
        state = "connected" if self.connected else "disconnected"
        return Msg.of(f"status.network.{self.connection}_{state}")

    def rows(self) -> list[StatusRow]:
        """The Wired LAN/Wi-Fi Status screen, in display order."""
        rows = [
            StatusRow("connection", Msg.of("status.network.connection"), self.connection_label),
        ]
        if self.connection == "wifi":
            rows += [
                StatusRow("ssid", Msg.of("status.network.ssid"), _v(self.ssid)),
                StatusRow("signal", Msg.of("status.network.signal"), Msg.of(f"status.network.signal_{self.signal}")),
            ]
        else:
            rows.append(StatusRow("link_speed", Msg.of("status.network.link_speed"), _v(self.link_speed)))
        rows += [
            StatusRow("device_name", Msg.of("status.network.device_name"), _v(self.device_name)),
            StatusRow("ip_mode", Msg.of("status.network.ip_mode"),
                      Msg.of("status.network.auto" if self.dhcp else "status.network.manual")),
            StatusRow("ip", Msg.of("status.network.ip"), _v(self.ip, NOT_SET_F)),
            StatusRow("subnet_mask", Msg.of("status.network.subnet_mask"), _v(self.subnet_mask, NOT_SET_F)),
            StatusRow("gateway", Msg.of("status.network.gateway"), _v(self.gateway, NOT_SET_F)),
            StatusRow("dns_primary", Msg.of("status.network.dns_primary"), _v(self.dns_primary)),
            StatusRow("dns_secondary", Msg.of("status.network.dns_secondary"), _v(self.dns_secondary)),
            StatusRow("mac", Msg.of("status.network.mac"), _v(self.mac_address, NOT_SET_F)),
        ]
        return rows

    def extra_rows(self) -> list[StatusRow]:
        """IPv6 and proxy (for the status sheet and the Advanced screens)."""
        return [
            StatusRow("ipv6", Msg.of("status.network.ipv6"),
                      Msg.of("status.enabled" if self.ipv6_enabled else "status.disabled")),
            StatusRow("ipv6_link_local", Msg.of("status.network.ipv6_link_local"), _v(self.ipv6_link_local, NOT_SET_F)),
            StatusRow("proxy", Msg.of("status.network.proxy"),
                      Msg.of("status.enabled" if self.proxy_enabled else "status.disabled")),
            StatusRow("proxy_server", Msg.of("status.network.proxy_server"),
                      _v(f"{self.proxy_server}:{self.proxy_port}" if self.proxy_server else "", NOT_SET_F)),
        ]


@dataclass(frozen=True)
class EmailServerStatus:
    """Email Server Status: the email server settings as they stand (never the password)."""

    auth_method: str
    email_service: str | None
    sender_address: str
    smtp_server: str
    smtp_port: int
    secure: str
    account: str
    #: OAuth2 sign-in held by the device: "signed_in" | "not_signed_in" | "expired"
    signin_state: str
    signin_account: str
    #: an expired sign-in that is a 370 (revoked, blocked): said "Sign in again", as the guide
    signin_again: bool = False

    @classmethod
    def from_settings(cls, settings: "Settings", signin_state: str = "not_signed_in",
                      signin_account: str = "", signin_again: bool = False) -> "EmailServerStatus":
        es = settings.email_server
        return cls(
            auth_method=es.auth_method,
            email_service=es.email_service,
            sender_address=es.sender_address,
            smtp_server=es.smtp_server,
            smtp_port=es.smtp_port,
            secure=es.secure,
            account=es.account,
            signin_state=signin_state,
            signin_account=signin_account,
            signin_again=signin_again,
        )

    @property
    def signin_label(self) -> Msg:
        again = self.signin_state == "expired" and self.signin_again
        return Msg.of("status.email.signin_sign_in_again" if again else f"status.email.signin_{self.signin_state}")

    def rows(self) -> list[StatusRow]:
        """The Email Server Status screen, in display order."""
        rows = [
            StatusRow("auth_method", Msg.of("status.email.auth_method"), Msg.of(f"status.email.auth.{self.auth_method}")),
        ]
        if self.auth_method == "oauth2":
            rows += [
                StatusRow("email_service", Msg.of("status.email.email_service"),
                          Msg.of(f"status.email.service.{self.email_service}") if self.email_service else NOT_SET),
                StatusRow("signin_state", Msg.of("status.email.signin_state"), self.signin_label),
                StatusRow("signin_account", Msg.of("status.email.signin_account"), _v(self.signin_account)),
            ]
        elif self.auth_method in ("smtp_auth", "pop_before_smtp"):
            rows.append(StatusRow("account", Msg.of("status.email.account"), _v(self.account)))
        rows += [
            StatusRow("sender_address", Msg.of("status.email.sender_address"), _v(self.sender_address, NOT_SET_F)),
            StatusRow("smtp_server", Msg.of("status.email.smtp_server"), _v(self.smtp_server, NOT_SET_F)),
            StatusRow("smtp_port", Msg.of("status.email.smtp_port"), str(self.smtp_port)),
            StatusRow("secure", Msg.of("status.email.secure"), Msg.of(f"status.email.secure_{self.secure}")),
        ]
        return rows
