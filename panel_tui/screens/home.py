"""Home: the function tiles, with the status bar (network, lock, clock) above them."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.message import Message
from textual.widgets import Static

from panel_tui.screens.base import PanelScreen

#: (tile id, label key): what Home offers. Issue 4 gives Scan its Scan to Email screen.
TILES: tuple[tuple[str, str], ...] = (
    ("scan", "panel.home.tile.scan"),
    ("settings", "panel.home.tile.settings"),
    ("job_status", "panel.home.tile.job_status"),
    ("webconfig", "panel.home.tile.webconfig"),
)
COLUMNS = 2


class Tile(Static, can_focus=True):
    """A Home tile: a focusable panel with a centred label; Enter or a click selects it.

    A plain Static rather than a Button: moving between tiles then repaints two small
    regions with no button chrome, which keeps arrow keys as quick as in a list.
    """

    BINDINGS = [Binding("enter,space", "select", show=False)]

    def __init__(self, label: str, **kwargs: object) -> None:
        super().__init__(label, **kwargs)  # type: ignore[arg-type]
        self.label = label

    def on_focus(self) -> None:
        # Focus shows without colour too (16-colour terminals): heavy border and markers.
        self.update(f"▶ {self.label} ◀")

    def on_blur(self) -> None:
        self.update(self.label)

    class Selected(Message):
        def __init__(self, tile: Tile) -> None:
            super().__init__()
            self.tile = tile

    def action_select(self) -> None:
        self.post_message(self.Selected(self))

    def on_click(self) -> None:
        self.focus()
        self.post_message(self.Selected(self))


class HomeScreen(PanelScreen):
    """The panel's Home screen; arrows move between tiles, Enter opens one."""

    HELP_KEY = "panel.help.home"
    HINTS_KEY = "panel.hints.home"
    BINDINGS = [
        Binding("left", "move(-1, 0)", show=False),
        Binding("right", "move(1, 0)", show=False),
        Binding("up", "move(0, -1)", show=False),
        Binding("down", "move(0, 1)", show=False),
    ]

    def compose_body(self) -> ComposeResult:
        yield Static(self.t("panel.home.title"), id="home-title")
        with Grid(id="tiles"):
            for tile_id, key in TILES:
                yield Tile(self.t(key), id=f"tile-{tile_id}")

    def on_mount(self) -> None:
        self.query_one("#tile-settings", Tile).focus()

    def _tiles(self) -> list[Tile]:
        return list(self.query(Tile))

    def action_move(self, dx: int, dy: int) -> None:
        tiles = self._tiles()
        focused = self.focused
        if focused not in tiles:
            if dy > 0 or focused is None:
                tiles[0].focus()
            return
        index = tiles.index(focused)  # type: ignore[arg-type]
        row, col = divmod(index, COLUMNS)
        if dy < 0 and row == 0:
            lock = self.query_one("#lock-icon")
            if lock.display:
                lock.focus()
            return
        row += dy
        col += dx
        new = row * COLUMNS + col
        if 0 <= col < COLUMNS and 0 <= new < len(tiles):
            tiles[new].focus()

    @on(Tile.Selected)
    def _open(self, event: Tile.Selected) -> None:
        event.stop()
        tile = (event.tile.id or "").removeprefix("tile-")
        if tile == "webconfig":
            self.panel.action_surface("webconfig")
            return
        from panel_tui.screens.registry import open_item

        open_item(self.panel, tile)
