"""The Cloud surface's modules and CSS made ready while the keyboard is quiet, once Web Config
has been opened.

The first F4 imported its surface (~25 modules: ~7 ms of CPU) and parsed its CSS file
(Textual's tokenizer: ~2.9 ms for ``cloud.tcss``) before its first frame, the slowest key of
the guide walk (``bench/walk.py``: 70 ms against the bare app's ~29 ms page change). That is
done here instead, one step at a time and only in pauses of the keyboard (as
`panel_tui.ui.idle_gc` collects), so no key waits for it.

The default CSS of the widget classes new to the surface (~4.5 ms more) is still parsed when
they are first mounted: finding them ahead (the classes its modules define and import) parsed
25 sources where F4 needs 9, ~0.3 MiB kept in the stylesheet's cache for nothing, and the
guide walk's peak rose by as much.

Only what opening the surface would import and parse anyway (its widgets are still built when
it is first shown), and only once a person has opened Web Config (F3): the guide signs in at
Microsoft (F4) next. The steps keep ~0.6 MiB; a session that opens F4 keeps them anyway (the
guide walk's peak is unchanged), one that never opens Web Config never pays them. Web Config
itself is not made ready ahead: its ~1.2 MiB (modules 0.6, CSS 0.6) would count in every
session that never opens it (the start-up bench's peak, 1.20x of the bare app's, against 1.25x).
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterator
from importlib import import_module
from inspect import getfile
from types import SimpleNamespace
from typing import Any

log = logging.getLogger(__name__)

#: seconds after the first frame before the first step (the embedded tenant starts then)
START_AFTER = 0.5
#: seconds without a key before a step may run: a step is 3-7 ms of CPU, and a key that comes
#: during one waits for it. Longer than the idle collector's 0.12 s, as keys going through
#: pages come ~0.15-0.2 s apart; at 0.4 s the guide walk (``bench/walk.py``, a fast typist)
#: reached F4 before any step had run, at 0.25 s they all ran in its pauses after F3.
QUIET = 0.25

#: the surfaces made ready (mode, "module:Screen"), each once the module named after it is
#: loaded (the surface a person opens before it in the guide)
SURFACES = (("cloud", "panel_tui.cloud.screens:CloudScreen", "panel_tui.webconfig.screens"),)


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


#: a step of the warm-up: (may it run now?, the step)
Step = tuple[Callable[[], bool], Callable[[], object]]


def steps(app: Any) -> Iterator[Step]:
    """The steps, each a few milliseconds: import a surface's modules, parse its CSS files,
    build its screen (`PanelApp.prepare_surface`: it composes and mounts in its own message
    loop, widget by widget, after the step)."""
    for mode, spec, after in SURFACES:
        module_name, _, class_name = spec.partition(":")
        ready = lambda after=after: after in sys.modules  # noqa: E731
        yield ready, lambda module_name=module_name: import_module(module_name)
        yield ready, lambda module_name=module_name, class_name=class_name: parse_into_cache(
            app, css_files(getattr(import_module(module_name), class_name)))
        yield ready, lambda mode=mode: app.prepare_surface(mode)


class WarmUp:
    """Runs `steps` one per poll, each once it may, while the keyboard is quiet, from
    `START_AFTER` after it is started (the first frame) until all are done."""

    def __init__(self, app: Any, quiet_for: Callable[[], float],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._steps = steps(app)
        self._next: Step | None = None
        self._quiet_for = quiet_for
        self._clock = clock
        self._start = clock() + START_AFTER
        self.done = False

    def poll(self) -> bool:
        """Run the next step if it is time; True if one ran."""
        if self.done or self._clock() < self._start or self._quiet_for() < QUIET:
            return False
        if self._next is None:
            self._next = next(self._steps, None)
            if self._next is None:
                self.done = True
                return False
        ready, step = self._next
        if not ready():
            return False
        self._next = None
        try:
            step()
        except Exception:  # the surface shows its own error when it is opened; nothing is retried
            log.exception("warming up a surface failed")
            self.done = True
        return True
