"""The surface a person is heading to made ready while the keyboard is quiet: its modules
imported, its CSS parsed, its screen built (composed and mounted, not shown).

The first F3 and the first F4 imported their surface (~25 modules), parsed its CSS and built
its ~35-90 widgets before their first frame: the two slowest keys of the guide walk
(``bench/walk.py``: 63 and 79 ms against the bare app's ~33 ms page change; Pilot, CPU: ~53 and
~80 ms). That is done here instead, one step at a time and only in pauses of the keyboard (as
`panel_tui.ui.idle_gc` collects), so the key only lays the surface out and draws it (~25 ms of
CPU). The screen is built by `PanelApp.prepare_surface`; what a surface does only once shown
waits for that (the Cloud surface's visit to the code page, Web Config reading the printer's
status again).

Only for the surface the person is heading to, as the guide goes: Web Config once the panel
shows Network Status (guide step 1: the IP address a person reads there is where Web Config is
reached); Cloud once Web Config has been opened (the guide signs in at Microsoft next); Scan >
Email once the Scan list has been opened. A session that never goes there never pays: Web
Config's ~1.2 MiB of modules and CSS would count in every session (the start-up bench's peak,
1.20x of the bare app's, against 1.25x); one that opens them keeps them anyway (the guide
walk's peak is unchanged). A surface already opened is skipped.

The default CSS of the widget classes new to a surface is parsed as its screen mounts: finding
them ahead (the classes its modules define and import) parsed 25 sources where F4 needs 9,
~0.3 MiB kept in the stylesheet's cache for nothing.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterator
from importlib import import_module
from inspect import getfile
from types import SimpleNamespace
from typing import Any, NamedTuple

from panel_tui.ui import idle_gc

log = logging.getLogger(__name__)

#: seconds after the first frame before the first step (the embedded tenant starts then)
START_AFTER = 0.5
#: seconds without a key before a step that names no pause of its own may run
QUIET = 0.25

#: seconds without a key before a surface's step may run, once the person is heading to it: as
#: the idle collector's pause. A step is 3-7 ms of CPU (a screen's build then goes on in its own
#: message loops, ~40 ms in all, at most ~13 ms at a time), and a key that comes during one
#: waits for it. The guide walk's typist (``bench/walk.py``: keys ~0.15-0.2 s apart) left no
#: 0.25 s pause between F3 and F4 on a quiet machine (the first F4 was built on its key, 79 ms),
#: nor between the Scan list and Email
QUIET_HEADING = idle_gc.QUIET


def loaded(module: str) -> Callable[[Any], bool]:
    """Ready once ``module`` is loaded (a page that loads it has been opened)."""
    return lambda app: module in sys.modules


def opened(mode: str) -> Callable[[Any], bool]:
    """Ready once surface ``mode`` has been shown."""
    return lambda app: mode in app._screen_stacks


def either(*conditions: Callable[[Any], bool]) -> Callable[[Any], bool]:
    return lambda app: any(condition(app) for condition in conditions)


def in_menu(node_id: str) -> Callable[[Any], bool]:
    """Ready while the panel shows Settings menu ``node_id`` or a page opened from it (the menu
    stays on the panel's stack under its pages)."""
    return lambda app: any(getattr(getattr(screen, "node", None), "id", None) == node_id
                           for screen in app._screen_stacks.get("panel", ()))


#: the surfaces made ready, in order: (mode, "module:Screen", when, quiet). Each is what the
#: person is heading to: Web Config once the panel showed its printer's IP address (Network
#: Status: "the IP is where Web Config is reached", guide step 1); Cloud once Web Config has been
#: opened (the guide signs in at Microsoft next). A surface opened before its turn is skipped.
SURFACES: tuple[tuple[str, str, Callable[[Any], bool], float], ...] = (
    ("webconfig", "panel_tui.webconfig.screens:WebConfigScreen",
     either(in_menu("network_status"), loaded("panel_tui.screens.network_status"), opened("webconfig")),
     QUIET_HEADING),
    ("cloud", "panel_tui.cloud.screens:CloudScreen", opened("webconfig"), QUIET_HEADING),
)


def css_files(screen_class: type) -> list[str]:
    """The CSS files ``screen_class`` loads when first shown, as Textual's ``Screen`` resolves
    its ``CSS_PATH`` (relative to the module that defines the class)."""
    from textual._path import _css_path_type_as_list, _make_path_object_relative

    if screen_class.CSS_PATH is None:  # type: ignore[attr-defined]
        return []
    where = SimpleNamespace(_BASE_PATH=getfile(screen_class))
    return [str(_make_path_object_relative(path, where))
            for path in _css_path_type_as_list(screen_class.CSS_PATH)]  # type: ignore[attr-defined]


def parse_into_cache(app: Any, paths: list[str]) -> None:
    """Parse CSS files into the app's stylesheet's parse cache, under the keys the app's own
    reading of them will look up (Textual's ``Stylesheet.read``); the app's rules are not
    changed: the files still take effect when their screen is first shown.

    The parsed rules are kept only by the stylesheet's cache, which is emptied when the theme's
    variables change: what it holds was always parsed with the current variables."""
    from textual.css.stylesheet import Stylesheet

    stylesheet = app.stylesheet
    scratch = Stylesheet(variables=stylesheet._variables)
    scratch._parse_cache = stylesheet._parse_cache
    for path in paths:
        scratch.read(path)
    scratch.parse()


#: seconds a step that had nothing to do takes at most (a module imported already): the next step
#: runs in the same poll (a person heading to a page gives the warm-up one pause or two)
NOTHING_DONE = 0.002

class Step(NamedTuple):
    """A step of the warm-up."""

    #: may it run now (the person is heading to its surface)?
    ready: Callable[[], bool]
    run: Callable[[], object]
    #: seconds without a key it needs
    quiet: float = QUIET
    #: its surface: a surface's steps run in order, each surface's on its own
    surface: str = ""


def surface_steps(app: Any, mode: str, spec: str, when: Callable[[Any], bool], quiet: float,
                  prepare: Callable[[], object]) -> Iterator[Step]:
    """One surface's steps, each a few milliseconds: import its modules, parse its CSS files,
    build its screen (``prepare``: it composes and mounts in its own message loops, widget by
    widget, after the step)."""
    module_name, _, class_name = spec.partition(":")
    ready = lambda: when(app)  # noqa: E731
    yield Step(ready, lambda: import_module(module_name), quiet, mode)
    yield Step(ready, lambda: parse_into_cache(
        app, css_files(getattr(import_module(module_name), class_name))), quiet, mode)
    yield Step(ready, prepare, quiet, mode)


def steps(app: Any) -> Iterator[Step]:
    """The steps of every surface (`SURFACES`), then of the Scan to Email page (`PAGES`)."""
    for mode, spec, when, quiet in SURFACES:
        yield from surface_steps(app, mode, spec, when, quiet, lambda mode=mode: app.prepare_surface(mode))
    for name, spec, when, quiet, build in PAGES:
        yield from surface_steps(app, name, spec, when, quiet, lambda build=build: _call(build, app))


#: pages made ready as the surfaces are: (name, "module:Screen", when, quiet, "module:build" (a
#: function of the app building the page, not shown; named, not imported: this module stands
#: below the screens)). Scan > Email once the Scan list has been opened (Email is its one
#: emulated destination): its first Enter built 35 widgets, ~50 ms to the frame (later ones only
#: lay it out: 15-30 ms).
PAGES: tuple[tuple[str, str, Callable[[Any], bool], float, str], ...] = (
    ("scan-email", "panel_tui.scan.screens:ScanScreen", loaded("panel_tui.scan.screens"), QUIET_HEADING,
     "panel_tui.scan.screens:prepare_scan_email"),
)


def _call(spec: str, app: Any) -> object:
    """Call function "module:name" with the app."""
    module_name, _, name = spec.partition(":")
    return getattr(import_module(module_name), name)(app)


class WarmUp:
    """Runs `steps` one per poll, each once it may, while the keyboard is quiet, from
    `START_AFTER` after it is started (the first frame) until all are done; each surface's
    steps in order, a surface not ready yet holding back no other's."""

    def __init__(self, app: Any, quiet_for: Callable[[], float],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._pending = [Step(*step) for step in steps(app)]
        self._quiet_for = quiet_for
        self._clock = clock
        self._start = clock() + START_AFTER
        self.done = False

    def poll(self) -> bool:
        """Run the next step that may run now; True if one ran."""
        if self.done or self._clock() < self._start:
            return False
        if not self._pending:
            self.done = True
            return False
        quiet = self._quiet_for()
        waiting: set[str] = set()  # surfaces with an earlier step still to run
        for index, step in enumerate(self._pending):
            if step.surface in waiting:
                continue
            waiting.add(step.surface)
            if quiet < step.quiet or not step.ready():
                continue
            del self._pending[index]
            started = time.perf_counter()
            try:
                step.run()
            except Exception:  # the surface shows its own error when it is opened; nothing is retried
                log.exception("warming up a surface failed")
                self.done = True
                return True
            if time.perf_counter() - started < NOTHING_DONE:  # (imported already, say): its next one
                self.poll()
            return True
        return False
