"""Once Web Config has been opened, the Cloud surface's modules and CSS are made ready while the
keyboard is quiet, so the first F4 only builds and draws (`panel_tui.ui.warm_up`)."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from panel_tui.ui import warm_up
from panel_tui.ui.warm_up import QUIET, START_AFTER, WarmUp

ROOT = Path(__file__).resolve().parents[2]


#: run in a fresh interpreter: what a real panel has imported when it warms up (a test process
#: has imported Web Config and Cloud with its other tests' modules, and nothing would be new)
FIRST_F3_AND_F4 = """
import asyncio, json, sys, tempfile
from pathlib import Path
from textual.css.stylesheet import Stylesheet
from panel_tui.cloud_link import CloudLink
from panel_tui.tenant_info import TenantInfo
from panel_tui.ui import warm_up
from tests.tui.conftest import make_app, make_device

WARM = sys.argv[1] == "warm"
misses = []
real = Stylesheet._parse_rules
def parse_rules(self, css, read_from, is_default_rules=False, tie_breaker=0, scope=""):
    if (css, read_from, is_default_rules, tie_breaker, scope) not in self._parse_cache.keys():
        misses.append(read_from[1] or Path(read_from[0]).name)
    return real(self, css, read_from, is_default_rules, tie_breaker, scope)
Stylesheet._parse_rules = parse_rules

async def main():
    app = make_app(make_device(Path(tempfile.mkdtemp()) / "state"))
    app.cloud_link = link = CloudLink(app.device, app.config)  # a ready tenant, never asked
    link.state, link.info = "ready", TenantInfo(base_url="https://login.microsoftonline.com")
    found = {}
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        if WARM:
            await pilot.press("f3")  # the Cloud surface is made ready once Web Config was opened
            await pilot.pause()
            await pilot.press("f2")
            await pilot.pause()
            for ready, step, _quiet, surface in warm_up.steps(app):  # as the idle polls run them
                if surface in ("webconfig", "cloud"):
                    assert ready()
                    step()
        from panel_tui.cloud.signin_pane import SignInPane  # (loaded by the warm-up, or by F4)
        SignInPane.restart = lambda self: None
        for key in ("f3", "f4") if not WARM else ("f4",):
            misses.clear()
            modules = set(sys.modules)
            await pilot.press(key)
            await pilot.pause()
            found[key] = {"screen": type(app.screen).__name__, "parsed": list(misses),
                          "imported": sorted(m for m in set(sys.modules) - modules if m.startswith("panel_tui"))}
    print(json.dumps(found))

asyncio.run(main())
"""


def _first_f3_and_f4(warm: bool) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, "-c", FIRST_F3_AND_F4, "warm" if warm else "cold"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_once_warmed_up_the_first_f4_imports_nothing_and_parses_no_css_file() -> None:
    found = _first_f3_and_f4(warm=True)
    assert found["f4"]["screen"] == "CloudScreen"
    for key in ("f4",):
        assert found[key]["imported"] == [], found[key]
        assert not [name for name in found[key]["parsed"] if name.endswith(".tcss")], found[key]


def test_without_a_warm_up_the_first_f3_and_f4_import_and_parse_their_surface() -> None:
    """(What the test above would find without the warm-up: it checks what it claims.)"""
    found = _first_f3_and_f4(warm=False)
    for key, css_file in (("f3", "web_page.tcss"), ("f4", "cloud.tcss")):
        assert found[key]["imported"], found[key]
        assert css_file in found[key]["parsed"] and len(found[key]["parsed"]) > 5, found[key]


class Steps:
    def __init__(self, count: int, fail_at: int | None = None) -> None:
        self.ran: list[int] = []
        self.count = count
        self.fail_at = fail_at
        self.web_config_opened = True

    def __call__(self, app: Any) -> Iterator[Any]:
        for index in range(self.count):
            def step(index: int = index) -> None:
                time.sleep(warm_up.NOTHING_DONE * 1.5)  # a step that does something takes a few ms
                self.ran.append(index)
                if index == self.fail_at:
                    raise RuntimeError("a CSS file went missing")
            yield (lambda: self.web_config_opened), step


def test_steps_run_one_per_poll_only_after_the_start_and_in_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    steps = Steps(3)
    monkeypatch.setattr(warm_up, "steps", steps)
    now, quiet = [100.0], [10.0]
    warm = WarmUp(object(), lambda: quiet[0], clock=lambda: now[0])
    assert not warm.poll()  # the first frame was just drawn: the tenant starts now
    now[0] += START_AFTER
    quiet[0] = QUIET / 2  # a key a moment ago: the next of a burst may come
    assert not warm.poll() and steps.ran == []
    quiet[0] = QUIET
    steps.web_config_opened = False  # nothing before Web Config (F3) is opened
    assert not warm.poll() and not warm.poll() and steps.ran == [] and not warm.done
    steps.web_config_opened = True
    assert warm.poll() and steps.ran == [0]
    assert warm.poll() and warm.poll() and steps.ran == [0, 1, 2]
    assert not warm.poll() and warm.done


def test_a_failing_step_ends_the_warm_up_without_raising(monkeypatch: pytest.MonkeyPatch,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    steps = Steps(3, fail_at=0)
    monkeypatch.setattr(warm_up, "steps", steps)
    now = [0.0]
    warm = WarmUp(object(), lambda: 60.0, clock=lambda: now[0])
    now[0] = START_AFTER
    with caplog.at_level(logging.ERROR, logger="panel_tui.ui.warm_up"):
        assert warm.poll()
    assert warm.done and steps.ran == [0]
    assert "warming up a surface failed" in caplog.text
    assert not warm.poll() and steps.ran == [0]


def test_web_config_imports_its_email_pages_when_they_are_first_shown() -> None:
    """The first F3 shows Status > Product Status: Email Server > Basic (its form, drop-downs
    and sign-in texts), Email Notification and Connection Test are imported when first shown
    (~6 ms of the first F3's ~45)."""
    code = (
        "import sys\n"
        "import panel_tui.webconfig.screens\n"
        "from panel_tui.webconfig.page_switcher import build_page\n"
        "pages = ('panel_tui.webconfig.email_basic', 'panel_tui.webconfig.notifications',\n"
        "         'panel_tui.webconfig.connection_test', 'panel_tui.widgets.form')\n"
        "loaded = [name for name in pages if name in sys.modules]\n"
        "assert not loaded, loaded\n"
        "assert type(build_page('page-connection-test', None)).__name__ == 'ConnectionTestPage'\n"
        "assert type(build_page('page-email-basic', None)).__name__ == 'EmailBasicPage'\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_a_surface_not_ready_holds_back_no_other(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cloud waits for Web Config to be opened; Scan > Email's steps run meanwhile, in order."""
    ran: list[str] = []
    cloud_ready = [False]

    def two_surfaces(app: Any) -> Iterator[Any]:
        for name in ("a", "b"):
            yield (lambda: cloud_ready[0]), (lambda name=name: ran.append(f"cloud-{name}")), QUIET, "cloud"
        for name in ("a", "b"):
            yield (lambda: True), (lambda name=name: ran.append(f"scan-{name}")), QUIET, "scan-email"

    monkeypatch.setattr(warm_up, "steps", two_surfaces)
    now = [0.0]
    warm = WarmUp(object(), lambda: 60.0, clock=lambda: now[0])
    now[0] = START_AFTER
    assert warm.poll() and ran == ["scan-a", "scan-b"]  # (steps with nothing to do: one pause)
    assert not warm.poll() and not warm.done
    cloud_ready[0] = True
    assert warm.poll() and ran[2:] == ["cloud-a", "cloud-b"]
    assert not warm.poll() and warm.done


def test_a_step_with_nothing_to_do_lets_the_next_one_run_in_the_same_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    """Scan's module is imported already when its list is shown: its CSS is parsed in that same
    pause (a person going from the Scan list to Email gives the warm-up one pause)."""
    ran: list[str] = []

    def slow() -> None:
        time.sleep(0.01)
        ran.append("parse")

    def surface(app: Any) -> Iterator[Any]:
        yield (lambda: True), (lambda: ran.append("import")), QUIET, "scan-email"
        yield (lambda: True), slow, QUIET, "scan-email"
        yield (lambda: True), (lambda: ran.append("build")), QUIET, "scan-email"

    monkeypatch.setattr(warm_up, "steps", surface)
    now = [0.0]
    warm = WarmUp(object(), lambda: 60.0, clock=lambda: now[0])
    now[0] = START_AFTER
    assert warm.poll() and ran == ["import", "parse"]
    assert warm.poll() and ran == ["import", "parse", "build"]
