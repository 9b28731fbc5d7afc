"""The Cloud surface's modules and CSS made ready while the keyboard is quiet, once Web Config
has been opened.

The first F4 imported its surface (~25 modules: ~7 ms of CPU), parsed its CSS file
(Textual's tokenizer: ~2.9 ms for ``cloud.tcss``) and the default CSS of each widget class new
to it (~4.5 ms) before its first frame: about a third of its work, and the slowest key of the
guide walk (``bench/walk.py``: 70 ms against the bare app's ~29 ms page change). That is done
here instead, one step at a time and only in pauses of the keyboard (as `panel_tui.ui.idle_gc`
collects), so no key waits for it.

Only what opening the surface would import and parse anyway (its widgets are still built when
it is first shown), and only once a person has opened Web Config (F3): the guide signs in at
Microsoft (F4) next. The steps keep ~0.8 MiB; a session that opens F4 keeps them anyway (the
guide walk's peak is unchanged), one that never opens Web Config never pays them. Web Config
itself is not made ready ahead: its ~1.2 MiB (modules 0.6, CSS 0.6) would count in every
session that never opens it (the start-up bench's peak, 1.20x of the bare app's, against 1.25x).
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterable, Iterator
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
#: reached F4 before any step had run, at 0.25 s all three ran in its pauses after F3.
QUIET = 0.25

#: the surfaces made ready ("module:Screen"), each once the module named after it is loaded
#: (the surface a person opens before it in the guide)
SURFACES = (("panel_tui.cloud.screens:CloudScreen", "panel_tui.webconfig.screens"),)


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


def default_css(widget_classes: Iterable[type]) -> list[tuple[Any, str, int, str]]:
    """The ``DEFAULT_CSS`` sources a widget of each class adds to the stylesheet when mounted
    (Textual's ``DOMNode._get_default_css``: the class's and its bases', each base with a tie
    breaker by its distance from the class, so the same base parses once per distance)."""
    from textual.dom import DOMNode

    found: dict[Any, tuple[Any, str, int, str]] = {}
    for cls in widget_classes:
        node = SimpleNamespace(_node_bases=DOMNode._css_bases(cls))
        for source in DOMNode._get_default_css(node):  # type: ignore[arg-type]  # reads only _node_bases
            found[source[:1] + source[2:]] = source
    return list(found.values())


def parse_default_css_into_cache(app: Any, widget_classes: Iterable[type]) -> None:
    """Parse the widget classes' ``DEFAULT_CSS`` into the app's parse cache (see
    `parse_into_cache`): the stylesheet parses each new class's when one is first mounted.

    Each source is parsed on its own (``Stylesheet._parse_rules``, what ``parse`` does per
    source): ``add_source`` keeps one tie breaker per class, and a base reached at two
    distances is cached under both."""
    from textual.css.stylesheet import Stylesheet

    stylesheet = app.stylesheet
    scratch = Stylesheet(variables=stylesheet._variables)
    scratch._parse_cache = stylesheet._parse_cache
    for read_from, css, tie_breaker, scope in default_css(widget_classes):
        scratch._parse_rules(css, read_from, is_default_rules=True, tie_breaker=tie_breaker, scope=scope)


def widget_classes_of(package: str) -> list[type]:
    """The widget classes a surface may mount: those its package's loaded modules define or
    import, and those defined or imported by the Textual modules of these (a Textual widget
    makes its own children: ``TabbedContent`` its ``ContentTabs`` and ``TabPane``, ``Tabs``
    its ``Tab`` and ``Underline``)."""
    from textual.widget import Widget

    def widgets_in(module: Any) -> set[type]:
        return {value for value in vars(module).values()
                if isinstance(value, type) and issubclass(value, Widget)}

    found: set[type] = set()
    for name, module in list(sys.modules.items()):
        if module is not None and (name == package or name.startswith(f"{package}.")):
            found |= widgets_in(module)
    for textual_module in {cls.__module__ for cls in found if cls.__module__.startswith("textual.")}:
        found |= widgets_in(sys.modules[textual_module])
    return sorted(found, key=lambda cls: (cls.__module__, cls.__qualname__))


#: a step of the warm-up: (may it run now?, the step)
Step = tuple[Callable[[], bool], Callable[[], object]]


def steps(app: Any) -> Iterator[Step]:
    """The steps, each a few milliseconds: import a surface's modules, parse its CSS files,
    parse the default CSS of the widget classes its package may mount."""
    for spec, after in SURFACES:
        module_name, _, class_name = spec.partition(":")
        package = module_name.rpartition(".")[0]
        ready = lambda after=after: after in sys.modules  # noqa: E731
        yield ready, lambda module_name=module_name: import_module(module_name)
        yield ready, lambda module_name=module_name, class_name=class_name: parse_into_cache(
            app, css_files(getattr(import_module(module_name), class_name)))
        yield ready, lambda package=package: parse_default_css_into_cache(app, widget_classes_of(package))


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
