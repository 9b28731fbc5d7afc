"""Web Config's site map: the top tabs, each tab's left menu and its URL paths, and which pages
this emulator reproduces (the others say so)."""

from __future__ import annotations

from collections.abc import Callable

#: Web Config's top tabs, in the printer's order.
TABS: tuple[str, ...] = (
    "status",
    "print",
    "scan_copy",
    "fax",
    "network",
    "network_security",
    "product_security",
    "device_management",
)

#: The left menu of each tab: (page id, URL path). Only the email server pages are emulated.
NAV: dict[str, tuple[tuple[str, str], ...]] = {
    "status": (("product_status", "INFO_PRTINFO"), ("network_status", "INFO_NWINFO")),
    "print": (("paper_source", "PRT_PAPERSOURCE"),),
    "scan_copy": (("scan_destination", "SCN_DESTINATION"),),
    "fax": (("fax_server", ""), ("fax_server_email", "FAX_EMAILSERVER")),
    "network": (
        ("email_server", ""),
        ("email_basic", "NWS_EMAIL_BASIC"),
        ("connection_test", "NWS_EMAIL_CONNECTIONTEST"),
        ("wired_lan", "NWS_WIREDLAN"),
        ("wifi", "NWS_WIFI"),
        ("additional_network", "NWS_ADDITIONAL_NETWORK"),
        ("ldap", "NWS_LDAP"),
    ),
    "network_security": (("ssl_tls", "NWS_SSLTLS"), ("ca_certificate", "NWS_CACERTIFICATE")),
    "product_security": (("admin_password", "PRD_ADMINPASSWORD"),),
    "device_management": (
        ("firmware_update", "DVM_FIRMWARE"),
        ("email_notification", "DVM_EMAILNOTIFICATION"),
        ("pas", "DVM_PRINTADMINSERVERLESS"),
        ("trainer_hints", "DVM_TRAINERHINTS"),
    ),
}

#: Tabs only models with this feature have (a scanner has no Print tab, a model without fax no Fax)
TAB_FEATURES: dict[str, str] = {"print": "print", "fax": "fax"}

#: Tabs named otherwise on a model without a feature: tab -> (feature, the catalog's other tab
#: name). A scanner does not copy (copying prints), so its Scan/Copy tab is "Scan", the panel's
#: word: unverified (REFERENCE.md says nothing of a scanner's Web Config). The tab's id, its
#: place among the tabs and its pages stay those of the printers.
TAB_NAMES_WITHOUT: dict[str, tuple[str, str]] = {"scan_copy": ("print", "scan")}


def tab_name_key(tab: str, has: Callable[[str], bool]) -> str:
    """The catalog key of ``tab``'s name on a model whose features ``has`` answers for."""
    feature, other = TAB_NAMES_WITHOUT.get(tab, ("", ""))
    return f"webconfig.tab.{other}" if feature and not has(feature) else f"webconfig.tab.{tab}"

#: Pages only models with this feature have (device_model/models): absent, not "not emulated"
NAV_FEATURES: dict[str, str] = {
    "additional_network": "additional_network", "fax_server": "fax_server", "fax_server_email": "fax_server",
    "pas": "print_admin_serverless",
}

#: Pages built in their own modules: page id -> (widget id, "module:Class"). Each page has
#: ``load_settings()`` (shown again: what the printer holds) and ``press_ok()`` (Ctrl+O).
EXTRA_PAGES: dict[str, tuple[str, str]] = {
    "additional_network": ("page-additional-network", "panel_tui.webconfig.additional_network:AdditionalNetworkPage"),
    "ca_certificate": ("page-ca-certificate", "panel_tui.webconfig.ca_certificate:CaCertificatePage"),
    "fax_server_email": ("page-fax-server-email", "panel_tui.webconfig.fax_server:FaxServerEmailPage"),
    "pas": ("page-pas", "panel_tui.webconfig.pas:PasPage"),
}

#: Pages shown indented under their heading in the menu (short label)
NAV_SHORT = frozenset({"email_basic", "connection_test", "fax_server_email"})

#: Pages that need the administrator login (all Network pages on a real printer do).
ADMIN_PAGES = frozenset({"email_basic", "connection_test", "email_notification", "trainer_hints", *EXTRA_PAGES})
EMULATED = {
    "product_status": "page-product-status",
    "trainer_hints": "page-trainer-hints",
    "email_basic": "page-email-basic",
    "connection_test": "page-connection-test",
    "email_notification": "page-email-notification",
}
