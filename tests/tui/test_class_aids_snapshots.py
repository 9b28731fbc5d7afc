"""Trainer aids at 80x24: guided mode's line above the footer with the key box over the screen's
corner, and the high-contrast theme (panel_tui.class_aids)."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from panel_tui.app import PanelApp
from panel_tui.class_options import ClassOptions
from panel_tui.config import AppConfig

from .conftest import make_device


def _app(tmp_path: Path, options: ClassOptions) -> PanelApp:
    device = make_device(tmp_path / "state")
    return PanelApp(device, AppConfig(state_dir=device.state_dir), tick=False, cloud=False,
                    icons="unicode", class_options=options)


def test_guided_line_and_key_box(snap_compare, tmp_path: Path) -> None:
    async def keys(pilot: Pilot) -> None:
        await pilot.press("down", "up")
        await pilot.pause()

    app = _app(tmp_path, ClassOptions(guided=True, show_keys=True))
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys)


def test_high_contrast_home(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(_app(tmp_path, ClassOptions(theme="high-contrast")), terminal_size=(80, 24))


def test_the_key_box_keeps_the_newest_keys_that_fit() -> None:
    from panel_tui.class_aids import fit_keys

    keys = ["Down", "Up", "Enter", "Tab"]
    assert fit_keys(keys, 80) == "Down Up Enter Tab"
    assert fit_keys(keys, 11) == "Enter Tab"  # 2 of padding + 9
    assert fit_keys(keys, 3) == "Tab"  # the newest always, even where it does not fit
    assert fit_keys([], 10) == ""


def test_key_log_counts_repeats_and_joins_typed_letters() -> None:
    from panel_tui.class_aids import KeyLog

    log = KeyLog()
    for key in ("F3", "Right", "Right", "Right"):
        log.add(key)
    for ch in "name":
        log.add(ch, typed=True)
    log.add("Enter")
    assert log.texts() == ["F3", "Right ×3", "name", "Enter"]
    secret = KeyLog("x", "...")
    for _ in range(14):
        secret.add("*", typed=True, secret=True)
    assert secret.texts() == ["* x14"]
    for _ in range(3):
        secret.add("Tab")
    assert secret.texts() == ["* x14", "Tab x3"]


async def test_the_key_box_names_arrows_in_the_panels_language(tmp_path: Path) -> None:
    """--show-keys in the Latvian panel: "Pa labi Lejup Enter", not "Right Down Enter"."""
    device = make_device(tmp_path / "state", lang="lv")
    app = PanelApp(device, AppConfig(state_dir=device.state_dir), tick=False, cloud=False,
                   icons="unicode", class_options=ClassOptions(show_keys=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right", "down", "space", "enter")
        await pilot.pause()
        assert app.aids.keys.texts()[:3] == ["Pa labi", "Lejup", "Atstarpe"], app.aids.keys.texts()
