"""Where menu items and Home tiles lead: screen ids to lazily imported screen classes.

The menu tree names screens by id; this table maps an id to "module:Class" so that a
screen's module is imported only when the user opens it. Issue 4 may add entries
(e.g. "scan") with `register()`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from panel_tui import menu_tree
from panel_tui.menu_tree import MenuNode

if TYPE_CHECKING:
    from panel_tui.app import PanelApp

SCREENS: dict[str, str] = {
    "job_status": "panel_tui.screens.job_status:JobStatusScreen",
    "wired_wifi_status": "panel_tui.screens.network_status:WiredWifiStatusScreen",
    "wifi_direct_status": "panel_tui.screens.network_status:WifiDirectStatusScreen",
    "email_server_status": "panel_tui.screens.network_status:EmailServerStatusScreen",
    "print_status_sheet": "panel_tui.screens.network_status:PrintStatusSheetScreen",
    "additional_network_status": "panel_tui.screens.additional_network:AdditionalNetworkStatusScreen",
    "fax_receive_sample": "panel_tui.screens.fax:FaxReceiveSampleScreen",
    "pas": "panel_tui.screens.pas:PasScreen",
    "fax_server_status": "panel_tui.screens.fax:FaxServerStatusScreen",
    "device_name": "panel_tui.screens.settings_forms:DeviceNameScreen",
    "tcpip": "panel_tui.screens.settings_forms:TcpIpScreen",
    "email_server_settings": "panel_tui.screens.settings_forms:EmailServerSettingsScreen",
    "scan_settings": "panel_tui.screens.settings_forms:ScanSettingsScreen",
    "language": "panel_tui.screens.basic_settings:LanguageScreen",
    "operation_time_out": "panel_tui.screens.basic_settings:OperationTimeOutScreen",
    "date_time": "panel_tui.screens.basic_settings:DateTimeScreen",
    "admin_password_register": "panel_tui.screens.admin_settings:RegisterPasswordScreen",
    "admin_password_change": "panel_tui.screens.admin_settings:ChangePasswordScreen",
    "admin_password_reset": "panel_tui.screens.admin_settings:ResetPasswordScreen",
    "lock_setting": "panel_tui.screens.admin_settings:LockSettingScreen",
    "restore_default_settings": "panel_tui.screens.admin_settings:RestoreDefaultSettingsScreen",
    "connection_check": "panel_tui.screens.connection_check:NetworkConnectionCheckScreen",
    "email_connection_check": "panel_tui.screens.connection_check:EmailConnectionCheckScreen",
    # Issue 4 builds Scan to Email here; until then the tile says "not available yet".
    "scan": "panel_tui.scan.screens:ScanMenuScreen",
}

#: Screens from other parts that may not exist yet: a failed import means "not available".
OPTIONAL = frozenset({"scan"})

#: Home tiles that are not menu nodes: tile id -> screen id (None: not built yet).
TILES: dict[str, str | None] = {"job_status": "job_status", "scan": "scan", "pas": "pas"}


def register(screen_id: str, target: str) -> None:
    """Let another part (issue 4) provide a screen: `register("scan", "pkg.mod:Class")`."""
    SCREENS[screen_id] = target


def screen_class(screen_id: str) -> type[Any] | None:
    target = SCREENS.get(screen_id)
    if target is None:
        return None
    module, _, attr = target.partition(":")
    if screen_id in OPTIONAL:
        try:
            return getattr(import_module(module), attr)
        except (ImportError, AttributeError):
            return None
    return getattr(import_module(module), attr)


def is_locked(app: PanelApp, node: MenuNode) -> bool:
    """Whether selecting `node` needs the admin password now."""
    device = app.device
    admin = device.admin
    if not admin.lock_active or admin.logged_in:
        return False
    return node.locked or device.profile.is_locked_item(node.id)


def open_item(app: PanelApp, item_id: str) -> None:
    """Open a Home tile or a menu node by id."""
    if item_id in TILES:
        screen_id = TILES[item_id]
        cls = screen_class(screen_id) if screen_id else None
        if cls is None:
            from panel_tui.screens.unavailable import NotAvailableScreen

            app.push_screen(NotAvailableScreen(f"panel.home.tile.{item_id}"))
        else:
            app.push_screen(cls())
        return
    open_node(app, menu_tree.find(item_id))


def open_node(app: PanelApp, node: MenuNode) -> None:
    """Open a menu node: ask for the password first if it is locked."""
    if is_locked(app, node):
        from panel_tui.screens.keypad import KeypadScreen

        def after_login(ok: bool | None) -> None:
            if ok:
                app.note_login_change()
                open_node(app, node)

        app.push_screen(KeypadScreen(), after_login)
        return
    if node.children:
        from panel_tui.screens.menu import MenuScreen

        app.push_screen(MenuScreen(node))
        return
    cls = screen_class(node.screen) if node.screen else None
    if cls is None:
        from panel_tui.screens.unavailable import NotAvailableScreen

        app.push_screen(NotAvailableScreen(node.label_key, node=node))
    else:
        app.push_screen(cls(node))


def crumb_labels(app: PanelApp, node: MenuNode) -> list[str]:
    """Breadcrumb labels from Settings down to `node`, in the current language."""
    has_gs = getattr(app.device.profile, "has_general_settings", True)
    return [
        app.t(n.label_key)
        for n in menu_tree.path_to(node.id)
        if has_gs or n.id != "general_settings"
    ]
