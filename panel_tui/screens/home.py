"""Home: the function tiles, with the status bar (network, lock, clock) above them."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.widgets import Button, Static

from panel_tui.screens.base import PanelScreen

#: (tile id, label key): what Home offers. Issue 4 gives Scan its Scan to Email screen.
TILES: tuple[tuple[str, str], ...] = (
    ("scan", "panel.home.tile.scan"),
    ("settings", "panel.home.tile.settings"),
    ("job_status", "panel.home.tile.job_status"),
    ("webconfig", "panel.home.tile.webconfig"),
)
COLUMNS = 2


class Tile(Button):
    """A Home tile: a big button."""


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

    @on(Tile.Pressed)
    def _open(self, event: Button.Pressed) -> None:
        event.stop()
        tile = (event.button.id or "").removeprefix("tile-")
        if tile == "webconfig":
            self.panel.action_surface("webconfig")
            return
        from panel_tui.screens.registry import open_item

        open_item(self.panel, tile)
