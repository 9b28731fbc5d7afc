"""Work-arounds for Textual bugs the panel runs into, each applied once, each with its issue.

Textual is pinned (constraints.txt); when a pinned version fixes one, its function finds nothing
to change and does nothing, and the test that proves the symptom keeps guarding it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


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
