"""The app as its screens see it, so that no screen imports the app module.

``PanelApp`` satisfies ``PanelHost``; a screen or widget writes ``host(self).device`` (or a
surface's own ``panel`` property) and gets a typed answer without an import of
``panel_tui.app``, which imports the screens (the arrows stay one way: app -> screens -> ui).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, cast

from textual.dom import DOMNode

if TYPE_CHECKING:
    from textual.screen import Screen
    from textual.signal import Signal

    from device_model import Device
    from device_model.i18n import Msg
    from panel_tui.class_aids import ClassAids
    from panel_tui.class_options import ClassOptions
    from panel_tui.cloud_link import CloudLink, CloudLinkStatus
    from panel_tui.config import AppConfig
    from panel_tui.icons import Glyphs
    from panel_tui.menu_tree import MenuNode
    from panel_tui.messages import DeviceChanged


class PanelHost(Protocol):
    """What screens may rely on besides Textual's own ``App``."""

    device: Device
    config: AppConfig
    #: the locale expects UTF-8 (else ASCII glyphs)
    unicode_terminal: bool
    #: the device's language (a reactive of the app's own)
    language: str
    #: the new language after each switch: ``follow_app(self, language=...)``
    language_events: Signal[str]
    #: where the email service lives (None only before the app mounts, or with ``cloud=False``)
    cloud_link: CloudLink | None
    #: a Cloud surface created now opens on this tab (the command palette's "Scenario: ...")
    cloud_first_tab: str | None
    #: what a trainer set for this panel (the student's account, guided mode, key overlay, theme)
    class_options: ClassOptions
    #: the trainer aids shown on the panel (key box, guided mode, high-contrast theme)
    aids: ClassAids
    #: every device event, on the app's loop: ``follow_app(self, device=...)``
    device_events: Signal[DeviceChanged]
    #: the cloud link's state changes (Web Config's sign-in, the Cloud surface)
    link_events: Signal[CloudLinkStatus]

    @property
    def glyphs(self) -> Glyphs: ...

    def t(self, key: str | Msg, **params: object) -> str: ...

    def note_login_change(self) -> None: ...

    def refresh_status(self) -> None: ...

    def go_home(self) -> None: ...

    def action_surface(self, mode: str) -> None: ...

    def action_help(self) -> None: ...

    def worker_failed(self, error: BaseException) -> None: ...

    def open_item(self, item_id: str) -> None: ...

    def open_node(self, node: MenuNode) -> None: ...

    def prepare_screen(self, screen: Screen[Any]) -> None: ...


def host(node: DOMNode) -> PanelHost:
    """The panel app running ``node`` (every screen of panel-tui runs in one)."""
    return cast("PanelHost", node.app)


def follow_app(
    node: DOMNode,
    *,
    device: Callable[[DeviceChanged], object] | None = None,
    language: Callable[[], object] | None = None,
    link: Callable[[CloudLinkStatus], object] | None = None,
) -> None:
    """Call ``device(message)`` for every device event, ``language()`` after a language switch and
    ``link(status)`` for every change of the cloud link.

    For a mounted screen (call it from ``on_mount``): it hears them while it is mounted, shown or
    hidden, so a surface is up to date when it is shown again. Each is a subscription to one of
    the app's signals, and each subscription holds ``node`` (and its whole screen): pair this
    with ``unfollow_app(node)`` in the node's ``on_unmount``.
    """
    panel = host(node)
    if device is not None:
        panel.device_events.subscribe(node, device)
    if language is not None:
        panel.language_events.subscribe(node, lambda _language: language())
    if link is not None:
        panel.link_events.subscribe(node, link)


def unfollow_app(node: DOMNode) -> None:
    """Undo ``follow_app``: a screen that is gone is no longer held by the app's signals
    (Textual keeps a subscriber until the signal is next published)."""
    panel = host(node)
    for signal in (panel.device_events, panel.language_events, panel.link_events):
        signal.unsubscribe(node)
