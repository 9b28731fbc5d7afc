"""What a new-user trial tripped on in the panel's screens (keys, lock-out, help, small screens).

Each journey is a keyboard user's, at 80×24, through the installed console script.
"""

from __future__ import annotations

import pytest

from tests.acceptance.conftest import Launch
from tests.acceptance.terminal import Terminal

#: the words each language uses (key-line fragments and messages)
WORDS = {
    "en": {"scan": "Scan", "resolution": "Resolution", "enter_start": "Enter Start",
           "open_list": "Enter Open the list", "ctrl_s": "Ctrl+S Start", "sending": "Job 1"},
    "lv": {"scan": "Skenēt", "resolution": "Izšķirtspēja", "enter_start": "Enter Sākt",
           "open_list": "Enter Atvērt sarakstu", "ctrl_s": "Ctrl+S Sākt", "sending": "Darbs 1"},
}


def _key_line(t: Terminal) -> str:
    return t.screen.display[-1].rstrip()


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_scan_email_key_line_names_what_enter_does_and_ctrl_s_starts(launch: Launch, lang: str) -> None:
    """Scan > Email: on Resolution the key line says Enter opens the list (it does) and names
    Ctrl+S, which starts the scan from there; back in To it says Enter Start again."""
    w = WORDS[lang]
    t = launch("panel-tui", "--lang", lang)
    t.wait_for(w["scan"])
    t.press("left", "enter")
    t.wait_for("F5")
    t.settle(0.3)
    t.press("enter")
    t.wait_for(w["enter_start"])
    t.type("someone@example.com")
    t.press("tab")  # Resolution
    t.wait_until(lambda: w["open_list"] in _key_line(t), "the key line names the list", timeout=5)
    line = _key_line(t)
    assert w["enter_start"] not in line and w["ctrl_s"] in line, line
    t.press("shift+tab")  # back in To
    t.wait_until(lambda: w["enter_start"] in _key_line(t), "Enter Start again in To", timeout=5)
    t.press("tab")
    t.wait_for(w["open_list"])
    t.press("ctrl+s")
    t.wait_for(w["sending"])


LOCK = {
    "en": {"path": ["Settings", "General Settings", "System Administration", "Security Settings",
                    "Admin Settings", "Lock Setting"],
           "label": "Lock Setting", "on": "On", "save": "Enter Save", "list": "Enter Open the list",
           "not_saved": "Not saved", "menu": "Admin Password"},
    "lv": {"path": ["Iestatījumi", "Vispārīgie iestatījumi", "Sistēmas administrēšana",
                    "Drošības iestatījumi", "Administratora iestatījumi", "Bloķēšanas iestatījums"],
           "label": "Bloķēšanas iestatījums", "on": "Iesl", "save": "Enter Saglabāt",
           "list": "Enter Atvērt sarakstu", "not_saved": "Nav saglabāts", "menu": "Administratora parole"},
}


def _field(t: Terminal, label: str) -> str:
    """The form's row of the field ``label`` (not the breadcrumbs that name it too)."""
    return next((line for line in t.text().splitlines() if line.strip().startswith(label)), "")


def _open_lock_setting(t: Terminal, w: dict[str, object]) -> None:
    path = w["path"]
    assert isinstance(path, list)
    t.wait_for(path[0])
    t.press("enter")
    t.wait_for(path[1])
    t.press("enter")
    t.wait_for(path[2])
    t.press("down", "down", "down", "down", "down", "enter")
    t.wait_for(path[3])
    t.press("enter")
    t.wait_for(path[4])
    t.press("enter")
    t.wait_for(path[5])
    t.press("down", "enter")
    t.wait_for(str(w["list"]))


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_lock_setting_pick_keeps_the_cursor_and_cancel_says_not_saved(launch: Launch, lang: str) -> None:
    """Lock Setting: On picked from the list, the cursor stays on the field (it jumped to Save, so
    the Tab meant to reach Save landed on Cancel); Tab reaches Save; Cancel (or Esc) after a
    change says it was not saved, and the lock stays off."""
    w = LOCK[lang]
    t = launch("panel-tui", "--lang", lang)
    _open_lock_setting(t, w)
    t.press("enter")  # the list
    t.wait_for("╭")
    t.press("up", "enter")  # On
    t.wait_until(lambda: "╭" not in t.text() and str(w["on"]) in _field(t, str(w["label"])), "On picked")
    t.settle(0.3)
    assert str(w["list"]) in _key_line(t), t.text()  # the cursor is still on the field
    t.press("tab")
    t.wait_for(str(w["save"]))  # Tab: Save
    t.press("tab", "enter")  # Cancel
    t.wait_for(str(w["not_saved"]))
    t.wait_for(str(w["menu"]))  # back in Admin Settings


def _resize(t: Terminal, cols: int, rows: int) -> None:
    """The person drags the window: the pty and the emulated screen change size."""
    t.child.setwinsize(rows, cols)
    t.screen.resize(rows, cols)
    t.cols, t.rows = cols, rows


@pytest.mark.parametrize(
    ("lang", "notice", "guide", "left"),
    [("en", "needs a terminal of at least 80×24", "Next step:", "Left"),
     ("lv", "vajadzīgs vismaz 80×24", "Nākamā darbība:", "Pa kreisi")],
)
def test_below_80x24_the_guide_line_and_key_box_hide_under_the_notice(
    launch: Launch, lang: str, notice: str, guide: str, left: str
) -> None:
    """With --guided --show-keys the guide line and the key box were drawn under the "too small"
    notice, cut off; they hide while it shows and come back at 80×24."""
    t = launch("panel-tui", "--lang", lang, "--guided", "--show-keys")
    t.wait_for(guide)
    t.press("left")  # a key in the box
    t.wait_for(left)
    _resize(t, 60, 20)
    t.wait_for(notice, "60×20")
    t.press("left")  # a key pressed while the notice shows: no box for it either
    t.settle(0.5)
    screen = t.text()
    assert guide not in screen and left not in screen, screen
    _resize(t, 80, 24)
    t.wait_gone(notice)
    t.wait_for(guide)
