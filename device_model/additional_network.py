"""The additional network of models that have one (a second, separate interface).

Guide p. 5: "On models that support an additional network, use the standard network. The
additional network does not support OAuth 2.0." So the status shows the interface and says
which network email uses, and :func:`check_email_network` refuses OAuth2 over the additional one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from .i18n import Msg
from .network import StatusRow

if TYPE_CHECKING:
    from .profile import DeviceProfile
    from .settings import Settings

#: the networks email may go out on (Email Server settings ``network``)
EMAIL_NETWORKS: tuple[str, ...] = ("standard", "additional")


class NetworkHost(Protocol):
    """What the status needs of its device (the ``Device``, or the status sheet's source)."""

    profile: DeviceProfile

    @property
    def settings(self) -> Settings: ...


def status_rows(device: NetworkHost) -> list[StatusRow]:
    """Additional Network Status, the same facts for the panel, Web Config and the sheet."""
    extra = device.profile.additional_network
    if extra is None:
        return []
    network = device.settings.email_server.network
    return [
        StatusRow("an_connection", Msg.of("addnet.connection"), Msg.of("addnet.connected")),
        StatusRow("an_ip", Msg.of("addnet.ip"), extra.ip),
        StatusRow("an_mask", Msg.of("addnet.mask"), extra.subnet_mask),
        StatusRow("an_gateway", Msg.of("addnet.gateway"), extra.gateway),
        StatusRow("an_mac", Msg.of("addnet.mac"), extra.mac_address),
        StatusRow("an_email", Msg.of("addnet.email_network"), Msg.of(f"addnet.network.{network}")),
        StatusRow("an_oauth2", Msg.of("addnet.oauth2"), Msg.of("addnet.oauth2_not_supported")),
    ]


def check_email_network(auth_method: str, network: str) -> Msg | None:
    """Epson's refusal when OAuth2 would go over the additional network (None: allowed)."""
    if network == "additional" and auth_method == "oauth2":
        return Msg.of("addnet.oauth2_refused")
    return None
