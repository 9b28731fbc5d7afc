"""The panel's Settings tree as data: one definition that `MenuScreen` renders.

Each node names its label by catalog key (`menu.<id>`), so the same tree shows in every
language. A node has children (a submenu), a screen id (a built screen, looked up in
`panel_tui.screens.registry`), or neither: then the panel says the item is not available
in this emulator yet, never a dead key. `locked=True` marks items behind the admin lock.
`feature=` names a model feature (device_model/models): a model without it has no such item.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MenuNode:
    """One item of the Settings tree."""

    id: str
    children: tuple[MenuNode, ...] = ()
    locked: bool = False
    screen: str | None = None
    #: the model feature this item needs (None: every model has it)
    feature: str | None = None

    @property
    def label_key(self) -> str:
        """Catalog key of the item's label."""
        return f"menu.{self.id}"

    @property
    def is_menu(self) -> bool:
        return bool(self.children)


def _n(
    id: str, *children: MenuNode, locked: bool = False, screen: str | None = None, feature: str | None = None
) -> MenuNode:
    return MenuNode(id, tuple(children), locked, screen, feature)


SETTINGS: MenuNode = _n(
    "settings",
    _n(
        "general_settings",
        _n(
            "basic_settings",
            _n("date_time_settings", screen="date_time"),
            _n("language", screen="language"),
            _n("operation_time_out", screen="operation_time_out"),
        ),
        _n("printer_settings", feature="print"),
        _n(
            "network_settings",
            _n("wifi_setup"),
            _n("wired_lan_setup"),
            _n(
                "network_status",
                _n("wired_wifi_status", screen="wired_wifi_status"),
                _n("wifi_direct_status", screen="wifi_direct_status"),
                _n("email_server_status", screen="email_server_status"),
                _n("print_status_sheet", screen="print_status_sheet", feature="print"),
                _n("additional_network_status", screen="additional_network_status",
                   feature="additional_network"),
            ),
            _n("connection_check", screen="connection_check"),
            _n(
                "advanced",
                _n("device_name", screen="device_name"),
                _n("tcpip", screen="tcpip"),
                _n("proxy_server"),
                _n(
                    "email_server",
                    _n("server_settings", screen="email_server_settings"),
                    _n("email_connection_check", screen="email_connection_check"),
                ),
                _n("ipv6_address"),
            ),
            locked=True,
        ),
        _n("web_service_settings", locked=True),
        _n("scan_settings", screen="scan_settings"),
        _n(
            "fax_settings",
            _n("fax_receive_sample", screen="fax_receive_sample"),
            _n("fax_server_status", screen="fax_server_status", feature="fax_server"),
            feature="fax",
        ),
        _n(
            "system_administration",
            _n(
                "security_settings",
                _n(
                    "admin_settings",
                    _n(
                        "admin_password",
                        _n("admin_password_register", screen="admin_password_register"),
                        _n("admin_password_change", screen="admin_password_change"),
                        _n("admin_password_reset", screen="admin_password_reset"),
                    ),
                    _n("lock_setting", screen="lock_setting"),
                ),
            ),
            _n("restore_default_settings", screen="restore_default_settings"),
            locked=True,
        ),
    ),
)

ROOTS: tuple[MenuNode, ...] = (SETTINGS,)


def walk(node: MenuNode = SETTINGS) -> Iterator[MenuNode]:
    """Every node under (and including) `node`, depth first."""
    yield node
    for child in node.children:
        yield from walk(child)


def find(node_id: str, root: MenuNode = SETTINGS) -> MenuNode:
    """The node with this id; KeyError if the tree has none."""
    for node in walk(root):
        if node.id == node_id:
            return node
    raise KeyError(node_id)


def path_to(node_id: str, root: MenuNode = SETTINGS) -> tuple[MenuNode, ...]:
    """The nodes from the root down to `node_id` (both included), for breadcrumbs."""

    def search(node: MenuNode, trail: tuple[MenuNode, ...]) -> tuple[MenuNode, ...] | None:
        trail = trail + (node,)
        if node.id == node_id:
            return trail
        for child in node.children:
            found = search(child, trail)
            if found:
                return found
        return None

    found = search(root, ())
    if found is None:
        raise KeyError(node_id)
    return found


def visible_children(
    node: MenuNode, *, has_general_settings: bool = True, features: frozenset[str] | None = None
) -> tuple[MenuNode, ...]:
    """Children as a device shows them: simpler devices fold General Settings into Settings, and
    an item whose feature the model lacks is not there at all (``features`` None: show all)."""
    children = node.children
    if not has_general_settings and node.id == "settings":
        children = tuple(c for child in node.children for c in child.children)
    if features is None:
        return children
    return tuple(c for c in children if c.feature is None or c.feature in features)
