"""The device's settings as frozen dataclasses, one per section.

Frozen so that a surface can hold a snapshot without it changing underneath, and so that every
change goes through :meth:`device_model.device.Device.update`, which validates all fields first
(``validation.py``) and then saves atomically. Field names are the ones the seams use
(CONTRACTS.md); values are plain (str, int, bool, None) so they serialise to JSON as is.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from .email.profiles import SERVICES, smtp_defaults
from .jsontypes import JsonObject

#: Email service -> (SMTP server, port, secure connection), as Web Config fills them in.
EMAIL_SERVICE_DEFAULTS: dict[str, tuple[str, int, str]] = smtp_defaults()

CONNECTIONS = ("wired", "wifi")
AUTH_METHODS = ("off", "smtp_auth", "pop_before_smtp", "oauth2")
EMAIL_SERVICES = SERVICES
SECURE_CONNECTIONS = ("none", "ssl_tls", "starttls")
LANGUAGES = ("en", "lv")
DATE_FORMATS = ("yyyy.mm.dd", "mm.dd.yyyy", "dd.mm.yyyy")
TIME_FORMATS = ("24h", "12h")


@dataclass(frozen=True)
class NetworkSettings:
    """Network Settings: device name, wired/Wi-Fi, TCP/IP, DNS, proxy, IPv6."""

    device_name: str = ""  # "" until the Device fills in the profile's default name
    connection: str = "wired"  # "wired" | "wifi"
    dhcp: bool = True  # TCP/IP: Obtain IP Address Auto (True) or Manual
    ip: str = ""
    subnet_mask: str = ""
    gateway: str = ""
    dns_auto: bool = True  # DNS Server Setting: Auto (from DHCP) or Manual
    dns_primary: str = ""
    dns_secondary: str = ""
    proxy_enabled: bool = False
    proxy_server: str = ""
    proxy_port: int = 8080
    proxy_user: str = ""
    proxy_password: str = ""  # never shown, never printed
    ipv6_enabled: bool = True
    #: Emulator only (a real printer's is fixed): how long an email send (SMTP, POP before
    #: SMTP, Connection Test) waits for a connection or an answer before it gives up with 313.
    #: 20 s like the printer; a tester shortens it so a "server never answers" case runs fast.
    smtp_timeout_s: int = 20


@dataclass(frozen=True)
class EmailServerSettings:
    """Network Settings > Advanced > Email Server > Server Settings (and Web Config's Basic page).

    ``password`` is the SMTP AUTH / POP before SMTP password: never logged, never shown, never
    printed; stored only in the 0600 settings file. OAuth2 tokens are not here (email client).
    """

    auth_method: str = "off"  # off | smtp_auth | pop_before_smtp | oauth2
    email_service: str | None = None  # exchange_online | outlook_com | None
    sender_address: str = ""
    smtp_server: str = ""
    smtp_port: int = 25
    secure: str = "none"  # none | ssl_tls | starttls
    account: str = ""
    password: str = ""
    pop3_server: str = ""
    pop3_port: int = 110
    #: the network email goes out on: "standard", or "additional" on models with an additional
    #: network (which does not support OAuth2, guide p. 5)
    network: str = "standard"


@dataclass(frozen=True)
class FaxServerSettings:
    """Fax > Fax Server > Email Server Settings (fax models): its own server and sign-in,
    independent of Network > Email Server (guide p. 8). ``forward_to`` is where a received fax
    is forwarded by email (the provider's fax server address)."""

    auth_method: str = "off"  # off | smtp_auth | oauth2 (no POP before SMTP here)
    email_service: str | None = None
    sender_address: str = ""
    smtp_server: str = ""
    smtp_port: int = 25
    secure: str = "none"
    account: str = ""
    password: str = ""
    forward_to: str = ""
    pop3_server: str = ""
    pop3_port: int = 110


@dataclass(frozen=True)
class BasicSettings:
    """Basic Settings: language, Operation Time Out, date/time display."""

    language: str = "en"
    operation_timeout_on: bool = True
    operation_timeout_minutes: int = 10
    date_format: str = "yyyy.mm.dd"
    time_format: str = "24h"
    #: Time Difference from UTC in minutes (Date/Time Settings); display only.
    time_difference_minutes: int = 0
    #: Emulator only (no real printer has it): explain the guide's traps on screen for a class
    #: (e.g. "signed in, but not sent with OK"). Off: screens look as a real printer's do.
    trainer_hints: bool = False


@dataclass(frozen=True)
class AdminSettings:
    """Security Settings > Admin Settings > Lock Setting (the password itself lives in AdminLock)."""

    lock_setting: bool = False


@dataclass(frozen=True)
class ScanSettings:
    """Scan Settings > Email: the largest attachment a Scan to Email job may send (error 314)."""

    attached_file_max_size_mb: int = 10


#: Email Notification events the emulator really produces, in Web Config's order.
NOTIFICATION_EVENTS = ("job_error", "admin_password", "settings_changed", "status_sheet", "signin_expired")
#: Web Config > Device Management > Email Notification has this many recipient slots.
NOTIFICATION_SLOTS = 4


@dataclass(frozen=True)
class NotificationSettings:
    """Device Management > Email Notification: up to four addresses, each with its events.

    Flat fields (``address_N`` and ``<event>_N`` for N = 1..4) rather than a list, so that every
    value stays a plain JSON scalar and every validation message has a field to sit at, as in
    the other sections. ``notification_slots()`` gives the structured view.
    """

    address_1: str = ""
    job_error_1: bool = False
    admin_password_1: bool = False
    settings_changed_1: bool = False
    status_sheet_1: bool = False
    signin_expired_1: bool = False

    address_2: str = ""
    job_error_2: bool = False
    admin_password_2: bool = False
    settings_changed_2: bool = False
    status_sheet_2: bool = False
    signin_expired_2: bool = False

    address_3: str = ""
    job_error_3: bool = False
    admin_password_3: bool = False
    settings_changed_3: bool = False
    status_sheet_3: bool = False
    signin_expired_3: bool = False

    address_4: str = ""
    job_error_4: bool = False
    admin_password_4: bool = False
    settings_changed_4: bool = False
    status_sheet_4: bool = False
    signin_expired_4: bool = False

    def recipients(self, event: str) -> list[str]:
        """Addresses (in slot order, without repeats) that asked for ``event``."""
        out: list[str] = []
        for n in range(1, NOTIFICATION_SLOTS + 1):
            # getattr: the slots are numbered fields (address_1 ... address_4, status_sheet_1 ...)
            address = getattr(self, f"address_{n}")
            if address and getattr(self, f"{event}_{n}", False) and address not in out:
                out.append(address)
        return out


#: any one section (what ``Settings.section`` gives and validation takes and returns)
Section = (NetworkSettings | EmailServerSettings | BasicSettings | AdminSettings | ScanSettings
           | NotificationSettings | FaxServerSettings)
#: a section an email client sends with: Network > Email Server, or the Fax Server's own
SendingSettings = EmailServerSettings | FaxServerSettings

SECTION_TYPES: dict[str, type[Section]] = {
    "network": NetworkSettings,
    "email_server": EmailServerSettings,
    "basic": BasicSettings,
    "admin": AdminSettings,
    "scan": ScanSettings,
    "notifications": NotificationSettings,
    "fax_server": FaxServerSettings,
}


@dataclass(frozen=True)
class Settings:
    """All sections. ``Settings.section(name)`` and ``with_section`` give uniform access."""

    network: NetworkSettings = field(default_factory=NetworkSettings)
    email_server: EmailServerSettings = field(default_factory=EmailServerSettings)
    basic: BasicSettings = field(default_factory=BasicSettings)
    admin: AdminSettings = field(default_factory=AdminSettings)
    scan: ScanSettings = field(default_factory=ScanSettings)
    notifications: NotificationSettings = field(default_factory=NotificationSettings)
    fax_server: FaxServerSettings = field(default_factory=FaxServerSettings)

    def section(self, name: str) -> Section:
        """The dataclass of section ``name`` (KeyError for an unknown section)."""
        if name not in SECTION_TYPES:
            raise KeyError(name)
        return getattr(self, name)  # getattr: a section by its name (forms, scripts, JSON)

    def with_section(self, name: str, value: Section) -> "Settings":
        """A copy with one section replaced."""
        return dataclasses.replace(self, **{name: value})

    def to_dict(self) -> dict[str, JsonObject]:
        """Plain dict for JSON (includes the SMTP password: only for the 0600 state file)."""
        return {name: dataclasses.asdict(self.section(name)) for name in SECTION_TYPES}


def section_fields(name: str) -> tuple[str, ...]:
    """Field names of a section, in declaration order."""
    return tuple(f.name for f in dataclasses.fields(SECTION_TYPES[name]))
