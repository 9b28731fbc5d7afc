"""Web Config's site map: the top tabs, each tab's left menu and its URL paths, and which pages
this emulator reproduces (the others say so)."""

from __future__ import annotations

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
    "fax": (("fax_server_email", "FAX_EMAILSERVER"),),
    "network": (
        ("email_server", ""),
        ("email_basic", "NWS_EMAIL_BASIC"),
        ("connection_test", "NWS_EMAIL_CONNECTIONTEST"),
        ("wired_lan", "NWS_WIREDLAN"),
        ("wifi", "NWS_WIFI"),
        ("ldap", "NWS_LDAP"),
    ),
    "network_security": (("ssl_tls", "NWS_SSLTLS"),),
    "product_security": (("admin_password", "PRD_ADMINPASSWORD"),),
    "device_management": (
        ("firmware_update", "DVM_FIRMWARE"),
        ("email_notification", "DVM_EMAILNOTIFICATION"),
        ("trainer_hints", "DVM_TRAINERHINTS"),
    ),
}

#: Pages shown indented under their heading in the menu (short label)
NAV_SHORT = frozenset({"email_basic", "connection_test"})

#: Pages that need the administrator login (all Network pages on a real printer do).
ADMIN_PAGES = frozenset({"email_basic", "connection_test", "email_notification", "trainer_hints"})
EMULATED = {
    "product_status": "page-product-status",
    "trainer_hints": "page-trainer-hints",
    "email_basic": "page-email-basic",
    "connection_test": "page-connection-test",
    "email_notification": "page-email-notification",
}
