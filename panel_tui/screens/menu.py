"""MenuScreen: one generic screen that renders any node of the Settings tree."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from panel_tui.menu_tree import MenuNode, visible_children
from panel_tui.messages import DeviceChanged
from panel_tui.screens.base import PanelScreen, crumb_labels, is_locked


class MenuScreen(PanelScreen):
    """A list of a node's children; padlocks on locked items while the lock is active."""

    HINTS_KEY = "panel.hints.menu"
    #: focused as the screen mounts (on_mount focuses it too): Textual's default, "*", focused
    #: the status bar's lock icon first and on_mount moved it on, a focus and a blur that
    #: restyled the icon and refreshed the bar before every page change's first frame
    AUTO_FOCUS = "#menu"

    @property
    def HELP_KEY(self) -> str:  # noqa: N802 - the name every screen's F1 help is read from
        """F1: a menu with help of its own (``panel.help.menu_<id>``, e.g. Fax Settings says what
        its items do without a phone line), else the help every menu shares."""
        own = f"panel.help.menu_{self.node.id}"
        return own if self.device.t(own) != own else "panel.help.menu"

    def __init__(self, node: MenuNode) -> None:
        super().__init__()
        self.node = node
        self._highlight: int | None = 0

    def crumbs(self) -> list[str]:
        return crumb_labels(self.panel, self.node)

    def items(self) -> tuple[MenuNode, ...]:
        profile = self.device.profile
        return visible_children(
            self.node,
            has_general_settings=self.device.profile.has_general_settings,
            features=self.device.profile.features,
        )

    def _prompt(self, child: MenuNode) -> Text:
        g = self.panel.glyphs
        text = Text(self.t(child.label_key))
        if is_locked(self.device, child):
            text.append(f"  {g.padlock}", style="bold")
            text.append(f" {self.t('panel.menu.locked')}", style="dim")
        if child.children:
            text.append(f"  {g.submenu}")
        return text

    def compose_body(self) -> ComposeResult:
        menu = OptionList(
            *(Option(self._prompt(child), id=child.id) for child in self.items()),
            id="menu",
        )
        # a recompose (language switched while this menu was below) keeps the cursor's item
        if self._highlight is not None and menu.option_count:
            menu.highlighted = min(self._highlight, menu.option_count - 1)
        yield menu

    def on_mount(self) -> None:
        self._restore()

    def _restore(self) -> None:
        menu = self.query_one("#menu", OptionList)
        if self._highlight is not None and menu.option_count:
            menu.highlighted = min(self._highlight, menu.option_count - 1)
        menu.focus()

    def _redraw_padlocks(self) -> None:
        """Padlocks appear or disappear with login/logout."""
        menu = self.query_one("#menu", OptionList)
        highlighted = menu.highlighted
        for child in self.items():
            menu.replace_option_prompt(child.id, self._prompt(child))
        menu.highlighted = highlighted

    def device_changed(self, message: DeviceChanged) -> None:
        """Login, logout, timeout or Lock Setting changed elsewhere: redraw the padlocks."""
        if message.kind in ("admin", "settings") and self.query("#menu"):
            self._redraw_padlocks()

    @on(OptionList.OptionHighlighted, "#menu")
    def _remember(self, event: OptionList.OptionHighlighted) -> None:
        self._highlight = event.option_index

    @on(OptionList.OptionSelected, "#menu")
    def _select(self, event: OptionList.OptionSelected) -> None:
        child = next(c for c in self.items() if c.id == event.option.id)
        self.panel.open_node(child)

    def language_changed(self) -> None:
        super().language_changed()
        if self.is_current:
            self.call_after_refresh(self._restore)
