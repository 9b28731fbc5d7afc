"""The app as its screens see it, so that no screen imports the app module.

``PanelApp`` satisfies ``PanelHost``; a screen or widget writes ``host(self).device`` (or a
surface's own ``panel`` property) and gets a typed answer without an import of
``panel_tui.app``, which imports the screens (the arrows stay one way: app -> screens -> ui).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol, cast

from textual.dom import DOMNode

if TYPE_CHECKING:
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
    #: the device's language; a reactive: ``self.watch(self.app, "language", ...)``
    language: str
    #: where the email service lives (None only before the app mounts, or with ``cloud=False``)
    cloud_link: CloudLink | None
    #: a Cloud surface created now opens on this tab (the command palette's "Scenario: ...")
    cloud_first_tab: str | None
    #: what a trainer set for this panel (the student's account, guided mode, key overlay, theme)
    class_options: ClassOptions
    #: the trainer aids shown on the panel (key box, guided mode, high-contrast theme)
    aids: ClassAids
    #: every device event, on the app's loop: ``host(self).device_events.subscribe(self, cb)``
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


def host(node: DOMNode) -> PanelHost:
    """The panel app running ``node`` (every screen of panel-tui runs in one)."""
    return cast("PanelHost", node.app)


def follow_app(
    node: DOMNode,
    *,
    device: Callable[[DeviceChanged], object] | None = None,
    language: Callable[[], object] | None = None,
) -> None:
    """Call ``device(message)`` for every device event and ``language()`` after a language switch.

    For a mounted screen (call it from ``on_mount``): it hears both while it exists, shown or
    hidden, so a surface is up to date when it is shown again. Textual does not drop the watch
    (nor a signal's callback) when the node goes away: ``forget_gone`` does, at each screen change.
    """
    if device is not None:
        host(node).device_events.subscribe(node, device)
    if language is not None:
        node.watch(node.app, "language", lambda _language: language(), init=False)


def forget_gone(app: DOMNode, signals: Iterable[Signal[Any]]) -> None:
    """Drop the app's reactive watchers (``follow_app``'s language watch) and the ``signals``'
    subscriptions of nodes removed since: each holds its node, and with it the whole screen,
    until the language changes or the signal is next published."""
    watchers: dict[str, list[tuple[DOMNode, object]]] = getattr(app, "__watchers", {})
    for entries in watchers.values():
        entries[:] = [(node, callback) for node, callback in entries if _alive(node)]
    for signal in signals:
        # Textual's subscriptions are weak keys, but each value's callback holds its node
        for node in [node for node in list(getattr(signal, "_subscriptions", {})) if not _alive(node)]:
            signal.unsubscribe(node)


def _alive(node: DOMNode) -> bool:
    return node.is_running and node.is_attached
