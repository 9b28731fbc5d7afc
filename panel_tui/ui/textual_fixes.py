"""Work-arounds for Textual bugs the panel runs into, each applied once, each with its issue.

Textual is pinned (constraints.txt); when a pinned version fixes one, its function finds nothing
to change and does nothing, and the test that proves the symptom keeps guarding it.
"""

from __future__ import annotations

import asyncio
from functools import lru_cache
from types import MemberDescriptorType
from typing import Any

from textual.cache import LRUCache
from textual.css.stylesheet import Stylesheet


def release_dead_widgets_render_caches() -> bool:
    """Stop ``StylesCache.get_inner_outer``'s cache from keeping dead widgets' renders alive.

    Textual 8.2.8 decorates that method with ``@lru_cache(1024)`` without ``@classmethod``
    (Textualize/textual#6665, open): every widget's ``StylesCache`` becomes part of a cache key,
    and with it every line the widget last rendered. A screen left is freed, but its widgets'
    renders stay, up to 1 024 of them: each Scan to Email job (its two screens, ~27 widgets)
    left ~0.5 MiB behind. The answer depends only on the two colours (the method's first
    parameter is even named ``cls``), so the same cache keyed on them alone gives the same
    styles and holds no widget. Returns whether it changed anything.
    """
    from textual._styles_cache import StylesCache

    current = StylesCache.__dict__.get("get_inner_outer")
    original = getattr(current, "__wrapped__", None)
    if isinstance(current, staticmethod) or not callable(original):
        return False  # applied already, or Textual no longer has the bug's shape

    @lru_cache(1024)
    def get_inner_outer(base_background: Any, background: Any) -> Any:
        return original(StylesCache, base_background, background)

    setattr(StylesCache, "get_inner_outer", staticmethod(get_inner_outer))
    return True


class _CacheOnFirstUse:
    """A ``Strip`` cache slot whose ``FIFOCache`` is made the first time the slot is read."""

    __slots__ = ("slot", "size")

    def __init__(self, slot: MemberDescriptorType, size: int) -> None:
        self.slot = slot
        self.size = size

    def __get__(self, strip: Any, owner: type | None = None) -> Any:
        if strip is None:
            return self
        try:
            return self.slot.__get__(strip, owner)
        except AttributeError:  # the slot is empty: this line's first crop, style, divide...
            from textual.cache import FIFOCache

            cache: FIFOCache[Any, Any] = FIFOCache(self.size)
            self.slot.__set__(strip, cache)
            return cache

    def __set__(self, strip: Any, value: Any) -> None:
        self.slot.__set__(strip, value)

    def __delete__(self, strip: Any) -> None:
        self.slot.__delete__(strip)


#: What Textual 8.2.8's ``Strip.__init__`` sets besides its seven caches, and to what
_STRIP_PLAIN_SLOTS = {"_segments", "_cell_length", "_render_cache", "_link_ids", "_cell_count"}


def lazy_strip_caches() -> bool:
    """Make each rendered line's seven small caches when first used, not with the line.

    Textual 8.2.8's ``Strip`` (one line of a widget's render) makes seven ``FIFOCache`` objects,
    each with its own dict, every time a line is made; for lines kept (every widget keeps its
    last render, and cached crops are lines too) they are mostly never used. At the end of the
    guide walk the panel held ~1 900 lines and ~13 600 such caches, of which ~900 held anything:
    ~2 MiB of empty caches. Each slot now makes its cache when first read, with the size Textual
    gave it; a line that is cropped, styled or divided caches exactly as before. Textual's own
    ``Content`` already makes its divide cache this way. Returns whether it changed anything.
    """
    from textual.strip import Strip

    slots = set(getattr(Strip, "__slots__", ()))
    caches = slots - _STRIP_PLAIN_SLOTS
    if not caches or not all(isinstance(Strip.__dict__.get(name), MemberDescriptorType) for name in slots):
        return False  # applied already, or Textual's Strip has another shape
    probe = Strip([])
    sizes = {name: getattr(probe, name)._maxsize for name in caches}
    for name, size in sizes.items():
        setattr(Strip, name, _CacheOnFirstUse(Strip.__dict__[name], size))

    def __init__(self: Any, segments: Any, cell_length: int | None = None) -> None:
        self._segments = list(segments)
        self._cell_length = cell_length
        self._render_cache = None
        self._link_ids = None
        self._cell_count = None

    __init__.__doc__ = Strip.__init__.__doc__
    Strip.__init__ = __init__  # type: ignore[method-assign]
    return True


class _WeakSetOnFirstAdd:
    """A ``WeakSet`` that makes its set when the first item is added (see `lazy_timer_sets`)."""

    __slots__ = ("_items",)

    def __init__(self, items: Any = ()) -> None:
        from weakref import WeakSet

        self._items: WeakSet[Any] | None = WeakSet(items) if items else None

    def add(self, item: Any) -> None:
        if self._items is None:
            from weakref import WeakSet

            self._items = WeakSet()
        self._items.add(item)

    def discard(self, item: Any) -> None:
        if self._items is not None:
            self._items.discard(item)

    def clear(self) -> None:
        if self._items is not None:
            self._items.clear()

    def __len__(self) -> int:
        return 0 if self._items is None else len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)

    def __iter__(self) -> Any:
        return iter(()) if self._items is None else iter(self._items)

    def __contains__(self, item: object) -> bool:
        return self._items is not None and item in self._items


def lazy_timer_sets() -> bool:
    """Give each widget its set of timers when it starts its first timer, not when it is made.

    Textual 8.2.8's ``MessagePump.__init__`` makes a ``WeakSet`` for the timers of every widget
    (and of every virtual node that holds a component class's styles): ~0.9 KiB each, two sets,
    a list and a callback inside. Few widgets ever start a timer; the walk's ~740 nodes held
    ~0.6 MiB of empty ones. ``textual.message_pump`` uses its ``WeakSet`` name for that set
    only, so the name is given a set that is made on the first ``add``; adding, clearing,
    iterating and truth work as before. Returns whether it changed anything.
    """
    import textual.message_pump as message_pump
    from weakref import WeakSet

    if getattr(message_pump, "WeakSet", None) is not WeakSet:
        return False  # applied already, or Textual no longer makes its timer set this way
    message_pump.WeakSet = _WeakSetOnFirstAdd  # type: ignore[attr-defined, misc]
    return True


class _ShortQueue(list):  # type: ignore[type-arg]
    """A message queue's waiting messages: a list, with the one deque method Textual uses."""

    __slots__ = ()

    def popleft(self) -> Any:
        return self.pop(0)  # a widget's queue holds a few messages at a time


def short_message_queues() -> bool:
    """Hold each widget's waiting messages in a list rather than a ``deque``.

    An empty ``deque`` allocates a block of 64 slots (~0.6 KiB), a list 56 bytes; every mounted
    widget has a message queue (``textual._queue.Queue``, Textual 8.2.8), which holds a message
    or two at a time and empties at once: ~0.15 MiB over the walk's widgets. ``Queue`` appends,
    pops from the left, measures and tests for emptiness, all of which a list does. Returns
    whether it changed anything.
    """
    import collections

    import textual._queue as queue

    if getattr(queue, "deque", None) is not collections.deque:
        return False
    queue.deque = _ShortQueue  # type: ignore[attr-defined, misc]
    return True


class _ListWaitersEvent(asyncio.Event):
    """An ``asyncio.Event`` whose waiters are kept in a list (see `short_event_waiters`)."""

    def __init__(self) -> None:
        self._waiters = []  # type: ignore[assignment]
        self._value = False


def short_event_waiters() -> bool:
    """Keep the coroutines waiting on a widget's events in a list rather than a ``deque``.

    Textual 8.2.8 gives every widget two ``asyncio.Event``s: its message queue's "ready" event
    (``textual._queue.Queue``) and the event set once it is mounted; its timers one each. An
    ``asyncio.Event`` keeps its waiters in a ``deque``, which allocates a block of 64 slots
    (~0.6 KiB) even when empty; a list with its one waiter (a widget's message loop, idle) is
    ~0.1 KiB. ``asyncio.Event`` appends, removes and iterates its waiters, all of which a list
    does in the same order. Only Textual's own events are changed (its queue's, its timers' and
    the mounted event), never ``asyncio.Event`` itself. Returns whether it changed anything.
    """
    import textual._queue as queue
    import textual.message_pump as message_pump
    import textual.timer as timer
    from textual._compat import cached_property

    if getattr(queue, "Event", None) is not asyncio.Event:
        return False  # applied already, or Textual no longer makes its queue's event this way
    queue.Event = _ListWaitersEvent  # type: ignore[attr-defined, misc]
    if getattr(timer, "Event", None) is asyncio.Event:
        timer.Event = _ListWaitersEvent  # type: ignore[attr-defined, misc]
    mounted = message_pump.MessagePump.__dict__.get("_mounted_event")
    if isinstance(mounted, cached_property):
        made = cached_property(lambda self: _ListWaitersEvent())
        made.__set_name__(message_pump.MessagePump, "_mounted_event")
        made.__doc__ = mounted.__doc__
        message_pump.MessagePump._mounted_event = made  # type: ignore[assignment, method-assign]
    return True


#: attributes Textual 8.2.8's ``Widget.__init__`` (with ``DOMNode``'s and ``MessagePump``'s)
#: sets to the same constant for every widget, which most widgets keep for life: their scroll
#: bars, border titles, tooltip, anchoring, name, id... (see `compact_widget_dicts`)
WIDGET_CONSTANTS: dict[str, object] = {
    "_anchored": False, "_animate": None, "_auto_refresh": None, "_auto_refresh_timer": None,
    "_border_subtitle": None, "_border_title": None, "_cover_widget": None,
    "_has_odd_or_even": False, "_has_order_style": False, "_horizontal_scrollbar": None,
    "_vertical_scrollbar": None, "_scrollbar_corner": None, "_max_idle": None, "_name": None,
    "_id": None, "_tooltip": None, "_trap_focus": False, "absolute_offset": None,
    "highlight_style": None, "_closed": False, "_closing": False, "_pruning": False,
    "_render_markup": True, "_has_focus_within": False, "_anchor_released": False,
}


def compact_widget_dicts() -> bool:
    """Keep the constants of `WIDGET_CONSTANTS` on the class, not in every widget's dict.

    A Textual 8.2.8 widget ends up with ~100 instance attributes; a dict of more than 85 keys
    is a 256-slot table (~3.3 KiB), of 85 or fewer a 128-slot one (~1.7 KiB), and a dict never
    shrinks. Once ``Widget.__init__`` has run, each attribute of `WIDGET_CONSTANTS` that still
    holds its constant (the very object, and the class gives the same) leaves the widget's dict
    for a class attribute of ``Widget``, and the dict is copied to the size it needs: reading
    one gives the same value, setting one puts it back in the widget's dict. A plain widget
    (Static, Label, Button, a container) then stays under 85 keys for life. Returns whether it
    changed anything.
    """
    from textual.widget import Widget

    if getattr(Widget.__init__, "_compacts_dict", False):
        return False
    # and the shared empty set of disabled messages, where `shared_node_sets` gave it
    wanted = {**WIDGET_CONSTANTS, "_disabled_messages": _NONE_DISABLED}
    for name, value in wanted.items():
        if name in vars(Widget) and vars(Widget)[name] is not value:
            return False  # a Textual that has a class attribute of that name: leave it all
    for name, value in wanted.items():
        setattr(Widget, name, value)
    constants = tuple(wanted.items())
    init = Widget.__init__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        attrs = self.__dict__
        cls = type(self)
        for name, value in constants:
            if attrs.get(name, attrs) is value and getattr(cls, name, attrs) is value:
                del attrs[name]
        self.__dict__ = dict(attrs)  # sized for what is left (a dict keeps its size otherwise)

    __init__._compacts_dict = True  # type: ignore[attr-defined]
    __init__.__doc__ = init.__doc__
    Widget.__init__ = __init__  # type: ignore[method-assign]
    return True


#: what every component-class node shares (see `slim_component_nodes`), made on first use
_COMPONENT_NODE_PARTS: dict[str, Any] = {}


def _component_node(*, classes: str) -> Any:
    """A virtual node for one component class, without the parts only a real node uses."""
    from textual.dom import DOMNode

    node = DOMNode(classes=classes)
    if not _COMPONENT_NODE_PARTS:
        spare = DOMNode()
        _COMPONENT_NODE_PARTS.update({name: getattr(spare, name) for name in COMPONENT_NODE_SHARED})
    for name, part in _COMPONENT_NODE_PARTS.items():
        setattr(node, name, part)
    return node


#: a ``DOMNode``'s parts that a component-class node never uses: it has no children, posts
#: and receives no messages, has no key bindings and is never queried
COMPONENT_NODE_SHARED = ("_nodes", "message_signal", "_bindings", "_query_one_cache")


def slim_component_nodes() -> bool:
    """Component-class nodes share one set of the parts they never use.

    For every component class of a widget (an Input's cursor, placeholder, suggestion and
    selection; a list's option styles...) Textual 8.2.8's stylesheet makes a virtual
    ``DOMNode`` that lives as long as the widget's styles, to hold that class's styles; each
    makes a child list, a message signal, a bindings map and a query cache of its own, ~1.9 KiB
    of its ~5.3 KiB, used only by nodes in the DOM. The stylesheet's ``DOMNode`` name is given
    a function making the same node with those four shared. Returns whether it changed
    anything.
    """
    import textual.css.stylesheet as stylesheet
    from textual.dom import DOMNode

    if getattr(stylesheet, "DOMNode", None) is not DOMNode:
        return False  # applied already, or Textual no longer makes its virtual nodes this way
    stylesheet.DOMNode = _component_node  # type: ignore[assignment, misc]
    return True


#: the messages a widget has disabled, until it disables one (see `shared_node_sets`)
_NONE_DISABLED: frozenset[type] = frozenset()


def shared_node_sets() -> bool:
    """One set of CSS type names per widget class, and no set of disabled messages until one is.

    Textual 8.2.8's ``DOMNode.__init__`` gives every node its own set of the names of its class
    and base classes (``Static``, ``Widget``, ``DOMNode``...), the same for every instance of a
    class (~0.5 KiB), and an empty set of disabled message types, which few widgets ever fill
    (~0.2 KiB): ~0.5 MiB over the walk's ~740 nodes. Textual only reads the names (to list a
    node's selector names), so each node gets its class's frozen copy; the disabled messages
    start as one shared empty set and a node gets its own when it first disables one.
    Returns whether it changed anything.
    """
    from textual.dom import DOMNode
    from textual.message_pump import MessagePump

    original = DOMNode.__init__
    if getattr(original, "_panel_shared_sets", False):
        return False
    by_class: dict[type, frozenset[str]] = {}

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        names = by_class.get(type(self))
        if names is None or names != self._css_types:
            names = by_class[type(self)] = frozenset(self._css_types)
        self._css_types = names
        if not self._disabled_messages:
            self._disabled_messages = _NONE_DISABLED

    def disable_messages(self: Any, *messages: type) -> None:
        if self._disabled_messages is _NONE_DISABLED:
            self._disabled_messages = set()
        self._disabled_messages.update(messages)

    def enable_messages(self: Any, *messages: type) -> None:
        if self._disabled_messages is not _NONE_DISABLED:
            self._disabled_messages.difference_update(messages)

    __init__.__doc__ = original.__doc__
    __init__._panel_shared_sets = True  # type: ignore[attr-defined]
    for name, function in (("disable_messages", disable_messages), ("enable_messages", enable_messages)):
        function.__doc__ = getattr(MessagePump, name).__doc__
        setattr(MessagePump, name, function)
    DOMNode.__init__ = __init__  # type: ignore[method-assign]
    return True


#: Parsed CSS sources kept per stylesheet: every widget class's DEFAULT_CSS, app.tcss and the
#: surfaces' files (about 100 after Web Config and F4), with room to spare.
PARSE_CACHE_SIZE = 1024


class CachedReparseStylesheet(Stylesheet):
    """``Stylesheet`` whose ``reparse`` reuses the sources already parsed (see `parse_css_once`)."""

    def set_variables(self, variables: dict[str, str]) -> None:
        """Textual's, except that the same variables again keep what was parsed with them.

        ``App.refresh_css`` sets the theme's variables each time, theme changed or not, and
        Textual empties the parse cache whenever they are set: every refresh parsed all the
        CSS again (~50 ms with Web Config's and F4's sources)."""
        if variables == self._variables:
            return
        super().set_variables(variables)

    def reparse(self) -> None:
        """Textual 8.2.8's ``reparse``, except that the fresh stylesheet gets this one's cache."""
        stylesheet = Stylesheet(variables=self._variables)
        stylesheet._parse_cache = self._parse_cache
        for read_from, (css, is_defaults, tie_breaker, scope) in self.source.items():
            stylesheet.add_source(css, read_from=read_from, is_default_css=is_defaults,
                                  tie_breaker=tie_breaker, scope=scope)
        try:
            stylesheet.parse()
        except Exception:
            self._invalid_css.update(stylesheet._invalid_css)
            raise
        else:
            self._rules = stylesheet.rules
            self._rules_map = None
            self.source = stylesheet.source
            self._require_parse = False


def parse_css_once(app: Any) -> bool:
    """Parse each CSS source once, not all of them again at every new screen or widget class.

    Textual 8.2.8's stylesheet keeps parsed sources in an ``LRUCache(64)``, but ``parse()``
    walks every source in order: past 64 sources (the panel reaches ~90 with Web Config) each
    walk evicts what it needs next, so every new widget class parsed all the CSS again. And
    ``reparse()``, which a screen with its own CSS file (Scan to Email, Web Config, Cloud)
    causes when first opened, parses in a fresh stylesheet with an empty cache. Together that
    was about half of the first F3 and F4 and the ~55 ms of the first Scan to Email screen.

    The cache grows to `PARSE_CACHE_SIZE`, and ``reparse()`` hands it to the fresh stylesheet:
    Textual clears it in ``set_variables`` (a theme change), so what it holds was always parsed
    with the current variables and the rules come out the same. Returns whether it changed it.
    """
    stylesheet = app.stylesheet
    if type(stylesheet) is not Stylesheet:
        return False
    stylesheet._parse_cache = LRUCache(PARSE_CACHE_SIZE)
    stylesheet.__class__ = CachedReparseStylesheet
    return True


def mark_new_screen_styled(screen: object) -> None:
    """For ``App.push_screen``: a screen not mounted yet is styled by the current stylesheet
    when it mounts (see `styled_with_current_css`); one pushed again keeps its count."""
    from textual.screen import Screen

    if isinstance(screen, Screen) and not screen.is_attached:
        styled_with_current_css(screen)


def styled_with_current_css(screen: Any) -> Any:
    """Mark a screen, made or mounted now, as styled with the CSS as it stands.

    Textual 8.2.8 gives a new screen an update count of -1 and sets it only in ``refresh_css``,
    and switching to a mode whose top screen's count differs from the app's calls
    ``refresh_css``: the theme's variables set again (which empties the stylesheet's parse
    cache), all the CSS parsed again and every widget of the screens shown restyled. So the
    first F3 and F4 did it twice each (``_init_mode`` and ``switch_mode``), and F2 back to a
    panel page pushed since (a status page, Scan) once more. That refresh is for a screen
    styled before a theme change; a screen made now is styled from the current stylesheet
    when it mounts. A later theme change still raises the app's count, so the screen is
    refreshed when next shown, as before.
    """
    from textual._context import active_app

    try:
        screen._css_update_count = active_app.get()._css_update_count
    except LookupError:  # made outside an app (a test): Textual's default stays
        pass
    return screen


def skip_style_updates_before_mount() -> bool:
    """Do not restyle a widget that is not in the app's DOM yet: it is styled when mounted.

    Textual 8.2.8 restyles a node (``DOMNode.update_node_styles``: the whole stylesheet matched
    against it and its children) each time one of its classes changes, mounted or not. A
    widget's constructor sets reactives whose watchers change classes: ``Button.__init__`` sets
    ``variant``, ``flat`` and ``compact``, four restylings before the button is even mounted.
    The lock icon on every panel page is a Button: ~8 % of each page change's work before its
    first frame was this (cProfile, key to frame). ``App._register`` applies the stylesheet to
    every widget it mounts, from its classes at that moment, so a restyle before then changes
    nothing that is ever shown. A node with no parent (not mounted yet, or removed) is skipped;
    the app itself has no parent and always restyles. Returns whether it changed anything.
    """
    from textual.app import App
    from textual.dom import DOMNode

    current = DOMNode.update_node_styles
    if getattr(current, "_panel_skips_unmounted", False):
        return False  # applied already

    def update_node_styles(self: DOMNode, animate: bool = True) -> None:
        if self._parent is None and not isinstance(self, App):
            return
        current(self, animate=animate)

    update_node_styles._panel_skips_unmounted = True  # type: ignore[attr-defined]
    update_node_styles.__doc__ = current.__doc__
    DOMNode.update_node_styles = update_node_styles  # type: ignore[method-assign]
    return True


def restyle_resumed_screens_only_when_stale() -> bool:
    """A screen shown again restyles its widgets only if app-wide styling changed meanwhile.

    Textual 8.2.8 restyles a screen's whole tree (the stylesheet matched against every widget)
    on each ``ScreenResume``, the event a screen gets when pushed, popped back to or switched to
    with its mode. That catches what changed while it was not shown: the CSS (a theme: counted
    by ``App._css_update_count``), the app's classes (``-high-contrast``) and the app's focus
    (``App.update_styles`` of the app and ``_watch_app_focus`` restyle only the screen shown).
    Everything else restyles its own widgets as it changes, shown or not (a class set, a focus
    moved). So a screen styled since the last of those changes is styled already: a screen just
    pushed (each widget styled as it mounted), the panel page under a closed one, the Web Config
    or Cloud surface F3/F4 switches back to. The first F4 restyled all of Cloud twice (its mode's
    first ``ScreenResume`` and the switch's): about a third of the work before its first frame.

    Each app counts those changes (an epoch); a screen remembers the count and CSS version it was
    last styled under (when composed, and after each full restyle); a resume with both unchanged
    skips the restyle. Returns whether it changed anything.
    """
    from textual.app import App
    from textual.screen import Screen

    if getattr(Screen._on_screen_resume, "_panel_skips_fresh", False):
        return False  # applied already

    original_resume = Screen._on_screen_resume
    original_compose = Screen._compose
    original_update_styles = App.update_styles
    original_watch_app_focus = App._watch_app_focus

    def style_token(app: App[object]) -> tuple[int, int]:
        return (app._css_update_count, getattr(app, "_panel_style_epoch", 0))

    def bump(app: App[object]) -> None:
        app._panel_style_epoch = getattr(app, "_panel_style_epoch", 0) + 1  # type: ignore[attr-defined]

    def update_styles(self: App[object], node: Any, animate: bool = True) -> None:
        if node is self:  # the app's classes changed: screens not shown go stale
            bump(self)
        original_update_styles(self, node, animate=animate)

    def watch_app_focus(self: App[object], focus: bool) -> None:
        bump(self)  # ``:focus``/``:blur`` of the app: Textual restyles the screen shown only
        original_watch_app_focus(self, focus)

    async def compose(self: Screen[object]) -> None:
        token = style_token(self.app)  # before: what mounts from here on is styled at least this fresh
        await original_compose(self)
        self._panel_styled_under = token  # type: ignore[attr-defined]

    def on_screen_resume(self: Screen[object], event: Any) -> None:
        if not event.refresh_styles:  # Textual asks for no restyle: the screen stays as styled
            original_resume(self, event)
            return
        token = style_token(self.app)
        if getattr(self, "_panel_styled_under", None) == token:
            event.refresh_styles = False
        original_resume(self, event)
        if self.is_attached:  # restyled now, if it was not styled already
            self._panel_styled_under = token  # type: ignore[attr-defined]

    on_screen_resume._panel_skips_fresh = True  # type: ignore[attr-defined]
    App.update_styles = update_styles  # type: ignore[method-assign]
    App._watch_app_focus = watch_app_focus  # type: ignore[method-assign]
    Screen._compose = compose  # type: ignore[method-assign]
    Screen._on_screen_resume = on_screen_resume  # type: ignore[method-assign]
    return True
