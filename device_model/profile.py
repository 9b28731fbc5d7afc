"""What kind of device is being emulated: model, serial, MAC, firmware, menu shape.

The serial number doubles as the factory admin password (as on Epson devices since 2020), so it
is shown in the README for the default profile. The model is labelled "(simulated)" because the
menu shape and status contents are partly unverified (REFERENCE.md §1).
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Menu item ids (see panel_tui/menu_tree.py) locked while the admin lock is active. Epson locks
#: these on every model found; Contacts is locked too. A model file adds its own
#: (``[lock] also_locked``, e.g. the scanner's Scan Settings).
DEFAULT_LOCKED_ITEMS: frozenset[str] = frozenset(
    {
        "network_settings",
        "web_service_settings",
        "system_administration",
        "contacts",
        "admin_settings",
        "security_settings",
    }
)


@dataclass(frozen=True)
class DhcpLease:
    """The address a DHCP server "gave" the device. Display only: nothing is ever sent there."""

    ip: str = "192.168.1.37"
    subnet_mask: str = "255.255.255.0"
    gateway: str = "192.168.1.1"
    dns_primary: str = "192.168.1.1"
    dns_secondary: str = ""


@dataclass(frozen=True)
class AdditionalNetwork:
    """The second network interface some models have (guide p. 5: it does not support OAuth 2.0).

    Display only, like the DHCP lease: nothing is ever sent to these addresses.
    """

    mac_address: str = "64:C6:D2:12:34:57"
    ip: str = "10.20.30.40"
    subnet_mask: str = "255.255.255.0"
    gateway: str = "10.20.30.1"


#: Feature names a model may have (device_model/models/*.toml ``[features]``)
FEATURES: tuple[str, ...] = ("print", "fax", "fax_server", "print_admin_serverless", "additional_network")


@dataclass(frozen=True)
class DeviceProfile:
    """Fixed facts about the emulated device; never changed by settings."""

    model: str = "EPSON WF-C5890 Series (simulated)"
    #: catalogue id (device_model/models/<id>.toml), what ``--model`` takes
    model_id: str = "wf-c5890"
    serial_number: str = "X4ZB012345"
    mac_address: str = "64:C6:D2:12:34:56"
    firmware_version: str = "GT03P7 (simulated)"
    #: Printers have Settings > General Settings; simpler scanners drop it.
    has_general_settings: bool = True
    #: Scanners may drop System Administration > Security Settings.
    has_security_settings: bool = True
    has_wifi: bool = True
    #: It prints (Printer Settings, Web Config's Print tab, Printer Status, a status sheet).
    #: A scanner does not (REFERENCE.md: "simpler devices (scanners) drop ..."): its model file
    #: says ``print = false`` and those parts are absent, as on the real device.
    has_print: bool = True
    has_fax: bool = False
    #: Fax > Fax Server (forwarding received faxes by email, guide p. 8)
    has_fax_server: bool = False
    #: Epson Print Admin Serverless ("To Email" per user, guide p. 9)
    has_print_admin_serverless: bool = False
    #: a second network interface (None: the model has none)
    additional_network: AdditionalNetwork | None = None
    #: the control panel's size, as the model's spec sheet says (status sheet, `models` list)
    panel_size: str = "4.3-inch"
    #: OAuth2 is offered as an Authentication Method only on supporting firmware.
    supports_oauth2: bool = True
    #: Whether the serial-number password counts as registered from the factory.
    default_password_registered: bool = True
    locked_items: frozenset[str] = field(default_factory=lambda: DEFAULT_LOCKED_ITEMS)
    dhcp_lease: DhcpLease = field(default_factory=DhcpLease)
    wifi_ssid: str = "EPSON-Office (simulated)"
    wifi_signal: str = "excellent"  # excellent | good | fair | poor
    link_speed: str = "1000BASE-T Full Duplex"
    ipv6_link_local: str = "fe80::66c6:d2ff:fe12:3456"

    @property
    def has_additional_network(self) -> bool:
        return self.additional_network is not None

    @property
    def features(self) -> frozenset[str]:
        """The feature names this model has (menu nodes and Web Config pages name them)."""
        have = {
            "print": self.has_print,
            "fax": self.has_fax,
            "fax_server": self.has_fax and self.has_fax_server,
            "print_admin_serverless": self.has_print_admin_serverless,
            "additional_network": self.has_additional_network,
        }
        return frozenset(name for name, on in have.items() if on)

    def has(self, feature: str | None) -> bool:
        """Whether the model has ``feature`` (None: a part every model has)."""
        return feature is None or feature in self.features

    @property
    def default_admin_password(self) -> str:
        """The factory admin password: the serial number."""
        return self.serial_number

    @property
    def default_device_name(self) -> str:
        """Epson style: "EPSON" plus the last six hex digits of the MAC."""
        return "EPSON" + self.mac_address.replace(":", "")[-6:].upper()

    def is_locked_item(self, item_id: str) -> bool:
        """Whether a menu item carries the padlock when the lock is active."""
        return item_id in self.locked_items

    @classmethod
    def default(cls) -> "DeviceProfile":
        """The default printer profile."""
        return cls()

    @classmethod
    def scanner(cls) -> "DeviceProfile":
        """A scanner: no General Settings level, no Security Settings, no Wi-Fi Direct status."""
        return cls(
            model="EPSON DS-C490 Series (simulated)",
            serial_number="X5NA004711",
            mac_address="64:C6:D2:AB:CD:EF",
            firmware_version="SC12Q4 (simulated)",
            has_general_settings=False,
            has_security_settings=False,
            has_wifi=True,
            has_print=False,
        )
