"""The Admin centre's sentences built from the tenant's data and the link's state (kept apart
from the pane's widgets and handlers)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.dom import DOMNode

from panel_tui.ui.host import host
from panel_tui.ui.text import tr

if TYPE_CHECKING:
    from cloud_sim.jsontypes import JsonObject


def policy_text(node: DOMNode, policy: JsonObject) -> str:
    users = ", ".join(policy.get("users", [])) or "all"
    what = tr(node, "cloud.admin.ca_blocks_dcf" if policy.get("block_device_code_flow") else "cloud.admin.ca_blocks_signin")
    return f"{policy.get('name', '')}: {what} ({users})"


def why_unavailable(node: DOMNode) -> str:
    link = host(node).cloud_link
    if link is None:
        return tr(node, "cloud.link.none")
    if link.mode == "remote":
        if host(node).class_options.student:
            return tr(node, "cloud.admin.class_student")
        return tr(node, "cloud.admin.remote_unavailable")
    if link.mode == "microsoft":
        return tr(node, "cloud.admin.microsoft")
    if link.state == "failed":
        return tr(node, "cloud.link.failed", error=link.error or "")
    return tr(node, "cloud.link.starting")
