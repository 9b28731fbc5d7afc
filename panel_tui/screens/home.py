"""Home: the function tiles, with the status bar (network, lock, clock) above them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from panel_tui.screens.base import PanelScreen

if TYPE_CHECKING:
    from device_model.profile import DeviceProfile

#: (tile id, label key): what Home offers; Scan opens its destinations (Email is emulated).
TILES: tuple[tuple[str, str], ...] = (
    ("scan", "panel.home.tile.scan"),
    ("settings", "panel.home.tile.settings"),
    ("job_status", "panel.home.tile.job_status_key"),
    ("webconfig", "panel.home.tile.webconfig"),
)
COLUMNS = 2
#: the tile the cursor is on when Home opens, and after the Home key (F5): Settings
HOME_TILE = 1


class Tile(Widget):
    """One Home tile; the grid, not the tile, holds focus (see `TileGrid`)."""

    def __init__(self, tile_id: str, label: str) -> None:
        super().__init__(id=f"tile-{tile_id}")
        self.tile_id = tile_id
        self.label = label

    def render(self) -> str:
        # The current tile shows without colour too (16-colour terminals): ▶ markers, while
        # the tiles have the focus (with the lock icon focused, two markers read as two cursors)
        grid = self.parent
        if not self.has_class("-current") or not (isinstance(grid, TileGrid) and grid.has_focus):
            return self.label
        g = self.app.glyphs  # type: ignore[attr-defined]
        return f"{g.cursor_left}{self.label}{g.cursor_right}"

    def on_click(self) -> None:
        grid = self.parent
        if isinstance(grid, TileGrid):
            grid.focus()
            grid.cursor = grid.tiles.index(self)
            grid.action_select()


class TileGrid(Grid, can_focus=True):
    """The tiles as one focusable grid with a cursor, like a list.

    Arrow keys move a cursor class between tiles instead of moving focus: a focus change
    restyles the whole screen, a class change only the two tiles (key → repaint stays as
    quick as in an OptionList).
    """

    BINDINGS = [
        Binding("left", "move(-1, 0)", show=False),
        Binding("right", "move(1, 0)", show=False),
        Binding("up", "move(0, -1)", show=False),
        Binding("down", "move(0, 1)", show=False),
        Binding("enter,space", "select", show=False),
    ]

    cursor: reactive[int] = reactive(HOME_TILE, init=False, repaint=False)

    class Selected(Message):
        """A tile was chosen."""

        def __init__(self, tile_id: str) -> None:
            super().__init__()
            self.tile_id = tile_id

    @property
    def tiles(self) -> list[Tile]:
        return list(self.query_children(Tile))

    @property
    def current(self) -> Tile:
        return self.tiles[self.cursor]

    def on_mount(self) -> None:
        self.watch_cursor(self.cursor)

    def on_focus(self) -> None:
        self.current.refresh()  # its ▶ markers (Tile.render)

    def on_blur(self) -> None:
        self.current.refresh()

    def watch_cursor(self, cursor: int) -> None:
        for index, tile in enumerate(self.tiles):
            if tile.has_class("-current") != (index == cursor):
                tile.set_class(index == cursor, "-current")
                tile.refresh()

    def action_move(self, dx: int, dy: int) -> None:
        row, col = divmod(self.cursor, COLUMNS)
        if dy < 0 and row == 0:
            self._to_lock()
            return
        row, col = row + dy, col + dx
        new = row * COLUMNS + col
        if 0 <= col < COLUMNS and 0 <= new < len(self.tiles):
            self.cursor = new

    def _to_lock(self) -> None:
        """Up from the top row: the lock icon (when the lock is on), at once.

        Synchronously, not through a message: keys typed together ("Up Enter" in one read:
        a quick typist, key repeat, tmux send-keys) are already queued here, and the Enter
        must reach the icon, not open the tile the cursor was on.
        """
        locks = self.screen.query("#lock-icon")
        if locks and locks.first().display:
            self.screen.set_focus(locks.first())

    def action_select(self) -> None:
        self.post_message(self.Selected(self.current.tile_id))

    def select_tile(self, tile_id: str) -> None:
        """Put the cursor on a tile by id."""
        ids = [t.tile_id for t in self.tiles]
        self.cursor = ids.index(tile_id)


def model_tiles(profile: DeviceProfile) -> tuple[tuple[str, str], ...]:
    """Tiles only some models have, by the model's features (device_model/models/*.toml).

    Epson Print Admin Serverless; Fax on a fax model, as a fax MFP's Home has one. The Fax tile
    opens the emulator's fax screens (Receive Sample Fax, Fax Server Status), not a real panel's
    send-a-fax screen (unverified: what the real tile opens first). Model tiles come after the
    common ones, so a key sequence written for Home leads to the same tile on every model.
    """
    tiles: list[tuple[str, str]] = []
    if profile.has("print_admin_serverless"):
        tiles.append(("pas", "panel.home.tile.pas"))
    if profile.has("fax"):
        tiles.append(("fax_settings", "panel.home.tile.fax"))
    return tuple(tiles)


class HomeScreen(PanelScreen):
    """The panel's Home screen; arrows move between tiles, Enter opens one."""

    HELP_KEY = "panel.help.home"
    HINTS_KEY = "panel.hints.home"
    BINDINGS = [Binding("down", "to_tiles", show=False)]

    def __init__(self) -> None:
        super().__init__()
        self._cursor = HOME_TILE

    def compose_body(self) -> ComposeResult:
        yield Static(self.t("panel.home.title"), id="home-title", markup=False)
        with TileGrid(id="tiles"):
            for tile_id, key in TILES + model_tiles(self.device.profile):
                yield Tile(tile_id, self.t(key))

    def on_mount(self) -> None:
        self.query_one(TileGrid).focus()
        # Start-up: lay out and paint Home now. The panel mode's first screen is composed after
        # the app's initial Resize, so Textual would wait for the screen's next update tick (up
        # to 1/60 s: ~15 ms of the time to the first frame, idle). A resize does just this
        # (`_refresh_layout`, Textual 8.2 as pinned in constraints.txt).
        if self.is_current:
            self._refresh_layout(self.app.size)

    def language_changed(self) -> None:
        if self.is_mounted and self.query(TileGrid):
            self._cursor = self.query_one(TileGrid).cursor
        super().language_changed()
        if self.is_current:
            self.call_after_refresh(self._restore)

    def on_screen_resume(self) -> None:
        """Back on Home after a language switch made on another screen: the base class recomposes
        Home, and the new tiles take the cursor and the focus (else no key reached the tiles)."""
        if self._composed_language != self.panel.language and self.query(TileGrid):
            self._cursor = self.query_one(TileGrid).cursor
            self.call_after_refresh(self._restore)

    def _restore(self) -> None:
        grid = self.query_one(TileGrid)
        grid.cursor = self._cursor
        grid.focus()

    def start_over(self) -> None:
        """The Home key: the cursor back on the tile Home opens with, and the focus on the tiles.

        Escape back to Home keeps the tile the person came from; the Home key starts from a
        known place, so key sequences written down (the README's, a trainer's, a script's)
        lead to the same tile whatever was chosen before.
        """
        self._cursor = HOME_TILE
        if self.is_mounted and self.query(TileGrid):
            self._restore()

    def action_to_tiles(self) -> None:
        """Down from the status bar (lock icon) back into the tiles."""
        self.query_one(TileGrid).focus()

    @on(TileGrid.Selected)
    def _open(self, event: TileGrid.Selected) -> None:
        event.stop()
        if event.tile_id == "webconfig":
            self.panel.action_surface("webconfig")
            return
        self.panel.open_item(event.tile_id)
