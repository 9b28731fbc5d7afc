"""Where menu items and Home tiles lead: screen ids to lazily imported screen classes.

The menu tree names screens by id; this table maps an id to "module:Class" so that a
screen's module is imported only when the user opens it; other parts add entries with
`register()`. The app's `open_item` / `open_node` come here, so screens need not.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from panel_tui import menu_tree
from panel_tui.menu_tree import MenuNode
from panel_tui.screens.base import is_locked
from panel_tui.ui.host import host

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen


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
    "scan": "panel_tui.scan.screens:ScanMenuScreen",
}

#: Home tiles that are not menu nodes: tile id -> screen id (None: not built yet).
TILES: dict[str, str | None] = {"job_status": "job_status", "scan": "scan", "pas": "pas"}


def register(screen_id: str, target: str) -> None:
    """Let another part provide a screen: `register("fax", "pkg.mod:Class")`."""
    SCREENS[screen_id] = target


def screen_class(screen_id: str) -> type[Screen[object]] | None:
    """The screen class for an id (its module imported now), None for an id nobody built."""
    target = SCREENS.get(screen_id)
    if target is None:
        return None
    module, _, attr = target.partition(":")
    cls: type[Screen[object]] = getattr(import_module(module), attr)
    return cls


def open_item(app: App[None], item_id: str) -> None:
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


def open_node(app: App[None], node: MenuNode) -> None:
    """Open a menu node: ask for the password first if it is locked."""
    if is_locked(host(app).device, node):
        from panel_tui.screens.keypad import KeypadScreen

        def after_login(ok: bool | None) -> None:
            if ok:
                host(app).note_login_change()
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


