"""The tenant's admin operations as the Cloud surface's panes reach them.

The Admin centre, Mailboxes and the fault switches each ask the app's cloud link for them at
the moment of use: the link replaces its admin when the tenant (re)starts, so a pane never keeps one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from panel_tui.ui.host import host

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from cloud_sim.admin import TenantAdmin
    from panel_tui.remote_admin import RemoteTenantAdmin


def tenant_admin(node: DOMNode) -> TenantAdmin | RemoteTenantAdmin | None:
    """The tenant's admin operations now, or None while the cloud link has no tenant (yet)."""
    link = host(node).cloud_link
    return link.admin if link is not None else None
